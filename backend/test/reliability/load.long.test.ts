import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserRole, createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, type TestDatabase } from '@nixflow/db/testing';
import { hashPassword } from '../../src/auth/password.js';
import { ProcessRegistry, rssOf, startBackend, type BackendProcess } from './support/processes.js';

// Load against the real API process on loopback: a bounded soak of mixed traffic (no 5xx, bounded
// memory growth), and SIGTERM in the middle of a burst (in-flight requests finish, nothing half-written).
// RELIABILITY_SOAK_SECONDS makes the soak longer (default 60).

const SOAK_SECONDS = Number(process.env.RELIABILITY_SOAK_SECONDS || 60);
const CONCURRENCY = Number(process.env.RELIABILITY_SOAK_CONCURRENCY || 8);
const RSS_GROWTH_LIMIT = 64 * 1024 * 1024;
const uid = () => randomBytes(5).toString('hex');
const procs = new ProcessRegistry();
let db: TestDatabase;
let prisma: PrismaClient;

interface Session {
  admin: string;
  agent: string;
  customer: string;
}

async function login(api: BackendProcess, email: string, password: string): Promise<string> {
  const res = await fetch(`${api.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function sessions(api: BackendProcess): Promise<Session> {
  const password = 'Load-Password-123';
  const passwordHash = await hashPassword(password);
  const out: Partial<Session> = {};
  for (const role of [UserRole.ADMIN, UserRole.AGENT, UserRole.CUSTOMER]) {
    const email = `load-${role.toLowerCase()}-${uid()}@test.nixflow.local`;
    await prisma.user.create({ data: { email, name: `Load ${role}`, role, passwordHash } });
    out[role.toLowerCase() as keyof Session] = await login(api, email, password);
  }
  return out as Session;
}

describe('load on the real API process', { timeout: (SOAK_SECONDS + 120) * 1000 }, () => {
  before(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, 3);
  });
  after(async () => {
    await procs.killAll();
    await prisma?.$disconnect().catch(() => undefined);
    await db?.drop();
  });

  it(`soak: ${SOAK_SECONDS}s of mixed traffic, no 5xx, no errors, bounded memory`, async () => {
    const api = procs.track(
      await startBackend({
        DATABASE_URL: db.url,
        LOGIN_THROTTLE_LIMIT: '1000000',
        // A small old generation makes V8 collect instead of growing lazily: what RSS does then is growth that
        // cannot be collected (a leak), and a real leak ends in an out-of-memory crash the test sees.
        NODE_OPTIONS:
          `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${process.env.RELIABILITY_SOAK_HEAP_MB || 160}`.trim(),
      }),
    );
    const s = await sessions(api);
    // Every GET route without path parameters the API has (new list routes are covered automatically).
    // Event streams never end, so they are not list routes (the SSE tests cover them).
    const doc = (await (await fetch(`${api.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, { get?: { responses?: Record<string, { content?: object }> } }>;
    };
    const isStream = (op: { responses?: Record<string, { content?: object }> }) =>
      Object.values(op.responses ?? {}).some((r) => r.content && 'text/event-stream' in r.content);
    const listRoutes = Object.entries(doc.paths)
      .filter(([p, ops]) => ops.get && !isStream(ops.get) && !p.includes('{') && !p.includes('docs'))
      .map(([p]) => p);
    assert.ok(listRoutes.length >= 8, listRoutes.join(' '));

    const createdUsers: string[] = [];
    const statuses = new Map<string, number>();
    const failures: string[] = [];
    const latencies: number[] = [];
    const byLabel = new Map<string, number[]>();
    const call = async (label: string, method: string, path: string, token?: string, body?: unknown) => {
      const t0 = performance.now();
      try {
        const res = await fetch(`${api.baseUrl}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        latencies.push(performance.now() - t0);
        byLabel.set(label, [...(byLabel.get(label) ?? []), performance.now() - t0]);
        const key = `${res.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (res.status >= 500) failures.push(`${label} ${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
        return { status: res.status, text };
      } catch (err) {
        failures.push(`${label} ${method} ${path} → ${String(err)}`);
        return { status: 0, text: '' };
      }
    };

    const ops: (() => Promise<unknown>)[] = [
      () => call('live', 'GET', '/api/health'),
      () => call('me', 'GET', '/api/auth/me', s.customer),
      () => {
        const tokens = [s.admin, s.agent, s.customer];
        const route = listRoutes[Math.floor(Math.random() * listRoutes.length)]!;
        return call('list', 'GET', route, tokens[Math.floor(Math.random() * 3)]);
      },
      () =>
        call(
          'search',
          'GET',
          `/api/kb/search?q=${encodeURIComponent(['printer', 'vpn', 'reset password'][Math.floor(Math.random() * 3)]!)}`,
          s.customer,
        ),
      async () => {
        const r = await call('create-user', 'POST', '/api/users', s.admin, {
          email: `soak-${uid()}@test.nixflow.local`,
          name: 'Soak user',
          password: 'Soak-Password-123',
        });
        if (r.status === 201) createdUsers.push((JSON.parse(r.text) as { id: string }).id);
      },
      async () => {
        const id = createdUsers[Math.floor(Math.random() * createdUsers.length)];
        if (id) await call('patch-user', 'PATCH', `/api/users/${id}`, s.admin, { name: `Renamed ${uid()}` });
      },
      () =>
        call('create-article', 'POST', '/api/kb/articles', s.agent, {
          title: `Soak article ${uid()}`,
          body: `How to fix the printer ${uid()}. `.repeat(20),
          status: 'PUBLISHED',
        }),
      () => call('bad-body', 'POST', '/api/users', s.admin, { email: 'nope', extra: true }),
      () => call('forbidden', 'GET', '/api/users', s.customer),
    ];

    const rss: { t: number; bytes: number }[] = [];
    const started = Date.now();
    const end = started + SOAK_SECONDS * 1000;
    const sampler = (async () => {
      while (Date.now() < end) {
        rss.push({ t: Date.now() - started, bytes: await rssOf(api.child.pid!) });
        await sleep(1000);
      }
    })();
    let requests = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < end) {
          await ops[Math.floor(Math.random() * ops.length)]!();
          requests++;
        }
      }),
    );
    await sampler;

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const warm = rss.filter((r) => r.t >= SOAK_SECONDS * 250); // after the first quarter
    const head = median(warm.slice(0, 5).map((r) => r.bytes));
    const tail = median(warm.slice(-5).map((r) => r.bytes));
    const sorted = [...latencies].sort((a, b) => a - b);
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    const figures = {
      seconds: SOAK_SECONDS,
      concurrency: CONCURRENCY,
      requests,
      rps: Math.round(requests / SOAK_SECONDS),
      p50ms: Math.round(sorted[Math.floor(sorted.length * 0.5)]!),
      p99ms: Math.round(sorted[Math.floor(sorted.length * 0.99)]!),
      statuses: Object.fromEntries(statuses),
      rssStartMB: mb(rss[0]!.bytes),
      rssAfterWarmupMB: mb(head),
      rssEndMB: mb(tail),
      rssMaxMB: mb(Math.max(...rss.map((r) => r.bytes))),
      p50msByOperation: Object.fromEntries([...byLabel].map(([k, v]) => [k, Math.round(median(v))])),
    };
    console.log(`# soak figures ${JSON.stringify(figures)}`);
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} failed requests`);
    assert.ok(requests > SOAK_SECONDS * 10, `only ${requests} requests`);
    assert.ok(
      tail - head < RSS_GROWTH_LIMIT,
      `RSS grew ${mb(tail - head)} MB after warm-up: ${JSON.stringify(figures)}`,
    );
    assert.doesNotMatch(api.output(), /Unhandled error/);
    assert.equal(await api.stop(), null === api.child.exitCode ? null : api.child.exitCode);
  });

  it('SIGTERM during a burst: in-flight requests finish, nothing half-written, clean exit', async () => {
    // A slow password hash keeps every create request busy for a while: SIGTERM lands mid-request.
    const api = procs.track(await startBackend({ DATABASE_URL: db.url, LOGIN_THROTTLE_LIMIT: '1000000' }));
    const s = await sessions(api);
    const emails = Array.from({ length: 40 }, () => `sigterm-${uid()}@test.nixflow.local`);
    const inflight = emails.map(async (email) => {
      try {
        const res = await fetch(`${api.baseUrl}/api/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${s.admin}` },
          body: JSON.stringify({ email, name: 'In flight', password: 'In-Flight-Password-1' }),
          signal: AbortSignal.timeout(20_000),
        });
        return { email, status: res.status, text: await res.text() };
      } catch (err) {
        return { email, status: 0, text: `${String(err)} ${String((err as { cause?: unknown }).cause)}` };
      }
    });
    // Let the requests reach the server (bcrypt keeps each busy for a moment), then ask it to stop.
    await sleep(300);
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      api.child.once('exit', (code, signal) => resolve([code, signal])),
    );
    api.child.kill('SIGTERM');
    const results = await Promise.all(inflight);
    const deadline = new AbortController(); // aborted after: a pending timer would hold the process 20 s
    const [code, signal] = await Promise.race([
      exited,
      sleep(20_000, undefined, { signal: deadline.signal }).then(() => {
        throw new Error(`the API did not exit within 20 s of SIGTERM:\n${api.output()}`);
      }),
    ]).finally(() => deadline.abort());
    const accepted = results.filter((r) => r.status === 201).map((r) => r.email);
    const refused = results.filter((r) => r.status !== 201);
    // Requests being served complete. Connections whose request the busy server had not read yet are closed
    // (ECONNRESET) without side effects, so a client may retry them. Never a 5xx.
    for (const r of refused) assert.ok(r.status === 0 || r.status < 500, `${r.email}: ${r.status} ${r.text}`);
    assert.ok(accepted.length > 0, `no request was in flight: ${JSON.stringify(results.slice(0, 3))}`);
    // Exactly the acknowledged users exist: nothing was written without an answer, nothing answered unwritten.
    const stored = await prisma.user.findMany({ where: { email: { in: emails } }, select: { email: true } });
    assert.deepEqual(stored.map((u) => u.email).sort(), [...accepted].sort());
    assert.ok(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}\n${api.output()}`);
    assert.doesNotMatch(api.output(), /Unhandled error|pool after calling end/i, api.output());
    console.log(
      `# SIGTERM with ${emails.length} requests sent: ${accepted.length} completed (201), ${refused.length} refused at the socket`,
    );
  });
});
