import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { mapPrismaError, MIGRATIONS_MESSAGE } from '../src/common/prisma-errors.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('error handling', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await createTestApp();
    admin = await t.tokenFor(UserRole.ADMIN);
  });
  after(async () => {
    await t?.close();
  });

  it('answers malformed JSON with 400 in the common shape', async () => {
    const res = await t.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .set('x-request-id', 'req-malformed-1')
      .send('{"email": "a@b.co", ');
    assert.equal(res.status, 400);
    assert.equal(res.body.statusCode, 400);
    assert.equal(res.body.error, 'Bad Request');
    assert.equal(res.body.requestId, 'req-malformed-1');
    assert.equal(res.headers['x-request-id'], 'req-malformed-1');
    assert.equal(res.body.stack, undefined);
  });

  it('answers a body over 1 MB with 413', async () => {
    const res = await t.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1_100_000) }));
    assert.equal(res.status, 413);
    assert.equal(res.body.error, 'Payload Too Large');
  });

  it('answers unknown routes with 404 in the common shape and sets x-request-id', async () => {
    const res = await t.http.get('/api/health/nope');
    assert.equal(res.status, 404);
    assert.equal(res.body.statusCode, 404);
    assert.equal(typeof res.body.requestId, 'string');
    assert.equal(res.headers['x-request-id'], res.body.requestId);
  });

  it('reports nested validation paths', async () => {
    const { flattenValidationErrors } = await import('../src/common/validation.js');
    const errors = flattenValidationErrors([
      {
        property: 'items',
        children: [
          {
            property: '0',
            children: [{ property: 'name', constraints: { isString: 'name must be a string' }, children: [] }],
          },
        ],
      },
    ]);
    assert.deepEqual(errors, [{ field: 'items.0.name', messages: ['name must be a string'] }]);
  });

  it('answers null with 400 naming the field, where null does not mean "clear"', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const created = await t.http.post('/api/tickets').set(auth).send({ subject: 'Null', description: 'x' });
    assert.equal(created.status, 201, created.text);
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['patch', `/api/tickets/${created.body.id}`, { subject: null }, 'subject'],
      ['post', '/api/tickets', { subject: 'S', description: 'd', priority: null }, 'priority'],
      ['post', '/api/sla/policies', { name: 'P', targets: {}, isActive: null }, 'isActive'],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await t.http[method as 'post'](url).set(auth).send(body);
      assert.equal(res.status, 400, `${method} ${url} ${res.text}`);
      const messages = res.body.errors.find((e: { field: string }) => e.field === field)?.messages;
      assert.ok(messages?.includes(`${field} must not be null`), res.text);
    }
    // Where null means "clear", it clears.
    const cleared = await t.http.patch(`/api/tickets/${created.body.id}`).set(auth).send({ assigneeId: null });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.body.assigneeId, null);
  });

  it('names the field of a unique conflict, never the constraint', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const body = { name: `Unique ${Date.now()}`, targets: { FIRST_RESPONSE: { URGENT: 30 } } };
    assert.equal((await t.http.post('/api/sla/policies').set(auth).send(body)).status, 201);
    const again = await t.http.post('/api/sla/policies').set(auth).send(body);
    assert.equal(again.status, 409, again.text);
    assert.doesNotMatch(again.text, /_key|SLAPolicy_/);
    assert.match(again.body.message, /\bname\b/);
  });

  it('maps Prisma errors centrally', () => {
    const known = (code: string, meta: Record<string, unknown> = {}) =>
      Object.assign(new Error(`prisma ${code}`), { name: 'PrismaClientKnownRequestError', code, meta });
    assert.equal(mapPrismaError(known('P2002', { target: ['email'] }))?.status, 409);
    assert.match(mapPrismaError(known('P2002', { target: ['email'] }))!.message, /email/);
    assert.match(
      mapPrismaError(known('P2003', { field_name: 'Ticket_requesterId_fkey', modelName: 'User' }))!.message,
      /is still referenced by/,
    );
    assert.equal(mapPrismaError(known('P2025'))?.status, 404);
    // Constraint names are internal: answers name the fields.
    const dup = mapPrismaError(known('P2002', { target: 'SLAPolicy_name_key' }))!;
    assert.equal(dup.message, 'A record with this name already exists');
    assert.equal(dup.detail, 'name');
    const adapter = mapPrismaError(
      known('P2002', { driverAdapterError: { cause: { constraint: { index: 'Notification_userId_dedupeKey_key' } } } }),
    )!;
    assert.equal(adapter.detail, 'userId,dedupeKey');
    const fk = mapPrismaError(known('P2003', { field_name: 'Ticket_requesterId_fkey (index)', modelName: 'User' }))!;
    assert.doesNotMatch(fk.message, /_fkey|_key/);
    assert.match(fk.message, /Ticket\.requesterId/);
    const missing = mapPrismaError(known('P2021', { table: 'public.SLAPolicy' }))!;
    assert.equal(missing.status, 503);
    assert.equal(missing.message, MIGRATIONS_MESSAGE);
    assert.equal(missing.detail, 'SLAPolicy');
    assert.match(missing.log!.line, /^\[DB-MISMATCH\] table "SLAPolicy"/);
    assert.equal(mapPrismaError(known('P2022', { column: 'User.tokenVersion' }))?.status, 503);
    assert.equal(mapPrismaError(known('P1001'))?.status, 503);
    assert.equal(
      mapPrismaError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))?.status,
      503,
    );
    assert.equal(mapPrismaError(new Error('boom')), undefined);
  });

  it('answers 503 with the migrations message when a route hits a dropped table (no stack in the body)', async () => {
    // Dedicated database: this test file's clone only.
    await t.prisma.$executeRawUnsafe('DROP TABLE "User" CASCADE');
    const res = await t.http.post('/api/auth/login').send({ email: 'someone@nixflow.local', password: 'Password-123' });
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.equal(res.body.statusCode, 503);
    assert.equal(res.body.error, 'Service Unavailable');
    assert.equal(res.body.message, MIGRATIONS_MESSAGE);
    assert.equal(res.body.detail, 'User');
    assert.equal(typeof res.body.requestId, 'string');
    assert.ok(!JSON.stringify(res.body).includes('    at '));
    // Authenticated routes too (the guard reads User).
    const me = await t.http.get('/api/users').set('Authorization', `Bearer ${admin}`);
    assert.equal(me.status, 503);
    assert.equal(me.body.detail, 'User');
  });
});
