export * from './types.js';
export { compareSchemas, formatComparison, type CompareOptions } from './compare.js';
