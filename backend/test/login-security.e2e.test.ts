// Login hardening against the real API (Nest apps over PostgreSQL, limits in the shared Redis).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { UserRole } from '@nixflow/db/client';
import { testQueuePrefix } from '@nixflow/db/testing';
import { createTestApp, uniqueEmail, type TestApp } from './support/test-app.js';

const attempt = (app: TestApp, email = uniqueEmail('spray'), xff?: string) => {
  const req = app.http.post('/api/auth/login');
  if (xff) req.set('X-Forwarded-For', xff);
  return req.send({ email, password: 'Wrong-Password-1' });
};

/** Statuses of `n` attempts made one after the other (each with its own e-mail). */
async function statuses(n: number, make: () => ReturnType<typeof attempt>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await make()).status);
  return out;
}

describe('login hardening', () => {
  const apps: TestApp[] = [];
  const app = async (env: Record<string, string>) => {
    const a = await createTestApp({ env: { LOGIN_THROTTLE_LIMIT: '100', LOGIN_MAX_CONCURRENT_HASHES: '4', ...env } });
    apps.push(a);
    return a;
  };
  after(async () => {
    for (const a of apps) await a.close();
  });

  describe('per-IP limit across e-mails, shared by two API instances through Redis', () => {
    let a: TestApp;
    let b: TestApp;
    before(async () => {
      const shared = { QUEUE_PREFIX: testQueuePrefix(), LOGIN_IP_THROTTLE_LIMIT: '5', TRUST_PROXY: 'false' };
      a = await app(shared);
      b = await app(shared);
    });

    it('one IP trying many e-mails is stopped (429), and the second instance counts the first one’s attempts', async () => {
      assert.deepEqual(await statuses(3, () => attempt(a)), [401, 401, 401]);
      assert.deepEqual(await statuses(3, () => attempt(b)), [401, 401, 429]);
      const blocked = await attempt(a);
      assert.equal(blocked.status, 429);
      assert.ok(Number(blocked.headers['retry-after']) >= 1, JSON.stringify(blocked.headers));
    });
  });

  describe('TRUST_PROXY', () => {
    it('without it, X-Forwarded-For is ignored: changing it does not escape the per-IP limit', async () => {
      const a = await app({ QUEUE_PREFIX: testQueuePrefix(), LOGIN_IP_THROTTLE_LIMIT: '3', TRUST_PROXY: 'false' });
      let n = 0;
      assert.deepEqual(await statuses(4, () => attempt(a, undefined, `198.51.100.${++n}`)), [401, 401, 401, 429]);
    });

    it('unset (the default), X-Forwarded-For is ignored too', async () => {
      delete process.env.TRUST_PROXY; // createTestApp merges into process.env: other tests set it
      const a = await app({ QUEUE_PREFIX: testQueuePrefix(), LOGIN_IP_THROTTLE_LIMIT: '3' });
      let n = 0;
      assert.deepEqual(await statuses(4, () => attempt(a, undefined, `198.51.100.${++n}`)), [401, 401, 401, 429]);
    });

    it('with it, the client address comes from X-Forwarded-For (one limit per client)', async () => {
      const a = await app({ QUEUE_PREFIX: testQueuePrefix(), LOGIN_IP_THROTTLE_LIMIT: '3', TRUST_PROXY: '1' });
      assert.deepEqual(await statuses(4, () => attempt(a, undefined, '203.0.113.7')), [401, 401, 401, 429]);
      // Another client behind the same proxy has its own count.
      assert.equal((await attempt(a, undefined, '203.0.113.8')).status, 401);
    });

    it('a CIDR list trusts only those proxies', async () => {
      const a = await app({ QUEUE_PREFIX: testQueuePrefix(), LOGIN_IP_THROTTLE_LIMIT: '2', TRUST_PROXY: '10.0.0.0/8' });
      // The test client (loopback) is not a trusted proxy: its X-Forwarded-For does not count.
      assert.deepEqual(
        await statuses(3, () => attempt(a, undefined, `203.0.113.${Math.floor(Math.random() * 200)}`)),
        [401, 401, 429],
      );
    });
  });

  describe('passwords', () => {
    let a: TestApp;
    before(async () => {
      a = await app({
        QUEUE_PREFIX: testQueuePrefix(),
        LOGIN_IP_THROTTLE_LIMIT: '100000',
        LOGIN_MAX_CONCURRENT_HASHES: '1',
      });
    });

    it('a bcrypt hash still logs in and is upgraded to argon2id on that login', async () => {
      const email = uniqueEmail('legacy');
      await a.prisma.user.create({
        data: { email, name: 'Legacy', role: UserRole.AGENT, passwordHash: await bcrypt.hash('Legacy-Password-1', 4) },
      });
      const res = await a.http.post('/api/auth/login').send({ email, password: 'Legacy-Password-1' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const row = await a.prisma.user.findUniqueOrThrow({ where: { email } });
      assert.match(row.passwordHash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.equal((await a.http.post('/api/auth/login').send({ email, password: 'Legacy-Password-1' })).status, 200);
      assert.equal((await a.http.post('/api/auth/login').send({ email, password: 'wrong-one' })).status, 401);
    });

    it('a burst of logins gets 503 + Retry-After beyond the hashing bound, while other routes keep answering', async () => {
      const burst = Array.from({ length: 60 }, () => attempt(a));
      const health = a.http.get('/api/health');
      const results = await Promise.all(burst);
      const counts = new Map<number, number>();
      for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      assert.deepEqual(
        [...counts.keys()].filter((s) => s !== 401 && s !== 503),
        [],
        JSON.stringify([...counts]),
      );
      assert.ok((counts.get(503) ?? 0) > 0, `no 503 in ${JSON.stringify([...counts])}`);
      for (const r of results.filter((x) => x.status === 503)) assert.ok(Number(r.headers['retry-after']) >= 1);
      assert.equal((await health).status, 200);
      // Afterwards logins work again.
      const user = await a.createUser({ role: UserRole.CUSTOMER });
      assert.ok(await a.login(user.email, user.password));
    });
  });
});
