export { databaseUrl, DEFAULT_DATABASE_URL } from './config.js';
export * from './migrate/index.js';
export * from './verify/index.js';
export * from './env.js';
export { preparedStatementNames, usePreparedStatements } from './prepared-statements.js';
