// Scale-out as deployed (#20), bounded and loopback only: a real PgBouncer in transaction mode in front of a
// throw-away database, 2 API processes and 3 worker processes over it, one Redis, attachments on S3 (s3rver).
// Three db:migrate at once with the direct URL apply each migration once; through the pooler alone the
// runner refuses. Tickets with 1-minute targets through both APIs: exactly one breach per metric and one
// notification per recipient; a login limit holds across both instances; a file uploaded through one API is
// read through the other.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPrismaClient, type PrismaClient, UserRole } from '@nixflow/db/client';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@nixflow/db/testing';
import { freePort, PGBOUNCER_BIN, startPgBouncer, type PgBouncer } from '@nixflow/db/testing/pgbouncer';
import { startS3TestServer, type S3TestServer } from '@nixflow/storage/testing';
import { S3Storage } from '@nixflow/storage';
import { hashPassword } from '../src/auth/password.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const API_MAIN = path.join(ROOT, 'backend/dist/src/main.js');
const WORKER_MAIN = path.join(ROOT, 'worker/dist/src/main.js');
const MIGRATE = path.join(ROOT, 'packages/db/dist/src/cli/migrate.js');
const MIGRATIONS = path.join(ROOT, 'backend/prisma/migrations');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const SWEEP_MS = 500;
const TICKETS = 8;
const LOGIN_LIMIT = 3;

const skip = PGBOUNCER_BIN
  ? false
  : 'pgbouncer is not installed (apt-get install -y pgbouncer): scale-out test skipped';
const uid = () => randomBytes(4).toString('hex');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

interface Proc {
  name: string;
  child: ChildProcess;
  output(): string;
}
const procs: Proc[] = [];

function launch(name: string, script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_DIRECT_URL: '', DIRECT_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
  child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
  const proc = { name, child, output: () => out };
  procs.push(proc);
  return proc;
}

async function stopAll(): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      const exited = once(p.child, 'exit');
      p.child.kill('SIGTERM');
      const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

function migrate(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MIGRATE], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_DIRECT_URL: '', DIRECT_URL: '', MIGRATIONS_DIR: MIGRATIONS, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function waitFor<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, what: () => string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await sleep(250);
  }
}

const outputs = () => procs.map((p) => `--- ${p.name}\n${p.output().slice(-3000)}`).join('\n');

/** A small HTTP client for one API process. */
function api(base: string) {
  const call = async (
    method: string,
    url: string,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${base}${url}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined && !(body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    let json: unknown = undefined;
    if ((res.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(buf.toString());
    return { status: res.status, headers: res.headers, body: json as Record<string, unknown>, raw: buf };
  };
  return {
    base,
    get: (url: string, token?: string) => call('GET', url, token),
    post: (url: string, token?: string, body?: unknown) => call('POST', url, token, body),
    login: (email: string, password: string) => call('POST', '/api/auth/login', undefined, { email, password }),
  };
}
type Api = ReturnType<typeof api>;

let s3: S3TestServer;
let db: TestDatabase;
let bouncer: PgBouncer;
let prisma: PrismaClient;
const uploadDirs: string[] = [];
const apis: Api[] = [];
const prefix = `${testQueuePrefix()}-scale`;

before(async () => {
  if (skip) return;
  s3 = await startS3TestServer();
  db = await createTestDatabase({ migrated: false });
  bouncer = await startPgBouncer([db.name], { poolSize: 20 });
});

after(async () => {
  await stopAll();
  await prisma?.$disconnect().catch(() => undefined);
  await bouncer?.stop();
  await db?.drop();
  await s3?.close();
  for (const d of uploadDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('scale-out: PgBouncer (transaction mode), 2 APIs, 3 workers, Redis, S3', { skip, timeout: 600_000 }, () => {
  it('migrations: refused through the pooler; three runners at once with the direct URL apply each once', async () => {
    const refused = await migrate({ DATABASE_URL: bouncer.url(db.name) });
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /Refusing to migrate through a connection pooler/);
    assert.match(refused.stderr, /DATABASE_DIRECT_URL/);
    console.log(`# through the pooler alone (exit ${refused.code}): ${refused.stderr.trim()}`);

    const runs = await Promise.all(
      [1, 2, 3].map(() =>
        migrate({ DATABASE_URL: bouncer.url(db.name), DATABASE_DIRECT_URL: db.url, MIGRATE_LOCK_TIMEOUT_MS: '300000' }),
      ),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stdout + r.stderr);
    const folders = fs
      .readdirSync(MIGRATIONS, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(MIGRATIONS, e.name, 'migration.sql')))
      .map((e) => e.name)
      .sort();
    prisma = createPrismaClient(db.url, 3);
    const rows = await prisma.$queryRawUnsafe<Array<{ migration_name: string; n: number }>>(
      `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations"
       WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(
      rows.map((r) => [r.migration_name, r.n]),
      folders.map((f) => [f, 1]),
    );
    const applied = runs.reduce((n, r) => n + (r.stdout.match(/ applied /g) ?? []).length, 0);
    assert.equal(applied, folders.length, runs.map((r) => r.stdout).join('\n---\n'));
    console.log(`# migrations: ${folders.length} applied once by 3 concurrent runners (${elapsed()})`);
  });

  it('2 APIs and 3 workers over the pooler: breaches and notifications once, shared login limit, shared files', async () => {
    // Only this test's policy applies (migrations may seed others).
    await prisma.slaPolicy.updateMany({ data: { isActive: false } });
    const password = `Pw-${uid()}-${uid()}`;
    const passwordHash = await hashPassword(password);
    const mk = (role: UserRole, name: string) =>
      prisma.user.create({ data: { email: `${name}-${uid()}@scale.test`, name, role, passwordHash } });
    const admin = await mk(UserRole.ADMIN, 'admin');
    const assignee = await mk(UserRole.AGENT, 'assignee');
    const watcher = await mk(UserRole.AGENT, 'watcher');
    const customer = await mk(UserRole.CUSTOMER, 'customer');

    const common = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: bouncer.url(db.name),
      DATABASE_DIRECT_URL: db.url,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      ...s3.env,
    };
    for (const i of [1, 2]) {
      const port = await freePort();
      const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), `nixflow-scale-api${i}-`));
      uploadDirs.push(uploadDir);
      launch(`api${i}`, API_MAIN, {
        ...common,
        PORT: String(port),
        UPLOAD_DIR: uploadDir,
        LOGIN_THROTTLE_LIMIT: String(LOGIN_LIMIT),
        LOGIN_IP_THROTTLE_LIMIT: '100000',
      });
      apis.push(api(`http://127.0.0.1:${port}`));
    }
    for (const a of apis) {
      let last = '';
      await waitFor(
        async () => {
          const res = await a.get('/api/health/ready');
          last = `${res.status} ${JSON.stringify(res.body)}`;
          return res.status === 200;
        },
        240_000,
        () => `${a.base} ready (last answer: ${last})\n${outputs()}`,
      );
    }
    console.log(`# 2 APIs ready (${elapsed()})`);
    for (const i of [1, 2, 3]) {
      launch(`worker${i}`, WORKER_MAIN, {
        ...common,
        WORKER_DATABASE_POOL_SIZE: '3',
        SLA_MONITOR_INTERVAL_MS: String(SWEEP_MS),
        EVENT_CONSUMER_INTERVAL_MS: '300',
      });
    }
    for (const w of procs.filter((p) => p.name.startsWith('worker'))) {
      await waitFor(
        async () => /nixflow worker started/.test(w.output()),
        240_000,
        () => `${w.name} started\n${outputs()}`,
      );
    }
    console.log(`# 3 workers started (${elapsed()})`);
    const [a, b] = apis as [Api, Api];

    // ── a login limit that holds across both instances ──
    for (const [i, via] of [a, b, a].entries()) {
      const res = await via.login(customer.email, 'wrong-password');
      assert.equal(res.status, 401, `attempt ${i + 1}: ${JSON.stringify(res.body)}`);
    }
    const blocked = await b.login(customer.email, 'wrong-password');
    assert.equal(blocked.status, 429, `the ${LOGIN_LIMIT + 1}th attempt, on the other instance`);
    assert.equal((await a.login(customer.email, password)).status, 429, 'blocked on both instances');

    // ── logout on one instance revokes on the other, through the pooler (the token check's user cache
    // LISTENs on DATABASE_DIRECT_URL: a pooled session would never hear the notice) ──
    {
      const token = (await a.login(watcher.email, password)).body.accessToken as string;
      assert.equal((await b.get('/api/tickets', token)).status, 200, 'the token works on the other instance');
      assert.equal((await a.post('/api/auth/logout', token)).status < 300, true, 'logout');
      const since = Date.now();
      await waitFor(
        async () => (await b.get('/api/tickets', token)).status === 401,
        60_000,
        () => `the token logged out on ${a.base} is still accepted on ${b.base}`,
      );
      console.log(`# logout on one instance refused on the other after ${Date.now() - since} ms`);
    }

    // ── tickets with 1-minute targets through both APIs ──
    const tokenA = (await a.login(admin.email, password)).body.accessToken as string;
    const tokenB = (await b.login(admin.email, password)).body.accessToken as string;
    assert.ok(tokenA && tokenB);
    const policy = await a.post('/api/sla/policies', tokenA, {
      name: `one-minute-${uid()}`,
      position: 0,
      targets: { FIRST_RESPONSE: { NORMAL: 1 }, RESOLUTION: { NORMAL: 1 } },
      calendar: { timezone: 'UTC', businessHours: null, holidays: [] },
    });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    const ticketIds: string[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const [via, token, other, otherToken] = i % 2 ? [b, tokenB, a, tokenA] : [a, tokenA, b, tokenB];
      const t = await via.post('/api/tickets', token, {
        subject: `scale ${i}`,
        description: 'x',
        requesterId: customer.id,
        assigneeId: assignee.id,
      });
      assert.equal(t.status, 201, JSON.stringify(t.body));
      const w = await other.post(`/api/tickets/${String(t.body.id)}/watchers`, otherToken, { userId: watcher.id });
      assert.ok([200, 201].includes(w.status), JSON.stringify(w.body));
      ticketIds.push(String(t.body.id));
    }
    const metrics = await prisma.slaMetric.findMany({ where: { ticketId: { in: ticketIds } } });
    assert.equal(metrics.length, TICKETS * 2, 'two metrics per ticket');
    assert.ok(metrics.every((m) => m.policyId === policy.body.id));
    console.log(`# ${TICKETS} tickets through both APIs, ${metrics.length} metrics due in 1 minute (${elapsed()})`);

    // ── exactly one breach per metric, one notification per recipient ──
    const expectedNotifications = metrics.length * 2; // assignee and watcher
    const breachNotifications = () =>
      prisma.notification.findMany({ where: { ticketId: { in: ticketIds }, type: 'sla.breached' } });
    await waitFor(
      async () =>
        (await prisma.slaBreach.count({ where: { ticketId: { in: ticketIds } } })) >= metrics.length &&
        (await breachNotifications()).length >= expectedNotifications,
      180_000,
      () => `every metric breached and notified\n${outputs()}`,
    );
    console.log(`# all ${metrics.length} metrics breached and notified (${elapsed()})`);
    // Give duplicates every chance: more sweeps and event-consumer runs by all three workers.
    await sleep(10 * SWEEP_MS);
    const breaches = await prisma.slaBreach.groupBy({
      by: ['metricId'],
      where: { ticketId: { in: ticketIds } },
      _count: { _all: true },
    });
    assert.equal(breaches.length, metrics.length, 'every metric breached');
    assert.ok(
      breaches.every((g) => g._count._all === 1),
      JSON.stringify(breaches),
    );
    const breachEvents = await prisma.eventLog.count({
      where: { type: 'SLABreached', aggregateId: { in: ticketIds } },
    });
    assert.equal(breachEvents, metrics.length, 'one SLABreached event per metric');
    const notes = await breachNotifications();
    assert.equal(notes.length, expectedNotifications);
    const perRecipient = new Map<string, number>();
    for (const n of notes) {
      const key = `${n.userId}:${(n.data as { metricId: string }).metricId}`;
      perRecipient.set(key, (perRecipient.get(key) ?? 0) + 1);
    }
    assert.equal(perRecipient.size, expectedNotifications);
    assert.ok([...perRecipient.values()].every((n) => n === 1));
    assert.deepEqual(new Set(notes.map((n) => n.userId)), new Set([assignee.id, watcher.id]));

    // ── an attachment uploaded through one API, read through the other (S3) ──
    const article = await a.post('/api/kb/articles', tokenA, { title: 'Scale', body: 'x', status: 'PUBLISHED' });
    assert.equal(article.status, 201, JSON.stringify(article.body));
    const content = randomBytes(100_000);
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'application/pdf' }), 'shared.pdf');
    const up = await a.post(`/api/kb/articles/${String(article.body.id)}/attachments`, tokenA, form);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const dl = await b.get(`/api/kb/articles/${String(article.body.id)}/attachments/${String(up.body.id)}`, tokenB);
    assert.equal(dl.status, 200);
    assert.deepEqual(dl.raw, content);
    const row = await prisma.knowledgeArticleAttachment.findUniqueOrThrow({ where: { id: String(up.body.id) } });
    const bucket = new S3Storage({
      bucket: s3.bucket,
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    });
    assert.deepEqual(await bucket.stat(row.storagePath), { size: content.length });

    // No prepared-statement or session-state errors through the transaction pooler.
    assert.doesNotMatch(outputs(), /prepared statement|08P01|cannot insert multiple commands/i);
    console.log(`# scale-out checks done (${elapsed()})`);
  });
});
