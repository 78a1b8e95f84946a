// Drives ./apply_sla_migration.sh against real databases in every state an operator meets.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase } from '../../packages/db/dist/src/testing/test-database.js';

const root = path.resolve(import.meta.dirname, '../..');
const migrationsDir = path.join(root, 'backend/prisma/migrations');
const databases = [];
after(async () => Promise.all(databases.map((d) => d.drop())));

async function database(migrated) {
  const db = await createTestDatabase({ migrated });
  databases.push(db);
  return db;
}

function runScript(url, ...args) {
  const res = spawnSync('bash', [path.join(root, 'apply_sla_migration.sh'), '--no-backup', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, NIXFLOW_QUIET: '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
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

const slaTables = ['SLAPolicy', 'SLAMetric', 'SLABreach'];
const tableExists = async (url, t) => (await query(url, 'SELECT to_regclass($1) AS r', [`public."${t}"`])).rows[0].r !== null;

describe('apply_sla_migration.sh', () => {
  test('empty database: migrates, verifies, exit 0; a second run changes nothing', async () => {
    const db = await database(false);
    const first = runScript(db.url);
    assert.equal(first.code, 0, first.out);
    for (const t of slaTables) assert.ok(await tableExists(db.url, t), `${t} exists`);
    const history = async () =>
      (await query(db.url, 'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY 1')).rows;
    const before = await history();
    assert.equal(before.length, fs.readdirSync(migrationsDir).filter((d) => !d.endsWith('.toml')).length);
    const second = runScript(db.url);
    assert.equal(second.code, 0, second.out);
    assert.deepEqual(await history(), before);
  });

  test('--check on a fully migrated database: nothing missing, exit 0, nothing written', async () => {
    const db = await database(true);
    const res = runScript(db.url, '--check');
    assert.equal(res.code, 0, res.out);
    assert.match(res.out, /Dry run: nothing is missing/);
  });

  test('seed 003 state (history says applied, SLA tables missing): --check names them, a run repairs them', async () => {
    const db = await database(true);
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    const check = runScript(db.url, '--check');
    assert.equal(check.code, 4, check.out);
    for (const t of slaTables) assert.match(check.out, new RegExp(`"?${t}"?`));
    const fix = runScript(db.url);
    assert.equal(fix.code, 0, fix.out);
    for (const t of slaTables) assert.ok(await tableExists(db.url, t));
  });

  test('half-applied state (some SLA tables, missing columns and indexes) is completed', async () => {
    const db = await database(true);
    await query(db.url, 'DROP TABLE "SLABreach" CASCADE');
    await query(db.url, 'ALTER TABLE "SLAMetric" DROP COLUMN "warningAt"');
    await query(db.url, 'DROP INDEX "SLAMetric_open_dueAt_idx"');
    const res = runScript(db.url);
    assert.equal(res.code, 0, res.out);
    const col = await query(
      db.url,
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'SLAMetric' AND column_name = 'warningAt'`,
    );
    assert.equal(col.rowCount, 1);
    assert.ok(await tableExists(db.url, 'SLABreach'));
  });

  test('a failed migration in the history blocks the run with exit 3 and a way out', async () => {
    const db = await database(true);
    await query(
      db.url,
      `UPDATE "_prisma_migrations" SET finished_at = NULL, logs = 'boom' WHERE migration_name = '20240201000000_add_notifications_and_consumers'`,
    );
    const res = runScript(db.url);
    assert.equal(res.code, 3, res.out);
    assert.match(res.out, /resolve/i);
  });

  test('existing tickets keep every row and value', async () => {
    const db = await database(true);
    await query(db.url, `INSERT INTO "User" (email, name, role) VALUES ('op-${Date.now()}@example.test', 'Op', 'CUSTOMER')`);
    await query(
      db.url,
      `INSERT INTO "Ticket" (subject, description, "requesterId", tags)
       SELECT 'Printer ' || g, 'It is on fire ' || g, (SELECT id FROM "User" LIMIT 1), ARRAY['hw'] FROM generate_series(1, 25) g`,
    );
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    const snapshot = async () => (await query(db.url, 'SELECT * FROM "Ticket" ORDER BY number')).rows;
    const before = await snapshot();
    const res = runScript(db.url);
    assert.equal(res.code, 0, res.out);
    assert.deepEqual(await snapshot(), before);
  });

  test('unreachable database: exit 2 with a clear message', () => {
    const res = runScript('postgresql://postgres@127.0.0.1:1/nowhere', '--check');
    assert.equal(res.code, 2, res.out);
    assert.match(res.out, /unreachable/i);
  });
});

describe('apply_sla_migration.bat parity', () => {
  const sh = fs.readFileSync(path.join(root, 'apply_sla_migration.sh'), 'utf8');
  const bat = fs.readFileSync(path.join(root, 'apply_sla_migration.bat'), 'utf8').replace(/\r\n/g, '\n');
  const steps = (text) => [...new Set([...text.matchAll(/(?:\[|say )(\d)\/9/g)].map((m) => m[1]))].sort();
  const options = (text) => [...new Set([...text.matchAll(/"(--[a-z-]+)"|(--[a-z-]+)\)/g)].map((m) => m[1] ?? m[2]))].sort();
  const exits = (text) => [...new Set([...text.matchAll(/exit (?:\/b )?(\d)/g)].map((m) => m[1]))].sort();

  test('same nine steps', () => {
    assert.deepEqual(steps(sh), ['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(steps(bat), steps(sh));
  });
  test('same options', () => {
    for (const opt of ['--check', '--no-backup', '--no-stop', '--help']) {
      assert.ok(sh.includes(opt), `.sh handles ${opt}`);
      assert.ok(bat.includes(`"${opt}"`), `.bat handles ${opt}`);
    }
    assert.ok(options(sh).length > 0);
  });
  test('same exit codes', () => assert.deepEqual(exits(bat), exits(sh)));
  test('same step messages', () => {
    const messages = (text) =>
      [...text.matchAll(/(?:\[|say )(\d)\/9\]? "?([A-Z][^."\n(…:$!%^]{12,40})/g)].map((m) => `${m[1]}:${m[2].trim()}`);
    const batMessages = new Set(messages(bat));
    for (const msg of new Set(messages(sh))) assert.ok(batMessages.has(msg), `.bat says "${msg}"`);
  });
  test('the .bat keeps CRLF line endings', () => {
    const raw = fs.readFileSync(path.join(root, 'apply_sla_migration.bat'), 'utf8');
    assert.equal(raw.split('\n').length, raw.split('\r\n').length);
  });
});
