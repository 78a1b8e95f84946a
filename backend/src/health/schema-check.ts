import { Prisma, type PrismaClient } from '@nixflow/db/client';
import { classifyMigrations, defaultMigrationsDir, type HistoryRow, readMigrations } from '@nixflow/db';

/** Tables the application needs: one per Prisma model (no @@map in schema.prisma). */
export const REQUIRED_TABLES: readonly string[] = Object.values(Prisma.ModelName);

export interface SchemaCheck {
  ok: boolean;
  missingTables: string[];
  pendingMigrations: string[];
  failedMigrations: string[];
}

/** backend/prisma/migrations (MIGRATIONS_DIR overrides). */
export function migrationsDir(): string {
  return defaultMigrationsDir();
}

/** Names of the local migrations in order, or undefined when the folder is not shipped. */
export function localMigrations(dir = migrationsDir()): string[] | undefined {
  try {
    return readMigrations(dir).migrations.map((m) => m.name);
  } catch {
    return undefined;
  }
}

type Raw = Pick<PrismaClient, '$queryRawUnsafe'>;

/**
 * Missing tables plus pending and failed migrations. The migration states come from the db
 * package's classifier (the same one `npm run db:status` and `db:migrate` use).
 */
export async function checkSchema(prisma: Raw): Promise<SchemaCheck> {
  const rows = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT c.relname AS name FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`,
  );
  const present = new Set(rows.map((r) => r.name));
  const missingTables = REQUIRED_TABLES.filter((t) => !present.has(t));
  let local: ReturnType<typeof readMigrations>['migrations'] | undefined;
  try {
    local = readMigrations(migrationsDir()).migrations;
  } catch {
    local = undefined; // an image without the migrations folder: report tables only
  }
  let pendingMigrations: string[];
  let failedMigrations: string[] = [];
  if (!present.has('_prisma_migrations')) {
    pendingMigrations = local?.map((m) => m.name) ?? ['(no _prisma_migrations table)'];
  } else {
    const history = await prisma.$queryRawUnsafe<HistoryRow[]>(
      `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
         FROM "_prisma_migrations" ORDER BY started_at`,
    );
    const status = classifyMigrations(local ?? [], history);
    pendingMigrations = status.pending;
    failedMigrations = [...new Set(status.failed.map((f) => f.name))].sort();
  }
  return {
    ok: missingTables.length === 0 && pendingMigrations.length === 0 && failedMigrations.length === 0,
    missingTables,
    pendingMigrations,
    failedMigrations,
  };
}
