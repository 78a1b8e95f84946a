import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UserRole, createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { hashPassword } from '../../src/auth/password.js';
import { ProcessRegistry, migrate, startBackend, waitFor, type BackendProcess } from './support/processes.js';
import { privateServicesUnavailable, startPrivatePostgres, type PrivatePostgres } from './support/private-services.js';

// Fault: PostgreSQL goes away under the real API process and comes back.
// Runs against a PRIVATE cluster: the shared one on 5432 is never touched.
const skip = privateServicesUnavailable();
const procs = new ProcessRegistry();
let pgc: PrivatePostgres | undefined;
let prisma: PrismaClient | undefined;
let api: BackendProcess;
let token: string;
const password = 'Outage-Password-123';

async function call(method: string, path: string, body?: unknown, auth = true) {
  const res = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(auth ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: json, text };
}

describe('PostgreSQL outage (private cluster, real API process)', { skip, timeout: 120_000 }, () => {
  before(async () => {
    pgc = await startPrivatePostgres();
    await pgc.query('CREATE DATABASE nixflow');
    const url = pgc.url('nixflow');
    await migrate(url);
    prisma = createPrismaClient(url, 2);
    await prisma.user.create({
      data: {
        email: 'outage-admin@test.nixflow.local',
        name: 'Outage admin',
        role: UserRole.ADMIN,
        passwordHash: await hashPassword(password),
      },
    });
    await prisma.$disconnect();
    api = procs.track(await startBackend({ DATABASE_URL: url }));
    const login = await call('POST', '/api/auth/login', { email: 'outage-admin@test.nixflow.local', password }, false);
    assert.equal(login.status, 200, login.text);
    token = login.body.accessToken as string;
  });

  after(async () => {
    await procs.killAll();
    await prisma?.$disconnect().catch(() => undefined);
    await pgc?.destroy();
  });

  it('answers 503 (never 500) while the database is down, and recovers by itself', async () => {
    assert.equal((await call('GET', '/api/users')).status, 200);

    await pgc!.stop();
    const down = {
      list: await call('GET', '/api/users'),
      create: await call('POST', '/api/users', {
        email: 'while-down@test.nixflow.local',
        name: 'While down',
        password: 'While-Down-123',
      }),
      login: await call('POST', '/api/auth/login', { email: 'outage-admin@test.nixflow.local', password }, false),
      ready: await call('GET', '/api/health/ready', undefined, false),
      live: await call('GET', '/api/health', undefined, false),
    };
    for (const [name, r] of Object.entries(down).filter(([n]) => n !== 'live')) {
      assert.equal(r.status, 503, `${name}: ${r.status} ${r.text}`);
    }
    for (const name of ['list', 'create', 'login'] as const) {
      assert.match(String(down[name].body.message), /Database unavailable/, name);
      assert.doesNotMatch(down[name].text, /ECONNREFUSED|127\.0\.0\.1|stack/i, `${name} leaks internals`);
    }
    assert.equal((down.ready.body.checks as { database: { status: string } }).database.status, 'down');
    assert.equal(down.live.status, 200, 'liveness must not depend on the database');

    await pgc!.start();
    // No restart of the API: its pool reconnects on its own.
    await waitFor(async () => (await call('GET', '/api/users')).status === 200, 20_000, 'the API to recover');
    const created = await call('POST', '/api/users', {
      email: 'after-outage@test.nixflow.local',
      name: 'After outage',
      password: 'After-Outage-123',
    });
    assert.equal(created.status, 201, created.text);
    const ready = await call('GET', '/api/health/ready', undefined, false);
    assert.equal((ready.body.checks as { database: { status: string } }).database.status, 'up', ready.text);
    // Nothing half-written from the request that failed during the outage.
    const rows = await pgc!.query(
      `SELECT email FROM "User" WHERE email IN ('while-down@test.nixflow.local', 'after-outage@test.nixflow.local')`,
      'nixflow',
    );
    assert.deepEqual(
      rows.rows.map((r) => r.email),
      ['after-outage@test.nixflow.local'],
    );
    assert.doesNotMatch(api.output(), /Unhandled error/, 'a connection error reached the generic 500 branch');
  });

  it('answers 503 when connections are cut mid-flight (terminated backends) and recovers', async () => {
    // Kill every server-side connection of the API: the pool holds dead sockets now.
    await pgc!.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'nixflow' AND pid <> pg_backend_pid()`,
    );
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call('GET', '/api/users')).status);
    for (const s of statuses) assert.ok(s === 200 || s === 503, `got ${s} after terminated connections`);
    await waitFor(async () => (await call('GET', '/api/users')).status === 200, 10_000, 'the API to recover');
  });
});
