export * from './routing-rules.js';
export * from './assignment.js';
