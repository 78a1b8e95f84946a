// Pure logic shared by backend and worker. No framework imports, no I/O.
export * from './sla-clock/index.js';
export * from './sla-lifecycle/index.js';
export * from './tickets/index.js';
export * from './schema-compare/index.js';
export * from './email/index.js';
export * from './queues.js';
export * from './forms/index.js';
export * from './events/index.js';
export * from './routing/index.js';
export * from './macros/index.js';
