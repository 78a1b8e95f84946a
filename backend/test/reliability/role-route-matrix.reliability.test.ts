import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UserRole } from '@nixflow/db/client';
import { loadAppConfig } from '../../src/config/app-config.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { concretePath, decodeJwtPayload, listRoutes, signJwt, type ApiRoute } from './support/openapi-routes.js';
import type { IncomingMessage } from 'node:http';
import { ROUTE_ACCESS, STREAM_ROUTES, type Access } from './support/route-access.js';

/** Superagent parser for a stream: the status is all the matrix needs; hang up at the first bytes. */
function hangUpAfterFirstChunk(res: IncomingMessage, done: (err: Error | null, body: unknown) => void): void {
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    res.destroy();
    done(null, {});
  };
  res.once('data', finish);
  res.once('end', finish);
}

// Role × route matrix over EVERY route of the generated OpenAPI document: valid tokens of each role,
// no token, and ten kinds of bad token. A route missing from ROUTE_ACCESS fails the first test.

/** Routes whose call invalidates the caller's token: each call gets a fresh user. */
const REVOKES_TOKEN = new Set(['POST /api/auth/logout']);

type Identity = { name: string; role?: UserRole; token?: string; valid: boolean };

describe('role × route matrix', { timeout: 180_000 }, () => {
  let t: TestApp;
  let routes: ApiRoute[];
  const identities: Identity[] = [];

  before(async () => {
    t = await createTestApp({ env: { LOGIN_THROTTLE_LIMIT: '10000' } });
    routes = listRoutes(t.app);
    const secret = loadAppConfig().jwtSecret;
    for (const role of [UserRole.CUSTOMER, UserRole.AGENT, UserRole.ADMIN]) {
      identities.push({ name: role.toLowerCase(), role, token: await t.tokenFor(role), valid: true });
    }
    const admin = await t.createUser({ role: UserRole.ADMIN });
    const adminLogin = await t.http.post('/api/auth/login').send({ email: admin.email, password: admin.password });
    const adminToken = adminLogin.body.accessToken as string;
    const claims = decodeJwtPayload(adminToken);
    const now = Math.floor(Date.now() / 1000);
    const [head, , sig] = adminToken.split('.');

    const customer = await t.createUser({ role: UserRole.CUSTOMER });
    const customerToken = await t.login(customer.email, customer.password);
    const escalated = { ...decodeJwtPayload(customerToken), role: 'ADMIN' };

    const deleted = await t.createUser({ role: UserRole.ADMIN });
    const deletedToken = await t.login(deleted.email, deleted.password);
    await t.prisma.user.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });

    const inactive = await t.createUser({ role: UserRole.ADMIN });
    const inactiveToken = await t.login(inactive.email, inactive.password);
    await t.prisma.user.update({ where: { id: inactive.id }, data: { isActive: false } });

    const loggedOut = await t.createUser({ role: UserRole.ADMIN });
    const loggedOutToken = await t.login(loggedOut.email, loggedOut.password);
    assert.equal((await t.http.post('/api/auth/logout').set('authorization', `Bearer ${loggedOutToken}`)).status, 204);

    identities.push(
      { name: 'anonymous', valid: false },
      { name: 'expired', token: signJwt({ ...claims, iat: now - 7200, exp: now - 3600 }, secret), valid: false },
      {
        name: 'tampered-payload (customer → ADMIN, old signature)',
        token: `${head}.${Buffer.from(JSON.stringify(escalated)).toString('base64url')}.${customerToken.split('.')[2]}`,
        valid: false,
      },
      {
        name: 'tampered-signature',
        token: `${head}.${adminToken.split('.')[1]}.${sig!.slice(0, -4)}${sig!.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`,
        valid: false,
      },
      { name: 'wrong-secret', token: signJwt({ ...claims, exp: now + 600 }, `${secret}-not`), valid: false },
      { name: 'alg-none', token: signJwt({ ...claims, exp: now + 600 }, '', 'none'), valid: false },
      { name: 'deleted-user', token: deletedToken, valid: false },
      { name: 'deactivated-user', token: inactiveToken, valid: false },
      { name: 'logged-out', token: loggedOutToken, valid: false },
      {
        name: 'refresh-token-as-access',
        token: adminLogin.body.refreshToken as string,
        valid: false,
      },
    );
  });

  after(async () => {
    await t?.close();
  });

  it('classifies every route of the API', () => {
    const keys = new Set(routes.map((r) => r.key));
    const unclassified = [...keys].filter((k) => !(k in ROUTE_ACCESS));
    const stale = Object.keys(ROUTE_ACCESS).filter((k) => !keys.has(k));
    assert.deepEqual(
      unclassified,
      [],
      `add these routes to backend/test/reliability/support/route-access.ts: ${unclassified.join(', ')}`,
    );
    if (stale.length) console.log(`# classified but not in this build: ${stale.join(', ')}`);
    assert.ok(routes.length >= 40, `only ${routes.length} routes found`);
  });

  it('answers each identity on each route as the classification says (no 5xx anywhere)', async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const route of routes) {
      const access: Access | undefined = ROUTE_ACCESS[route.key];
      if (!access) continue;
      for (const who of identities) {
        let token = who.token;
        if (who.valid && REVOKES_TOKEN.has(route.key)) token = await t.tokenFor(who.role!);
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        let req = t.http[method](concretePath(route));
        if (token) req = req.set('authorization', `Bearer ${token}`);
        if (route.jsonBody) req = req.send({});
        if (STREAM_ROUTES.has(route.key)) req = req.buffer(true).parse(hangUpAfterFirstChunk as never);
        const res = await req;
        requests++;
        const s = res.status;
        const where = `${route.key} as ${who.name}: ${s} ${JSON.stringify(res.body).slice(0, 160)}`;
        if (s >= 500) failures.push(`5xx — ${where}`);
        else if (access === 'public') {
          if (s === 401 || s === 403) failures.push(`public route refused — ${where}`);
        } else if (access === 'inbound-token') {
          if (s !== 401) failures.push(`a user token opened an inbound-token route — ${where}`);
        } else if (access === 'optional') {
          if (who.valid || !who.token) {
            if (s === 401 || s === 403) failures.push(`optional-auth route refused — ${where}`);
          } else if (s !== 401) failures.push(`bad token accepted — ${where}`);
        } else if (!who.valid) {
          if (s !== 401) failures.push(`expected 401 — ${where}`);
        } else {
          const allowed = access === 'any' || access.includes(who.role!);
          if (allowed && (s === 401 || s === 403)) failures.push(`allowed role refused — ${where}`);
          if (!allowed && s !== 403) failures.push(`expected 403 — ${where}`);
        }
        if (s === 401 || s === 403) {
          // Refusals say nothing about the resource or the reason beyond the status.
          assert.doesNotMatch(JSON.stringify(res.body), /stack|prisma|passwordHash/i, where);
        }
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${requests} requests wrong`);
    assert.ok(requests >= routes.length * identities.length);
  });
});
