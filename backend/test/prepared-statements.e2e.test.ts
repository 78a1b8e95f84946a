import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { watchStatements } from './support/statement-spy.js';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';

/**
 * With DATABASE_PREPARED_STATEMENTS (auto: on against PostgreSQL itself, as here) the hot statements are
 * prepared once per connection, and a migration that adds columns while the API runs (a rolling upgrade)
 * breaks none of them: no statement returns `*` of a table.
 */
describe('prepared statements: used on the hot paths, unbroken by a migration that adds columns', () => {
  let t: TestApp;
  let agent: string;
  let customer: TestUser;
  const names: string[] = [];
  let stopWatching = () => {};

  before(async () => {
    t = await createTestApp();
    agent = await t.tokenFor(UserRole.AGENT);
    customer = await t.createUser({ role: UserRole.CUSTOMER });
    stopWatching = watchStatements(({ name }) => {
      if (name) names.push(name);
    });
  });
  after(async () => {
    stopWatching();
    await t?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${agent}` });

  /** The hot paths once: create, comment, list, read, status change. */
  async function round(label: string): Promise<void> {
    const created = await t.http
      .post('/api/tickets')
      .set(auth())
      .send({ requesterId: customer.id, subject: `prepared ${label}`, description: 'd', priority: 'HIGH' });
    assert.equal(created.status, 201, `${label} create: ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    const comment = await t.http.post(`/api/tickets/${id}/comments`).set(auth()).send({ body: 'On it.' });
    assert.equal(comment.status, 201, `${label} comment: ${JSON.stringify(comment.body)}`);
    const list = await t.http.get('/api/tickets?priority=HIGH&pageSize=5').set(auth());
    assert.equal(list.status, 200, `${label} list: ${JSON.stringify(list.body)}`);
    const read = await t.http.get(`/api/tickets/${id}`).set(auth());
    assert.equal(read.status, 200, `${label} read: ${JSON.stringify(read.body)}`);
    const moved = await t.http.patch(`/api/tickets/${id}`).set(auth()).send({ status: 'IN_PROGRESS' });
    assert.equal(moved.status, 200, `${label} status: ${JSON.stringify(moved.body)}`);
  }

  it('the hot statements run prepared', async () => {
    for (let i = 0; i < 3; i++) await round(`warm ${i}`);
    assert.ok(new Set(names).size >= 5, `named statements: ${new Set(names).size}`);
  });

  it('a migration adding columns to the tables they read and return leaves every one working', async () => {
    names.length = 0;
    for (const table of ['Ticket', 'Comment', 'SLAMetric', 'HistoryLog', 'User', 'EventLog', 'Stage'])
      await t.prisma.$executeRawUnsafe(`ALTER TABLE "${table}" ADD COLUMN "rollingUpgradeProbe" text`);
    for (let i = 0; i < 2; i++) await round(`after ${i}`);
    assert.ok(names.length > 0, 'still prepared');
  });
});
