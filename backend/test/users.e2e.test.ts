import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, uniqueEmail, type TestApp } from './support/test-app.js';

describe('users (admin CRUD)', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await createTestApp();
    admin = await t.tokenFor(UserRole.ADMIN);
  });
  after(async () => {
    await t?.close();
  });

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('is admin-only: anonymous 401, agent 403, customer 403', async () => {
    assert.equal((await t.http.get('/api/users')).status, 401);
    const agent = await t.tokenFor(UserRole.AGENT);
    const customer = await t.tokenFor(UserRole.CUSTOMER);
    assert.equal((await t.http.get('/api/users').set(auth(agent))).status, 403);
    assert.equal((await t.http.get('/api/users').set(auth(customer))).status, 403);
    const post = await t.http
      .post('/api/users')
      .set(auth(agent))
      .send({ email: uniqueEmail(), name: 'x', password: 'Password-123' });
    assert.equal(post.status, 403);
    assert.equal(post.body.error, 'Forbidden');
  });

  it('creates, reads, updates, lists and soft-deletes users without ever returning passwordHash', async () => {
    const email = uniqueEmail('crud');
    const created = await t.http
      .post('/api/users')
      .set(auth(admin))
      .send({ email: email.toUpperCase(), name: 'Crud Agent', password: 'Password-123', role: 'AGENT' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.email, email);
    assert.equal(created.body.role, 'AGENT');
    assert.equal(created.body.passwordHash, undefined);
    const id = created.body.id as string;

    const got = await t.http.get(`/api/users/${id}`).set(auth(admin));
    assert.equal(got.status, 200);
    assert.equal(got.body.passwordHash, undefined);

    // The new user can log in.
    const token = await t.login(email, 'Password-123');

    const patched = await t.http.patch(`/api/users/${id}`).set(auth(admin)).send({ name: 'Renamed', role: 'CUSTOMER' });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.name, 'Renamed');
    assert.equal(patched.body.role, 'CUSTOMER');
    // A role change revokes older tokens.
    assert.equal((await t.http.get('/api/auth/me').set(auth(token))).status, 401);

    const list = await t.http.get('/api/users').query({ q: 'renamed', pageSize: 5 }).set(auth(admin));
    assert.equal(list.status, 200);
    assert.equal(list.body.page, 1);
    assert.equal(list.body.pageSize, 5);
    assert.equal(list.body.total, 1);
    assert.equal(list.body.items[0].id, id);
    assert.ok(!JSON.stringify(list.body).includes('passwordHash'));

    const byRole = await t.http.get('/api/users').query({ role: 'ADMIN' }).set(auth(admin));
    assert.ok(byRole.body.items.length >= 1);
    assert.ok(byRole.body.items.every((u: { role: string }) => u.role === 'ADMIN'));

    const token2 = await t.login(email, 'Password-123');
    const del = await t.http.delete(`/api/users/${id}`).set(auth(admin));
    assert.equal(del.status, 204);
    assert.equal((await t.http.get(`/api/users/${id}`).set(auth(admin))).status, 404);
    assert.equal((await t.http.get('/api/auth/me').set(auth(token2))).status, 401);
    const row = await t.prisma.user.findUniqueOrThrow({ where: { id } });
    assert.ok(row.deletedAt);
    assert.equal(row.isActive, false);
    const relogin = await t.http.post('/api/auth/login').send({ email, password: 'Password-123' });
    assert.equal(relogin.status, 401);
  });

  it('answers 409 naming the field for a duplicate e-mail', async () => {
    const u = await t.createUser();
    const res = await t.http
      .post('/api/users')
      .set(auth(admin))
      .send({ email: u.email, name: 'Dup', password: 'Password-123' });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.error, 'Conflict');
    assert.match(res.body.message, /email/);
  });

  it('validates bodies, query and ids', async () => {
    const res = await t.http
      .post('/api/users')
      .set(auth(admin))
      .send({ email: 'nope', name: '', password: 'short', role: 'GOD' });
    assert.equal(res.status, 400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['email', 'name', 'password', 'role']);
    assert.equal((await t.http.get('/api/users').query({ pageSize: 500 }).set(auth(admin))).status, 400);
    assert.equal((await t.http.get('/api/users').query({ page: 0 }).set(auth(admin))).status, 400);
    assert.equal((await t.http.get('/api/users/not-a-uuid').set(auth(admin))).status, 400);
    assert.equal((await t.http.get('/api/users/00000000-0000-4000-8000-000000000000').set(auth(admin))).status, 404);
  });
});
