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
