import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { testQueuePrefix } from '@nixflow/db/testing';
import { createTestApp, type TestApp } from './support/test-app.js';
import { actor, auth, createTicket, type Actor } from './support/ticket-fixtures.js';

/** Notification fan-out off the request path: the worker's event consumer writes it from the event log. */
describe('notification fan-out (event consumer)', () => {
  let t: TestApp;
  let agent: Actor;
  let agent2: Actor;
  let customer: Actor;

  before(async () => {
    t = await createTestApp({ env: { QUEUE_PREFIX: testQueuePrefix() } });
    [agent, agent2, customer] = await Promise.all([
      actor(t, UserRole.AGENT),
      actor(t, UserRole.AGENT),
      actor(t, UserRole.CUSTOMER),
    ]);
  });
  after(async () => {
    await t?.close();
  });

  const notificationsOf = (ticketId: string) =>
    t.prisma.notification.findMany({ where: { ticketId }, orderBy: [{ type: 'asc' }, { userId: 'asc' }] });

  it('the request writes none; the consumer writes the same content, at the time of the change', async () => {
    const ticket = await createTicket(t, agent.token, { requesterId: customer.id, assigneeId: agent2.id });
    const res = await t.http
      .post(`/api/tickets/${ticket.id}/comments`)
      .set(auth(agent.token))
      .send({ body: 'x'.repeat(250) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    // No worker runs in this test until drain(): a row now would have come from the request.
    assert.deepEqual(await notificationsOf(ticket.id), []);

    await t.events.drain();
    const rows = await notificationsOf(ticket.id);
    const comment = await t.prisma.comment.findUniqueOrThrow({ where: { id: res.body.id } });
    const reply = rows.filter((n) => n.type === 'comment.added');
    assert.deepEqual(reply.map((n) => n.userId).sort(), [agent2.id, customer.id].sort(), 'assignee + requester');
    for (const n of reply) {
      assert.equal(n.title, `New reply on #${ticket.number}: ${ticket.subject}`);
      assert.equal(n.body, `${'x'.repeat(199)}…`);
      assert.deepEqual(n.data, {
        ticketId: ticket.id,
        ticketNumber: ticket.number,
        commentId: comment.id,
        internal: false,
      });
      assert.equal(n.dedupeKey, `comment:${comment.id}`);
      assert.equal(n.createdAt.toISOString(), comment.createdAt.toISOString(), 'the event time, not the consume time');
    }
    const assigned = rows.filter((n) => n.type === 'ticket.assigned');
    assert.deepEqual(
      assigned.map((n) => [n.userId, n.title, n.dedupeKey]),
      [[agent2.id, `Ticket #${ticket.number} assigned to you: ${ticket.subject}`, `assigned:${ticket.id}:v1`]],
    );

    const patched = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent2.token))
      .send({ status: 'PENDING_CUSTOMER' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await t.events.drain();
    const status = (await notificationsOf(ticket.id)).filter((n) => n.type === 'ticket.status_changed');
    assert.deepEqual(
      status.map((n) => [n.userId, n.title, n.dedupeKey, n.data]),
      [
        [
          customer.id,
          `Ticket #${ticket.number} is now PENDING_CUSTOMER: ${ticket.subject}`,
          `status:${ticket.id}:v${patched.body.version}`,
          { ticketId: ticket.id, ticketNumber: ticket.number, from: 'OPEN', to: 'PENDING_CUSTOMER' },
        ],
      ],
      'the requester; not the actor (the assignee)',
    );
  });

  it('one batch of many events: each recipient once, in the order of the events; an excerpt never splits an emoji', async () => {
    const ticket = await createTicket(t, customer.token);
    await t.http.post(`/api/tickets/${ticket.id}/watchers`).set(auth(agent.token)).send({ userId: agent.id });
    await t.http.post(`/api/tickets/${ticket.id}/watchers`).set(auth(agent2.token)).send({ userId: agent2.id });
    // 198 letters, then an emoji (two UTF-16 units) across the 199-unit cut.
    const bodies = ['first', `${'a'.repeat(198)}😀${'b'.repeat(60)}`, 'third 🎉'];
    const ids: string[] = [];
    for (const body of bodies) {
      const res = await t.http.post(`/api/tickets/${ticket.id}/comments`).set(auth(customer.token)).send({ body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.id);
    }
    await t.events.drain();
    const rows = await t.prisma.notification.findMany({ where: { ticketId: ticket.id }, orderBy: { seq: 'asc' } });
    assert.deepEqual(
      rows.map((n) => [n.dedupeKey, n.userId]),
      ids.flatMap((id) => [agent.id, agent2.id].sort().map((u) => [`comment:${id}`, u])),
      'both watchers, once per comment, in the order of the comments; never the author',
    );
    const byComment = new Map(rows.map((n) => [n.dedupeKey, n.body]));
    assert.equal(byComment.get(`comment:${ids[0]}`), 'first');
    assert.equal(byComment.get(`comment:${ids[1]}`), `${'a'.repeat(198)}…`);
    assert.equal(byComment.get(`comment:${ids[2]}`), 'third 🎉');
  });

  it('exactly once: replaying the whole log from the start writes nothing new', async () => {
    const ticket = await createTicket(t, customer.token);
    await t.http.post(`/api/tickets/${ticket.id}/watchers`).set(auth(agent.token)).send({ userId: agent.id });
    assert.equal(
      (await t.http.post(`/api/tickets/${ticket.id}/comments`).set(auth(customer.token)).send({ body: 'hello' }))
        .status,
      201,
    );
    await t.events.drain();
    const first = await t.prisma.notification.findMany({ orderBy: { id: 'asc' } });
    assert.ok(first.some((n) => n.ticketId === ticket.id && n.userId === agent.id && n.type === 'comment.added'));

    await t.prisma.eventConsumer.update({ where: { name: 'sla' }, data: { lastTxId: 0n, lastEventId: 0n } });
    await t.events.drain();
    assert.deepEqual(await t.prisma.notification.findMany({ orderBy: { id: 'asc' } }), first);
  });

  it('a status/assignment event without version (written by the API that notified itself) is not notified again', async () => {
    const ticket = await createTicket(t, customer.token);
    await t.prisma.eventLog.createMany({
      data: [
        {
          type: 'StatusChanged',
          aggregateType: 'Ticket',
          aggregateId: ticket.id,
          actorId: agent.id,
          payload: { from: 'OPEN', to: 'RESOLVED' },
        },
        {
          type: 'TicketAssigned',
          aggregateType: 'Ticket',
          aggregateId: ticket.id,
          actorId: agent.id,
          payload: { from: null, to: agent2.id },
        },
      ],
    });
    await t.events.drain();
    assert.deepEqual(await notificationsOf(ticket.id), []);
  });
});
