export * from './loop-safety.js';
export * from './message-ids.js';
export * from './reference-token.js';
export * from './secret-box.js';
export * from './subject.js';
export * from './threading.js';
export * from './jobs.js';
export * from './quoted-reply.js';
