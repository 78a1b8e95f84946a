// Contract with Prisma itself (#17): the real `prisma` CLI, through the engine shim
// (packages/db/prisma-engine: the CLI's own schema engine build in WebAssembly), against real
// databases. A database our runner migrated must look to `prisma migrate status`/`deploy` exactly
// like one Prisma migrated, and the other way round; failed migrations (P3009) are recognised both
// ways; and Prisma's diff between the migrations and schema.prisma is exactly our allow-list.
// No network: the CLI runs offline (CHECKPOINT_DISABLE) and the engine is local.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { readMigrations } from '../src/migrate/migrations-folder.js';
import { diffStatements, MIGRATION_ONLY_PRISMA_DIFF } from '../src/verify/migration-only.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.js';
import { history, migrationsFolder, REPO_MIGRATIONS, runCli, type CliResult } from './support/cli.js';
import { prisma, prismaConfig } from './support/prisma-cli.js';

const databases: TestDatabase[] = [];
const cleanups: (() => void)[] = [];
after(async () => {
  await Promise.all(databases.map((d) => d.drop()));
  cleanups.forEach((c) => c());
});

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: false });
  databases.push(db);
  return db;
}

function folder(migrations: Record<string, string>) {
  const f = migrationsFolder(migrations);
  const config = prismaConfig(f.dir);
  cleanups.push(f.remove, config.remove);
  return { ...f, config: config.file };
}

/** What Prisma printed, for the test log (and the issue): the lines that say something. */
function excerpt(t: TestContext, what: string, res: CliResult): void {
  const lines = res.out
    .split('\n')
    .filter((l) => l.trim() && !/^(Loaded Prisma config|Prisma schema loaded|Datasource "db")/.test(l));
  t.diagnostic(`${what} → exit ${res.code}\n${lines.slice(0, 12).join('\n')}`);
}

/** _prisma_migrations as Prisma compares it: everything but ids and timestamps. */
async function bookkeeping(url: string) {
  return (await history(url)).map((r) => ({
    migration_name: r.migration_name,
    checksum: r.checksum,
    applied_steps_count: r.applied_steps_count,
    logs: r.logs,
    finished: r.finished_at !== null,
    rolled_back: r.rolled_back_at !== null,
  }));
}

function schemaDump(db: TestDatabase): string {
  const res = spawnSync('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', db.url], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  // pg_dump's \restrict line carries a random key per run.
  return res.stdout
    .replace(/^--.*$/gm, '')
    .replace(/^\\(un)?restrict .*$/gm, '')
    .replace(/\n{2,}/g, '\n');
}

const ourMigrations = readMigrations(REPO_MIGRATIONS).migrations;

describe('the real Prisma CLI and our runner agree', () => {
  let ours: TestDatabase;
  let theirs: TestDatabase;

  test('our runner migrates; Prisma migrate status and deploy find nothing to do', async (t) => {
    ours = await emptyDatabase();
    const migrated = await runCli('migrate', [], { url: ours.url, quiet: true });
    assert.equal(migrated.code, 0, migrated.out);

    const status = await prisma(['migrate', 'status'], { url: ours.url });
    excerpt(t, 'prisma migrate status', status);
    assert.equal(status.code, 0, status.out);
    assert.match(status.out, new RegExp(`${ourMigrations.length} migrations found`));
    assert.match(status.out, /Database schema is up to date!/);

    const deploy = await prisma(['migrate', 'deploy'], { url: ours.url });
    excerpt(t, 'prisma migrate deploy', deploy);
    assert.equal(deploy.code, 0, deploy.out);
    assert.match(deploy.out, /No pending migrations to apply/);
  });

  test('Prisma migrates; our db:status and db:verify find everything applied and present', async (t) => {
    theirs = await emptyDatabase();
    const deploy = await prisma(['migrate', 'deploy'], { url: theirs.url });
    excerpt(t, 'prisma migrate deploy (fresh database)', deploy);
    assert.equal(deploy.code, 0, deploy.out);
    assert.match(deploy.out, /All migrations have been successfully applied/);

    const status = await runCli('status', [], { url: theirs.url });
    assert.equal(status.code, 0, status.out);
    assert.match(
      status.stdout,
      new RegExp(`${ourMigrations.length} applied, 0 pending, 0 failed, 0 modified, 0 unknown`),
    );
    const verify = await runCli('verify', [], { url: theirs.url });
    assert.equal(verify.code, 0, verify.out);
    assert.match(verify.stdout, /All \d+ expected objects present/);
    const again = await runCli('migrate', [], { url: theirs.url });
    assert.equal(again.code, 0, again.out);
    assert.match(again.stdout, /No pending migrations/);
  });

  test('both databases have the same _prisma_migrations rows and the same pg_dump --schema-only', async () => {
    assert.ok(ours && theirs, 'the two tests above ran');
    const mine = await bookkeeping(ours.url);
    assert.deepEqual(mine, await bookkeeping(theirs.url));
    assert.deepEqual(
      mine.map((r) => [r.migration_name, r.checksum]),
      ourMigrations.map((m) => [m.name, m.checksum]),
    );
    assert.equal(schemaDump(ours), schemaDump(theirs));
  });
});

describe('the same order for migrations with the same timestamp', () => {
  test('Prisma applies "_a" before "_B" (localeCompare), as our runner does', async (t) => {
    const f = folder({
      '20990101000000_a': 'CREATE TABLE "A" (id int);\n',
      '20990101000000_B': 'ALTER TABLE "A" ADD COLUMN b int;\n',
    });
    const db = await emptyDatabase();
    const deploy = await prisma(['migrate', 'deploy'], { url: db.url, config: f.config });
    excerpt(t, 'prisma migrate deploy (_a, _B)', deploy);
    assert.equal(deploy.code, 0, deploy.out);
    assert.deepEqual(
      (await history(db.url)).map((r) => r.migration_name),
      ['20990101000000_a', '20990101000000_B'],
    );
  });
});

describe('a failed migration (P3009) is recognised across the two tools', () => {
  const good = { '20240101000000_a': 'CREATE TABLE "A" (id int);\n' };
  const bad = 'CREATE TABLE "B" (id int REFERENCES "Missing"(id));\n';
  const fixed = 'CREATE TABLE "B" (id int);\n';

  test('failed in our runner → Prisma refuses with P3009, resolves --rolled-back; then both apply it', async (t) => {
    const f = folder({ ...good, '20240102000000_b': bad });
    const db = await emptyDatabase();
    const failed = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(failed.code, 3, failed.out);

    const deploy = await prisma(['migrate', 'deploy'], { url: db.url, config: f.config });
    excerpt(t, 'prisma migrate deploy after our failure', deploy);
    assert.notEqual(deploy.code, 0, deploy.out);
    assert.match(deploy.out, /P3009/);
    assert.match(deploy.out, /20240102000000_b/);

    const resolve = await prisma(['migrate', 'resolve', '--rolled-back', '20240102000000_b'], {
      url: db.url,
      config: f.config,
    });
    excerpt(t, 'prisma migrate resolve --rolled-back', resolve);
    assert.equal(resolve.code, 0, resolve.out);

    f.write('20240102000000_b', fixed);
    const ok = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(ok.code, 0, ok.out);
    const status = await runCli('status', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(status.code, 0, status.out);
  });

  test('failed in Prisma → our runner refuses with P3009, resolves --rolled-back; Prisma then applies it', async (t) => {
    const f = folder({ ...good, '20240102000000_b': bad });
    const db = await emptyDatabase();
    const failed = await prisma(['migrate', 'deploy'], { url: db.url, config: f.config });
    excerpt(t, 'prisma migrate deploy (failing migration)', failed);
    assert.notEqual(failed.code, 0, failed.out);
    assert.match(failed.out, /P3018/);

    const blocked = await runCli('migrate', [], { url: db.url, migrationsDir: f.dir });
    assert.equal(blocked.code, 3, blocked.out);
    assert.match(blocked.stderr, /P3009/);
    assert.match(blocked.stderr, /20240102000000_b/);
    const resolved = await runCli('migrate', ['--resolve-rolled-back', '20240102000000_b'], {
      url: db.url,
      migrationsDir: f.dir,
    });
    assert.equal(resolved.code, 0, resolved.out);

    f.write('20240102000000_b', fixed);
    const deploy = await prisma(['migrate', 'deploy'], { url: db.url, config: f.config });
    excerpt(t, 'prisma migrate deploy after our resolve', deploy);
    assert.equal(deploy.code, 0, deploy.out);
    const rows = await bookkeeping(db.url);
    assert.deepEqual(
      rows.map((r) => [r.migration_name, r.finished, r.rolled_back]),
      [
        ['20240101000000_a', true, false],
        ['20240102000000_b', false, true],
        ['20240102000000_b', true, false],
      ],
    );
  });
});

describe('schema.prisma and the migrations, according to Prisma', () => {
  test('prisma migrate diff --from-migrations … --to-schema … prints exactly the allow-list', async (t) => {
    const db = await emptyDatabase(); // the CLI wants a datasource; the diff itself uses a shadow database
    const diff = await prisma(
      [
        'migrate',
        'diff',
        '--from-migrations',
        path.relative(path.join(REPO_MIGRATIONS, '../..'), REPO_MIGRATIONS),
        '--to-schema',
        'prisma/schema.prisma',
        '--script',
        '--exit-code',
      ],
      { url: db.url },
    );
    excerpt(t, 'prisma migrate diff --script --exit-code', diff);
    // --exit-code: 0 no difference, 2 a difference, 1 an error.
    assert.equal(diff.code, MIGRATION_ONLY_PRISMA_DIFF.length ? 2 : 0, diff.out);
    assert.deepEqual(
      diffStatements(diff.stdout).sort(),
      [...MIGRATION_ONLY_PRISMA_DIFF].sort(),
      'Prisma sees a difference between schema.prisma and the migrations that is not in src/verify/migration-only.ts: add a migration (npm run db:new-migration) or, when deliberate, an entry with its reason',
    );
    assert.ok(fs.existsSync(REPO_MIGRATIONS));
  });
});
