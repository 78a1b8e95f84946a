export * from './stream-cursor.js';
export * from './stream-visibility.js';
