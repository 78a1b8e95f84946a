import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { testQueuePrefix } from '@nixflow/db/testing';
import { createTestApp, type TestApp } from './support/test-app.js';
import {
  actor,
  auth,
  createCatchAllPolicy,
  createSupportWorkflow,
  createTicket,
  type Actor,
  type SupportWorkflow,
} from './support/ticket-fixtures.js';

describe('comments, watchers, history, notifications', () => {
  let t: TestApp;
  let admin: Actor;
  let agent: Actor;
  let agent2: Actor;
  let customer: Actor;
  let other: Actor;
  let wf: SupportWorkflow;

  before(async () => {
    t = await createTestApp({ env: { QUEUE_PREFIX: testQueuePrefix() } });
    [admin, agent, agent2, customer, other] = await Promise.all([
      actor(t, UserRole.ADMIN),
      actor(t, UserRole.AGENT),
      actor(t, UserRole.AGENT),
      actor(t, UserRole.CUSTOMER),
      actor(t, UserRole.CUSTOMER),
    ]);
    wf = await createSupportWorkflow(t, admin.token);
    await createCatchAllPolicy(t, admin.token);
  });
  after(async () => {
    await t?.close();
  });

  const comment = (token: string, ticketId: string, body: Record<string, unknown>) =>
    t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(token)).send(body);
  const metric = (ticketId: string, type: string, cycle = 1) =>
    t.prisma.slaMetric.findFirst({ where: { ticketId, type: type as never, cycle } });

  it('public replies and internal notes: customers never see notes (lists, totals, history, events)', async () => {
    const ticket = await createTicket(t, customer.token);
    const secret = `internal-${Date.now()}`;
    assert.equal((await comment(customer.token, ticket.id, { body: 'Any news?' })).status, 201);
    const forbidden = await comment(customer.token, ticket.id, { body: 'sneaky', internal: true });
    assert.equal(forbidden.status, 403);
    const note = await comment(agent.token, ticket.id, { body: secret, internal: true });
    assert.equal(note.status, 201);
    assert.equal(note.body.internal, true);
    assert.equal(note.body.author.id, agent.id);
    assert.equal((await comment(agent.token, ticket.id, { body: 'Working on it' })).status, 201);

    const asCustomer = await t.http.get(`/api/tickets/${ticket.id}/comments`).set(auth(customer.token));
    assert.equal(asCustomer.status, 200);
    assert.equal(asCustomer.body.total, 2);
    assert.deepEqual(
      asCustomer.body.items.map((c: { body: string }) => c.body),
      ['Any news?', 'Working on it'],
    );
    assert.ok(!JSON.stringify(asCustomer.body).includes(secret));
    // Customers cannot ask for internal notes either.
    const sneaky = await t.http
      .get(`/api/tickets/${ticket.id}/comments`)
      .query({ internal: true })
      .set(auth(customer.token));
    assert.equal(sneaky.body.total, 2);
    assert.ok(!JSON.stringify(sneaky.body).includes(secret));

    const asAgent = await t.http.get(`/api/tickets/${ticket.id}/comments`).set(auth(agent.token));
    assert.equal(asAgent.body.total, 3);
    const notesOnly = await t.http
      .get(`/api/tickets/${ticket.id}/comments`)
      .query({ internal: true })
      .set(auth(agent.token));
    assert.deepEqual(
      notesOnly.body.items.map((c: { body: string }) => c.body),
      [secret],
    );

    const staffHistory = await t.http.get(`/api/tickets/${ticket.id}/history`).set(auth(agent.token));
    const customerHistory = await t.http.get(`/api/tickets/${ticket.id}/history`).set(auth(customer.token));
    const actions = (res: { body: { items: { action: string }[] } }) => res.body.items.map((h) => h.action);
    assert.deepEqual(actions(staffHistory), ['created', 'comment_added', 'internal_note_added', 'comment_added']);
    assert.deepEqual(actions(customerHistory), ['created', 'comment_added', 'comment_added']);
    assert.equal(customerHistory.body.total, 3);
    const page = await t.http
      .get(`/api/tickets/${ticket.id}/history`)
      .query({ page: 2, pageSize: 3 })
      .set(auth(agent.token));
    assert.deepEqual([page.body.items.length, page.body.total], [1, 4]);
    assert.equal(
      (await t.http.get(`/api/tickets/${ticket.id}/history`).query({ pageSize: 1000 }).set(auth(agent.token))).status,
      400,
    );

    const events = await t.prisma.eventLog.findMany({ where: { aggregateId: ticket.id, type: 'CommentAdded' } });
    assert.equal(events.length, 3);
    assert.ok(!JSON.stringify(events.map((e) => e.payload)).includes(secret));

    const bad = await comment(agent.token, ticket.id, { body: '', internal: 'yes', extra: 1 });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['body', 'extra', 'internal']);
  });

  it('the first public agent reply stamps firstRespondedAt and meets FIRST_RESPONSE; an internal note does not', async () => {
    const ticket = await createTicket(t, customer.token);
    assert.equal((await metric(ticket.id, 'FIRST_RESPONSE'))?.status, 'ACTIVE');
    await comment(agent.token, ticket.id, { body: 'note', internal: true });
    assert.equal((await metric(ticket.id, 'FIRST_RESPONSE'))?.status, 'ACTIVE');
    assert.equal((await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).firstRespondedAt, null);
    await comment(customer.token, ticket.id, { body: 'hello?' });
    assert.equal((await metric(ticket.id, 'FIRST_RESPONSE'))?.status, 'ACTIVE', 'a customer reply is no response');

    const reply = await comment(agent.token, ticket.id, { body: 'Hi, looking into it' });
    const stamped = await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    assert.deepEqual(stamped.firstRespondedAt, new Date(reply.body.createdAt));
    const fr = await metric(ticket.id, 'FIRST_RESPONSE');
    assert.equal(fr?.status, 'MET');
    const lag = fr!.completedAt!.getTime() - stamped.firstRespondedAt!.getTime();
    assert.ok(lag >= 0 && lag < 5000, `met when answered (${lag} ms)`);

    await comment(agent2.token, ticket.id, { body: 'Second reply' });
    const later = await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    assert.deepEqual(later.firstRespondedAt, stamped.firstRespondedAt, 'only the first reply counts');
    assert.equal(later.version, 1, 'comments do not bump the ticket version');
  });

  it("a customer's reply reopens a RESOLVED or PENDING_CUSTOMER ticket, with SLA and history", async () => {
    const ticket = await createTicket(t, customer.token);
    await comment(agent.token, ticket.id, { body: 'Please send logs' });
    const wait = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent.token))
      .send({ stageId: wf.stage.work });
    assert.equal(wait.status, 200);
    await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(agent.token)).send({ stageId: wf.stage.waiting });
    assert.equal((await metric(ticket.id, 'RESOLUTION'))?.status, 'PAUSED');

    assert.equal((await comment(customer.token, ticket.id, { body: 'Here are the logs' })).status, 201);
    const reopened = await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    assert.equal(reopened.status, 'OPEN');
    assert.equal(reopened.stageId, wf.stage.new);
    assert.equal((await metric(ticket.id, 'RESOLUTION'))?.status, 'ACTIVE', 'clock resumed');
    assert.equal((await metric(ticket.id, 'NEXT_RESPONSE'))?.status, 'ACTIVE', 'next-response clock started');
    const statusRow = await t.prisma.historyLog.findFirstOrThrow({
      where: { ticketId: ticket.id, field: 'status', newValue: 'OPEN' },
    });
    assert.equal(statusRow.actorId, customer.id);

    // RESOLVED → reopened by a reply too; CLOSED stays closed.
    await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(agent.token)).send({ status: 'RESOLVED' });
    await comment(customer.token, ticket.id, { body: 'Still broken' });
    assert.equal((await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status, 'OPEN');
    await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(agent.token)).send({ status: 'CLOSED' });
    await comment(customer.token, ticket.id, { body: 'Thanks!' });
    assert.equal((await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status, 'CLOSED');
  });

  it('comments are edited and soft-deleted by their author or an admin only', async () => {
    const ticket = await createTicket(t, customer.token);
    const mine = await comment(customer.token, ticket.id, { body: 'typo' });
    const note = await comment(agent.token, ticket.id, { body: 'note', internal: true });
    const url = (id: string) => `/api/tickets/${ticket.id}/comments/${id}`;

    assert.equal((await t.http.patch(url(mine.body.id)).set(auth(agent.token)).send({ body: 'x' })).status, 403);
    assert.equal((await t.http.patch(url(note.body.id)).set(auth(customer.token)).send({ body: 'x' })).status, 404);
    assert.equal((await t.http.delete(url(note.body.id)).set(auth(customer.token))).status, 404);
    assert.equal((await t.http.patch(url(mine.body.id)).set(auth(customer.token)).send({})).status, 400);
    const edited = await t.http.patch(url(mine.body.id)).set(auth(customer.token)).send({ body: 'fixed' });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.body, 'fixed');
    const byAdmin = await t.http.patch(url(note.body.id)).set(auth(admin.token)).send({ body: 'note (edited)' });
    assert.equal(byAdmin.status, 200);

    assert.equal((await t.http.delete(url(mine.body.id)).set(auth(customer.token))).status, 204);
    assert.equal((await t.http.delete(url(mine.body.id)).set(auth(customer.token))).status, 404);
    const list = await t.http.get(`/api/tickets/${ticket.id}/comments`).set(auth(agent.token));
    assert.deepEqual(
      list.body.items.map((c: { id: string }) => c.id),
      [note.body.id],
    );
    assert.ok(await t.prisma.comment.findUniqueOrThrow({ where: { id: mine.body.id } }).then((c) => c.deletedAt));
    const customerHistory = await t.http.get(`/api/tickets/${ticket.id}/history`).set(auth(customer.token));
    assert.deepEqual(
      customerHistory.body.items.map((h: { action: string }) => h.action),
      ['created', 'comment_added', 'comment_edited', 'comment_deleted'],
    );
    const types = await t.prisma.eventLog.findMany({ where: { aggregateId: ticket.id }, select: { type: true } });
    assert.ok(types.some((e) => e.type === 'CommentEdited') && types.some((e) => e.type === 'CommentDeleted'));
  });

  it('watchers: staff add staff or the requester; customers only themselves; idempotent', async () => {
    const ticket = await createTicket(t, customer.token);
    const url = `/api/tickets/${ticket.id}/watchers`;
    const add = (token: string, userId: string) => t.http.post(url).set(auth(token)).send({ userId });

    assert.equal((await add(agent.token, agent2.id)).status, 201);
    const twice = await add(agent.token, agent2.id);
    assert.equal(twice.status, 201);
    assert.equal(twice.body.user.id, agent2.id);
    assert.equal(await t.prisma.ticketWatcher.count({ where: { ticketId: ticket.id } }), 1);
    const stranger = await add(agent.token, other.id);
    assert.equal(stranger.status, 400);
    assert.equal(stranger.body.errors[0].field, 'userId');
    assert.equal((await add(customer.token, agent.id)).status, 403);
    assert.equal((await add(customer.token, customer.id)).status, 201);
    assert.equal((await t.http.post(url).set(auth(agent.token)).send({ userId: 'x' })).status, 400);

    const staffView = await t.http.get(url).set(auth(agent.token));
    assert.deepEqual(staffView.body.map((w: { userId: string }) => w.userId).sort(), [agent2.id, customer.id].sort());
    const customerView = await t.http.get(url).set(auth(customer.token));
    assert.deepEqual(
      customerView.body.map((w: { userId: string }) => w.userId),
      [customer.id],
    );

    assert.equal((await t.http.delete(`${url}/${agent2.id}`).set(auth(customer.token))).status, 403);
    assert.equal((await t.http.delete(`${url}/${customer.id}`).set(auth(customer.token))).status, 204);
    assert.equal((await t.http.delete(`${url}/${customer.id}`).set(auth(customer.token))).status, 404);
    assert.equal((await t.http.delete(`${url}/${agent2.id}`).set(auth(agent.token))).status, 204);
    const actions = await t.prisma.historyLog.findMany({
      where: { ticketId: ticket.id, field: 'watcher' },
      orderBy: { createdAt: 'asc' },
    });
    assert.deepEqual(
      actions.map((h) => h.action),
      ['watcher_added', 'watcher_added', 'watcher_removed', 'watcher_removed'],
    );
    assert.equal(await t.prisma.eventLog.count({ where: { aggregateId: ticket.id, type: 'WatcherAdded' } }), 2);
  });

  it('notifications: watchers, assignee and requester are told, never the actor; customers never of notes', async () => {
    const ticket = await createTicket(t, agent.token, { requesterId: customer.id, assigneeId: agent.id });
    await t.http.post(`/api/tickets/${ticket.id}/watchers`).set(auth(agent.token)).send({ userId: agent2.id });
    await t.http.post(`/api/tickets/${ticket.id}/watchers`).set(auth(customer.token)).send({ userId: customer.id });
    // The fan-out follows the commit, in the worker's event consumer: run it to the head first.
    const notes = async (userId: string, type: string) => {
      await t.events.drain();
      return t.prisma.notification.count({ where: { userId, ticketId: ticket.id, type } });
    };

    await comment(agent.token, ticket.id, { body: 'Public reply' });
    assert.equal(await notes(agent2.id, 'comment.added'), 1);
    assert.equal(await notes(customer.id, 'comment.added'), 1, 'requester + watcher: one row');
    assert.equal(await notes(agent.id, 'comment.added'), 0, 'not the actor');

    await comment(agent2.token, ticket.id, { body: 'Internal only', internal: true });
    assert.equal(await notes(agent.id, 'comment.added'), 1, 'the assignee hears of the note');
    assert.equal(await notes(customer.id, 'comment.added'), 1, 'the customer does not');

    await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(agent.token)).send({ stageId: wf.stage.work });
    assert.equal(await notes(customer.id, 'ticket.status_changed'), 1);
    assert.equal(await notes(agent2.id, 'ticket.status_changed'), 1);
    await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(agent.token)).send({ assigneeId: agent2.id });
    assert.equal(await notes(agent2.id, 'ticket.assigned'), 1);

    // The API: own notifications only, unread filter, read, read-all, snooze.
    const list = await t.http.get('/api/notifications').set(auth(customer.token));
    assert.equal(list.status, 200);
    assert.ok(list.body.items.every((n: { userId: string }) => n.userId === customer.id));
    assert.ok(!JSON.stringify(list.body).includes('Internal only'));
    const first = list.body.items[0];
    assert.equal((await t.http.post(`/api/notifications/${first.id}/read`).set(auth(agent.token))).status, 404);
    const read = await t.http.post(`/api/notifications/${first.id}/read`).set(auth(customer.token));
    assert.equal(read.status, 200);
    assert.ok(read.body.readAt);
    const unread = await t.http.get('/api/notifications').query({ unread: true }).set(auth(customer.token));
    assert.equal(unread.body.total, list.body.total - 1);

    const target = unread.body.items[0];
    const past = await t.http
      .post(`/api/notifications/${target.id}/snooze`)
      .set(auth(customer.token))
      .send({ until: '2000-01-01T00:00:00Z' });
    assert.equal(past.status, 400);
    assert.equal(past.body.errors[0].field, 'until');
    const until = new Date(Date.now() + 3600_000).toISOString();
    const snoozed = await t.http
      .post(`/api/notifications/${target.id}/snooze`)
      .set(auth(customer.token))
      .send({ until });
    assert.equal(snoozed.status, 200);
    const hidden = await t.http.get('/api/notifications').set(auth(customer.token));
    assert.ok(!hidden.body.items.some((n: { id: string }) => n.id === target.id));
    assert.equal(hidden.body.total, list.body.total - 1);

    const all = await t.http.post('/api/notifications/read-all').set(auth(customer.token));
    assert.equal(all.status, 200);
    assert.equal(all.body.updated, unread.body.total);
    assert.equal(
      (await t.http.get('/api/notifications').query({ unread: true }).set(auth(customer.token))).body.total,
      0,
    );
    assert.equal(
      (await t.http.get('/api/notifications').query({ pageSize: 1000 }).set(auth(customer.token))).status,
      400,
    );
  });

  it("a staff public reply on an e-mail ticket queues an outbound e-mail in the comment's transaction", async () => {
    await t.prisma.emailAccount.create({
      data: {
        address: `support-${randomBytes(3).toString('hex')}@test.nixflow.local`,
        smtpHost: '127.0.0.1',
        smtpPort: 1,
      },
    });
    const ticket = await createTicket(t, agent.token, { requesterId: customer.id, channel: 'EMAIL' });
    const reply = await comment(agent.token, ticket.id, { body: 'We fixed it' });
    const note = await comment(agent.token, ticket.id, { body: 'internal', internal: true });
    const own = await comment(customer.token, ticket.id, { body: 'thanks' });
    const mails = await t.prisma.emailMessage.findMany({ where: { ticketId: ticket.id } });
    assert.deepEqual(
      mails.map((m) => [m.commentId, m.status, m.direction, m.to]),
      [[reply.body.id, 'QUEUED', 'OUTBOUND', [customer.email]]],
    );
    assert.ok(!mails.some((m) => m.commentId === note.body.id || m.commentId === own.body.id));
  });

  it('50 concurrent comments and 20 concurrent edits on one ticket: nothing lost, history and SLA consistent', async () => {
    const ticket = await createTicket(t, customer.token);
    const writes = Array.from({ length: 50 }, (_, i) => {
      const who = i % 3 === 0 ? customer : i % 3 === 1 ? agent : agent2;
      return comment(who.token, ticket.id, { body: `c${i}`, internal: who !== customer && i % 5 === 0 });
    });
    const edits = Array.from({ length: 20 }, (_, i) =>
      t.http
        .patch(`/api/tickets/${ticket.id}`)
        .set(auth(agent.token))
        .send({ subject: `subject ${i}` }),
    );
    const results = await Promise.all([...writes, ...edits]);
    for (const r of results) assert.ok(r.status === 201 || r.status === 200, `${r.status} ${JSON.stringify(r.body)}`);

    assert.equal(await t.prisma.comment.count({ where: { ticketId: ticket.id } }), 50);
    const commentRows = await t.prisma.historyLog.count({
      where: { ticketId: ticket.id, action: { in: ['comment_added', 'internal_note_added'] } },
    });
    assert.equal(commentRows, 50);
    assert.equal(await t.prisma.eventLog.count({ where: { aggregateId: ticket.id, type: 'CommentAdded' } }), 50);

    // Edits were serialised: each old subject was replaced exactly once (no lost update).
    const subjects = await t.prisma.historyLog.findMany({ where: { ticketId: ticket.id, field: 'subject' } });
    const final = await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    assert.equal(subjects.length, 20);
    const olds = subjects.map((h) => h.oldValue).sort();
    const expectedOlds = [
      'Printer on fire',
      ...subjects.map((h) => h.newValue).filter((v) => v !== final.subject),
    ].sort();
    assert.deepEqual(olds, expectedOlds);
    assert.equal(final.version, 1 + 20);

    // SLA: one first response, never two open next-response clocks, first response = first agent public reply.
    const firstAgentReply = await t.prisma.comment.findFirstOrThrow({
      where: { ticketId: ticket.id, internal: false, author: { role: { not: 'CUSTOMER' } } },
      orderBy: { createdAt: 'asc' },
    });
    assert.deepEqual(final.firstRespondedAt, firstAgentReply.createdAt);
    const metrics = await t.prisma.slaMetric.findMany({ where: { ticketId: ticket.id } });
    assert.equal(metrics.filter((m) => m.type === 'FIRST_RESPONSE').length, 1);
    assert.equal(metrics.find((m) => m.type === 'FIRST_RESPONSE')?.status, 'MET');
    const openNext = metrics.filter(
      (m) => m.type === 'NEXT_RESPONSE' && ['ACTIVE', 'AT_RISK', 'PAUSED'].includes(m.status),
    );
    assert.ok(openNext.length <= 1, `open NEXT_RESPONSE: ${openNext.length}`);
  });
});
