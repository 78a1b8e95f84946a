// --repair on the seed 003 state, and the property that makes it safe: every migration is
// idempotent and additive (runs twice; completes a half-applied state).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compareSchemas, formatComparison, type SchemaSnapshot } from '@nixflow/core/schema-compare';
import pg from 'pg';
import { readMigrations } from '../src/migrate/migrations-folder.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.js';
import { readCatalog } from '../src/verify/catalog.js';
import { buildShadowSchema } from '../src/verify/shadow.js';
import { history, query, REPO_MIGRATIONS, runCli, tableExists } from './support/cli.js';

const databases: TestDatabase[] = [];
after(() => Promise.all(databases.map((d) => d.drop())));
async function database(migrated: boolean): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated });
  databases.push(db);
  return db;
}

const migrations = readMigrations(REPO_MIGRATIONS).migrations;
const SLA_TABLES = ['SLABreach', 'SLAMetric', 'SLAPolicy'];
let expected: SchemaSnapshot;
before(async () => {
  expected = (
    await buildShadowSchema(
      process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
      migrations,
    )
  ).snapshot;
});

async function catalog(url: string): Promise<SchemaSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await readCatalog(client);
  } finally {
    await client.end();
  }
}

/** The database has exactly the migrations' schema: nothing missing, different or extra. */
async function assertExactSchema(url: string): Promise<void> {
  const c = compareSchemas(expected, await catalog(url));
  assert.deepEqual(
    [...c.missing, ...c.different, ...c.extra].map((d) => d.message),
    [],
    formatComparison(c).join('\n'),
  );
}

async function runScripts(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const m of migrations) await client.query(m.script);
  } finally {
    await client.end();
  }
}

describe('migrate --repair', () => {
  test('seed 003 state (history says applied, SLA tables dropped): restores them, history untouched', async () => {
    const db = await database(true);
    const before = await history(db.url);
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');

    const plain = await runCli('migrate', [], { url: db.url });
    assert.equal(plain.code, 0, plain.out);
    assert.match(plain.stdout, /No pending migrations/, 'like prisma migrate deploy, a plain run trusts the history');
    for (const t of SLA_TABLES) assert.equal(await tableExists(db.url, t), false);

    const repair = await runCli('migrate', ['--repair'], { url: db.url });
    assert.equal(repair.code, 0, repair.out);
    for (const m of migrations) assert.match(repair.stdout, new RegExp(`re-ran\\s+${m.name}\\s+\\(\\d+ ms\\): `));
    assert.match(repair.stdout, /re-ran\s+20240129000000_init .*: nothing was missing/);
    assert.match(
      repair.stdout,
      /re-ran\s+20240130000000_add_sla_tables .*: restored table "SLABreach", table "SLAMetric", table "SLAPolicy"/,
    );
    for (const t of SLA_TABLES) assert.ok(await tableExists(db.url, t), t);
    assert.deepEqual(await history(db.url), before);
    await assertExactSchema(db.url);
  });

  test('also applies pending migrations, recording them', async () => {
    const db = await database(true);
    await query(db.url, `DELETE FROM _prisma_migrations WHERE migration_name = $1`, [migrations.at(-1)!.name]);
    const res = await runCli('migrate', ['--repair'], { url: db.url });
    assert.equal(res.code, 0, res.out);
    assert.match(res.stdout, new RegExp(`applied\\s+${migrations.at(-1)!.name}`));
    assert.equal((await history(db.url)).length, migrations.length);
  });

  test('keeps every row of existing data', async () => {
    const db = await database(true);
    await query(db.url, `INSERT INTO "User" (email, name) VALUES ('a@example.test', 'A')`);
    await query(
      db.url,
      `INSERT INTO "Ticket" (subject, description, "requesterId") SELECT 'S' || g, 'D', (SELECT id FROM "User") FROM generate_series(1, 20) g`,
    );
    const snapshot = async () => (await query(db.url, 'SELECT * FROM "Ticket" ORDER BY number')).rows;
    const before = await snapshot();
    await query(db.url, 'DROP TABLE "SLAMetric" CASCADE');
    assert.equal((await runCli('migrate', ['--repair'], { url: db.url, quiet: true })).code, 0);
    assert.deepEqual(await snapshot(), before);
  });
});

describe('every migration is idempotent and additive', () => {
  test('running every migration twice on one database succeeds and yields the same schema', async () => {
    const db = await database(false);
    await runScripts(db.url);
    await runScripts(db.url);
    await assertExactSchema(db.url);
  });

  // Both halves: with one parity only, which objects are dropped shifts whenever a migration adds an object,
  // and a migration that cannot complete a half-made table hides until then.
  for (const parity of [0, 1])
    test(`a database where half the objects of each migration exist is completed (${parity ? 'odd' : 'even'} half)`, async () => {
      const db = await database(false);
      await runScripts(db.url);
      // Remove every other table, then every other surviving index, foreign key and nullable column.
      const tables = Object.keys(expected.tables).sort();
      for (const t of tables.filter((_, i) => i % 2 === parity))
        await query(db.url, `DROP TABLE IF EXISTS "${t}" CASCADE`);
      const now = await catalog(db.url);
      let n = 0;
      for (const [t, snap] of Object.entries(now.tables)) {
        for (const idx of Object.keys(snap.indexes))
          if (n++ % 2 === parity) await query(db.url, `DROP INDEX IF EXISTS "${idx}"`);
        for (const fk of Object.keys(snap.foreignKeys))
          if (n++ % 2 === parity) await query(db.url, `ALTER TABLE "${t}" DROP CONSTRAINT IF EXISTS "${fk}"`);
        for (const [col, c] of Object.entries(snap.columns)) {
          if (c.nullable && !c.generated && n++ % 2 === parity)
            await query(db.url, `ALTER TABLE "${t}" DROP COLUMN IF EXISTS "${col}" CASCADE`);
        }
      }
      const partial = compareSchemas(expected, await catalog(db.url));
      assert.ok(partial.missing.length > 20, `the test removed objects (${partial.missing.length} missing)`);
      await runScripts(db.url);
      await assertExactSchema(db.url);
    });
});
