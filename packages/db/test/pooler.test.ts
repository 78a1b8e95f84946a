// Migrations behind a transaction pooler (#20): a real PgBouncer from Debian (`apt-get install -y
// pgbouncer`), started by this test on a free loopback port with its own config in a temp dir, in
// transaction pool mode, in front of a throw-away database. Skipped only when pgbouncer is absent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PGBOUNCER_BIN, startPgBouncer, type PgBouncer } from '../src/testing/pgbouncer.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.js';
import { history, migrationsFolder, runCli, tableExists } from './support/cli.js';

const skip = PGBOUNCER_BIN ? false : 'pgbouncer is not installed (apt-get install -y pgbouncer): pooler tests skipped';

let db: TestDatabase;
let bouncer: PgBouncer | undefined;
const folders: { remove(): void }[] = [];

const poolerUrl = (database: string): string => bouncer!.url(database);

before(async () => {
  if (skip) return;
  db = await createTestDatabase({ migrated: false });
  bouncer = await startPgBouncer([db.name]);
});

after(async () => {
  await bouncer?.stop();
  if (db) await db.drop();
  folders.forEach((f) => f.remove());
});

function folder(migrations: Record<string, string>) {
  const f = migrationsFolder(migrations);
  folders.push(f);
  return f;
}

const migrations = {
  '20240101000000_a': 'CREATE TABLE "A" (id int);\n',
  '20240102000000_slow': 'SELECT pg_sleep(0.5);\nCREATE TABLE "B" (id int);\n',
  '20240103000000_c': 'CREATE TABLE "C" (id int);\n',
};

describe('migrating with a transaction pooler in front of PostgreSQL', { skip }, () => {
  test('given only the pooler URL, the runner refuses and names DATABASE_DIRECT_URL; nothing is written', async () => {
    const f = folder(migrations);
    const res = await runCli('migrate', [], { url: poolerUrl(db.name), migrationsDir: f.dir });
    assert.equal(res.code, 1, res.out);
    assert.match(res.stderr, /Refusing to migrate through a connection pooler: DATABASE_URL \(/);
    assert.match(res.stderr, /transaction pooler/);
    assert.match(res.stderr, /DATABASE_DIRECT_URL/);
    assert.equal(await tableExists(db.url, '_prisma_migrations'), false);
    assert.equal(await tableExists(db.url, 'A'), false);
  });

  test('three runners started at once with DATABASE_DIRECT_URL apply each migration exactly once', async () => {
    const f = folder(migrations);
    const runs = await Promise.all(
      [1, 2, 3].map(() =>
        runCli('migrate', [], {
          url: poolerUrl(db.name), // DATABASE_URL: the pooler, as the API and worker use it
          migrationsDir: f.dir,
          env: { DATABASE_DIRECT_URL: db.url, MIGRATE_LOCK_TIMEOUT_MS: '120000' },
        }),
      ),
    );
    for (const r of runs) assert.equal(r.code, 0, r.out);
    const rows = await history(db.url);
    assert.deepEqual(
      rows.map((r) => [r.migration_name, r.finished_at !== null, r.rolled_back_at]),
      Object.keys(migrations).map((name) => [name, true, null]),
    );
    const applied = runs.reduce((n, r) => n + (r.stdout.match(/ applied /g) ?? []).length, 0);
    assert.equal(applied, 3);
    // db:status reads the direct URL too.
    const status = await runCli('status', [], {
      url: poolerUrl(db.name),
      migrationsDir: f.dir,
      env: { DATABASE_DIRECT_URL: db.url },
    });
    assert.equal(status.code, 0, status.out);
  });

  test('a database the pooler does not know (08P01) is explained, not a stack trace', async () => {
    const f = folder(migrations);
    const res = await runCli('migrate', [], { url: poolerUrl(`${db.name}_missing`), migrationsDir: f.dir });
    assert.equal(res.code, 1, res.out);
    assert.match(res.stderr, /08P01/);
    assert.match(res.stderr, /PgBouncer/);
    assert.match(res.stderr, /DATABASE_DIRECT_URL/);
    assert.doesNotMatch(res.stderr, /\n\s+at /);
  });
});
