import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { watchStatements } from './support/statement-spy.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { actor, auth, createSupportWorkflow, createTicket, type Actor } from './support/ticket-fixtures.js';

const SUMMARY = { select: { id: true, name: true, role: true } } as const;
const INCLUDE = { requester: SUMMARY, assignee: SUMMARY, stage: { select: { id: true, name: true, position: true } } };

/**
 * The list and the ticket view load requester, assignee and stage in one statement of their own
 * (withTicketRelations). Prisma's `include`, which they replaced, is the oracle: same relations, same JSON.
 */
describe('ticket list and view: relations in one statement, as Prisma includes them', () => {
  let t: TestApp;
  let agent: Actor;
  let customer: Actor;
  const tag = `rel-${Date.now()}`;
  let statements = 0;
  let stopWatching = () => {};

  before(async () => {
    t = await createTestApp();
    agent = await actor(t, UserRole.AGENT);
    customer = await actor(t, UserRole.CUSTOMER);
    await createSupportWorkflow(t, await t.tokenFor(UserRole.ADMIN));
    // Unassigned; assigned to an agent; the agent as its own requester and assignee; no stage at all.
    await createTicket(t, agent.token, { requesterId: customer.id, tags: [tag] });
    const assigned = await createTicket(t, agent.token, { requesterId: customer.id, tags: [tag] });
    await t.http.patch(`/api/tickets/${assigned.id}`).set(auth(agent.token)).send({ assigneeId: agent.id });
    await createTicket(t, agent.token, { tags: [tag], assigneeId: agent.id });
    const stageless = await createTicket(t, agent.token, { requesterId: customer.id, tags: [tag] });
    await t.prisma.ticket.update({ where: { id: stageless.id }, data: { stageId: null, workflowId: null } });
    stopWatching = watchStatements(() => statements++);
  });
  after(async () => {
    stopWatching();
    await t?.close();
  });

  const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

  it('the list shows what Prisma includes, in page, count and relations: three statements', async () => {
    await t.http.get('/api/tickets').query({ tag }).set(auth(agent.token)); // warm: the caller's auth lookup
    statements = 0;
    const res = await t.http.get('/api/tickets').query({ tag }).set(auth(agent.token));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(statements, 3, 'page, capped count, relations');
    const expected = await t.prisma.ticket.findMany({
      where: { tags: { has: tag } },
      orderBy: [{ createdAt: 'desc' }, { number: 'desc' }],
      include: INCLUDE,
    });
    assert.equal(res.body.items.length, 4);
    assert.deepEqual(res.body.items, json(expected));
    const kinds = res.body.items.map((i: { assignee: unknown; stage: unknown }) => [!!i.assignee, !!i.stage]);
    assert.deepEqual(new Set(kinds.map(String)), new Set(['false,true', 'true,true', 'false,false']));
  });

  it('a customer sees only their own tickets, with the same relations', async () => {
    const res = await t.http.get('/api/tickets').query({ tag }).set(auth(customer.token));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const expected = await t.prisma.ticket.findMany({
      where: { tags: { has: tag }, requesterId: customer.id },
      orderBy: [{ createdAt: 'desc' }, { number: 'desc' }],
      include: INCLUDE,
    });
    assert.equal(res.body.items.length, 3);
    assert.deepEqual(res.body.items, json(expected));
  });

  it('GET /tickets/:id shows the same relations, in two statements', async () => {
    const tickets = await t.prisma.ticket.findMany({ where: { tags: { has: tag } }, include: INCLUDE });
    for (const ticket of tickets) {
      statements = 0;
      const res = await t.http.get(`/api/tickets/${ticket.id}`).set(auth(agent.token));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(statements, 2, 'ticket, relations');
      assert.deepEqual(res.body, json(ticket));
    }
  });

  it('an empty page sends no relations statement', async () => {
    statements = 0;
    const res = await t.http
      .get('/api/tickets')
      .query({ tag: `${tag}-none` })
      .set(auth(agent.token));
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.items, res.body.total, statements], [[], 0, 2]);
  });
});
