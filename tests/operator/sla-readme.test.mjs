// SLA_MIGRATION_README.md must be real: its manual psql steps are run as written on a database that
// lacks the SLA migration, and every script flag, npm script and file it names exists.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase } from '../../packages/db/dist/src/testing/test-database.js';

const root = path.resolve(import.meta.dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'SLA_MIGRATION_README.md'), 'utf8');
const codeBlocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
const databases = [];
after(async () => Promise.all(databases.map((d) => d.drop())));

async function query(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const cli = (url, name) =>
  spawnSync(process.execPath, [path.join(root, 'packages/db/dist/src/cli', `${name}.js`)], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });

describe('SLA_MIGRATION_README.md', () => {
  test('the manual psql steps (Linux/macOS) apply and record the migration as Prisma does', async () => {
    const block = codeBlocks.find((b) => b.text.startsWith('# Manual steps (Linux/macOS)'));
    assert.ok(block, 'the manual steps block');
    const db = await createTestDatabase({ migrated: true });
    databases.push(db);
    const roll = spawnSync(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', 'confirm_data_loss=yes', '-d', db.url, '-f',
        path.join(root, 'backend/prisma/migrations/20240130000000_add_sla_tables/rollback.sql')],
      { encoding: 'utf8' },
    ); // prettier-ignore
    assert.equal(roll.status, 0, roll.stderr);
    assert.equal(cli(db.url, 'status').status, 1, 'the migration is pending now');

    // rollback.sql also rolled back the later migrations that depend on it: "apply the other
    // migrations the same way, in the order of their folder names".
    const recorded = (await query(db.url, 'SELECT migration_name FROM "_prisma_migrations"')).rows.map(
      (r) => r.migration_name,
    );
    const toApply = fs
      .readdirSync(path.join(root, 'backend/prisma/migrations'))
      .filter((m) => /^\d/.test(m) && !recorded.includes(m))
      .sort();
    assert.ok(toApply.includes('20240130000000_add_sla_tables'), toApply.join());
    for (const name of toApply) {
      const script = block.text
        .replace(/^export DATABASE_URL=.*$/m, `export DATABASE_URL='${db.url}'`)
        .replaceAll('20240130000000_add_sla_tables', name)
        .replace(/^psql .*validation\.sql.*$/m, (line) => (name === '20240130000000_add_sla_tables' ? line : ''));
      const before = new Set(fs.readdirSync(root));
      const res = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: root, encoding: 'utf8' });
      for (const f of fs.readdirSync(root))
        if (!before.has(f) && /^backup-.*\.sql$/.test(f)) fs.rmSync(path.join(root, f));
      assert.equal(res.status, 0, `${name}: ${res.stdout}${res.stderr}`);
      assert.doesNotMatch(res.stdout, /\|\s*missing/, res.stdout);
    }

    const status = cli(db.url, 'status');
    assert.equal(status.status, 0, `up to date, checksum not "modified":\n${status.stdout}${status.stderr}`);
    const verify = cli(db.url, 'verify');
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    const rows = (await query(db.url, `SELECT checksum FROM "_prisma_migrations" WHERE migration_name = '20240130000000_add_sla_tables'`)).rows; // prettier-ignore
    assert.equal(rows.length, 1);
    assert.match(rows[0].checksum, /^[0-9a-f]{64}$/);
  });

  test('every script option, npm script and file it names exists', () => {
    const help = spawnSync('bash', [path.join(root, 'apply_sla_migration.sh'), '--help'], { encoding: 'utf8' }).stdout;
    for (const [, opt] of readme.matchAll(/apply_sla_migration\.(?:sh|bat) (--[a-z-]+)/g))
      assert.ok(help.includes(opt), `option ${opt}`);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    for (const [, name] of readme.matchAll(/npm run ([a-z:]+)/g)) assert.ok(pkg.scripts[name], `npm run ${name}`);
    for (const [, file] of readme.matchAll(/((?:backend|scripts|packages)\/[\w./-]+\.(?:sql|js|mjs|prisma))/g)) {
      const f = file.replace('<time>', '');
      if (f.includes('dist/')) continue; // built by npm run build
      assert.ok(fs.existsSync(path.join(root, f)), f);
    }
    for (const [, flag] of readme.matchAll(/migrate(?:\.js)? (--[a-z-]+)/g))
      assert.ok(['--repair', '--resolve-rolled-back', '--resolve-applied'].includes(flag), flag);
    assert.ok(readme.includes('Database migrations not applied: run npm run db:migrate (or ./apply_sla_migration.sh)'));
    assert.match(readme, /WARNING: DATA LOSS/);
  });
});
