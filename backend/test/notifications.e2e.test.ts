import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('notifications (own list, read, snooze)', () => {
  let t: TestApp;
  let agent: TestUser;
  let agentToken: string;
  let otherToken: string;

  before(async () => {
    t = await createTestApp();
    agent = await t.createUser({ role: UserRole.AGENT });
    agentToken = await t.login(agent.email, agent.password);
    otherToken = await t.tokenFor(UserRole.AGENT);
  });
  after(async () => {
    await t?.close();
  });

  const make = (title: string, over: Record<string, unknown> = {}) =>
    t.prisma.notification.create({
      data: { userId: agent.id, type: 'sla.breached', title, dedupeKey: `k-${title}`, ...over },
    });

  it('lists only my notifications; read is idempotent; snoozed ones hide until their time', async () => {
    const a = await make('a');
    const b = await make('b');
    await make('snoozed-past', { snoozedUntil: new Date(Date.now() - 60_000) });
    await make('snoozed-future', { snoozedUntil: new Date(Date.now() + 3_600_000) });

    const list = await t.http.get('/api/notifications').set(auth(agentToken));
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(list.body.items.map((n: { title: string }) => n.title).sort(), ['a', 'b', 'snoozed-past']);
    const all = await t.http.get('/api/notifications').query({ includeSnoozed: 'true' }).set(auth(agentToken));
    assert.equal(all.body.total, 4);
    assert.equal((await t.http.get('/api/notifications').set(auth(otherToken))).body.total, 0);

    const read = await t.http.post(`/api/notifications/${a.id}/read`).set(auth(agentToken));
    assert.equal(read.status, 200);
    assert.ok(read.body.readAt);
    const again = await t.http.post(`/api/notifications/${a.id}/read`).set(auth(agentToken));
    assert.equal(again.body.readAt, read.body.readAt);
    const unread = await t.http.get('/api/notifications').query({ unread: 'true' }).set(auth(agentToken));
    assert.deepEqual(unread.body.items.map((n: { title: string }) => n.title).sort(), ['b', 'snoozed-past']);

    const until = new Date(Date.now() + 600_000).toISOString();
    const snoozed = await t.http.post(`/api/notifications/${b.id}/snooze`).set(auth(agentToken)).send({ until });
    assert.equal(snoozed.status, 200, JSON.stringify(snoozed.body));
    assert.equal(snoozed.body.snoozedUntil, until);
    const after = await t.http.get('/api/notifications').set(auth(agentToken));
    assert.ok(!after.body.items.some((n: { id: string }) => n.id === b.id));
  });

  it('someone else’s notification is 404; bad input is 400; anonymous is 401', async () => {
    const n = await make('mine');
    assert.equal((await t.http.post(`/api/notifications/${n.id}/read`).set(auth(otherToken))).status, 404);
    const foreign = await t.http
      .post(`/api/notifications/${n.id}/snooze`)
      .set(auth(otherToken))
      .send({ until: new Date(Date.now() + 60_000).toISOString() });
    assert.equal(foreign.status, 404);
    const past = await t.http
      .post(`/api/notifications/${n.id}/snooze`)
      .set(auth(agentToken))
      .send({ until: '2020-01-01T00:00:00Z' });
    assert.equal(past.status, 400);
    assert.ok(past.body.errors.some((e: { field: string }) => e.field === 'until'));
    const bad = await t.http.post(`/api/notifications/${n.id}/snooze`).set(auth(agentToken)).send({ until: 'soon' });
    assert.equal(bad.status, 400);
    assert.equal((await t.http.post('/api/notifications/not-a-uuid/read').set(auth(agentToken))).status, 400);
    assert.equal((await t.http.get('/api/notifications').query({ unread: 'maybe' }).set(auth(agentToken))).status, 400);
    assert.equal((await t.http.get('/api/notifications')).status, 401);
    assert.equal((await t.prisma.notification.findUniqueOrThrow({ where: { id: n.id } })).readAt, null);
  });
});
