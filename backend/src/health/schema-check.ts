import { Prisma, type PrismaClient } from '@nixflow/db/client';
import { classifyMigrations, defaultMigrationsDir, type HistoryRow, readMigrations } from '@nixflow/db';

/**
 * Models stored under another table name (`@@map` in schema.prisma: seed 003's SLA tables keep their
 * names). The generated client does not expose `@@map`; a test checks this list against the schema.
 */
export const MAPPED_TABLES: Readonly<Partial<Record<Prisma.ModelName, string>>> = {
  SlaPolicy: 'SLAPolicy',
  SlaMetric: 'SLAMetric',
  SlaBreach: 'SLABreach',
};

const MODELS = Object.values(Prisma.ModelName);
const tableOf = (model: Prisma.ModelName): string => MAPPED_TABLES[model] ?? model;

/** Tables the application needs: one per Prisma model. */
export const REQUIRED_TABLES: readonly string[] = MODELS.map(tableOf);

/**
 * Columns the application reads, per table: the scalar and enum fields of each model, from the
 * generated client's `<Model>ScalarFieldEnum` (Prisma 7's `prisma-client` generator exports no
 * `Prisma.dmmf`; these enums are the same field list). No field-level @map in schema.prisma: field = column.
 */
export const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  MODELS.map((model) => {
    const fields = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[`${model}ScalarFieldEnum`];
    return [tableOf(model), Object.values(fields ?? {})];
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
 * Compares the live catalog with the models (one catalog query); pending and failed migrations come
 * from the db package's classifier (the same one `npm run db:status` and `db:migrate` use).
 */
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
  let local: ReturnType<typeof readMigrations>['migrations'] | undefined;
  try {
    local = readMigrations(migrationsDir()).migrations;
  } catch {
    local = undefined; // an image without the migrations folder: report tables only
  }
  const missingColumns = REQUIRED_TABLES.filter((t) => present.has(t)).flatMap((t) =>
    REQUIRED_COLUMNS[t].filter((c) => !present.get(t)!.has(c)).map((c) => `${t}.${c}`),
  );
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
