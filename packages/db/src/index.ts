export { databaseUrl, DEFAULT_DATABASE_URL } from './config.js';
