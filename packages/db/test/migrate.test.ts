// The migration runner against real PostgreSQL databases, driven through its CLI.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { migrationChecksum } from '../src/migrate/checksum.js';
import { MIGRATE_APPLICATION_NAME, PRISMA_ADVISORY_LOCK_KEY } from '../src/migrate/connection.js';
import { readMigrations } from '../src/migrate/migrations-folder.js';
import { adminQuery, createTestDatabase, testDatabaseUrl, type TestDatabase } from '../src/testing/test-database.js';
import {
  history,
  migrationsFolder,
  query,
  REPO_MIGRATIONS,
  runCli,
  tableExists,
  UNREACHABLE_URL,
} from './support/cli.js';

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

/** A database name that does not exist yet (dropped at the end, and by the runner's cleanup). */
function missingDatabase(): string {
  const name = `nixflow_t_${process.env.NIXFLOW_TEST_RUN_ID ?? 'adhoc'}_${randomBytes(5).toString('hex')}`;
  databases.push({
    name,
    url: testDatabaseUrl(name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined),
  });
  return testDatabaseUrl(name);
}

function folder(migrations: Record<string, string>) {
  const f = migrationsFolder(migrations);
  folders.push(f);
  return f;
}

describe('migrate on a fresh database', () => {
  test('applies every migration once, with the rows Prisma writes; a second run is a no-op', async () => {
    const db = await emptyDatabase();
    const first = await runCli('migrate', [], { url: db.url });
    assert.equal(first.code, 0, first.out);
    const local = readMigrations(REPO_MIGRATIONS).migrations;
    for (const m of local) assert.match(first.stdout, new RegExp(`applied\\s+${m.name}\\s+\\(\\d+ ms\\)`));

    const rows = await history(db.url);
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      local.map((m) => m.name),
    );
    for (const [i, r] of rows.entries()) {
      assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(r.checksum, local[i].checksum);
      assert.equal(r.applied_steps_count, 1);
      assert.equal(r.logs, null);
      assert.equal(r.rolled_back_at, null);
      assert.ok(r.finished_at && r.finished_at >= r.started_at);
    }

    const second = await runCli('migrate', [], { url: db.url });
    assert.equal(second.code, 0, second.out);
    assert.match(second.stdout, /No pending migrations/);
    assert.deepEqual(await history(db.url), rows);

    const status = await runCli('status', [], { url: db.url });
    assert.equal(status.code, 0, status.out);
    assert.match(status.stdout, /up to date/);
  });

  test('_prisma_migrations has exactly the columns and key Prisma creates', async () => {
    const f = folder({ '20240101000000_a': 'CREATE TABLE "A" (id int);\n' });
    const db = await emptyDatabase();
    assert.equal((await runCli('migrate', [], { url: db.url, migrationsDir: f.dir, quiet: true })).code, 0);
    const { rows } = await query(
      db.url,
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    assert.deepEqual(
      rows.map((r) => [r.column_name, r.data_type, r.len, r.is_nullable, r.column_default]),
      [
        ['id', 'character varying', 36, 'NO', null],
        ['checksum', 'character varying', 64, 'NO', null],
        ['finished_at', 'timestamp with time zone', null, 'YES', null],
        ['migration_name', 'character varying', 255, 'NO', null],
        ['logs', 'text', null, 'YES', null],
        ['rolled_back_at', 'timestamp with time zone', null, 'YES', null],
        ['started_at', 'timestamp with time zone', null, 'NO', 'now()'],
        ['applied_steps_count', 'integer', null, 'NO', '0'],
      ],
    );
    const pk = await query(
      db.url,
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '_prisma_migrations'::regclass`,
    );
    assert.deepEqual(pk.rows, [{ conname: '_prisma_migrations_pkey', def: 'PRIMARY KEY (id)' }]);
  });

  test('creates the database when it does not exist', async () => {
    const url = missingDatabase();
    const f = folder({ '20240101000000_a': 'CREATE TABLE "A" (id int);\n' });
    const res = await runCli('migrate', [], { url, migrationsDir: f.dir });
    assert.equal(res.code, 0, res.out);
    assert.match(res.stdout, /Created database/);
    assert.ok(await tableExists(url, 'A'));
  });
});

describe('a failed migration', () => {
  test('is recorded with its error, keeps nothing, blocks (exit 3) until resolved, then applies', async () => {
    const f = folder({
      '20240101000000_ok': 'CREATE TABLE "A" (id int);\n',
      '20240102000000_bad': 'CREATE TABLE "B" (id int);\nINSERT INTO "B" VALUES (1);\nSELECT 1 / 0;\n',
    });
    const db = await emptyDatabase();
    const failed = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(failed.code, 3, failed.out);
    assert.match(failed.stderr, /Migration 20240102000000_bad failed: division by zero/);
    assert.match(failed.stderr, /\(in .*20240102000000_bad.migration\.sql\)/);
    assert.match(failed.stderr, /--resolve-rolled-back 20240102000000_bad/);
    assert.match(failed.stderr, /npx prisma migrate resolve --rolled-back 20240102000000_bad/);
    assert.ok(await tableExists(db.url, 'A'));
    assert.equal(await tableExists(db.url, 'B'), false, 'the failed migration ran in one transaction');
    const bad = (await history(db.url)).find((r) => r.migration_name === '20240102000000_bad')!;
    assert.equal(bad.finished_at, null);
    assert.equal(bad.rolled_back_at, null);
    assert.equal(bad.applied_steps_count, 0);
    assert.match(bad.logs ?? '', /division by zero/);

    // Later migrations are not applied while it blocks (P3009).
    f.write('20240103000000_later', 'CREATE TABLE "C" (id int);\n');
    const blocked = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(blocked.code, 3, blocked.out);
    assert.match(blocked.stderr, /P3009/);
    assert.match(blocked.stderr, /20240102000000_bad/);
    assert.equal(await tableExists(db.url, 'C'), false);
    const status = await runCli('status', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(status.code, 1);
    assert.match(status.stdout, /failed\s+20240102000000_bad/);
    assert.match(status.stdout, /pending\s+20240103000000_later/);

    // Resolving something that did not fail is refused, as Prisma does (P3012).
    const wrong = await runCli('migrate', ['--resolve-rolled-back', '20240101000000_ok'], {
      url: db.url,
      migrationsDir: f.dir,
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /P3012/);

    f.write('20240102000000_bad', 'CREATE TABLE "B" (id int);\nINSERT INTO "B" VALUES (1);\n');
    const resolve = await runCli('migrate', ['--resolve-rolled-back', '20240102000000_bad'], {
      url: db.url,
      migrationsDir: f.dir,
    });
    assert.equal(resolve.code, 0, resolve.out);
    const fixed = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(fixed.code, 0, fixed.out);
    assert.ok(await tableExists(db.url, 'B'));
    assert.ok(await tableExists(db.url, 'C'));
    const rows = (await history(db.url)).filter((r) => r.migration_name === '20240102000000_bad');
    assert.equal(rows.length, 2, 'the rolled-back attempt stays, as with Prisma');
    assert.ok(rows[0].rolled_back_at && rows[0].finished_at === null);
    assert.ok(rows[1].finished_at && rows[1].rolled_back_at === null);
    assert.equal((await runCli('status', [], { url: db.url, migrationsDir: f.dir })).code, 0);
  });
});

test('a syntax error names the line of migration.sql', async () => {
  const f = folder({ '20240101000000_typo': 'CREATE TABLE "A" (id int);\n\nCREAT TABLE "B" (id int);\n' });
  const db = await emptyDatabase();
  const res = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
  assert.equal(res.code, 3, res.out);
  assert.match(res.stderr, /syntax error at or near "CREAT" \(SQLSTATE 42601\) \(at line 3 of .*migration\.sql\)/);
});

describe('checksums', () => {
  test('an applied migration edited afterwards is reported as modified (a warning, not fatal); CRLF is not an edit', async () => {
    const original = '-- first\nCREATE TABLE "A" (id int);\n';
    const f = folder({ '20240101000000_a': original });
    const db = await emptyDatabase();
    assert.equal((await runCli('migrate', [], { url: db.url, migrationsDir: f.dir, quiet: true })).code, 0);

    f.write('20240101000000_a', original.replace(/\n/g, '\r\n'));
    let status = await runCli('status', ['--json'], { url: db.url, migrationsDir: f.dir });
    assert.equal(status.code, 0, status.out);
    assert.deepEqual(JSON.parse(status.stdout).modified, []);

    f.write('20240101000000_a', `${original}CREATE INDEX "A_id_idx" ON "A"(id);\n`);
    status = await runCli('status', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(status.code, 0, status.out);
    assert.match(status.stdout, /applied\s+20240101000000_a\s+\(modified: checksum differs\)/);
    assert.match(status.stdout, /1 modified/);
    const migrate = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(migrate.code, 0, migrate.out);
    assert.match(migrate.stderr, /migration 20240101000000_a was modified after it was applied/);
    assert.equal((await history(db.url))[0].checksum, migrationChecksum(original), 'history is not rewritten');
  });

  test('a migration recorded in the database but missing from the folder is reported as unknown', async () => {
    const f = folder({ '20240101000000_a': 'CREATE TABLE "A" (id int);\n', '20240102000000_b': 'SELECT 1;\n' });
    const db = await emptyDatabase();
    assert.equal((await runCli('migrate', [], { url: db.url, migrationsDir: f.dir, quiet: true })).code, 0);
    fs.rmSync(path.join(f.dir, '20240102000000_b'), { recursive: true });
    const status = await runCli('status', ['--json'], { url: db.url, migrationsDir: f.dir });
    assert.equal(status.code, 1);
    assert.deepEqual(JSON.parse(status.stdout).unknown, ['20240102000000_b']);
  });
});

describe('locking', () => {
  test("waits while Prisma's advisory lock 72707369 is held by someone else", async () => {
    const f = folder({ '20240101000000_a': 'CREATE TABLE "A" (id int);\n' });
    const db = await emptyDatabase();
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
      const run = runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
      let done = false;
      void run.then(() => (done = true));
      // Wait (generously: node starts slowly on a loaded machine) until the runner has tried the lock once.
      const deadline = Date.now() + 120_000;
      for (;;) {
        const { rows } = await holder.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1
             AND query ILIKE '%pg_try_advisory_lock%'`,
          [MIGRATE_APPLICATION_NAME],
        );
        if (rows.length > 0) break;
        assert.ok(Date.now() < deadline && !done, 'the runner never tried the migration lock');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(done, false, 'the runner must wait for the lock');
      assert.equal(await tableExists(db.url, 'A'), false);
      await holder.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
      const res = await run;
      assert.equal(res.code, 0, res.out);
      assert.match(res.stdout, /waiting/);
      assert.ok(await tableExists(db.url, 'A'));
    } finally {
      await holder.end();
    }
  });

  test('two runners started at once on a missing database apply each migration exactly once', async () => {
    const url = missingDatabase();
    const f = folder({
      '20240101000000_a': 'CREATE TABLE "A" (id int);\n',
      '20240102000000_slow': 'SELECT pg_sleep(0.7);\nCREATE TABLE "B" (id int);\n',
      '20240103000000_c': 'CREATE TABLE "C" (id int);\n',
    });
    const [one, two] = await Promise.all([
      runCli('migrate', [], { url, migrationsDir: f.dir }),
      runCli('migrate', [], { url, migrationsDir: f.dir }),
    ]);
    assert.equal(one.code, 0, one.out);
    assert.equal(two.code, 0, two.out);
    const rows = await history(url);
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      ['20240101000000_a', '20240102000000_slow', '20240103000000_c'],
    );
    assert.ok(rows.every((r) => r.finished_at !== null));
    const applied = (s: string) => (s.match(/ applied /g) ?? []).length;
    assert.equal(applied(one.stdout) + applied(two.stdout), 3);
  });
});

describe('errors', () => {
  for (const cli of ['migrate', 'status', 'verify'] as const) {
    test(`${cli}: unreachable database exits 2 with what to check`, async () => {
      const res = await runCli(cli, [], { url: UNREACHABLE_URL });
      assert.equal(res.code, 2, res.out);
      assert.match(res.stderr, /Database unreachable at postgresql:\/\/postgres@127\.0\.0\.1:1\/x/);
      assert.match(res.stderr, /DATABASE_URL/);
    });
  }

  test('a migrations folder locked to another provider is refused (P3019), exit 1', async () => {
    const f = folder({ '20240101000000_a': 'SELECT 1;\n' });
    fs.writeFileSync(path.join(f.dir, 'migration_lock.toml'), 'provider = "mysql"\n');
    const db = await emptyDatabase();
    const res = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(res.code, 1, res.out);
    assert.match(res.stderr, /P3019/);
  });

  test('unknown option: exit 1 with usage', async () => {
    const res = await runCli('migrate', ['--frobnicate'], { url: UNREACHABLE_URL });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /Usage: migrate/);
  });
});
