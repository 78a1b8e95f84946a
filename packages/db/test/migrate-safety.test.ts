// Runner behaviour that must match Prisma's (#17) and survive poolers and signals (#20), against
// real PostgreSQL databases, through the CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PRISMA_ADVISORY_LOCK_KEY } from '../src/migrate/connection.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.js';
import { history, migrationsFolder, query, runCli, tableExists } from './support/cli.js';

const databases: TestDatabase[] = [];
const folders: { remove(): void }[] = [];
after(async () => {
  await Promise.all(databases.map((d) => d.drop()));
  folders.forEach((f) => f.remove());
});

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: false });
  databases.push(db);
  return db;
}

function folder(migrations: Record<string, string>) {
  const f = migrationsFolder(migrations);
  folders.push(f);
  return f;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const lockHeld = async (url: string): Promise<boolean> =>
  (
    await query(
      url,
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [PRISMA_ADVISORY_LOCK_KEY],
    )
  ).rows[0].n > 0;

describe('order of migrations with the same timestamp', () => {
  test('applied in Prisma\'s order (localeCompare): "_a" before "_B"', async () => {
    // _B needs _a's table: a plain code-unit sort puts _B first, and it fails.
    const f = folder({
      '20990101000000_a': 'CREATE TABLE "A" (id int);\n',
      '20990101000000_B': 'ALTER TABLE "A" ADD COLUMN b int;\n',
    });
    const db = await emptyDatabase();
    const res = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(res.code, 0, res.out);
    assert.deepEqual(
      (await history(db.url)).map((r) => r.migration_name),
      ['20990101000000_a', '20990101000000_B'],
    );
  });
});

describe('a non-empty database without migration history (P3005)', () => {
  test('is refused, naming --baseline; nothing is applied or recorded', async () => {
    const f = folder({ '20240101000000_a': 'CREATE TABLE "A" (id int);\n' });
    const db = await emptyDatabase();
    await query(db.url, 'CREATE TABLE "Legacy" (id int); INSERT INTO "Legacy" VALUES (1)');
    const res = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(res.code, 1, res.out);
    assert.match(res.stderr, /P3005/);
    assert.match(res.stderr, /table "Legacy"/);
    assert.match(res.stderr, /npm run db:migrate -- --baseline/);
    assert.equal(await tableExists(db.url, 'A'), false);
    assert.equal(await tableExists(db.url, '_prisma_migrations'), false);
    assert.equal((await query(db.url, 'SELECT count(*)::int AS n FROM "Legacy"')).rows[0].n, 1);
  });

  test('an existing but empty database (no tables) is not "non-empty": it is migrated', async () => {
    const f = folder({ '20240101000000_a': 'CREATE TABLE "A" (id int);\n' });
    const db = await emptyDatabase();
    await query(db.url, 'CREATE EXTENSION IF NOT EXISTS pg_trgm'); // an extension's objects do not count
    const res = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(res.code, 0, res.out);
    assert.ok(await tableExists(db.url, 'A'));
  });

  const migrations = {
    '20240101000000_a': 'CREATE TABLE "A" (id int PRIMARY KEY, name text NOT NULL);\n',
    '20240102000000_b': 'CREATE INDEX "A_name_idx" ON "A" (name);\n',
  };

  test('--baseline records every migration as applied when the schema matches, then status is clean', async () => {
    const f = folder(migrations);
    const db = await emptyDatabase();
    await query(db.url, Object.values(migrations).join(''));
    await query(db.url, `INSERT INTO "A" VALUES (1, 'kept')`);
    const res = await runCli('migrate', ['--baseline'], { url: db.url, migrationsDir: f.dir });
    assert.equal(res.code, 0, res.out);
    assert.match(res.stdout, /baselined 20240102000000_b/);
    const rows = await history(db.url);
    assert.deepEqual(
      rows.map((r) => [r.migration_name, r.finished_at !== null, r.rolled_back_at]),
      [
        ['20240101000000_a', true, null],
        ['20240102000000_b', true, null],
      ],
    );
    const status = await runCli('status', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(status.code, 0, status.out);
    assert.equal((await query(db.url, 'SELECT name FROM "A"')).rows[0].name, 'kept');
    // A second --baseline has a history to respect: refused.
    const again = await runCli('migrate', ['--baseline'], { url: db.url, migrationsDir: f.dir });
    assert.equal(again.code, 1, again.out);
  });

  test('--baseline refuses a schema that differs from the migrations, and records nothing', async () => {
    const f = folder(migrations);
    const db = await emptyDatabase();
    await query(db.url, migrations['20240101000000_a']); // the index of _b is missing
    const res = await runCli('migrate', ['--baseline'], { url: db.url, migrationsDir: f.dir });
    assert.equal(res.code, 1, res.out);
    assert.match(res.stderr, /Refusing to baseline/);
    assert.match(res.out, /A_name_idx/);
    assert.equal(await tableExists(db.url, '_prisma_migrations'), false);
  });
});

describe('the migration lock', () => {
  test('waits MIGRATE_LOCK_TIMEOUT_MS, names the holder while waiting, then fails like P1002', async () => {
    const f = folder({ '20240101000000_a': 'CREATE TABLE "A" (id int);\n' });
    const db = await emptyDatabase();
    const holder = new pg.Client({ connectionString: db.url, application_name: 'lock-holder-under-test' });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
      const pid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      const res = await runCli('migrate', [], {
        url: db.url,
        migrationsDir: f.dir,
        env: { MIGRATE_LOCK_TIMEOUT_MS: '1500' },
      });
      assert.equal(res.code, 1, res.out);
      assert.match(res.stdout, new RegExp(`held by pid ${pid}, application_name "lock-holder-under-test"`));
      assert.match(res.stderr, /P1002/);
      assert.match(res.stderr, /timed out after 1\.5 s/);
      assert.match(res.stderr, new RegExp(`held by pid ${pid}`));
      assert.match(res.stderr, /MIGRATE_LOCK_TIMEOUT_MS/);
      assert.equal(await tableExists(db.url, 'A'), false);
    } finally {
      await holder.end();
    }
  });

  test('SIGTERM stops the run after the migration in flight and releases the lock', async () => {
    const f = folder({
      '20240101000000_slow': 'SELECT pg_sleep(1.5);\nCREATE TABLE "A" (id int);\n',
      '20240102000000_next': 'CREATE TABLE "B" (id int);\n',
    });
    const db = await emptyDatabase();
    const script = fileURLToPath(new URL('../src/cli/migrate.js', import.meta.url));
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, DATABASE_URL: db.url, MIGRATIONS_DIR: f.dir, NIXFLOW_QUIET: '' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    // The slow migration is running (its row is recorded before it runs) and the lock is held.
    await until('the slow migration to start', async () => {
      if (!(await tableExists(db.url, '_prisma_migrations'))) return false;
      return (await history(db.url)).length === 1 && (await lockHeld(db.url));
    });
    child.kill('SIGTERM');
    const code = await exited;
    assert.equal(code, 1, out);
    assert.match(out, /Stopped by a signal before 20240102000000_next/);
    const rows = await history(db.url);
    assert.deepEqual(
      rows.map((r) => [r.migration_name, r.finished_at !== null]),
      [['20240101000000_slow', true]],
    );
    assert.equal(await tableExists(db.url, 'B'), false);
    assert.equal(await lockHeld(db.url), false);
  });
});
