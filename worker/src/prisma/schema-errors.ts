/** What the worker logs when the database is behind the code (migrations not applied). */
export const DB_MISMATCH_MESSAGE = '[DB-MISMATCH] Database migrations not applied: run npm run db:migrate';
