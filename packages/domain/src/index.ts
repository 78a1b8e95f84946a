export * from './clock.js';
export * from './domain.module.js';
export * from './errors.js';
export * from './tokens.js';
