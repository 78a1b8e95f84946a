import type pg from 'pg';

/** The migrations table exactly as Prisma's schema engine creates it on PostgreSQL. */
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

export interface HistoryRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

export async function migrationsTableExists(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ t: string | null }>(`SELECT to_regclass('_prisma_migrations')::text AS t`);
  return rows[0]?.t != null;
}

/** Rows in the order Prisma reads them (started_at). Empty when the table does not exist yet. */
export async function readHistory(client: pg.ClientBase): Promise<HistoryRow[]> {
  if (!(await migrationsTableExists(client))) return [];
  const { rows } = await client.query<HistoryRow>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM _prisma_migrations ORDER BY started_at ASC, id ASC`,
  );
  return rows;
}

/** Prisma's notion of a failed migration (P3009): started, never finished, not marked rolled back. */
export const isFailed = (r: HistoryRow): boolean => r.finished_at === null && r.rolled_back_at === null;
export const isApplied = (r: HistoryRow): boolean => r.finished_at !== null && r.rolled_back_at === null;
