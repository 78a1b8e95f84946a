export * from './ticket-rules.js';
