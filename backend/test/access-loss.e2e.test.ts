import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { UserRole } from '@nixflow/db/client';
import { testQueuePrefix } from '@nixflow/db/testing';
import { buildMessage } from './support/email-support.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { actor, auth, createTicket, type Actor } from './support/ticket-fixtures.js';

const uid = () => randomBytes(5).toString('hex');

/** Security issue #13 item 4: losing access to a ticket takes effect at once, everywhere. */
describe('access loss is re-checked (requester change, demotion, deactivation)', () => {
  let t: TestApp;
  let admin: Actor;
  let agent: Actor;
  let inboundToken: string;

  before(async () => {
    t = await createTestApp({ env: { QUEUE_PREFIX: testQueuePrefix() } });
    [admin, agent] = await Promise.all([actor(t, UserRole.ADMIN), actor(t, UserRole.AGENT)]);
    const account = await t.http
      .post('/api/email/accounts')
      .set(auth(admin.token))
      .send({ address: `support-${uid()}@example.test` });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const token = await t.http.post(`/api/email/accounts/${account.body.id}/inbound-token`).set(auth(admin.token));
    inboundToken = token.body.token;
  });
  after(async () => {
    await t?.close();
  });

  const notificationsFor = (userId: string, ticketId: string) =>
    t.prisma.notification.findMany({ where: { userId, ticketId }, orderBy: { createdAt: 'asc' } });
  const patchTicket = (token: string, id: string, body: Record<string, unknown>) =>
    t.http.patch(`/api/tickets/${id}`).set(auth(token)).send(body);
  const comment = (token: string, id: string, body: Record<string, unknown>) =>
    t.http.post(`/api/tickets/${id}/comments`).set(auth(token)).send(body);
  const inbound = async (opts: Parameters<typeof buildMessage>[0]) =>
    t.http
      .post('/api/email/inbound')
      .set('Authorization', `Bearer ${inboundToken}`)
      .set('Content-Type', 'message/rfc822')
      .send(await buildMessage(opts));

  it('requester change: the old requester stops watching, gets no replies or status changes, cannot comment (API, mail)', async () => {
    const [oldRequester, newRequester] = await Promise.all([actor(t, UserRole.CUSTOMER), actor(t, UserRole.CUSTOMER)]);
    const ticket = await createTicket(t, oldRequester.token);
    const watch = await t.http
      .post(`/api/tickets/${ticket.id}/watchers`)
      .set(auth(oldRequester.token))
      .send({ userId: oldRequester.id });
    assert.equal(watch.status, 201, JSON.stringify(watch.body));
    // A message of the old requester's on the ticket, so a mail reply to it would thread by In-Reply-To.
    const firstMessageId = `<first-${uid()}@customer.example>`;
    const opened = await inbound({
      from: oldRequester.email,
      to: 'support@example.test',
      subject: `About [#${ticket.number}]`,
      messageId: firstMessageId,
      text: 'More details.',
    });
    assert.equal(opened.body.type, 'REPLY', JSON.stringify(opened.body));
    assert.equal(opened.body.ticketId, ticket.id);
    const mailComments = () =>
      t.prisma.comment.count({ where: { ticketId: ticket.id, authorId: oldRequester.id, channel: 'EMAIL' } });
    const commentsBefore = await mailComments();

    const moved = await patchTicket(agent.token, ticket.id, { requesterId: newRequester.id });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const watchers = await t.prisma.ticketWatcher.findMany({ where: { ticketId: ticket.id } });
    assert.deepEqual(
      watchers.map((w) => w.userId),
      [],
      'the old requester no longer watches the ticket',
    );
    const removed = await t.prisma.historyLog.findFirst({
      where: { ticketId: ticket.id, action: 'watcher_removed', oldValue: oldRequester.id },
    });
    assert.ok(removed, 'the removal is in the history');

    await t.events.drain(); // notifications follow the commit, in the event consumer
    const before = (await notificationsFor(oldRequester.id, ticket.id)).length;
    const secret = `reply-${uid()}`;
    assert.equal((await comment(agent.token, ticket.id, { body: secret })).status, 201);
    assert.equal((await patchTicket(agent.token, ticket.id, { status: 'PENDING_CUSTOMER' })).status, 200);
    await t.events.drain();
    const after = await notificationsFor(oldRequester.id, ticket.id);
    assert.equal(after.length, before, JSON.stringify(after));
    assert.ok(!JSON.stringify(after).includes(secret));
    // The new requester does get them.
    const forNew = await notificationsFor(newRequester.id, ticket.id);
    assert.deepEqual(forNew.map((n) => n.type).sort(), ['comment.added', 'ticket.status_changed']);
    assert.ok(forNew.some((n) => n.body?.includes(secret)));

    // API: the ticket is gone for the old requester.
    assert.equal((await comment(oldRequester.token, ticket.id, { body: 'still here?' })).status, 404);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}`).set(auth(oldRequester.token))).status, 404);

    // Mail: neither a reply by In-Reply-To nor the [#N] token comments on the ticket any more.
    const byHeaders = await inbound({
      from: oldRequester.email,
      to: 'support@example.test',
      subject: 'Re: About the printer',
      messageId: `<reply-${uid()}@customer.example>`,
      inReplyTo: firstMessageId,
      references: [firstMessageId],
      text: 'Mail reply after losing access.',
    });
    assert.equal(byHeaders.status, 200, JSON.stringify(byHeaders.body));
    // Unproven mail is held FLAGGED (the trust rule); proven or not, it never comments on this ticket.
    assert.ok(
      byHeaders.body.status === 'FLAGGED' || byHeaders.body.ticketId !== ticket.id,
      JSON.stringify(byHeaders.body),
    );
    assert.equal(byHeaders.body.commentId ?? null, null);
    const byToken = await inbound({
      from: oldRequester.email,
      to: 'support@example.test',
      subject: `Re: [#${ticket.number}] Printer on fire`,
      text: 'Token reply after losing access.',
    });
    assert.ok(byToken.body.status === 'FLAGGED' || byToken.body.ticketId !== ticket.id, JSON.stringify(byToken.body));
    assert.equal(byToken.body.commentId ?? null, null);
    assert.equal(await mailComments(), commentsBefore, 'no mail after the change is a comment');
  });

  it('agent demoted to customer: unassigned (history + event), removed from watchers, notified no further', async () => {
    const [demoted, requester] = await Promise.all([actor(t, UserRole.AGENT), actor(t, UserRole.CUSTOMER)]);
    const ticket = await createTicket(t, requester.token);
    assert.equal((await patchTicket(agent.token, ticket.id, { assigneeId: demoted.id })).status, 200);
    const watch = await t.http
      .post(`/api/tickets/${ticket.id}/watchers`)
      .set(auth(agent.token))
      .send({ userId: demoted.id });
    assert.equal(watch.status, 201, JSON.stringify(watch.body));
    // A second ticket they only watch.
    const watched = await createTicket(t, requester.token);
    await t.http.post(`/api/tickets/${watched.id}/watchers`).set(auth(agent.token)).send({ userId: demoted.id });

    const demote = await t.http.patch(`/api/users/${demoted.id}`).set(auth(admin.token)).send({ role: 'CUSTOMER' });
    assert.equal(demote.status, 200, JSON.stringify(demote.body));
    assert.equal(demote.body.role, 'CUSTOMER');

    const row = await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    assert.equal(row.assigneeId, null);
    const history = await t.prisma.historyLog.findFirst({
      where: { ticketId: ticket.id, field: 'assigneeId', oldValue: demoted.id, newValue: null },
    });
    assert.ok(history, 'unassignment is in the history');
    assert.equal(history.actorId, admin.id);
    const event = await t.prisma.eventLog.findFirst({
      where: { aggregateId: ticket.id, type: 'TicketAssigned' },
      orderBy: { id: 'desc' },
    });
    assert.deepEqual(event?.payload, { from: demoted.id, to: null, version: row.version });
    assert.equal(await t.prisma.ticketWatcher.count({ where: { userId: demoted.id } }), 0);

    await t.events.drain();
    const before = (await t.prisma.notification.findMany({ where: { userId: demoted.id } })).length;
    for (const id of [ticket.id, watched.id]) {
      assert.equal((await comment(agent.token, id, { body: 'public reply' })).status, 201);
      assert.equal((await comment(agent.token, id, { body: 'internal', internal: true })).status, 201);
      assert.equal((await patchTicket(agent.token, id, { status: 'PENDING_CUSTOMER' })).status, 200);
    }
    await t.events.drain();
    assert.equal((await t.prisma.notification.findMany({ where: { userId: demoted.id } })).length, before);
  });

  it('deactivating an agent unassigns them and removes them from watchers', async () => {
    const [leaver, requester] = await Promise.all([actor(t, UserRole.AGENT), actor(t, UserRole.CUSTOMER)]);
    const ticket = await createTicket(t, requester.token);
    assert.equal((await patchTicket(agent.token, ticket.id, { assigneeId: leaver.id })).status, 200);
    await t.http.post(`/api/tickets/${ticket.id}/watchers`).set(auth(agent.token)).send({ userId: leaver.id });
    const off = await t.http.patch(`/api/users/${leaver.id}`).set(auth(admin.token)).send({ isActive: false });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal((await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).assigneeId, null);
    assert.equal(await t.prisma.ticketWatcher.count({ where: { userId: leaver.id } }), 0);
  });

  it('notifications re-check visibility when produced: a stale watcher row of a customer gets nothing', async () => {
    const [requester, stranger] = await Promise.all([actor(t, UserRole.CUSTOMER), actor(t, UserRole.CUSTOMER)]);
    const ticket = await createTicket(t, requester.token);
    // A row that predates the rule (or slipped past it): the notifier must still leave the stranger out.
    await t.prisma.ticketWatcher.create({ data: { ticketId: ticket.id, userId: stranger.id } });
    assert.equal((await comment(agent.token, ticket.id, { body: 'public reply' })).status, 201);
    assert.equal((await patchTicket(agent.token, ticket.id, { status: 'PENDING_CUSTOMER' })).status, 200);
    await t.events.drain();
    assert.equal(await t.prisma.notification.count({ where: { userId: stranger.id } }), 0);
    assert.equal(await t.prisma.notification.count({ where: { userId: requester.id, ticketId: ticket.id } }), 2);
  });
});
