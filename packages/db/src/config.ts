import { migrateEnvSchema, parseEnv } from './env.js';

import { DEFAULT_DATABASE_URL } from './defaults.js';

export { DEFAULT_DATABASE_URL };

/** The application's connection (API, worker, seed): may go through a pooler such as PgBouncer. */
export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

/**
 * The connection migrations, `db:status` and `db:verify` use, as Prisma's `directUrl` convention:
 * `DATABASE_DIRECT_URL` (or `DIRECT_URL`) when set, else `DATABASE_URL`. Migrations need one server
 * session for the whole run (advisory lock, transactions, CREATE DATABASE), which a transaction
 * pooler does not give.
 */
export function migrationDatabaseUrl(): string {
  return process.env.DATABASE_DIRECT_URL || process.env.DIRECT_URL || databaseUrl();
}

/** Which setting `migrationDatabaseUrl()` came from, for messages. */
export function migrationUrlSetting(): string {
  if (process.env.DATABASE_DIRECT_URL) return 'DATABASE_DIRECT_URL';
  if (process.env.DIRECT_URL) return 'DIRECT_URL';
  return 'DATABASE_URL';
}

/** How long a migration run waits for another run's lock (Prisma waits 10 s, then fails with P1002). */
export function migrateLockTimeoutMs(): number {
  // Validated with the CLIs' schema: a typo stops the run with a message naming the variable.
  return parseEnv(migrateEnvSchema, { MIGRATE_LOCK_TIMEOUT_MS: process.env.MIGRATE_LOCK_TIMEOUT_MS })
    .MIGRATE_LOCK_TIMEOUT_MS;
}
