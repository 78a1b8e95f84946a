export * from './types.js';
export * from './limits.js';
export * from './pattern.js';
export * from './values.js';
export * from './visibility.js';
export * from './definition.js';
export * from './compose.js';
export * from './json-schema.js';
