// The backend on a database that is behind the code (seed 003): it starts, logs one [DB-MISMATCH]
// line per missing table and column, answers the affected routes with the migrations 503, keeps
// serving the rest, and /api/health/ready says what is missing.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { UserRole } from '@nixflow/db/client';
import { createTestDatabase, testQueuePrefix } from '@nixflow/db/testing';
import { MIGRATIONS_MESSAGE } from '../src/common/prisma-errors.js';
import {
  MAPPED_TABLES,
  REQUIRED_COLUMNS,
  REQUIRED_TABLES,
  checkSchema,
  mismatchLines,
} from '../src/health/schema-check.js';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';

const SLA_TABLES = ['SLABreach', 'SLAMetric', 'SLAPolicy'];

/** A port that was free a moment ago (the process under test binds it right away). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe('schema mismatch: the API on a database behind the code', () => {
  let t: TestApp;
  let admin: TestUser;
  let token: string;
  before(async () => {
    t = await createTestApp();
    admin = await t.createUser({ role: UserRole.ADMIN });
    token = await t.login(admin.email, admin.password);
  });
  after(async () => {
    await t?.close();
  });

  it('knows every model column', () => {
    assert.ok(REQUIRED_COLUMNS.SLAMetric.includes('warningAt'));
    assert.ok(REQUIRED_COLUMNS.Ticket.includes('formId'));
    assert.ok(REQUIRED_COLUMNS.User.includes('role'), 'enum fields too');
    assert.ok(!REQUIRED_COLUMNS.Ticket.includes('comments'), 'relations are not columns');
    for (const table of REQUIRED_TABLES) assert.ok(REQUIRED_COLUMNS[table].length > 0, table);
  });

  it('knows every @@map of schema.prisma (the generated client does not expose them)', () => {
    const schema = fs.readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');
    // Each model block runs from `model X {` to the `}` alone on a line (defaults such as "{}" hold braces).
    const mapped = Object.fromEntries(
      [...schema.matchAll(/^model (\w+) \{\n(.*?)^\}/gms)]
        .map((m) => [m[1], /@@map\("([^"]+)"\)/.exec(m[2]!)?.[1]])
        .filter(([, table]) => table),
    );
    assert.ok(Object.keys(mapped).length >= 3, 'the SLA models are mapped');
    assert.deepEqual(MAPPED_TABLES, mapped);
  });

  it('a dropped column: the route answers 503 naming it, ready names it', async () => {
    await t.prisma.$executeRawUnsafe('ALTER TABLE "SLAPolicy" DROP COLUMN "timezone"');
    const res = await t.http.get('/api/sla/policies').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.equal(res.body.message, MIGRATIONS_MESSAGE);
    assert.match(String(res.body.detail), /timezone/);
    const ready = await t.http.get('/api/health/ready');
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.checks.schema.missingColumns, ['SLAPolicy.timezone']);
    assert.deepEqual(ready.body.checks.schema.missingTables, []);
  });

  it('dropped SLA tables: SLA routes answer 503, ready names the tables, the rest keeps working', async () => {
    await t.prisma.$executeRawUnsafe(`DROP TABLE ${SLA_TABLES.map((x) => `"${x}"`).join(', ')} CASCADE`);
    for (const route of ['/api/sla/policies', '/api/sla/metrics']) {
      const res = await t.http.get(route).set('Authorization', `Bearer ${token}`);
      assert.equal(res.status, 503, `${route}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.message, MIGRATIONS_MESSAGE);
      assert.equal(
        res.body.message,
        'Database migrations not applied: run npm run db:migrate (or ./apply_sla_migration.sh)',
      );
    }
    const policy = await t.http.get('/api/sla/policies').set('Authorization', `Bearer ${token}`);
    assert.equal(policy.body.detail, 'SLAPolicy');

    const ready = await t.http.get('/api/health/ready');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, 'not_ready');
    assert.equal(ready.body.checks.database.status, 'up');
    assert.deepEqual([...ready.body.checks.schema.missingTables].sort(), [...SLA_TABLES].sort());

    const login = await t.http.post('/api/auth/login').send({ email: admin.email, password: admin.password });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const users = await t.http.get('/api/users').set('Authorization', `Bearer ${token}`);
    assert.equal(users.status, 200, JSON.stringify(users.body));
    assert.equal((await t.http.get('/api/health')).status, 200);
  });

  it('recovers without a restart once the migration is re-applied', async () => {
    const migrations = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
    // Every migration is idempotent: re-running them all (what `db:migrate -- --repair` does) restores the
    // SLA tables with the columns later migrations added to them.
    const folders = fs
      .readdirSync(migrations)
      .filter((f) => fs.existsSync(path.join(migrations, f, 'migration.sql')))
      .sort((a, b) => a.localeCompare(b));
    for (const folder of folders)
      await sql(t.db.url, fs.readFileSync(path.join(migrations, folder, 'migration.sql'), 'utf8'));
    const res = await t.http.get('/api/sla/policies').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const ready = await t.http.get('/api/health/ready');
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
  });

  it('reports a failed migration with the way out', async () => {
    await t.prisma.$executeRawUnsafe(
      `UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = '20240201000000_add_notifications_and_consumers'`,
    );
    const ready = await t.http.get('/api/health/ready');
    assert.deepEqual(ready.body.checks.schema.failedMigrations, ['20240201000000_add_notifications_and_consumers']);
    const lines = mismatchLines(await checkSchema(t.prisma)).map((l) => l.line);
    assert.ok(
      lines.some((l) => l.includes('--resolve-rolled-back 20240201000000_add_notifications_and_consumers')),
      lines.join('\n'),
    );
  });
});

describe('schema mismatch: start-up log of the real backend process', () => {
  it('logs one [DB-MISMATCH] line per missing table and per missing column, then serves', async () => {
    const db = await createTestDatabase();
    try {
      await sql(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
      await sql(db.url, 'ALTER TABLE "Ticket" DROP COLUMN "formId"');
      await sql(db.url, 'ALTER TABLE "KnowledgeArticle" DROP COLUMN "helpfulCount", DROP COLUMN "viewCount"');
      const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
      const port = await freePort();
      const child = spawn(process.execPath, [main], {
        cwd: path.resolve(path.dirname(main), '../../..'),
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          PORT: String(port),
          LOG_LEVEL: 'info',
          NODE_ENV: 'production',
          JWT_SECRET: randomBytes(32).toString('hex'),
          EMAIL_SECRET_KEY: randomBytes(32).toString('hex'),
          NIXFLOW_SKIP_STARTUP_SCHEMA_CHECK: '0',
          QUEUE_PREFIX: testQueuePrefix(),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      try {
        // Generous: a cold start of the whole API on a loaded 2-core machine can take well over 30 s.
        const deadline = Date.now() + 120_000;
        while (!/API listening/.test(out) && Date.now() < deadline && child.exitCode === null)
          await new Promise((r) => setTimeout(r, 100));
        assert.match(out, /API listening/, out);
        // It serves: liveness 200, readiness 503 naming what is missing.
        assert.equal((await fetch(`http://127.0.0.1:${port}/api/health`)).status, 200);
        const ready = await fetch(`http://127.0.0.1:${port}/api/health/ready`);
        assert.equal(ready.status, 503);
        const body = (await ready.json()) as { checks: { schema: { missingColumns: string[] } } };
        assert.ok(body.checks.schema.missingColumns.includes('Ticket.formId'));
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
      // pino writes JSON lines: read their messages.
      const messages = out.split('\n').map((l) => {
        try {
          return String((JSON.parse(l) as { msg?: unknown }).msg ?? '');
        } catch {
          return l;
        }
      });
      const lines = messages.filter((l) => l.includes('[DB-MISMATCH]'));
      const expected = [
        ...SLA_TABLES.map((x) => `table "${x}" is missing`),
        'column "Ticket.formId" is missing',
        'column "KnowledgeArticle.helpfulCount" is missing',
        'column "KnowledgeArticle.viewCount" is missing',
      ];
      for (const e of expected) {
        const matching = lines.filter((l) => l.includes(e));
        assert.equal(matching.length, 1, `one line for ${e}:\n${lines.join('\n')}`);
        assert.match(matching[0], /run npm run db:migrate \(or \.\/apply_sla_migration\.sh\)/);
      }
      assert.equal(lines.length, expected.length, lines.join('\n'));
    } finally {
      await db.drop();
    }
  });
});
