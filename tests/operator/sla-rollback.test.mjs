// rollback.sql and validation.sql of 20240130000000_add_sla_tables, run with psql as an operator
// would, on real databases.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase } from '../../packages/db/dist/src/testing/test-database.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = path.join(root, 'backend/prisma/migrations/20240130000000_add_sla_tables');
const databases = [];
after(async () => Promise.all(databases.map((d) => d.drop())));

async function database() {
  const db = await createTestDatabase({ migrated: true });
  databases.push(db);
  return db;
}

async function query(url, sql, params) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

const psql = (url, file, ...vars) =>
  spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...vars.flatMap((v) => ['-v', v]), '-d', url, '-f', file], {
    encoding: 'utf8',
  });
const cli = (url, name, ...args) =>
  spawnSync(process.execPath, [path.join(root, 'packages/db/dist/src/cli', `${name}.js`), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });

const MIGRATION_TABLES = [
  'SLAPolicy', 'SLAMetric', 'SLABreach', 'KnowledgeCategory', 'KnowledgeTag', 'KnowledgeArticle',
  'KnowledgeArticleVersion', 'KnowledgeArticleRating', 'KnowledgeArticleView', 'KnowledgeArticleFeedback',
  'KnowledgeArticleAttachment', 'KnowledgeSearchHistory', 'CustomForm', 'FormField', 'FormSubmission',
  'FormSubmissionAttachment', 'EmailAccount', 'EmailMessage', 'EmailAttachment', 'EmailThread', 'EventLog',
  '_KnowledgeArticleToKnowledgeTag',
]; // prettier-ignore
const INIT_TABLES = ['User', 'Workflow', 'Stage', 'Ticket', 'HistoryLog', 'Comment', 'TicketWatcher'];
const LATER_TABLES = ['Notification', 'EventConsumer'];
/** Later migrations that depend on this one's objects: rollback.sql rolls them back first. */
const DEPENDENT = {
  '20240202000100_email_inbound_staging': ['EmailInboundRaw'],
  '20261203102001_email_trust': [],
  '20261203103001_email_mime_intake': [],
  '20261203104001_form_submission_email_verified': [],
  '20261203106001_utc_timestamps_in_json': [],
  '20261203107001_sla_policy_guardrails': [],
  '20261203108002_kb_search_vocabulary': ['KnowledgeWord'],
  // Reads and rewrites CustomForm.ticketDefaults (assigneeGroup → teamId); its own tables stay.
  '20261203130001_teams_routing_macros': [],
  // An index on KnowledgeArticle: it goes with the table.
  '20261203150001_kb_search_title_index': [],
  // NOTIFY triggers, one on SLAPolicy: rollback.sql drops them all and the function (see below).
  '20261204050001_config_change_notify': [],
  // NOTIFY triggers on the KB tables, with the function above: rollback.sql drops them first.
  '20261204170001_kb_search_change_notify': [],
};
const ROLLED_BACK = ['20240130000000_add_sla_tables', ...Object.keys(DEPENDENT)];
const migrationNames = fs
  .readdirSync(path.join(root, 'backend/prisma/migrations'))
  .filter((d) => fs.existsSync(path.join(root, 'backend/prisma/migrations', d, 'migration.sql')))
  .sort();

const tables = async (url) =>
  (await query(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows.map((r) => r.tablename);

/** Rows of a table as JSON text, without the columns this migration added (Ticket.formId). */
const rowsOf = async (url, table) =>
  (await query(url, `SELECT (to_jsonb(x) - 'formId')::text AS r FROM "${table}" x ORDER BY 1`)).rows.map((r) => r.r);

async function seed(url) {
  const user = (
    await query(url, `INSERT INTO "User" (email, name, role) VALUES ('rb@example.test', 'Rb', 'ADMIN') RETURNING id`)
  ).rows[0].id;
  await query(
    url,
    `INSERT INTO "Ticket" (subject, description, "requesterId") SELECT 'T' || g, 'D' || g, $1 FROM generate_series(1, 10) g`,
    [user],
  );
  await query(url, `INSERT INTO "Comment" ("ticketId", "authorId", body) SELECT id, $1, 'c' FROM "Ticket"`, [user]);
  await query(url, `INSERT INTO "Notification" ("userId", type, title) VALUES ($1, 'x', 'kept')`, [user]);
  await query(url, `INSERT INTO "SLAPolicy" (name, targets) VALUES ('Gold', '{}')`);
  await query(
    url,
    `INSERT INTO "EventLog" (type, "aggregateType", "aggregateId") VALUES ('TicketCreated', 'Ticket', '1')`,
  );
}

describe('rollback.sql (20240130000000_add_sla_tables)', () => {
  test('refuses without -v confirm_data_loss=yes and changes nothing', async () => {
    const db = await database();
    const before = await tables(db.url);
    const res = psql(db.url, path.join(dir, 'rollback.sql'));
    assert.notEqual(res.status, 0);
    assert.match(res.stdout + res.stderr, /not confirmed/);
    assert.deepEqual((await tables(db.url)).sort(), before.sort());
  });

  test('drops only this migration, keeps init and later tables with their rows; migrate + verify bring it back', async () => {
    const db = await database();
    await seed(db.url);
    const kept = {};
    for (const t of [...INIT_TABLES, ...LATER_TABLES]) kept[t] = await rowsOf(db.url, t);
    assert.equal(kept.Ticket.length, 10);

    const res = psql(db.url, path.join(dir, 'rollback.sql'), 'confirm_data_loss=yes');
    assert.equal(res.status, 0, res.stderr);

    const present = await tables(db.url);
    for (const t of [...MIGRATION_TABLES, ...Object.values(DEPENDENT).flat()])
      assert.ok(!present.includes(t), `${t} dropped`);
    for (const t of [...INIT_TABLES, ...LATER_TABLES])
      assert.deepEqual(await rowsOf(db.url, t), kept[t], `${t} intact`);
    const formId = await query(
      db.url,
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'Ticket' AND column_name = 'formId'`,
    );
    assert.equal(formId.rowCount, 0);
    const enums = await query(db.url, `SELECT 1 FROM pg_type WHERE typname IN ('SLAStatus', 'EmailDirection')`);
    assert.equal(enums.rowCount, 0);
    const history = (await query(db.url, 'SELECT migration_name FROM "_prisma_migrations" ORDER BY 1')).rows.map(
      (r) => r.migration_name,
    );
    assert.deepEqual(
      history,
      migrationNames.filter((m) => !ROLLED_BACK.includes(m)),
    );

    const configTriggers = async () =>
      (await query(db.url, `SELECT tgname FROM pg_trigger WHERE tgname LIKE '%_config_changed' ORDER BY 1`)).rows.map(
        (r) => r.tgname,
      );
    const configFunction = `SELECT 1 FROM pg_proc WHERE proname = 'nixflow_config_changed'`;
    assert.deepEqual(await configTriggers(), []);
    assert.equal((await query(db.url, configFunction)).rowCount, 0);

    // Running it twice is harmless.
    assert.equal(psql(db.url, path.join(dir, 'rollback.sql'), 'confirm_data_loss=yes').status, 0);

    const migrate = cli(db.url, 'migrate');
    assert.equal(migrate.status, 0, migrate.stdout + migrate.stderr);
    const verify = cli(db.url, 'verify');
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    for (const t of MIGRATION_TABLES) assert.ok((await tables(db.url)).includes(t), `${t} is back`);
    for (const t of [...INIT_TABLES, ...LATER_TABLES])
      assert.deepEqual(await rowsOf(db.url, t), kept[t], `${t} intact`);
    assert.deepEqual(await configTriggers(), [
      'KnowledgeArticle_config_changed',
      'KnowledgeCategory_config_changed',
      'KnowledgeTag_config_changed',
      'RoutingRule_config_changed',
      'SLAPolicy_config_changed',
      'Stage_config_changed',
      'Workflow_config_changed',
      '_KnowledgeArticleToKnowledgeTag_config_changed',
    ]);
  });
  test('leaves the record of cleared SLA policy references alone (_nixflow_orphaned_sla_policy_ref)', async () => {
    const db = await database();
    await seed(db.url);
    await query(db.url, `UPDATE "Ticket" SET "slaPolicyId" = (SELECT id FROM "SLAPolicy" WHERE name = 'Gold')`);
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    const repair = cli(db.url, 'migrate', '--repair');
    assert.equal(repair.status, 0, repair.stdout + repair.stderr);
    assert.match(repair.stderr, /10 tickets referenced SLA policies that no longer exist/);
    const record = () => rowsOf(db.url, '_nixflow_orphaned_sla_policy_ref');
    const kept = await record();
    assert.equal(kept.length, 10);

    const res = psql(db.url, path.join(dir, 'rollback.sql'), 'confirm_data_loss=yes');
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(await record(), kept, 'rollback.sql keeps the record');
    const migrate = cli(db.url, 'migrate');
    assert.equal(migrate.status, 0, migrate.stdout + migrate.stderr);
    const verify = cli(db.url, 'verify');
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.deepEqual(await record(), kept);
  });
});

describe('validation.sql (20240130000000_add_sla_tables)', () => {
  const run = (url) => {
    const res = spawnSync('psql', ['-X', '-A', '-t', '-F', '|', '-d', url, '-f', path.join(dir, 'validation.sql')], {
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr);
    return res.stdout
      .split('\n')
      .filter((l) => l.includes('|'))
      .map((l) => l.split('|'));
  };

  test('every check is ok on a migrated database', async () => {
    const db = await database();
    const rows = run(db.url);
    assert.ok(rows.length >= 27, String(rows.length));
    assert.deepEqual(
      rows.filter(([, status]) => status !== 'ok'),
      [],
    );
  });

  test('names what is missing in the seed 003 state, and changes nothing', async () => {
    const db = await database();
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    await query(db.url, 'ALTER TABLE "EmailMessage" DROP COLUMN "headers"');
    const before = await tables(db.url);
    const bad = Object.fromEntries(run(db.url).filter(([, s]) => s !== 'ok'));
    assert.equal(bad['table SLAPolicy'], 'missing: the whole table');
    assert.equal(bad['table SLABreach'], 'missing: the whole table');
    assert.equal(bad['table EmailMessage'], 'missing: columns headers');
    assert.match(bad['foreign keys'], /SLAMetric_policyId_fkey/);
    assert.deepEqual((await tables(db.url)).sort(), before.sort());
  });
});
