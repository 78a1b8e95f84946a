import { isSchemaMismatch } from '@nixflow/domain';

/**
 * True when an error means the database is behind the code (a table or column missing: migrations not
 * applied). The classification is @nixflow/domain's, the one the API uses too.
 */
export function isMissingSchemaError(err: unknown): boolean {
  return isSchemaMismatch(err);
}

export const DB_MISMATCH_MESSAGE = '[DB-MISMATCH] Database migrations not applied: run npm run db:migrate';
