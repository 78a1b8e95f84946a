import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JwtService } from '@nestjs/jwt';
import { UserRole } from '@nixflow/db/client';
import { APP_CONFIG, DEV_JWT_SECRET, type AppConfig } from '../src/config/app-config.js';
import { createTestApp, uniqueEmail, type TestApp } from './support/test-app.js';

describe('auth', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  it('logs in and returns tokens and the user (no password hash)', async () => {
    const u = await t.createUser({ role: UserRole.AGENT });
    const res = await t.http.post('/api/auth/login').send({ email: u.email, password: u.password });
    assert.equal(res.status, 200);
    assert.equal(typeof res.body.accessToken, 'string');
    assert.equal(typeof res.body.refreshToken, 'string');
    assert.deepEqual(res.body.user, { id: u.id, email: u.email, name: u.name, role: 'AGENT' });
    assert.ok(!JSON.stringify(res.body).includes('passwordHash'));
    const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`);
    assert.equal(me.status, 200);
    assert.equal(me.body.email, u.email);
    assert.equal(me.body.role, 'AGENT');
  });

  it('answers 401 with the same message for a bad password and an unknown e-mail', async () => {
    const u = await t.createUser();
    const bad = await t.http.post('/api/auth/login').send({ email: u.email, password: 'wrong-password' });
    const unknown = await t.http.post('/api/auth/login').send({ email: uniqueEmail('nobody'), password: 'whatever1' });
    assert.equal(bad.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(bad.body.message, unknown.body.message);
    assert.equal(bad.body.statusCode, 401);
    assert.equal(bad.body.error, 'Unauthorized');
    assert.equal(typeof bad.body.requestId, 'string');
  });

  it('validates the login body with field errors', async () => {
    const res = await t.http.post('/api/auth/login').send({ email: 'not-an-email' });
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'Validation failed');
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['email', 'password']);
    for (const e of res.body.errors) assert.ok(Array.isArray(e.messages) && e.messages.length > 0);
  });

  it('rejects unknown fields', async () => {
    const res = await t.http.post('/api/auth/login').send({ email: 'a@b.co', password: 'x', admin: true });
    assert.equal(res.status, 400);
    assert.ok(res.body.errors.some((e: { field: string }) => e.field === 'admin'));
  });

  it('requires a token on protected routes', async () => {
    const res = await t.http.get('/api/auth/me');
    assert.equal(res.status, 401);
    const garbage = await t.http.get('/api/auth/me').set('Authorization', 'Bearer not.a.jwt');
    assert.equal(garbage.status, 401);
  });

  it('rejects an expired token', async () => {
    const u = await t.createUser();
    const past = Math.floor(Date.now() / 1000) - 3600;
    const signer = new JwtService({ secret: process.env.JWT_SECRET || DEV_JWT_SECRET });
    const token = signer.sign({ sub: u.id, ver: 0, typ: 'access', iat: past - 60, exp: past });
    const res = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 401);
  });

  it('accepts a token signed with the secret as a plain string (the API signs with a key object of its bytes)', async () => {
    // Tokens issued before the key object (and by tools holding JWT_SECRET) must stay valid; a wrong secret must not.
    const u = await t.createUser();
    const secret = t.app.get<AppConfig>(APP_CONFIG).jwtSecret;
    const claims = { sub: u.id, ver: 0, typ: 'access' };
    const token = new JwtService({ secret }).sign(claims, { expiresIn: 60 });
    const ok = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.id, u.id);
    const forged = new JwtService({ secret: `${secret}-other` }).sign(claims, { expiresIn: 60 });
    assert.equal((await t.http.get('/api/auth/me').set('Authorization', `Bearer ${forged}`)).status, 401);
  });

  it('rejects a token whose user was deleted or deactivated', async () => {
    const u = await t.createUser();
    const token = await t.login(u.email, u.password);
    assert.equal((await t.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status, 200);
    // Written straight to the database: the API hears of it by NOTIFY (user-auth-cache), so poll briefly.
    const refusedSoon = async (bearer: string) => {
      const deadline = Date.now() + 10_000;
      while ((await t.http.get('/api/auth/me').set('Authorization', `Bearer ${bearer}`)).status !== 401) {
        assert.ok(Date.now() < deadline, 'token still accepted 10 s after the change');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await t.prisma.user.update({ where: { id: u.id }, data: { deletedAt: new Date() } });
    await refusedSoon(token);

    const v = await t.createUser();
    const token2 = await t.login(v.email, v.password);
    await t.prisma.user.update({ where: { id: v.id }, data: { isActive: false } });
    await refusedSoon(token2);
  });

  it('refreshes tokens, and logout revokes both', async () => {
    const u = await t.createUser();
    const login = await t.http.post('/api/auth/login').send({ email: u.email, password: u.password });
    const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken: login.body.refreshToken });
    assert.equal(refreshed.status, 200);
    assert.equal(typeof refreshed.body.accessToken, 'string');
    // An access token is not a refresh token.
    const wrongType = await t.http.post('/api/auth/refresh').send({ refreshToken: login.body.accessToken });
    assert.equal(wrongType.status, 401);
    // A refresh token is not an access token.
    const asAccess = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${login.body.refreshToken}`);
    assert.equal(asAccess.status, 401);

    const out = await t.http.post('/api/auth/logout').set('Authorization', `Bearer ${refreshed.body.accessToken}`);
    assert.equal(out.status, 204);
    assert.equal(
      (await t.http.get('/api/auth/me').set('Authorization', `Bearer ${refreshed.body.accessToken}`)).status,
      401,
    );
    assert.equal((await t.http.post('/api/auth/refresh').send({ refreshToken: login.body.refreshToken })).status, 401);
  });

  it('rotates refresh tokens on use; a used one coming back revokes the whole family', async () => {
    const u = await t.createUser();
    const login = await t.http.post('/api/auth/login').send({ email: u.email, password: u.password });
    const first = login.body.refreshToken as string;
    const r1 = await t.http.post('/api/auth/refresh').send({ refreshToken: first });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refreshToken, first, 'a new refresh token each time');
    const r2 = await t.http.post('/api/auth/refresh').send({ refreshToken: r1.body.refreshToken });
    assert.equal(r2.status, 200);
    // The first token again (a replay): refused, and every token of its family with it.
    assert.equal((await t.http.post('/api/auth/refresh').send({ refreshToken: first })).status, 401);
    assert.equal((await t.http.post('/api/auth/refresh').send({ refreshToken: r2.body.refreshToken })).status, 401);
    const rows = await t.prisma.refreshToken.findMany({ where: { userId: u.id } });
    assert.equal(rows.length, 3);
    assert.ok(rows.every((r) => r.revokedAt !== null));
    // Another login starts a new family that works.
    const again = await t.http.post('/api/auth/login').send({ email: u.email, password: u.password });
    assert.equal((await t.http.post('/api/auth/refresh').send({ refreshToken: again.body.refreshToken })).status, 200);
  });

  it('throttles repeated login attempts (429)', async () => {
    const email = uniqueEmail('throttle');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.http.post('/api/auth/login').send({ email, password: 'wrong-password' });
      statuses.push(res.status);
    }
    assert.ok(
      statuses.slice(0, 10).every((s) => s === 401),
      statuses.join(','),
    );
    assert.equal(statuses[11], 429);
    const last = await t.http.post('/api/auth/login').send({ email, password: 'wrong-password' });
    assert.equal(last.body.statusCode, 429);
    assert.equal(typeof last.body.requestId, 'string');
    // Other accounts are not affected.
    const u = await t.createUser();
    assert.equal(typeof (await t.login(u.email, u.password)), 'string');
  });
});
