import { migrationDatabaseUrl } from '../config.js';
import { scriptMatchesChecksum } from './checksum.js';
import { connect } from './connection.js';
import { type HistoryRow, isApplied, isFailed, readHistory } from './history.js';
import { defaultMigrationsDir, type LocalMigration, readMigrations } from './migrations-folder.js';

export interface FailedMigration {
  name: string;
  startedAt: Date;
  logs: string | null;
}

export interface MigrationStatus {
  migrationsDir: string;
  /** false when the database itself does not exist yet (every migration is then pending). */
  databaseExists: boolean;
  /** Every local migration in folder order, with its state. */
  migrations: { name: string; state: 'applied' | 'pending' | 'failed'; modified: boolean }[];
  applied: string[];
  pending: string[];
  /** Started and never finished nor rolled back: blocks `migrate` like Prisma's P3009. */
  failed: FailedMigration[];
  /** Applied, but the migration.sql on disk no longer matches the recorded checksum. */
  modified: string[];
  /** Recorded as applied in the database but absent from the migrations folder. */
  unknown: string[];
  /** Nothing pending, failed or unknown (a modified migration is a warning only). */
  upToDate: boolean;
  warnings: string[];
}

/** Classifies local migrations against `_prisma_migrations` rows the way Prisma does. Pure. */
export function classifyMigrations(
  local: Pick<LocalMigration, 'name' | 'script'>[],
  history: HistoryRow[],
): Omit<MigrationStatus, 'migrationsDir' | 'databaseExists' | 'warnings'> {
  const localNames = new Set(local.map((m) => m.name));
  const failed: FailedMigration[] = history
    .filter(isFailed)
    .map((r) => ({ name: r.migration_name, startedAt: r.started_at, logs: r.logs }));
  const failedNames = new Set(failed.map((f) => f.name));
  const migrations = local.map((m) => {
    const rows = history.filter((r) => r.migration_name === m.name);
    const applied = rows.filter(isApplied);
    if (failedNames.has(m.name)) return { name: m.name, state: 'failed' as const, modified: false };
    if (applied.length === 0) return { name: m.name, state: 'pending' as const, modified: false };
    const modified = !applied.some((r) => scriptMatchesChecksum(m.script, r.checksum));
    return { name: m.name, state: 'applied' as const, modified };
  });
  const unknown = [
    ...new Set(history.filter((r) => isApplied(r) && !localNames.has(r.migration_name)).map((r) => r.migration_name)),
  ];
  const pending = migrations.filter((m) => m.state === 'pending').map((m) => m.name);
  return {
    migrations,
    applied: migrations.filter((m) => m.state === 'applied').map((m) => m.name),
    pending,
    failed,
    modified: migrations.filter((m) => m.modified).map((m) => m.name),
    unknown,
    upToDate: pending.length === 0 && failed.length === 0 && unknown.length === 0,
  };
}

/** `prisma migrate status` without the engine. Throws DatabaseUnreachableError when the server is down. */
export async function migrationStatus(
  options: { url?: string; migrationsDir?: string } = {},
): Promise<MigrationStatus> {
  const url = options.url ?? migrationDatabaseUrl();
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const { migrations, warnings } = readMigrations(migrationsDir);
  let history: HistoryRow[] = [];
  let databaseExists = true;
  try {
    const client = await connect(url);
    try {
      history = await readHistory(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
    databaseExists = false;
  }
  return { migrationsDir, databaseExists, warnings, ...classifyMigrations(migrations, history) };
}
