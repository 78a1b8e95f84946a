import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Prisma, type PrismaClient } from '@nixflow/db/client';

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
  return process.env.MIGRATIONS_DIR || fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
}

export function localMigrations(dir = migrationsDir()): string[] | undefined {
  if (!fs.existsSync(dir)) return undefined;
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(`${dir}/${d.name}/migration.sql`))
    .map((d) => d.name)
    .sort();
}

type Raw = Pick<PrismaClient, '$queryRawUnsafe'>;

export async function checkSchema(prisma: Raw): Promise<SchemaCheck> {
  const rows = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT c.relname AS name FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`,
  );
  const present = new Set(rows.map((r) => r.name));
  const missingTables = REQUIRED_TABLES.filter((t) => !present.has(t));
  let pendingMigrations: string[];
  let failedMigrations: string[] = [];
  const local = localMigrations();
  if (!present.has('_prisma_migrations')) {
    pendingMigrations = local ?? ['(no _prisma_migrations table)'];
  } else {
    const applied = await prisma.$queryRawUnsafe<
      { migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[]
    >(`SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`);
    const done = new Set(applied.filter((m) => m.finished_at && !m.rolled_back_at).map((m) => m.migration_name));
    failedMigrations = applied
      .filter((m) => !m.finished_at && !m.rolled_back_at && !done.has(m.migration_name))
      .map((m) => m.migration_name)
      .sort();
    pendingMigrations = (local ?? []).filter((name) => !done.has(name));
  }
  return {
    ok: missingTables.length === 0 && pendingMigrations.length === 0 && failedMigrations.length === 0,
    missingTables,
    pendingMigrations,
    failedMigrations,
  };
}
