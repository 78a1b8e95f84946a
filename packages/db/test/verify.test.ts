// The verify CLI (schema verification against a scratch database built from the migrations).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { adminQuery, createTestDatabase, type TestDatabase } from '../src/testing/test-database.js';
import { migrationsFolder, query, runCli } from './support/cli.js';

const databases: TestDatabase[] = [];
after(() => Promise.all(databases.map((d) => d.drop())));
async function database(migrated = true): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated });
  databases.push(db);
  return db;
}

describe('verify', () => {
  test('an intact database: exit 0, all present', async () => {
    const db = await database();
    const res = await runCli('verify', [], { url: db.url });
    assert.equal(res.code, 0, res.out);
    assert.match(res.stdout, /^All \d+ expected objects present\.$/m);
    assert.doesNotMatch(res.stdout, /missing|different/);
  });

  test('seed 003 state: names each missing SLA table, points at the drifted migration and the repair, exit 1', async () => {
    const db = await database();
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    const res = await runCli('verify', [], { url: db.url });
    assert.equal(res.code, 1, res.out);
    for (const t of ['SLABreach', 'SLAMetric', 'SLAPolicy']) {
      assert.match(res.stdout, new RegExp(`^missing table "${t}" \\(with its \\d+ columns`, 'm'));
    }
    // CASCADE also took the ticket's foreign key to its SLA policy (a later migration's): 3 tables + 1 FK.
    assert.match(res.stdout, /^4 missing, 0 different, \d+ of \d+ expected objects present\.$/m);
    assert.match(res.stdout, /history says 20240130000000_add_sla_tables(, \w+)* (is|are) applied/);
    assert.match(res.stdout, /npm run db:migrate -- --repair/);

    const json = await runCli('verify', ['--json'], { url: db.url });
    assert.equal(json.code, 1);
    const body = JSON.parse(json.stdout);
    assert.equal(body.ok, false);
    const keys = body.missing.map((d: { key: string }) => d.key).sort();
    assert.deepEqual(
      keys.filter((k: string) => k.startsWith('table ')),
      ['table "SLABreach"', 'table "SLAMetric"', 'table "SLAPolicy"'],
    );
    assert.equal(keys.length, 4, keys.join(', '));
    assert.ok(
      keys.some((k: string) => k.includes('Ticket_slaPolicyId_fkey')),
      keys.join(', '),
    );
    assert.deepEqual(body.driftedMigrations, ['20240130000000_add_sla_tables', '20261203107001_sla_policy_guardrails']);
  });

  test('a dropped column and index and a changed type are named; objects a user added are extra, not errors', async () => {
    const db = await database();
    await query(db.url, 'CREATE TABLE "MyReport" (id int)');
    await query(db.url, 'CREATE INDEX "my_subject_idx" ON "Ticket" (subject)');
    let res = await runCli('verify', [], { url: db.url });
    assert.equal(res.code, 0, res.out);
    assert.match(res.stdout, /^extra table "MyReport"$/m);
    assert.match(res.stdout, /^extra index "Ticket"\."my_subject_idx"$/m);
    assert.match(res.stdout, /2 extra \(not errors/);

    await query(db.url, 'ALTER TABLE "SLAMetric" DROP COLUMN "warningAt"');
    await query(db.url, 'DROP INDEX "Ticket_priority_idx"');
    await query(db.url, 'ALTER TABLE "Ticket" ALTER COLUMN subject TYPE varchar(200)');
    res = await runCli('verify', [], { url: db.url });
    assert.equal(res.code, 1, res.out);
    assert.match(res.stdout, /^missing column "SLAMetric"\."warningAt"$/m);
    assert.match(res.stdout, /^missing index "Ticket"\."Ticket_priority_idx"$/m);
    assert.match(res.stdout, /^different column "Ticket"\."subject": type text ≠ character varying\(200\)$/m);
  });

  test('a database with pending migrations: exit 1 and says to migrate', async () => {
    const db = await database(false);
    const res = await runCli('verify', [], { url: db.url });
    assert.equal(res.code, 1, res.out);
    assert.match(res.stdout, /not applied yet: npm run db:migrate/);
  });

  test('the scratch database is dropped, also when a migration cannot be applied', async () => {
    const db = await database();
    const runId = `${process.env.NIXFLOW_TEST_RUN_ID ?? 'adhoc'}v${randomBytes(3).toString('hex')}`;
    const leftovers = async () =>
      (await adminQuery(`SELECT datname FROM pg_database WHERE datname LIKE 'nixflow\\_shadow\\_${runId}%'`)).rows;
    const ok = await runCli('verify', [], { url: db.url, env: { NIXFLOW_TEST_RUN_ID: runId } });
    assert.equal(ok.code, 0, ok.out);
    assert.deepEqual(await leftovers(), []);

    const broken = migrationsFolder({ '20240101000000_broken': 'CREATE TABLE "A" (id int);\nSELECT * FROM "Nope";\n' });
    try {
      const res = await runCli('verify', [], {
        url: db.url,
        migrationsDir: broken.dir,
        env: { NIXFLOW_TEST_RUN_ID: runId },
      });
      assert.equal(res.code, 1, res.out);
      assert.match(res.stderr, /20240101000000_broken does not apply to an empty database/);
      assert.deepEqual(await leftovers(), []);
    } finally {
      broken.remove();
    }
  });
});
