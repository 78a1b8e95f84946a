// Drives ./apply_sla_migration.sh against real databases in every state an operator meets
// (issue 8), and checks that apply_sla_migration.bat does the same steps with the same words.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase } from '../../packages/db/dist/src/testing/test-database.js';

const root = path.resolve(import.meta.dirname, '../..');
const migrationsDir = path.join(root, 'backend/prisma/migrations');
const migrationNames = fs
  .readdirSync(migrationsDir)
  .filter((d) => fs.existsSync(path.join(migrationsDir, d, 'migration.sql')))
  .sort();
const databases = [];
after(async () => Promise.all(databases.map((d) => d.drop())));

async function database(migrated) {
  const db = await createTestDatabase({ migrated });
  databases.push(db);
  return db;
}

/** Runs the real script; `--no-backup` unless `backup: true`. */
function runScript(url, args = [], { backup = false, env = {} } = {}) {
  const res = spawnSync(
    'bash',
    [path.join(root, 'apply_sla_migration.sh'), ...(backup ? [] : ['--no-backup']), ...args],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, NIXFLOW_QUIET: '', ...env },
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
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
const tableExists = async (url, t) =>
  (await query(url, 'SELECT to_regclass($1) AS r', [`public."${t}"`])).rows[0].r !== null;

/** Every row of every table (as JSON text, sorted) and every sequence position. */
async function fullDump(url) {
  const tables = (
    await query(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
  ).rows.map((r) => r.tablename);
  const dump = {};
  for (const t of tables) {
    const rows = await query(url, `SELECT to_jsonb(x)::text AS row FROM "${t}" x ORDER BY 1`);
    dump[t] = rows.rows.map((r) => r.row);
  }
  const seqs = await query(
    url,
    `SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`,
  );
  dump['(sequences)'] = seqs.rows.map((r) => `${r.sequencename}=${r.last_value}`);
  return dump;
}

/** Users, a workflow, tickets with comments, history and watchers, KB and event-log rows. */
async function seedData(url) {
  await query(
    url,
    `WITH u AS (
       INSERT INTO "User" (email, name, role, "passwordHash")
       SELECT 'op' || g || '-' || md5(random()::text) || '@example.test', 'Operator ' || g,
              (CASE WHEN g = 1 THEN 'ADMIN' ELSE 'CUSTOMER' END)::"UserRole", 'x'
         FROM generate_series(1, 3) g RETURNING id)
     INSERT INTO "Workflow" (name, description) VALUES ('Ops ' || md5(random()::text), 'kept as is')`,
  );
  await query(
    url,
    `INSERT INTO "Stage" ("workflowId", name, position, "isInitial")
     SELECT id, 'New', 0, true FROM "Workflow" ORDER BY "createdAt" DESC LIMIT 1`,
  );
  await query(
    url,
    `INSERT INTO "Ticket" (subject, description, "requesterId", "workflowId", "stageId", tags)
     SELECT 'Printer ' || g, E'It is on fire \\u00e9\\n' || g, (SELECT id FROM "User" ORDER BY email LIMIT 1),
            s."workflowId", s.id, ARRAY['hw', 'urgent-' || g]
       FROM generate_series(1, 25) g, (SELECT * FROM "Stage" LIMIT 1) s`,
  );
  await query(
    url,
    `INSERT INTO "Comment" ("ticketId", "authorId", body, internal)
     SELECT t.id, t."requesterId", 'Comment on ' || t.subject, t.number % 2 = 0 FROM "Ticket" t`,
  );
  await query(
    url,
    `INSERT INTO "HistoryLog" ("ticketId", "actorId", action, field, "oldValue", "newValue")
     SELECT t.id, t."requesterId", 'updated', 'status', 'OPEN', 'PENDING' FROM "Ticket" t`,
  );
  await query(
    url,
    `INSERT INTO "TicketWatcher" ("ticketId", "userId") SELECT t.id, u.id FROM "Ticket" t, "User" u WHERE t.number % 5 = 0`,
  );
  await query(url, `INSERT INTO "KnowledgeCategory" (name, slug) VALUES ('FAQ', 'faq-' || md5(random()::text))`);
  await query(
    url,
    `INSERT INTO "EventLog" (type, "aggregateType", "aggregateId", payload)
     SELECT 'TicketCreated', 'Ticket', id::text, jsonb_build_object('n', number) FROM "Ticket"`,
  );
}

const backupFileOf = (out) => /Backup written: (\S+\.sql)/.exec(out)?.[1];

describe('apply_sla_migration.sh', () => {
  test('--help prints the options and exit codes; an unknown option exits 1', () => {
    const help = spawnSync('bash', [path.join(root, 'apply_sla_migration.sh'), '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    for (const s of ['--check', '--no-backup', '--no-stop', 'Exit codes', 'database unreachable', 'backup failed'])
      assert.ok(help.stdout.includes(s), s);
    const bad = spawnSync('bash', [path.join(root, 'apply_sla_migration.sh'), '--force'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /Unknown option: --force/);
  });

  test('empty database: migrates, verifies, exit 0; a second run changes nothing', async () => {
    const db = await database(false);
    const first = runScript(db.url);
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /\[OK\] The database schema is complete/);
    for (const t of slaTables) assert.ok(await tableExists(db.url, t), `${t} exists`);
    const history = async () =>
      (await query(db.url, 'SELECT migration_name, checksum, finished_at, logs FROM "_prisma_migrations" ORDER BY 1'))
        .rows;
    const before = await history();
    assert.deepEqual(
      before.map((r) => r.migration_name),
      migrationNames,
    );
    const dump = await fullDump(db.url);
    const second = runScript(db.url);
    assert.equal(second.code, 0, second.out);
    assert.deepEqual(await history(), before);
    assert.deepEqual(await fullDump(db.url), dump);
  });

  test('--check on a fully migrated database: nothing missing, exit 0, nothing written', async () => {
    const db = await database(true);
    const before = await fullDump(db.url);
    const res = runScript(db.url, ['--check']);
    assert.equal(res.code, 0, res.out);
    assert.match(res.out, /Dry run: nothing is missing/);
    assert.doesNotMatch(res.out, /\[3\/9\]/);
    assert.deepEqual(await fullDump(db.url), before);
  });

  test('seed 003 state (history says applied, SLA tables missing): --check names them, a run repairs them', async () => {
    const db = await database(true);
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    const check = runScript(db.url, ['--check']);
    assert.equal(check.code, 4, check.out);
    for (const t of slaTables) assert.match(check.out, new RegExp(`"?${t}"?`));
    assert.equal(await tableExists(db.url, 'SLAPolicy'), false, '--check changes nothing');
    const history = (await query(db.url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name')).rows;
    const fix = runScript(db.url);
    assert.equal(fix.code, 0, fix.out);
    for (const t of slaTables) assert.ok(await tableExists(db.url, t));
    // Repair re-runs the scripts; the history is Prisma's and stays as it was.
    assert.deepEqual((await query(db.url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name')).rows, history);
  });

  test('seed 003 state with tickets pointing at the dropped SLA policies: references kept, cleared, FK back', async () => {
    const db = await database(true);
    await seedData(db.url);
    const policies = (
      await query(db.url, `INSERT INTO "SLAPolicy" (name) VALUES ('Gold'), ('Silver') RETURNING id`)
    ).rows.map((r) => r.id);
    // 8 tickets on Gold, 5 on Silver, the other 12 without a policy.
    await query(
      db.url,
      `UPDATE "Ticket" SET "slaPolicyId" = CASE WHEN number % 3 = 0 THEN $1::uuid ELSE $2::uuid END
        WHERE number % 3 = 0 OR number % 5 = 1`,
      policies,
    );
    const dangling = (
      await query(
        db.url,
        `SELECT id AS "ticketId", "slaPolicyId" FROM "Ticket" WHERE "slaPolicyId" IS NOT NULL ORDER BY id`,
      )
    ).rows;
    assert.ok(dangling.length >= 10, `${dangling.length} tickets with a policy`);
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    const check = runScript(db.url, ['--check']);
    assert.equal(check.code, 4, check.out);
    assert.match(check.out, /Ticket_slaPolicyId_fkey/);
    assert.doesNotMatch(check.out, /Tooling failed/);

    const fix = runScript(db.url);
    assert.equal(fix.code, 0, fix.out);
    assert.match(
      fix.out,
      new RegExp(
        `${dangling.length} tickets referenced SLA policies that no longer exist; their references were cleared and kept in _nixflow_orphaned_sla_policy_ref`,
      ),
    );
    assert.match(fix.out, /All \d+ expected objects present\./, 'the record table is not reported as extra');
    const fk = await query(db.url, `SELECT 1 FROM pg_constraint WHERE conname = 'Ticket_slaPolicyId_fkey'`);
    assert.equal(fk.rowCount, 1, 'the foreign key is back');
    const kept = await query(
      db.url,
      `SELECT "ticketId", "slaPolicyId", "recordedAt" FROM "_nixflow_orphaned_sla_policy_ref" ORDER BY "ticketId"`,
    );
    assert.deepEqual(
      kept.rows.map(({ ticketId, slaPolicyId }) => ({ ticketId, slaPolicyId })),
      dangling,
      'every dangling reference is recorded',
    );
    assert.ok(kept.rows.every((r) => r.recordedAt instanceof Date));
    const left = await query(db.url, `SELECT count(*)::int AS n FROM "Ticket" WHERE "slaPolicyId" IS NOT NULL`);
    assert.equal(left.rows[0].n, 0);

    const dump = await fullDump(db.url);
    const again = runScript(db.url);
    assert.equal(again.code, 0, again.out);
    assert.doesNotMatch(again.out, /referenced SLA policies that no longer exist/);
    assert.deepEqual(await fullDump(db.url), dump, 'a second run is a no-op');
  });

  test('db:verify failing as a tool (not a missing object): exit 1, "Tooling failed" with what to do', async () => {
    const db = await database(true);
    const res = runScript(db.url, ['--check'], {
      env: { MIGRATIONS_DIR: path.join(os.tmpdir(), 'nixflow-no-such-dir') },
    });
    assert.equal(res.code, 1, res.out);
    assert.match(res.out, /Migrations folder .* does not exist/);
    assert.match(
      res.out,
      /\[2\/9\] Tooling failed: db:verify did not compare the schema \(exit 1, error above\); nothing was changed\. To fix: run 'npm ci' and 'npm run build', then this script again\./,
    );
    assert.doesNotMatch(res.out, /objects listed above are missing/);
  });

  test('half-applied state (some SLA tables, missing columns, indexes, foreign keys) is completed', async () => {
    const db = await database(true);
    await query(db.url, 'DROP TABLE "SLABreach", "KnowledgeArticleView" CASCADE');
    await query(db.url, 'ALTER TABLE "SLAMetric" DROP COLUMN "warningAt"');
    await query(db.url, 'ALTER TABLE "Ticket" DROP COLUMN "formId"');
    await query(db.url, 'DROP INDEX "SLAMetric_status_dueAt_idx"');
    await query(db.url, 'ALTER TABLE "SLAMetric" DROP CONSTRAINT "SLAMetric_policyId_fkey"');
    const res = runScript(db.url);
    assert.equal(res.code, 0, res.out);
    const cols = await query(
      db.url,
      `SELECT table_name || '.' || column_name AS c FROM information_schema.columns
        WHERE (table_name, column_name) IN (('SLAMetric', 'warningAt'), ('Ticket', 'formId')) ORDER BY 1`,
    );
    assert.deepEqual(
      cols.rows.map((r) => r.c),
      ['SLAMetric.warningAt', 'Ticket.formId'],
    );
    assert.ok(await tableExists(db.url, 'SLABreach'));
    assert.ok(await tableExists(db.url, 'KnowledgeArticleView'));
    assert.ok(await tableExists(db.url, 'SLAMetric_status_dueAt_idx'));
    const fk = await query(db.url, `SELECT 1 FROM pg_constraint WHERE conname = 'SLAMetric_policyId_fkey'`);
    assert.equal(fk.rowCount, 1);
  });

  test('a failed migration in the history blocks the run with exit 3 and the way out, which works', async () => {
    const db = await database(true);
    const name = '20240201000000_add_notifications_and_consumers';
    await query(db.url, `UPDATE "_prisma_migrations" SET finished_at = NULL, logs = 'boom' WHERE migration_name = $1`, [
      name,
    ]);
    const res = runScript(db.url);
    assert.equal(res.code, 3, res.out);
    assert.match(res.out, /P3009/);
    assert.match(res.out, /npm run db:migrate -- --resolve-rolled-back <name>/);
    // The way out, as printed.
    const resolve = spawnSync(
      process.execPath,
      [path.join(root, 'packages/db/dist/src/cli/migrate.js'), '--resolve-rolled-back', name],
      { cwd: root, env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8' },
    );
    assert.equal(resolve.status, 0, `${resolve.stdout}${resolve.stderr}`);
    const again = runScript(db.url);
    assert.equal(again.code, 0, again.out);
  });

  test('existing data keeps every row, value and sequence position (all tables)', async () => {
    const db = await database(true);
    await seedData(db.url);
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    const before = await fullDump(db.url);
    assert.equal(before.Ticket.length, 25);
    const res = runScript(db.url);
    assert.equal(res.code, 0, res.out);
    const afterDump = await fullDump(db.url);
    for (const [table, rows] of Object.entries(before)) assert.deepEqual(afterDump[table], rows, table);
    for (const t of slaTables) assert.deepEqual(afterDump[t], [], `${t} is back, empty`);
  });

  test('backup: written before any change, and restorable into an empty database', async () => {
    const db = await database(true);
    await seedData(db.url);
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    const before = await fullDump(db.url);
    const res = runScript(db.url, [], { backup: true });
    assert.equal(res.code, 0, res.out);
    const file = backupFileOf(res.out);
    assert.ok(file, res.out);
    const abs = path.join(root, file);
    try {
      assert.match(path.basename(file), /^nixflow-\d{8}T\d{6}Z\.sql$/);
      const restored = await database(false);
      const psql = spawnSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-d', restored.url, '-f', abs], {
        encoding: 'utf8',
      });
      assert.equal(psql.status, 0, psql.stderr);
      assert.deepEqual(await fullDump(restored.url), before, 'the restored database is the state before the run');
    } finally {
      fs.rmSync(abs, { force: true });
    }
  });

  test('a failing backup stops before any change with exit 5', async () => {
    const db = await database(true);
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    // A pg_dump that fails (as a client older than the server does).
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-fake-pgdump-'));
    fs.writeFileSync(
      path.join(bin, 'pg_dump'),
      '#!/bin/sh\necho "pg_dump: error: server version mismatch" >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    try {
      const res = runScript(db.url, [], { backup: true, env: { PATH: `${bin}:${process.env.PATH}` } });
      assert.equal(res.code, 5, res.out);
      assert.match(res.out, /Backup failed: nothing was changed/);
      assert.equal(await tableExists(db.url, 'SLAPolicy'), false);
      assert.doesNotMatch(res.out, /\[5\/9\]/);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  test('unreachable database: exit 2 with a clear message, password not printed', () => {
    const res = runScript('postgresql://postgres:hunter2@127.0.0.1:1/nowhere', ['--check']);
    assert.equal(res.code, 2, res.out);
    assert.match(res.out, /unreachable/i);
    assert.match(res.out, /Using DATABASE_URL: postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    assert.doesNotMatch(res.out, /hunter2/);
  });

  test('no DATABASE_URL and no compose database: exit 2, says what to do', () => {
    const env = { ...process.env, PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` };
    delete env.DATABASE_URL;
    const res = spawnSync('bash', [path.join(root, 'apply_sla_migration.sh')], { cwd: root, env, encoding: 'utf8' });
    assert.equal(res.status, 2, res.stdout + res.stderr);
    assert.match(res.stdout, /No database found/);
    assert.match(res.stdout, /Set DATABASE_URL/);
  });
});

describe('apply_sla_migration.bat parity', () => {
  const sh = fs.readFileSync(path.join(root, 'apply_sla_migration.sh'), 'utf8');
  const rawBat = fs.readFileSync(path.join(root, 'apply_sla_migration.bat'), 'utf8');
  const bat = rawBat.replace(/\r\n/g, '\n');
  const norm = (s) =>
    s
      .replace(/\^([()<>&|])/g, '$1')
      .replace(/\$\{?[A-Z_]+\}?|![A-Z_]+!|%[A-Z_]+%/g, '<v>')
      .replace(/apply_sla_migration\.(sh|bat)/g, 'apply_sla_migration')
      .trim();
  /** "N/9 text" for every step message. */
  const shMessages = [...sh.matchAll(/\bsay (\d\/9|OK) "([^"]*)"/g)].map((m) => `${m[1]} ${norm(m[2])}`);
  const batMessages = [...bat.matchAll(/\becho \[(\d\/9|OK)\] (.*)$/gm)].map((m) => `${m[1]} ${norm(m[2])}`);

  test('the same nine steps, in the same order', () => {
    // (The restart message lives in a helper, defined first in the .sh and last in the .bat.)
    const order = (msgs) => [
      ...new Set(msgs.filter((m) => !m.startsWith('8/9 Restarting')).map((m) => m.split(' ')[0])),
    ];
    assert.deepEqual(order(shMessages), ['1/9', '2/9', '3/9', '4/9', '5/9', '6/9', '7/9', '8/9', '9/9', 'OK']);
    assert.deepEqual(order(batMessages), order(shMessages));
  });

  test('the same messages', () => {
    assert.ok(shMessages.length >= 30, shMessages.join('\n'));
    assert.deepEqual([...batMessages].sort(), [...shMessages].sort());
  });

  test('the same --help text', () => {
    const shHelp = spawnSync('bash', [path.join(root, 'apply_sla_migration.sh'), '--help'], {
      encoding: 'utf8',
    }).stdout;
    const block = /^:help\n([\s\S]*?)\nexit \/b 0/m.exec(bat)[1];
    const batHelp = block
      .split('\n')
      .map((l) => (l === 'echo.' ? '' : l.replace(/^echo /, '')))
      .join('\n');
    assert.equal(norm(batHelp), norm(shHelp));
  });

  test('the same options', () => {
    for (const opt of ['--check', '--no-backup', '--no-stop', '--help', '-h']) {
      assert.match(sh, new RegExp(`(^|[ |])${opt}[ )|]`, 'm'), `.sh handles ${opt}`);
      assert.ok(bat.includes(`if /i "%~1"=="${opt}"`), `.bat handles ${opt}`);
    }
  });

  test('the same exit codes', () => {
    const exits = (text) => [...new Set([...text.matchAll(/exit (?:\/b )?(\d)/g)].map((m) => m[1]))].sort();
    assert.deepEqual(exits(sh), ['0', '1', '2', '3', '4', '5']);
    assert.deepEqual(exits(bat), exits(sh));
  });

  test('the same commands: CLIs, backup, compose', () => {
    for (const s of [
      'packages/db/dist/src/cli/',
      'verify',
      'migrate --repair',
      'status',
      'pg_dump --no-owner --no-privileges',
      'apply-sla-helper.mjs show-url',
      'apply-sla-helper.mjs pg-dump',
      'apply-sla-helper.mjs client-stale',
      'run --rm --no-deps -T migrate',
      'exec -T db',
      'ps --services --filter status',
      'logs --no-color --tail 20 backend worker',
      'npm run build --silent',
    ]) {
      assert.ok(sh.includes(s), `.sh: ${s}`);
      assert.ok(bat.replace(/\\/g, '/').includes(s.replace('status=', 'status^=')), `.bat: ${s}`);
    }
  });

  test('the .bat is cmd-safe: delayed expansion, CRLF, committed with eol=crlf', () => {
    assert.match(bat, /setlocal EnableExtensions EnableDelayedExpansion/);
    assert.equal(rawBat.split('\n').length, rawBat.split('\r\n').length, 'CRLF line endings');
    assert.doesNotMatch(bat, /%DATABASE_URL%/, 'expand the URL with !…! so that % and ! in passwords survive');
    assert.doesNotMatch(bat, /^\s*timeout /m, 'timeout fails when input is redirected');
    assert.doesNotMatch(bat, /^\s*npm /m, 'npm is npm.cmd: call it');
    const attrs = fs.readFileSync(path.join(root, '.gitattributes'), 'utf8');
    assert.match(attrs, /^\*\.bat text eol=crlf$/m);
  });
});
