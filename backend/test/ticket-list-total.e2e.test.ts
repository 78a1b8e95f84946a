import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp } from './support/test-app.js';
import { actor, auth, type Actor } from './support/ticket-fixtures.js';

const CAP = 1000; // TICKET_COUNT_CAP

/** GET /api/tickets counts its matches up to 1000 unless asked for the exact total, and says which it did. */
describe('ticket list: total counted up to a cap (totalExact)', () => {
  let t: TestApp;
  let agent: Actor;
  let customer: Actor;

  before(async () => {
    t = await createTestApp();
    agent = await actor(t, UserRole.AGENT);
    customer = await actor(t, UserRole.CUSTOMER);
    // CAP + 7 tickets for the customer, written in one statement (the API path is not under test here).
    await t.prisma.ticket.createMany({
      data: Array.from({ length: CAP + 7 }, (_, i) => ({
        subject: `Bulk ${i}`,
        description: 'd',
        requesterId: customer.id,
        tags: i < 5 ? ['few'] : [],
      })),
    });
  });
  after(async () => {
    await t?.close();
  });

  const list = (query: Record<string, string>) =>
    t.http
      .get('/api/tickets')
      .query({ pageSize: '5', ...query })
      .set(auth(agent.token));

  it('a small result is counted exactly', async () => {
    const res = await list({ tag: 'few' });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.total, res.body.totalExact, res.body.items.length], [5, true, 5]);
  });

  it('a result above the cap reports the cap and totalExact: false', async () => {
    const res = await list({});
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.total, res.body.totalExact, res.body.items.length], [CAP, false, 5]);
  });

  it('exactTotal=true counts every match', async () => {
    const res = await list({ exactTotal: 'true' });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.total, res.body.totalExact], [CAP + 7, true]);
  });

  it('exactTotal must be a boolean (400 naming the field)', async () => {
    const res = await list({ exactTotal: 'yes' });
    assert.equal(res.status, 400);
    assert.ok(JSON.stringify(res.body).includes('exactTotal'));
  });
});
