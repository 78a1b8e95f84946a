import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import supertest from 'supertest';
import { UserRole } from '@nixflow/db/client';
import { startReplica, within } from './support/replica.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The bearer-token check reads users from an in-process cache (backend/src/auth/user-auth-cache.ts).
 * Revocation must still reach every instance: each test warms both instances' caches, changes the user
 * on one instance (or in the database directly), and polls the OTHER instance until the old token is
 * refused. The requirement is "within 1 s"; on this shared machine the test allows a generous deadline and
 * prints the delay it saw.
 */
describe('auth cache: revocation reaches every API instance', () => {
  let t: TestApp;
  let second: INestApplication;
  let b: ReturnType<typeof supertest>;
  let adminToken: string;
  const delays: Record<string, number> = {};

  before(async () => {
    t = await createTestApp();
    // Another replica over the same database (createTestApp pointed DATABASE_URL at it).
    ({ app: second, http: b } = await startReplica());
    adminToken = await t.tokenFor(UserRole.ADMIN);
  });
  after(async () => {
    console.log(`revocation delay on the other instance (ms): ${JSON.stringify(delays)}`);
    await second?.close();
    await t?.close();
  });

  const me = (http: ReturnType<typeof supertest>, token: string) =>
    http.get('/api/auth/me').set('Authorization', `Bearer ${token}`);

  async function warmUser(role: UserRole = UserRole.AGENT) {
    const u = await t.createUser({ role });
    const token = await t.login(u.email, u.password);
    // Both instances have now cached the user (several requests each, so a hit is certain).
    for (let i = 0; i < 3; i++) {
      assert.equal((await me(t.http, token)).status, 200);
      assert.equal((await me(b, token)).status, 200);
    }
    return { ...u, token };
  }

  it('logout on one instance: the token is refused at once there and soon on the other', async () => {
    const u = await warmUser();
    assert.equal((await t.http.post('/api/auth/logout').set('Authorization', `Bearer ${u.token}`)).status, 204);
    // The instance that committed the change forgets the user before answering.
    assert.equal((await me(t.http, u.token)).status, 401);
    delays.logout = await within('logout on the other instance', async () => (await me(b, u.token)).status === 401);
  });

  it('deactivation by an admin through one instance is seen by the other', async () => {
    const u = await warmUser();
    const res = await t.http
      .patch(`/api/users/${u.id}`)
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ isActive: false });
    assert.equal(res.status, 200);
    delays.deactivate = await within('deactivation', async () => (await me(b, u.token)).status === 401);
  });

  it('a change written straight to the database (no API involved) reaches both instances', async () => {
    const u = await warmUser();
    await t.prisma.user.update({ where: { id: u.id }, data: { tokenVersion: { increment: 1 } } });
    delays.sqlFirst = await within(
      'direct update, first instance',
      async () => (await me(t.http, u.token)).status === 401,
    );
    delays.sqlSecond = await within(
      'direct update, second instance',
      async () => (await me(b, u.token)).status === 401,
    );
  });

  it('a renamed user is served with the new name (cached entries are replaced, not only revoked)', async () => {
    const u = await warmUser();
    await t.prisma.user.update({ where: { id: u.id }, data: { name: 'Renamed Agent' } });
    delays.rename = await within('rename', async () => (await me(b, u.token)).body?.name === 'Renamed Agent');
    // Still valid: a rename does not revoke.
    assert.equal((await me(t.http, u.token)).status, 200);
  });
});
