import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { migrateLockTimeoutMs, migrationDatabaseUrl, migrationUrlSetting } from '../config.js';
import {
  acquireMigrationLock,
  connectCreatingDatabase,
  databaseName,
  describeLockHolder,
  MigrationInterruptedError,
  refusePooler,
  releaseMigrationLock,
} from './connection.js';
import { describePgError, MigrationBlockedError, MigrationSetupError } from './errors.js';
import { CREATE_MIGRATIONS_TABLE, isFailed, migrationsTableExists, readHistory } from './history.js';
import { defaultMigrationsDir, lineOf, type LocalMigration, readMigrations } from './migrations-folder.js';
import { classifyMigrations } from './status.js';
import { compareSchemas, formatComparison, type SchemaSnapshot } from '@nixflow/core/schema-compare';
import { readCatalog } from '../verify/catalog.js';
import { buildShadowSchema } from '../verify/shadow.js';

export interface MigrateOptions {
  url?: string;
  migrationsDir?: string;
  /** Also re-run the (idempotent) scripts of applied migrations to restore dropped objects. */
  repair?: boolean;
  /** Progress lines (default: console.log unless NIXFLOW_QUIET=1). */
  log?: (line: string) => void;
  /** Warnings (default: console.warn). */
  warn?: (line: string) => void;
  /** How long to wait for another runner's lock (default MIGRATE_LOCK_TIMEOUT_MS, else 10 s as Prisma). */
  lockTimeoutMs?: number;
  /**
   * For a database whose schema exists but has no `_prisma_migrations` (Prisma's P3005 case):
   * check that the schema matches what the migrations declare, then record them all as applied.
   */
  baseline?: boolean;
  /** The setting the URL came from, for messages (default: the one migrationDatabaseUrl() used). */
  urlSetting?: string;
  /** Called after the lock is taken, before anything runs (tests use it to observe the lock). */
  onLocked?: () => Promise<void> | void;
}

export interface MigrateResult {
  databaseCreated: boolean;
  /** Migrations recorded as applied by --baseline (not run). */
  baselined: string[];
  applied: { name: string; ms: number }[];
  /** Re-run applied migrations, with the objects each one restored (`table "SLAPolicy"` …). */
  repaired: { name: string; ms: number; restored: string[] }[];
  modified: string[];
  unknown: string[];
}

/** A script that must run outside a transaction (e.g. CREATE INDEX CONCURRENTLY) says so. */
const NO_TRANSACTION_MARKER = /^--\s*nixflow:no-transaction\s*$/m;

export const resolveHint = (name: string): string =>
  `npm run db:migrate -- --resolve-rolled-back ${name}   (or: npx prisma migrate resolve --rolled-back ${name})`;

function quietByDefault(): boolean {
  return process.env.NIXFLOW_QUIET === '1' || process.env.NIXFLOW_QUIET === 'true';
}

async function ensureMigrationsTable(client: pg.ClientBase): Promise<void> {
  if (!(await migrationsTableExists(client))) await client.query(CREATE_MIGRATIONS_TABLE);
}

/**
 * Runs the migration's prelude (if any) then its script in one transaction, and `thenInTx` in the same
 * one when given. What the prelude reports (RAISE WARNING/NOTICE: what it changed) goes to `report`.
 */
async function runInTransaction(
  client: pg.ClientBase,
  m: LocalMigration,
  thenInTx?: () => Promise<void>,
  report: (line: string) => void = (l) => console.warn(l),
): Promise<void> {
  const run = async () => {
    if (m.prelude) await runPrelude(client, m.prelude, report);
    await client.query(m.script);
    await thenInTx?.();
  };
  if (NO_TRANSACTION_MARKER.test(m.script)) return run();
  await client.query('BEGIN');
  try {
    await run();
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function runPrelude(client: pg.ClientBase, sql: string, report: (line: string) => void): Promise<void> {
  // What it changed (RAISE WARNING); not the "already exists, skipping" notices of its guarded DDL.
  const onNotice = (n: { message?: string; severity?: string }) =>
    n.severity === 'WARNING' && n.message && report(`  ${n.message}`);
  client.on('notice', onNotice);
  try {
    await client.query(sql);
  } finally {
    client.off('notice', onNotice);
  }
}

function failureText(m: LocalMigration, err: unknown): string {
  const position = Number((err as { position?: string }).position);
  const where =
    Number.isFinite(position) && position > 0
      ? ` (at line ${lineOf(m.script, position)} of ${m.file})`
      : ` (in ${m.file})`;
  const [first, ...rest] = describePgError(err).split('\n');
  return [`${first}${where}`, ...rest].join('\n');
}

/** Applies one pending migration with Prisma's row lifecycle; throws MigrationBlockedError on failure. */
async function applyMigration(client: pg.ClientBase, m: LocalMigration, report: (line: string) => void): Promise<void> {
  const id = randomUUID();
  // Recorded before running, as Prisma does, so that a crash leaves a visible failed migration.
  await client.query(
    `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name, applied_steps_count)
     VALUES ($1, $2, now(), $3, 0)`,
    [id, m.checksum, m.name],
  );
  try {
    await runInTransaction(
      client,
      m,
      async () => {
        await client.query(
          `UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp() WHERE id = $1`,
          [id],
        );
      },
      report,
    );
  } catch (err) {
    const text = failureText(m, err);
    await client.query(`UPDATE _prisma_migrations SET logs = $2 WHERE id = $1`, [id, text]).catch(() => undefined);
    throw new MigrationBlockedError(
      [
        `Migration ${m.name} failed: ${text}`,
        'Nothing of it was kept: it ran in one transaction that was rolled back.',
        'It is recorded as failed in _prisma_migrations (with this error in "logs") and blocks further runs, as Prisma does (P3009).',
        'Next: fix the cause (the SQL above, or the data it trips on), then mark the attempt rolled back and run again:',
        `  ${resolveHint(m.name)}`,
        '  npm run db:migrate',
      ].join('\n'),
    );
  }
}

function blockedError(failed: { name: string; startedAt: Date; logs: string | null }[]): MigrationBlockedError {
  const lines = [
    'Error P3009: failed migrations in the target database block new migrations:',
    ...failed.map(
      (f) =>
        `  ${f.name}, started at ${f.startedAt.toISOString()}, failed:\n${(f.logs ?? '(no log recorded)').replace(/^/gm, '      ')}`,
    ),
    'Next: check whether the failed migration left anything behind (ours run in one transaction, so they do not),',
    'fix the cause, then mark it rolled back so that the next run applies it again:',
    ...failed.map((f) => `  ${resolveHint(f.name)}`),
    'If you applied it by hand instead: npx prisma migrate resolve --applied <name> (or npm run db:migrate -- --resolve-applied <name>).',
  ];
  return new MigrationBlockedError(lines.join('\n'));
}

/** Tables, views, sequences and types in the current schema, not counting extensions' own objects. */
async function schemaObjects(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%s "%s"', CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                   WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' ELSE 'relation' END, c.relname) AS name
       FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
        AND c.relname <> '_prisma_migrations'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
     UNION ALL
     SELECT format('type "%s"', t.typname)
       FROM pg_type t
      WHERE t.typnamespace = current_schema()::regnamespace AND t.typtype IN ('e', 'd')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
      ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

function p3005(objects: string[]): MigrationSetupError {
  const shown = objects.slice(0, 5).join(', ') + (objects.length > 5 ? `, … (${objects.length} in all)` : '');
  return new MigrationSetupError(
    [
      `Error P3005: the database schema is not empty (${shown}), but it has no migration history (_prisma_migrations), so which migrations it already contains is unknown. Nothing was applied.`,
      'If this schema was made from these migrations (or with prisma db push) and you want to keep its data, baseline it: the runner checks that the schema matches what the migrations declare and only then records them all as applied:',
      '  npm run db:migrate -- --baseline',
      'Otherwise point the URL at an empty database. (Prisma: https://pris.ly/d/migrate-baseline)',
    ].join('\n'),
  );
}

/** `--baseline`: records every migration as applied after checking that the schema matches them. */
async function baselineMigrations(
  client: pg.ClientBase,
  url: string,
  migrations: LocalMigration[],
  log: (line: string) => void,
): Promise<string[]> {
  if ((await readHistory(client)).length > 0) {
    throw new MigrationSetupError(
      '--baseline is for a database without migration history, but _prisma_migrations has rows: run npm run db:migrate (or db:status to see the history).',
    );
  }
  log(`Baseline: comparing "${databaseName(url)}" with the schema the ${migrations.length} migrations declare …`);
  const { snapshot: expected } = await buildShadowSchema(url, migrations);
  const comparison = compareSchemas(expected, await readCatalog(client));
  if (comparison.missing.length > 0 || comparison.different.length > 0) {
    throw new MigrationSetupError(
      [
        'Refusing to baseline: the schema does not match what the migrations declare, so recording them as applied would hide the difference. Nothing was recorded.',
        ...formatComparison(comparison),
        'Bring the schema in line first (or migrate an empty database and move the data).',
      ].join('\n'),
    );
  }
  await client.query('BEGIN');
  try {
    await ensureMigrationsTable(client);
    for (const m of migrations) {
      await client.query(
        `INSERT INTO _prisma_migrations (id, checksum, started_at, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), now(), $3, 0)`,
        [randomUUID(), m.checksum, m.name],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  for (const m of migrations) log(`  baselined ${m.name}`);
  log(
    `Baseline: the schema matches; recorded ${migrations.length} migration(s) as applied (as prisma migrate resolve --applied does).`,
  );
  return migrations.map((m) => m.name);
}

/**
 * While a run holds the lock, SIGINT/SIGTERM stop it between migrations (the one in flight
 * finishes or rolls back as a whole, the lock is released, the connection closed); a second signal
 * exits at once, which closes the session and so releases the lock and rolls back on the server.
 */
function stopOnSignals(
  log: (line: string) => void,
  hardStop: () => void,
): { stopping: () => boolean; off: () => void } {
  let requested = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (requested) {
      hardStop();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    requested = true;
    log(
      `${signal}: stopping after the migration in flight; the migration lock is released on exit (again to stop at once).`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopping: () => requested,
    off: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * `prisma migrate deploy` without the engine: creates the database if missing, takes Prisma's
 * advisory lock, refuses to run past a failed migration (P3009), and applies each pending
 * migration in its own transaction, recording it in `_prisma_migrations` as Prisma does.
 */
export async function migrate(options: MigrateOptions = {}): Promise<MigrateResult> {
  const url = options.url ?? migrationDatabaseUrl();
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const log = options.log ?? (quietByDefault() ? () => undefined : (l: string) => console.log(l));
  const warn = options.warn ?? ((l: string) => console.warn(l));
  const { migrations, warnings } = readMigrations(migrationsDir);
  warnings.forEach((w) => warn(`warning: ${w}`));

  const urlSetting = options.urlSetting ?? (options.url ? 'the database URL' : migrationUrlSetting());
  const { client, created } = await connectCreatingDatabase(url);
  if (created) log(`Created database "${databaseName(url)}".`);
  const signals = stopOnSignals(log, () => client.end().catch(() => undefined));
  const result: MigrateResult = {
    databaseCreated: created,
    baselined: [],
    applied: [],
    repaired: [],
    modified: [],
    unknown: [],
  };
  try {
    await refusePooler(url, client, urlSetting);
    const timeoutMs = options.lockTimeoutMs ?? migrateLockTimeoutMs();
    await acquireMigrationLock(client, {
      timeoutMs,
      shouldStop: signals.stopping,
      onWait: (holders) =>
        log(
          [
            `Another migration run holds the lock (pg_advisory_lock 72707369); waiting up to ${timeoutMs / 1000} s (MIGRATE_LOCK_TIMEOUT_MS) for it …`,
            ...holders.map((h) => `  held by ${describeLockHolder(h)}`),
          ].join('\n'),
        ),
    });
    try {
      await options.onLocked?.();
      if (!(await migrationsTableExists(client))) {
        const objects = await schemaObjects(client);
        if (options.baseline) {
          if (objects.length === 0) {
            throw new MigrationSetupError(
              '--baseline is for a database whose schema already exists, but this one is empty: run npm run db:migrate without --baseline.',
            );
          }
          result.baselined = await baselineMigrations(client, url, migrations, log);
          return result;
        }
        if (objects.length > 0) throw p3005(objects);
      } else if (options.baseline && (await readHistory(client)).length > 0) {
        throw new MigrationSetupError(
          '--baseline is for a database without migration history, but _prisma_migrations has rows: run npm run db:migrate (or db:status to see the history).',
        );
      }
      await ensureMigrationsTable(client);
      const status = classifyMigrations(migrations, await readHistory(client));
      if (status.failed.length > 0) throw blockedError(status.failed);
      result.modified = status.modified;
      result.unknown = status.unknown;
      for (const name of status.modified) {
        warn(
          `warning: migration ${name} was modified after it was applied (checksum differs from _prisma_migrations). Migrations must not be edited once applied: restore the file, or add a new migration.`,
        );
      }
      for (const name of status.unknown) {
        warn(`warning: migration ${name} is recorded in the database but missing from ${migrationsDir}.`);
      }
      const todo = migrations.filter((m) => status.pending.includes(m.name) || options.repair);
      if (status.pending.length === 0 && !options.repair) {
        log(`No pending migrations: ${status.applied.length} applied, database is up to date.`);
      } else if (status.pending.length > 0) {
        log(`${status.pending.length} pending migration(s) to apply to "${databaseName(url)}" from ${migrationsDir}:`);
      }
      let catalog: SchemaSnapshot | undefined;
      for (const m of todo) {
        if (signals.stopping()) {
          throw new MigrationInterruptedError(
            `Stopped by a signal before ${m.name}; ${result.applied.length} migration(s) were applied. Run npm run db:migrate again to continue.`,
          );
        }
        const started = Date.now();
        if (status.pending.includes(m.name)) {
          await applyMigration(client, m, warn);
          const ms = Date.now() - started;
          result.applied.push({ name: m.name, ms });
          log(`  applied   ${m.name}  (${ms} ms)`);
          catalog = undefined; // the schema changed: read it again before the next re-run
        } else {
          catalog ??= await readCatalog(client);
          try {
            await runInTransaction(client, m, undefined, warn);
          } catch (err) {
            throw new MigrationBlockedError(
              `Repair: re-running ${m.name} failed: ${failureText(m, err)}\nNothing of this re-run was kept. The migration history was not changed. Fix the cause (often data that violates a constraint the migration creates) and run again.`,
            );
          }
          const ms = Date.now() - started;
          const after = await readCatalog(client);
          const restored = compareSchemas(after, catalog).missing.map((d) => d.key);
          catalog = after;
          result.repaired.push({ name: m.name, ms, restored });
          log(
            `  re-ran    ${m.name}  (${ms} ms): ${restored.length ? `restored ${restored.join(', ')}` : 'nothing was missing'}`,
          );
        }
      }
      if (result.applied.length > 0) log(`Applied ${result.applied.length} migration(s).`);
    } finally {
      await releaseMigrationLock(client).catch(() => undefined);
    }
  } finally {
    signals.off();
    await client.end().catch(() => undefined);
  }
  return result;
}

/**
 * `prisma migrate resolve --rolled-back <name>`: marks the failed attempt(s) of a migration as
 * rolled back so that the next run applies it again. Like Prisma, only a failed migration qualifies.
 */
export async function resolveRolledBack(name: string, options: { url?: string } = {}): Promise<void> {
  const url = options.url ?? migrationDatabaseUrl();
  const { client } = await connectCreatingDatabase(url);
  try {
    await refusePooler(url, client, options.url ? 'the database URL' : migrationUrlSetting());
    await acquireMigrationLock(client, { timeoutMs: migrateLockTimeoutMs() });
    try {
      const rows = (await readHistory(client)).filter((r) => r.migration_name === name);
      if (!rows.some(isFailed)) {
        throw new MigrationSetupError(
          rows.length === 0
            ? `Migration ${name} cannot be rolled back because it was never applied to the database (Prisma P3011).`
            : `Migration ${name} cannot be rolled back because it is not in a failed state (Prisma P3012).`,
        );
      }
      await client.query(
        `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
        [name],
      );
    } finally {
      await releaseMigrationLock(client).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `prisma migrate resolve --applied <name>`: records a migration that was applied by hand. A failed
 * attempt is marked rolled back first, as Prisma does.
 */
export async function resolveApplied(
  name: string,
  options: { url?: string; migrationsDir?: string } = {},
): Promise<void> {
  const m = readMigrations(options.migrationsDir ?? defaultMigrationsDir()).migrations.find((x) => x.name === name);
  if (!m) throw new MigrationSetupError(`Migration ${name} is not in the migrations folder (Prisma P3017).`);
  const url = options.url ?? migrationDatabaseUrl();
  const { client } = await connectCreatingDatabase(url);
  try {
    await refusePooler(url, client, options.url ? 'the database URL' : migrationUrlSetting());
    await acquireMigrationLock(client, { timeoutMs: migrateLockTimeoutMs() });
    try {
      await ensureMigrationsTable(client);
      const rows = (await readHistory(client)).filter((r) => r.migration_name === name);
      if (rows.some((r) => r.finished_at !== null && r.rolled_back_at === null)) {
        throw new MigrationSetupError(`Migration ${name} is already recorded as applied (Prisma P3008).`);
      }
      await client.query('BEGIN');
      await client.query(
        `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
        [name],
      );
      await client.query(
        `INSERT INTO _prisma_migrations (id, checksum, started_at, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), now(), $3, 0)`,
        [randomUUID(), m.checksum, name],
      );
      await client.query('COMMIT');
    } finally {
      await releaseMigrationLock(client).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
