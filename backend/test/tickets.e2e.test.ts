import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
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

const NO_ID = '00000000-0000-4000-8000-000000000000';

describe('tickets API', () => {
  let t: TestApp;
  let admin: Actor;
  let agent: Actor;
  let agent2: Actor;
  let customer: Actor;
  let other: Actor;
  let wf: SupportWorkflow;

  before(async () => {
    t = await createTestApp();
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

  const counts = async (ticketId: string) => ({
    history: await t.prisma.historyLog.count({ where: { ticketId } }),
    events: await t.prisma.eventLog.count({ where: { aggregateId: ticketId } }),
  });

  it('anonymous requests get 401 on every ticket route', async () => {
    const id = NO_ID;
    const calls = [
      t.http.get('/api/tickets'),
      t.http.post('/api/tickets').send({}),
      t.http.get(`/api/tickets/${id}`),
      t.http.patch(`/api/tickets/${id}`).send({}),
      t.http.delete(`/api/tickets/${id}`),
      t.http.post(`/api/tickets/${id}/restore`),
      t.http.get(`/api/tickets/${id}/history`),
      t.http.get(`/api/tickets/${id}/comments`),
      t.http.get(`/api/tickets/${id}/watchers`),
      t.http.get('/api/events'),
      t.http.get('/api/notifications'),
    ];
    for (const [i, res] of (await Promise.all(calls)).entries()) assert.equal(res.status, 401, `call ${i}`);
  });

  it('a customer creates a ticket for themselves: default workflow, initial stage, history, event, SLA metrics in one go', async () => {
    const res = await t.http
      .post('/api/tickets')
      .set(auth(customer.token))
      .send({ subject: '  VPN drops every hour  ', description: 'Since Monday.' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const ticket = res.body;
    assert.equal(ticket.subject, 'VPN drops every hour');
    assert.equal(ticket.requesterId, customer.id);
    assert.equal(ticket.requester.id, customer.id);
    assert.equal(ticket.status, 'OPEN');
    assert.equal(ticket.priority, 'NORMAL');
    assert.equal(ticket.channel, 'WEB');
    assert.equal(ticket.workflowId, wf.id);
    assert.equal(ticket.stageId, wf.stage.new);
    assert.equal(ticket.stage.name, 'New');
    assert.equal(ticket.version, 1);
    assert.ok(Number.isInteger(ticket.number));

    const history = await t.prisma.historyLog.findMany({ where: { ticketId: ticket.id } });
    assert.deepEqual(
      history.map((h) => [h.action, h.actorId]),
      [['created', customer.id]],
    );
    const events = await t.prisma.eventLog.findMany({ where: { aggregateId: ticket.id } });
    assert.deepEqual(
      events.map((e) => e.type),
      ['TicketCreated'],
    );
    assert.equal((events[0].payload as Record<string, unknown>).requesterId, customer.id);
    const metrics = await t.prisma.slaMetric.findMany({ where: { ticketId: ticket.id }, orderBy: { type: 'asc' } });
    assert.deepEqual(
      metrics.map((m) => [m.type, m.status]),
      [
        ['FIRST_RESPONSE', 'ACTIVE'],
        ['RESOLUTION', 'ACTIVE'],
      ],
    );
    // Ticket row, history, event and metrics were written by one transaction.
    const [{ same }] = await t.prisma.$queryRaw<{ same: boolean }[]>`
      SELECT (SELECT xmin::text FROM "Ticket" WHERE id = ${ticket.id}::uuid)
           = (SELECT xmin::text FROM "HistoryLog" WHERE "ticketId" = ${ticket.id}::uuid LIMIT 1)
         AND (SELECT "txId" FROM "EventLog" WHERE "aggregateId" = ${ticket.id} LIMIT 1)::text
           = (SELECT xmin::text FROM "SLAMetric" WHERE "ticketId" = ${ticket.id}::uuid LIMIT 1) AS same`;
    assert.equal(same, true);
  });

  it('customers cannot set staff-only fields or another requester; bad bodies are field-level 400s', async () => {
    for (const body of [{ priority: 'HIGH' }, { assigneeId: agent.id }, { tags: ['x'] }, { requesterId: other.id }]) {
      const res = await t.http
        .post('/api/tickets')
        .set(auth(customer.token))
        .send({ subject: 's', description: 'd', ...body });
      assert.equal(res.status, 403, JSON.stringify(body));
      assert.match(res.body.message, new RegExp(Object.keys(body)[0]));
    }
    const missing = await t.http.post('/api/tickets').set(auth(customer.token)).send({ description: 'd' });
    assert.equal(missing.status, 400);
    assert.ok(missing.body.errors.some((e: { field: string }) => e.field === 'subject'));
    const unknown = await t.http
      .post('/api/tickets')
      .set(auth(agent.token))
      .send({ subject: 's', description: 'd', status: 'OPEN', hack: 1 });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.errors.map((e: { field: string }) => e.field).sort(), ['hack', 'status']);
    const badEnum = await t.http
      .post('/api/tickets')
      .set(auth(agent.token))
      .send({ subject: 's', description: 'd', priority: 'SUPER', requesterId: 'nope', tags: 'x' });
    assert.equal(badEnum.status, 400);
    assert.deepEqual(badEnum.body.errors.map((e: { field: string }) => e.field).sort(), [
      'priority',
      'requesterId',
      'tags',
    ]);
  });

  it('staff create for a customer with assignee and normalised tags; the assignee must be active staff', async () => {
    const ticket = await createTicket(t, agent.token, {
      requesterId: customer.id,
      assigneeId: agent2.id,
      priority: 'HIGH',
      channel: 'API',
      tags: [' VPN ', 'vpn', 'Billing'],
    });
    assert.equal(ticket.requesterId, customer.id);
    assert.equal(ticket.assigneeId, agent2.id);
    assert.deepEqual(ticket.tags, ['vpn', 'billing']);
    assert.equal(ticket.channel, 'API');
    await t.events.drain(); // the fan-out follows the commit, in the event consumer
    const note = await t.prisma.notification.findMany({ where: { ticketId: ticket.id } });
    assert.deepEqual(
      note.map((n) => [n.userId, n.type]),
      [[agent2.id, 'ticket.assigned']],
    );
    const types = (await t.prisma.eventLog.findMany({ where: { aggregateId: ticket.id }, orderBy: { id: 'asc' } })).map(
      (e) => e.type,
    );
    assert.deepEqual(types, ['TicketCreated', 'TicketAssigned']);

    const toCustomer = await t.http
      .post('/api/tickets')
      .set(auth(agent.token))
      .send({ subject: 's', description: 'd', requesterId: customer.id, assigneeId: other.id });
    assert.equal(toCustomer.status, 400);
    assert.equal(toCustomer.body.errors[0].field, 'assigneeId');
    const inactive = await t.createUser({ role: UserRole.AGENT });
    await t.prisma.user.update({ where: { id: inactive.id }, data: { isActive: false } });
    const toInactive = await t.http
      .post('/api/tickets')
      .set(auth(agent.token))
      .send({ subject: 's', description: 'd', requesterId: customer.id, assigneeId: inactive.id });
    assert.equal(toInactive.status, 400);
    const noWorkflow = await t.http
      .post('/api/tickets')
      .set(auth(agent.token))
      .send({ subject: 's', description: 'd', workflowId: NO_ID });
    assert.equal(noWorkflow.status, 400);
    assert.equal(noWorkflow.body.errors[0].field, 'workflowId');
  });

  it("one visibility rule: another customer's ticket is a 404 on every route, staff see it", async () => {
    const ticket = await createTicket(t, customer.token);
    const paths = ['', '/history', '/comments', '/watchers', '/sla', '/suggested-articles'];
    for (const p of paths) {
      assert.equal((await t.http.get(`/api/tickets/${ticket.id}${p}`).set(auth(other.token))).status, 404, p);
      assert.equal((await t.http.get(`/api/tickets/${ticket.id}${p}`).set(auth(agent.token))).status, 200, p);
      assert.equal((await t.http.get(`/api/tickets/${ticket.id}${p}`).set(auth(customer.token))).status, 200, p);
    }
    const writes = [
      t.http.patch(`/api/tickets/${ticket.id}`).set(auth(other.token)).send({ subject: 'mine now' }),
      t.http.post(`/api/tickets/${ticket.id}/comments`).set(auth(other.token)).send({ body: 'hi' }),
      t.http.post(`/api/tickets/${ticket.id}/watchers`).set(auth(other.token)).send({ userId: other.id }),
    ];
    for (const res of await Promise.all(writes)) assert.equal(res.status, 404);
    const list = await t.http.get('/api/tickets').query({ pageSize: 100 }).set(auth(other.token));
    assert.equal(list.status, 200);
    assert.ok(list.body.items.every((i: { requesterId: string }) => i.requesterId === other.id));
    assert.equal((await t.http.get(`/api/tickets/${NO_ID}`).set(auth(agent.token))).status, 404);
    assert.equal((await t.http.get('/api/tickets/not-a-uuid').set(auth(agent.token))).status, 400);
  });

  it('PATCH moves along allowed stages (status follows), refuses forbidden ones with 409, all in one transaction', async () => {
    const ticket = await createTicket(t, customer.token);
    const before = await counts(ticket.id);
    const moved = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent.token))
      .send({ stageId: wf.stage.work, assigneeId: agent.id, version: 1 });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.status, 'IN_PROGRESS');
    assert.equal(moved.body.stage.name, 'In progress');
    assert.equal(moved.body.version, 2);

    const after = await counts(ticket.id);
    assert.equal(after.history - before.history, 3, 'assigneeId, stageId, status');
    const rows = await t.prisma.historyLog.findMany({
      where: { ticketId: ticket.id, action: 'updated' },
      orderBy: { field: 'asc' },
    });
    assert.deepEqual(
      rows.map((r) => [r.field, r.oldValue, r.newValue, r.actorId]),
      [
        ['assigneeId', null, agent.id, agent.id],
        ['stageId', wf.stage.new, wf.stage.work, agent.id],
        ['status', 'OPEN', 'IN_PROGRESS', agent.id],
      ],
    );
    const events = await t.prisma.eventLog.findMany({ where: { aggregateId: ticket.id }, orderBy: { id: 'asc' } });
    const update = events.slice(before.events);
    assert.deepEqual(
      update.map((e) => e.type),
      ['TicketUpdated', 'StatusChanged', 'TicketAssigned', 'StageChanged'],
    );
    assert.equal(new Set(update.map((e) => e.txId)).size, 1, 'one transaction');
    const [{ xmin }] = await t.prisma.$queryRaw<{ xmin: string }[]>`
      SELECT xmin::text FROM "Ticket" WHERE id = ${ticket.id}::uuid`;
    assert.equal(update[0].txId.toString(), xmin);

    // In progress → Closed is not an allowed transition.
    const forbidden = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent.token))
      .send({ stageId: wf.stage.closed });
    assert.equal(forbidden.status, 409);
    assert.match(forbidden.body.message, /"In progress".*"Closed"/);
    // …nor through the status (the stage would have to follow).
    const viaStatus = await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(agent.token)).send({ status: 'CLOSED' });
    assert.equal(viaStatus.status, 409);
    assert.deepEqual(await counts(ticket.id), after, 'a refused change writes nothing');

    // Allowed via status: the stage follows to Resolved, resolvedAt is stamped.
    const resolved = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent.token))
      .send({ status: 'RESOLVED' });
    assert.equal(resolved.status, 200);
    assert.equal(resolved.body.stageId, wf.stage.resolved);
    assert.ok(resolved.body.resolvedAt);
    const resolution = await t.prisma.slaMetric.findFirstOrThrow({
      where: { ticketId: ticket.id, type: 'RESOLUTION' },
    });
    assert.equal(resolution.status, 'MET');

    // A status the stage contradicts is a 400; a foreign stage too.
    const conflict = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent.token))
      .send({ stageId: wf.stage.closed, status: 'OPEN' });
    assert.equal(conflict.status, 400);
    assert.equal(conflict.body.errors[0].field, 'status');
    const otherWf = await t.http
      .post('/api/workflows')
      .set(auth(admin.token))
      .send({ name: 'Other', stages: [{ name: 'Only' }] });
    const foreign = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent.token))
      .send({ stageId: otherWf.body.stages[0].id });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.errors[0].field, 'stageId');
    // Changing workflow moves to its initial stage (no transition rule across workflows).
    const switched = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent.token))
      .send({ workflowId: otherWf.body.id });
    assert.equal(switched.status, 200);
    assert.equal(switched.body.stageId, otherWf.body.stages[0].id);
    assert.equal(switched.body.status, 'RESOLVED', 'a stage without status keeps the status');
  });

  it('optimistic concurrency: a stale version is a 409 and changes nothing; a no-op PATCH writes nothing', async () => {
    const ticket = await createTicket(t, customer.token);
    const ok = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent.token))
      .send({ priority: 'HIGH', version: 1 });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.version, 2);
    const stale = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent2.token))
      .send({ priority: 'LOW', version: 1 });
    assert.equal(stale.status, 409);
    assert.match(stale.body.message, /version 2/);
    assert.equal((await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).priority, 'HIGH');
    const before = await counts(ticket.id);
    const same = await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(agent.token)).send({ priority: 'HIGH' });
    assert.equal(same.status, 200);
    assert.equal(same.body.version, 2);
    assert.deepEqual(await counts(ticket.id), before);
    const badVersion = await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(agent.token)).send({ version: 'x' });
    assert.equal(badVersion.status, 400);
    assert.equal(badVersion.body.errors[0].field, 'version');
  });

  it('customers may edit text, close, and reopen their own ticket, nothing else', async () => {
    const ticket = await createTicket(t, customer.token);
    for (const body of [
      { priority: 'URGENT' },
      { assigneeId: agent.id },
      { tags: ['x'] },
      { stageId: wf.stage.work },
    ]) {
      const res = await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(customer.token)).send(body);
      assert.equal(res.status, 403, JSON.stringify(body));
    }
    const progress = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(customer.token))
      .send({ status: 'IN_PROGRESS' });
    assert.equal(progress.status, 403);
    const edited = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(customer.token))
      .send({ subject: 'Better subject' });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.subject, 'Better subject');

    await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(agent.token)).send({ status: 'RESOLVED' });
    const reopened = await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(customer.token)).send({ status: 'OPEN' });
    assert.equal(reopened.status, 200);
    assert.equal(reopened.body.status, 'OPEN');
    assert.equal(reopened.body.resolvedAt, null);
    assert.equal(reopened.body.stageId, wf.stage.new, 'the stage follows to the first OPEN stage');
    const closed = await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(customer.token)).send({ status: 'CLOSED' });
    assert.equal(closed.status, 200);
    assert.ok(closed.body.closedAt);
    assert.equal(closed.body.stageId, wf.stage.closed);
  });

  it('lists with bounded pages, filters and sorts', async () => {
    const tag = `f${Date.now()}`;
    const mk = (body: Record<string, unknown>) =>
      createTicket(t, agent.token, { requesterId: other.id, tags: [tag], ...body });
    const a = await mk({ subject: 'Alpha keyboard', priority: 'LOW' });
    const b = await mk({
      subject: 'Beta',
      description: 'The KEYBOARD is sticky',
      priority: 'URGENT',
      assigneeId: agent.id,
    });
    const c = await mk({ subject: 'Gamma', priority: 'HIGH', assigneeId: agent2.id });
    await t.prisma.ticket.update({ where: { id: a.id }, data: { createdAt: new Date('2025-01-01T00:00:00Z') } });
    await t.http.patch(`/api/tickets/${c.id}`).set(auth(agent.token)).send({ stageId: wf.stage.work });

    const list = (query: Record<string, unknown>, token = agent.token) =>
      t.http
        .get('/api/tickets')
        .query({ tag, ...query })
        .set(auth(token));
    const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);

    const all = await list({});
    assert.equal(all.status, 200);
    assert.equal(all.body.total, 3);
    assert.deepEqual(ids(all), [c.id, b.id, a.id], 'default: newest first');
    assert.deepEqual(ids(await list({ sort: 'priority', order: 'desc' })), [b.id, c.id, a.id]);
    assert.deepEqual(ids(await list({ sort: 'number', order: 'asc' })), [a.id, b.id, c.id]);
    assert.deepEqual(ids(await list({ sort: 'updatedAt', order: 'desc' })).slice(0, 1), [c.id]);
    const page2 = await list({ sort: 'number', order: 'asc', page: 2, pageSize: 2 });
    assert.deepEqual([ids(page2), page2.body.total, page2.body.page, page2.body.pageSize], [[c.id], 3, 2, 2]);

    assert.deepEqual(ids(await list({ status: ['OPEN'] })).sort(), [a.id, b.id].sort());
    assert.deepEqual(ids(await list({ status: 'IN_PROGRESS,RESOLVED' })), [c.id]);
    assert.deepEqual(ids(await list({ priority: ['LOW', 'HIGH'] })).sort(), [a.id, c.id].sort());
    assert.deepEqual(ids(await list({ assigneeId: 'me' })), [b.id]);
    assert.deepEqual(ids(await list({ assigneeId: 'none' })), [a.id]);
    assert.deepEqual(ids(await list({ assigneeId: agent2.id })), [c.id]);
    assert.deepEqual(ids(await list({ stageId: wf.stage.work })), [c.id]);
    assert.equal((await list({ workflowId: wf.id, requesterId: other.id })).body.total, 3);
    assert.equal((await list({ requesterId: customer.id })).body.total, 0);
    assert.deepEqual(
      ids(await list({ q: 'keyboard' })).sort(),
      [a.id, b.id].sort(),
      'subject or description, any case',
    );
    assert.deepEqual(ids(await list({ createdTo: '2025-06-01T00:00:00Z' })), [a.id]);
    assert.deepEqual(ids(await list({ createdFrom: '2025-06-01T00:00:00Z' })).sort(), [b.id, c.id].sort());
    // The requester sees the same tickets (their own), other customers none of them.
    assert.equal((await list({}, other.token)).body.total, 3);
    assert.equal((await list({}, customer.token)).body.total, 0);

    for (const bad of [
      { pageSize: 1000 },
      { pageSize: 0 },
      { page: 0 },
      { status: 'NOPE' },
      { sort: 'subject' },
      { order: 'up' },
      { assigneeId: 'someone' },
      { createdFrom: 'yesterday' },
      { unknown: 1 },
    ]) {
      const res = await list(bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.ok(res.body.errors?.length, JSON.stringify(res.body));
    }
  });

  it('soft delete: gone from lists and a 404 for non-admins, SLA cancelled, admin restores', async () => {
    const ticket = await createTicket(t, customer.token, { subject: 'Soft delete me' });
    assert.equal((await t.http.delete(`/api/tickets/${ticket.id}`).set(auth(customer.token))).status, 403);
    const del = await t.http.delete(`/api/tickets/${ticket.id}`).set(auth(agent.token));
    assert.equal(del.status, 204);
    const row = await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    assert.ok(row.deletedAt);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}`).set(auth(agent.token))).status, 404);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}`).set(auth(customer.token))).status, 404);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}/sla`).set(auth(customer.token))).status, 404);
    const asAdmin = await t.http.get(`/api/tickets/${ticket.id}`).set(auth(admin.token));
    assert.equal(asAdmin.status, 200);
    assert.ok(asAdmin.body.deletedAt);
    for (const token of [agent.token, admin.token, customer.token]) {
      const list = await t.http.get('/api/tickets').query({ pageSize: 100 }).set(auth(token));
      assert.ok(!list.body.items.some((i: { id: string }) => i.id === ticket.id));
    }
    const trash = await t.http.get('/api/tickets').query({ deleted: true, pageSize: 100 }).set(auth(admin.token));
    assert.ok(trash.body.items.some((i: { id: string }) => i.id === ticket.id));
    assert.equal((await t.http.get('/api/tickets').query({ deleted: true }).set(auth(agent.token))).status, 403);
    const metrics = await t.prisma.slaMetric.findMany({ where: { ticketId: ticket.id } });
    assert.ok(metrics.length > 0 && metrics.every((m) => m.status === 'CANCELLED'));
    assert.equal(
      (await t.http.patch(`/api/tickets/${ticket.id}`).set(auth(admin.token)).send({ subject: 'x' })).status,
      409,
    );
    assert.equal((await t.http.post(`/api/tickets/${ticket.id}/restore`).set(auth(agent.token))).status, 403);
    const restored = await t.http.post(`/api/tickets/${ticket.id}/restore`).set(auth(admin.token));
    assert.equal(restored.status, 200);
    assert.equal(restored.body.deletedAt, null);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}`).set(auth(customer.token))).status, 200);
    assert.equal((await t.http.post(`/api/tickets/${ticket.id}/restore`).set(auth(admin.token))).status, 409);
    const actions = (
      await t.prisma.historyLog.findMany({ where: { ticketId: ticket.id }, orderBy: { createdAt: 'asc' } })
    ).map((h) => h.action);
    assert.deepEqual(actions, ['created', 'deleted', 'restored']);
    const types = (await t.prisma.eventLog.findMany({ where: { aggregateId: ticket.id }, orderBy: { id: 'asc' } })).map(
      (e) => e.type,
    );
    assert.deepEqual(types, ['TicketCreated', 'TicketDeleted', 'TicketRestored']);
  });

  it('hard delete: admins only, 409 while rows depend on the ticket, 204 otherwise', async () => {
    const bare = await createTicket(t, customer.token);
    const busy = await createTicket(t, customer.token);
    const reply = await t.http.post(`/api/tickets/${busy.id}/comments`).set(auth(agent.token)).send({ body: 'On it' });
    assert.equal(reply.status, 201);

    assert.equal((await t.http.delete(`/api/tickets/${bare.id}?hard=true`).set(auth(agent.token))).status, 403);
    assert.equal((await t.http.delete(`/api/tickets/${bare.id}?hard=yes`).set(auth(admin.token))).status, 400);
    const refused = await t.http.delete(`/api/tickets/${busy.id}?hard=true`).set(auth(admin.token));
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /1 comment/);
    assert.ok(await t.prisma.ticket.findUnique({ where: { id: busy.id } }));

    const gone = await t.http.delete(`/api/tickets/${bare.id}?hard=true`).set(auth(admin.token));
    assert.equal(gone.status, 204);
    assert.equal(await t.prisma.ticket.findUnique({ where: { id: bare.id } }), null);
    assert.equal(await t.prisma.slaMetric.count({ where: { ticketId: bare.id } }), 0);
    assert.equal((await t.http.get(`/api/tickets/${bare.id}`).set(auth(admin.token))).status, 404);
    const trail = await t.prisma.eventLog.findMany({ where: { aggregateId: bare.id, type: 'TicketDeleted' } });
    assert.deepEqual(
      trail.map((e) => (e.payload as { hard: boolean }).hard),
      [true],
    );
    assert.equal((await t.http.delete(`/api/tickets/${NO_ID}?hard=true`).set(auth(admin.token))).status, 404);
  });

  it('GET /events: admin only, paged by id, filtered, payloads without note text', async () => {
    const ticket = await createTicket(t, customer.token);
    const secret = `secret-note-${Date.now()}`;
    const note = await t.http
      .post(`/api/tickets/${ticket.id}/comments`)
      .set(auth(agent.token))
      .send({ body: secret, internal: true });
    assert.equal(note.status, 201);

    assert.equal((await t.http.get('/api/events').set(auth(agent.token))).status, 403);
    assert.equal((await t.http.get('/api/events').set(auth(customer.token))).status, 403);
    const mine = await t.http
      .get('/api/events')
      .query({ aggregateType: 'Ticket', aggregateId: ticket.id })
      .set(auth(admin.token));
    assert.equal(mine.status, 200);
    assert.deepEqual(
      mine.body.items.map((e: { type: string }) => e.type),
      ['TicketCreated', 'CommentAdded'],
    );
    const added = mine.body.items[1];
    assert.deepEqual(added.payload, {
      commentId: note.body.id,
      internal: true,
      authorId: agent.id,
      authorRole: 'AGENT',
      // The ticket's assignee then, for the notification fan-out in the event consumer (none here).
      assigneeId: null,
    });
    assert.equal(typeof added.id, 'string');

    // Paging by id walks the whole log in order without gaps.
    const total = await t.prisma.eventLog.count();
    const seen: string[] = [];
    let after = '0';
    for (;;) {
      const page = await t.http.get('/api/events').query({ after, limit: 7 }).set(auth(admin.token));
      assert.equal(page.status, 200);
      if (page.body.items.length === 0) break;
      seen.push(...page.body.items.map((e: { id: string }) => e.id));
      assert.ok(!JSON.stringify(page.body).includes(secret));
      after = page.body.nextAfter;
    }
    assert.equal(seen.length, total);
    assert.deepEqual(
      seen,
      [...seen].sort((x, y) => Number(BigInt(x) - BigInt(y))),
    );
    const onlyCreated = await t.http
      .get('/api/events')
      .query({ type: 'TicketCreated', limit: 500 })
      .set(auth(admin.token));
    assert.ok(onlyCreated.body.items.every((e: { type: string }) => e.type === 'TicketCreated'));
    for (const bad of [{ after: '-1' }, { limit: 1000 }, { limit: 0 }, { nope: 1 }]) {
      assert.equal(
        (await t.http.get('/api/events').query(bad).set(auth(admin.token))).status,
        400,
        JSON.stringify(bad),
      );
    }
  });
});
