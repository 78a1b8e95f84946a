import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Prisma, type PrismaClient } from '@nixflow/db/client';

/** Tables the application needs: one per Prisma model (no @@map in schema.prisma). */
export const REQUIRED_TABLES: readonly string[] = Object.values(Prisma.ModelName);

/**
 * Columns the application reads, per table: the scalar and enum fields of each model, from the
 * generated client's `<Model>ScalarFieldEnum` (Prisma 7's `prisma-client` generator exports no
 * `Prisma.dmmf`; these enums are the same field list). No @map in schema.prisma: field = column.
 */
export const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  REQUIRED_TABLES.map((model) => {
    const fields = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[`${model}ScalarFieldEnum`];
    return [model, Object.values(fields ?? {})];
  }),
);

/** What an operator runs to fix a mismatch (also in the API's 503 body). */
export const FIX_COMMAND = 'npm run db:migrate (or ./apply_sla_migration.sh)';

export interface SchemaCheck {
  ok: boolean;
  missingTables: string[];
  /** `Table.column` for columns missing from tables that exist. */
  missingColumns: string[];
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

/** Compares the live catalog with the models (one catalog query) and reads the migration history. */
export async function checkSchema(prisma: Raw): Promise<SchemaCheck> {
  const rows = await prisma.$queryRawUnsafe<{ table: string; column: string | null }[]>(
    `SELECT c.relname AS "table", a.attname AS "column"
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`,
  );
  const present = new Map<string, Set<string>>();
  for (const { table, column } of rows) {
    if (!present.has(table)) present.set(table, new Set());
    if (column) present.get(table)!.add(column);
  }
  const missingTables = REQUIRED_TABLES.filter((t) => !present.has(t));
  const missingColumns = REQUIRED_TABLES.filter((t) => present.has(t)).flatMap((t) =>
    REQUIRED_COLUMNS[t].filter((c) => !present.get(t)!.has(c)).map((c) => `${t}.${c}`),
  );
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
    ok:
      missingTables.length === 0 &&
      missingColumns.length === 0 &&
      pendingMigrations.length === 0 &&
      failedMigrations.length === 0,
    missingTables,
    missingColumns,
    pendingMigrations,
    failedMigrations,
  };
}

/** The `[DB-MISMATCH]` lines for a check: one per missing table, per missing column, and per migration. */
export function mismatchLines(check: SchemaCheck): { level: 'error' | 'warn'; line: string }[] {
  return [
    ...check.missingTables.map((t) => ({
      level: 'error' as const,
      line: `[DB-MISMATCH] table "${t}" is missing: run ${FIX_COMMAND}`,
    })),
    ...check.missingColumns.map((c) => ({
      level: 'error' as const,
      line: `[DB-MISMATCH] column "${c}" is missing: run ${FIX_COMMAND}`,
    })),
    ...check.failedMigrations.map((m) => ({
      level: 'error' as const,
      line: `[DB-MISMATCH] migration ${m} failed and blocks the others: fix its cause, then npm run db:migrate -- --resolve-rolled-back ${m} (see SLA_MIGRATION_README.md)`,
    })),
    ...check.pendingMigrations.map((m) => ({
      level: 'warn' as const,
      line: `[DB-MISMATCH] migration ${m} is not applied: run ${FIX_COMMAND}`,
    })),
  ];
}
