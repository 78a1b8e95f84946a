import { compareSchemas, type SchemaComparison, type SchemaDifference } from '@nixflow/core/schema-compare';
import { migrationDatabaseUrl } from '../config.js';
import { connect, databaseName } from '../migrate/connection.js';
import { MigrationSetupError } from '../migrate/errors.js';
import { defaultMigrationsDir, readMigrations } from '../migrate/migrations-folder.js';
import { classifyMigrations } from '../migrate/status.js';
import { readHistory } from '../migrate/history.js';
import { readCatalog } from './catalog.js';
import { buildShadowSchema } from './shadow.js';

export interface VerifyResult extends SchemaComparison {
  database: string;
  migrationsDir: string;
  /** Migrations recorded as applied whose objects are (partly) missing: drift behind the history's back. */
  driftedMigrations: string[];
  /** Migrations not applied yet (their objects are expected missing: run migrate). */
  pendingMigrations: string[];
  failedMigrations: string[];
  /** What to run next, or null when nothing is missing. */
  hint: string | null;
}

/** Attributes a missing/different object to the migration that creates it. */
function sourceMigration(d: SchemaDifference, introducedBy: Map<string, string>): string | undefined {
  return (
    introducedBy.get(d.key) ??
    (d.table ? introducedBy.get(`table "${d.table.replace(/"/g, '""')}"`) : undefined) ??
    introducedBy.get(`enum "${(d.table ?? d.name).replace(/"/g, '""')}"`)
  );
}

/**
 * Compares the live database with the schema its migrations declare (built in a scratch database).
 * Throws DatabaseUnreachableError when the server cannot be reached.
 */
export async function verifySchema(options: { url?: string; migrationsDir?: string } = {}): Promise<VerifyResult> {
  const url = options.url ?? migrationDatabaseUrl();
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const { migrations } = readMigrations(migrationsDir);
  let live;
  try {
    live = await connect(url); // first, so that an unreachable server is reported as such
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
    throw new MigrationSetupError(
      `Database "${databaseName(url)}" does not exist: npm run db:migrate creates and migrates it.`,
    );
  }
  let actual;
  let history;
  try {
    actual = await readCatalog(live);
    history = await readHistory(live);
  } finally {
    await live.end().catch(() => undefined);
  }
  const { snapshot: expected, introducedBy } = await buildShadowSchema(url, migrations);
  const comparison = compareSchemas(expected, actual);
  const status = classifyMigrations(migrations, history);
  const problems = [...comparison.missing, ...comparison.different];
  const sources = new Set(problems.map((d) => sourceMigration(d, introducedBy)).filter((m): m is string => !!m));
  const driftedMigrations = status.applied.filter((m) => sources.has(m));
  const pendingMigrations = status.pending;
  const failedMigrations = status.failed.map((f) => f.name);
  let hint: string | null = null;
  if (failedMigrations.length) {
    hint = `A failed migration blocks migrating (${failedMigrations.join(', ')}): see npm run db:status.`;
  } else if (driftedMigrations.length) {
    const which = driftedMigrations.join(', ');
    const one = driftedMigrations.length === 1;
    hint =
      `The migration history says ${which} ${one ? 'is' : 'are'} applied, yet objects ${one ? 'it creates are' : 'they create are'} missing or different (schema drift).\n` +
      (comparison.missing.length
        ? 'Repair missing objects (adds only what is missing, keeps data): npm run db:migrate -- --repair   (or ./apply_sla_migration.sh)\n'
        : '') +
      (comparison.different.length
        ? 'A different object is not changed by --repair: fix it by hand or in a new migration.\n'
        : '');
    hint = hint.trimEnd();
  } else if (pendingMigrations.length && problems.length) {
    hint = `${pendingMigrations.length} migration(s) are not applied yet: npm run db:migrate`;
  } else if (problems.length) {
    hint =
      'Objects were changed outside the migrations: npm run db:migrate -- --repair restores missing ones; a different one needs a new migration or a manual fix.';
  }
  return {
    ...comparison,
    database: databaseName(url),
    migrationsDir,
    driftedMigrations,
    pendingMigrations,
    failedMigrations,
    hint,
  };
}
