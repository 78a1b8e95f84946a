import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('knowledge base search', () => {
  let t: TestApp;
  let agent: string;
  let customer: string;
  let customerUser: TestUser;
  let migrationId: string;
  let draftId: string;

  before(async () => {
    t = await createTestApp();
    agent = await t.tokenFor(UserRole.AGENT);
    customerUser = await t.createUser({ role: UserRole.CUSTOMER });
    customer = await t.login(customerUser.email, customerUser.password);
    const tag = await t.http.post('/api/kb/tags').set(auth(agent)).send({ name: 'Database' });
    const mk = async (body: Record<string, unknown>) => {
      const res = await t.http.post('/api/kb/articles').set(auth(agent)).send(body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    migrationId = await mk({
      title: 'Database migration guide',
      excerpt: 'Upgrade the schema safely',
      body: 'Run the migration before deploying. <script>alert(1)</script> A failed migration can be retried.',
      status: 'PUBLISHED',
      tagIds: [tag.body.id],
    });
    await mk({
      title: 'Resetting your password',
      body: 'Click forgot password on the login page.',
      status: 'PUBLISHED',
    });
    draftId = await mk({ title: 'Migration internals (draft)', body: 'Internal notes about migration locking.' });
  });
  after(async () => {
    await t?.close();
  });

  it('finds "migration" for "migrating" (stemming) with highlighted, sanitised snippets', async () => {
    const res = await t.http.get('/api/kb/search').query({ q: 'migrating' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.mode, 'fulltext');
    assert.equal(res.body.items[0].id, migrationId);
    assert.ok(!res.body.items.some((i: { id: string }) => i.id === draftId), 'anonymous readers do not see drafts');
    assert.match(res.body.items[0].snippet, /<mark>migration<\/mark>/i);
    assert.doesNotMatch(res.body.items[0].snippet, /<script/i);
    assert.ok(res.body.searchId);

    const staff = await t.http.get('/api/kb/search').query({ q: 'migrating' }).set(auth(agent));
    assert.ok(
      staff.body.items.some((i: { id: string }) => i.id === draftId),
      'agents see drafts',
    );
    const tagged = await t.http.get('/api/kb/search').query({ q: 'migration', tag: 'database' }).set(auth(agent));
    assert.deepEqual(
      tagged.body.items.map((i: { id: string }) => i.id),
      [migrationId],
    );
  });

  it('falls back to trigram similarity for typos', async () => {
    const res = await t.http.get('/api/kb/search').query({ q: 'migraton' });
    assert.equal(res.status, 200);
    assert.equal(res.body.mode, 'fuzzy');
    assert.equal(res.body.items[0]?.id, migrationId);
  });

  it('records searches and clicks, and reports zero-result queries', async () => {
    const zero = await t.http.get('/api/kb/search').query({ q: '  Xyzzy   Plugh ' });
    assert.equal(zero.body.total, 0);
    const hit = await t.http.get('/api/kb/search').query({ q: 'password' }).set(auth(customer));
    assert.equal(
      (
        await t.http
          .post(`/api/kb/search/${hit.body.searchId}/click`)
          .set(auth(customer))
          .send({ articleId: hit.body.items[0].id })
      ).status,
      204,
    );
    assert.equal((await t.http.get('/api/kb/search/analytics').set(auth(customer))).status, 403);
    const an = await t.http.get('/api/kb/search/analytics').set(auth(agent));
    assert.equal(an.status, 200, JSON.stringify(an.body));
    assert.ok(an.body.zeroResultQueries.some((z: { query: string }) => z.query === 'xyzzy plugh'));
    assert.ok(an.body.totalSearches >= 5);
    assert.ok(an.body.totalClicks >= 1);
    assert.ok(an.body.clickThroughRate > 0 && an.body.clickThroughRate <= 1);
    const pw = an.body.topQueries.find((q: { query: string }) => q.query === 'password');
    assert.equal(pw.clicks, 1);
  });

  it('suggests published articles for a ticket to staff and its requester only', async () => {
    const ticket = await t.prisma.ticket.create({
      data: {
        subject: 'Schema migration failed during deploy',
        description:
          'We tried to upgrade yesterday and the deploy stopped with an error about a lock. Please help us asap.',
        requesterId: customerUser.id,
      },
    });
    const mine = await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`).set(auth(customer));
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.equal(mine.body[0].id, migrationId);
    assert.ok(!mine.body.some((a: { id: string }) => a.id === draftId));
    assert.ok(mine.body.length <= 5);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`).set(auth(agent))).status, 200);
    const other = await t.tokenFor(UserRole.CUSTOMER);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`).set(auth(other))).status, 404);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`)).status, 401);
  });
});
