import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { UserRole } from '@nixflow/db/client';
import { SLA_POLICY_RETIRED } from '../src/sla/sla-policies.service.js';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const MIN = 60_000;
const uid = () => randomBytes(4).toString('hex');

/** #18 items 1–3: policy guardrails, preview, the "about to breach" queue. */
describe('SLA policy guardrails, preview and queues', () => {
  let t: TestApp;
  let admin: string;
  let agent: string;
  let agentUser: TestUser;
  let customerUser: TestUser;

  before(async () => {
    t = await createTestApp();
    admin = await t.tokenFor(UserRole.ADMIN);
    agentUser = await t.createUser({ role: UserRole.AGENT });
    agent = await t.login(agentUser.email, agentUser.password);
    customerUser = await t.createUser({ role: UserRole.CUSTOMER });
  });
  after(async () => {
    await t?.close();
  });

  const createPolicy = (body: Record<string, unknown>) => t.http.post('/api/sla/policies').set(auth(admin)).send(body);
  const createTicket = async (tag: string, over: Record<string, unknown> = {}) => {
    const res = await t.http
      .post('/api/tickets')
      .set(auth(agent))
      .send({ requesterId: customerUser.id, subject: `ticket ${tag}`, description: 'd', tags: [tag], ...over });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; number: number };
  };

  it('refuses a policy without any target (400 naming targets) unless it is marked noSla', async () => {
    for (const body of [
      { name: `empty ${uid()}`, targets: {} },
      { name: `absent ${uid()}` },
      { name: `empty rows ${uid()}`, targets: { RESOLUTION: {} } },
      { name: `both ${uid()}`, noSla: true, targets: { RESOLUTION: { NORMAL: 60 } } },
      { name: `null ${uid()}`, targets: null },
    ]) {
      const res = await createPolicy(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(JSON.stringify(res.body), /targets/, JSON.stringify(res.body));
    }
    const bad = await createPolicy({
      name: `nosla null ${uid()}`,
      noSla: null,
      targets: { RESOLUTION: { NORMAL: 60 } },
    });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /noSla/);

    const tag = `nosla-${uid()}`;
    const none = await createPolicy({ name: `no SLA ${tag}`, noSla: true, conditions: { tags: [tag] } });
    assert.equal(none.status, 201, JSON.stringify(none.body));
    assert.equal(none.body.noSla, true);
    // A ticket it captures records the policy, and gets no clocks.
    const ticket = await createTicket(tag);
    const view = await t.http.get(`/api/tickets/${ticket.id}`).set(auth(agent));
    assert.equal(view.body.slaPolicyId, none.body.id);
    assert.equal(view.body.slaNextDueAt, null);
    assert.equal(await t.prisma.slaMetric.count({ where: { ticketId: ticket.id } }), 0);

    // PATCH: emptying the targets of a policy that is not noSla is refused as well.
    const real = await createPolicy({
      name: `real ${uid()}`,
      isActive: false,
      targets: { RESOLUTION: { NORMAL: 60 } },
    });
    const emptied = await t.http.patch(`/api/sla/policies/${real.body.id}`).set(auth(admin)).send({ targets: {} });
    assert.equal(emptied.status, 400);
    assert.match(JSON.stringify(emptied.body), /targets/);
  });

  it('PATCH with a stale version is a 409; the current version passes and is bumped', async () => {
    const p = await createPolicy({
      name: `versioned ${uid()}`,
      isActive: false,
      targets: { RESOLUTION: { NORMAL: 60 } },
    });
    assert.equal(p.body.version, 1);
    const ok = await t.http
      .patch(`/api/sla/policies/${p.body.id}`)
      .set(auth(admin))
      .send({ version: 1, description: 'first' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.version, 2);
    const stale = await t.http
      .patch(`/api/sla/policies/${p.body.id}`)
      .set(auth(admin))
      .send({ version: 1, description: 'second' });
    assert.equal(stale.status, 409);
    assert.equal((await t.http.get(`/api/sla/policies/${p.body.id}`).set(auth(agent))).body.description, 'first');
    const badVersion = await t.http.patch(`/api/sla/policies/${p.body.id}`).set(auth(admin)).send({ version: null });
    assert.equal(badVersion.status, 400);
    assert.match(JSON.stringify(badVersion.body), /version/);
  });

  it('deactivating and deleting a policy append SLAPolicyRetired events (the worker re-evaluates)', async () => {
    const tag = `retire-${uid()}`;
    const p = await createPolicy({
      name: `retire ${tag}`,
      conditions: { tags: [tag] },
      targets: { RESOLUTION: { NORMAL: 60 } },
    });
    const ticket = await createTicket(tag);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}`).set(auth(agent))).body.slaPolicyId, p.body.id);
    const events = () => t.prisma.eventLog.count({ where: { type: SLA_POLICY_RETIRED, aggregateId: p.body.id } });
    await t.http.patch(`/api/sla/policies/${p.body.id}`).set(auth(admin)).send({ description: 'still active' });
    assert.equal(await events(), 0);
    await t.http.patch(`/api/sla/policies/${p.body.id}`).set(auth(admin)).send({ isActive: false });
    assert.equal(await events(), 1);
    assert.equal((await t.http.delete(`/api/sla/policies/${p.body.id}`).set(auth(admin))).status, 204);
    assert.equal(await events(), 2);
  });

  it('preview: which open tickets a change would govern, how their deadlines move, how many breach at once', async () => {
    const tag = `preview-${uid()}`;
    const p = await createPolicy({
      name: `preview ${tag}`,
      position: 10,
      conditions: { tags: [tag] },
      targets: { FIRST_RESPONSE: { NORMAL: 600 }, RESOLUTION: { NORMAL: 6000 } },
    });
    const a = await createTicket(tag);
    const b = await createTicket(tag);
    await createTicket(`other-${uid()}`);
    const before = await t.prisma.slaMetric.findMany({ where: { ticketId: { in: [a.id, b.id] } } });
    // Ticket a started 30 minutes ago: with a 10-minute first response its new deadline has passed.
    await t.prisma.slaMetric.updateMany({
      where: { ticketId: a.id },
      data: { startedAt: new Date(Date.now() - 30 * MIN) },
    });
    const res = await t.http
      .post('/api/sla/policies/preview')
      .set(auth(admin))
      .send({ policyId: p.body.id, targets: { FIRST_RESPONSE: { NORMAL: 10 } } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.governed, 2);
    assert.equal(res.body.truncated, false);
    assert.ok(res.body.examined >= 3);
    assert.equal(res.body.moved, 2);
    assert.equal(res.body.breachedAtOnce, 1);
    const itemA = res.body.items.find((i: { ticketId: string }) => i.ticketId === a.id);
    assert.equal(itemA.number, a.number);
    const fr = itemA.metrics.find((m: { type: string }) => m.type === 'FIRST_RESPONSE');
    assert.equal(fr.breachedAtOnce, true);
    assert.ok(Date.parse(fr.newDueAt) < Date.parse(fr.currentDueAt));
    const res2 = itemA.metrics.find((m: { type: string }) => m.type === 'RESOLUTION');
    assert.equal(res2.newDueAt, null, 'RESOLUTION has no target any more: cancelled');

    // Nothing was written: the metrics' deadlines and statuses, and the policy's version, are unchanged.
    const after = await t.prisma.slaMetric.findMany({ where: { ticketId: { in: [a.id, b.id] } } });
    assert.deepEqual(
      after.map((m) => [m.id, m.dueAt.getTime(), m.status]).sort(),
      before.map((m) => [m.id, m.dueAt.getTime(), m.status]).sort(),
    );
    assert.equal((await t.http.get(`/api/sla/policies/${p.body.id}`).set(auth(agent))).body.version, 1);

    // Bounded: limit caps the examined tickets and says so; pages page the governed ones.
    const capped = await t.http
      .post('/api/sla/policies/preview')
      .query({ limit: 1 })
      .set(auth(admin))
      .send({ policyId: p.body.id, targets: { FIRST_RESPONSE: { NORMAL: 10 } } });
    assert.equal(capped.status, 200);
    assert.equal(capped.body.examined, 1);
    assert.equal(capped.body.truncated, true);
    const paged = await t.http
      .post('/api/sla/policies/preview')
      .query({ pageSize: 1, page: 2 })
      .set(auth(admin))
      .send({ policyId: p.body.id });
    assert.equal(paged.body.items.length, 1);
    assert.equal(paged.body.governed, 2);

    // A new policy governs what it would match before the existing one (lower position); at the same
    // position the older policy keeps winning. Bad bodies are 400s naming the field.
    const fresh = await t.http
      .post('/api/sla/policies/preview')
      .set(auth(admin))
      .send({ position: 0, conditions: { tags: [tag] }, targets: { RESOLUTION: { NORMAL: 30 } } });
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    assert.equal(fresh.body.governed, 2);
    const behind = await t.http
      .post('/api/sla/policies/preview')
      .set(auth(admin))
      .send({ position: 10, conditions: { tags: [tag] }, targets: { RESOLUTION: { NORMAL: 30 } } });
    assert.equal(behind.body.governed, 0);
    const empty = await t.http.post('/api/sla/policies/preview').set(auth(admin)).send({ targets: {} });
    assert.equal(empty.status, 400);
    assert.match(JSON.stringify(empty.body), /targets/);
    const unknown = await t.http
      .post('/api/sla/policies/preview')
      .set(auth(admin))
      .send({ policyId: '00000000-0000-4000-8000-000000000000', targets: { RESOLUTION: { NORMAL: 1 } } });
    assert.equal(unknown.status, 404);
    assert.equal((await t.http.post('/api/sla/policies/preview').set(auth(agent)).send({})).status, 403);
  });

  it('the "about to breach" queue: metrics by dueAt with dueBefore/assignee and ticket fields; tickets sort=slaDueAt', async () => {
    const tag = `queue-${uid()}`;
    await createPolicy({
      name: `queue ${tag}`,
      conditions: { tags: [tag] },
      targets: { FIRST_RESPONSE: { NORMAL: 60, HIGH: 30, URGENT: 10 } },
    });
    const normal = await createTicket(tag, { assigneeId: agentUser.id });
    const urgent = await createTicket(tag, { priority: 'URGENT', assigneeId: agentUser.id });
    const high = await createTicket(tag, { priority: 'HIGH' });

    const res = await t.http
      .get('/api/sla/metrics')
      .query({
        sort: 'dueAt',
        status: 'ACTIVE',
        assigneeId: agentUser.id,
        dueBefore: new Date(Date.now() + 2 * 60 * MIN).toISOString(),
      })
      .set(auth(agent));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const ids = res.body.items.map((m: { ticketId: string }) => m.ticketId);
    assert.deepEqual(ids, [urgent.id, normal.id]);
    assert.equal(res.body.items[0].ticketNumber, urgent.number);
    assert.equal(res.body.items[0].ticketSubject, `ticket ${tag}`);
    assert.equal(res.body.items[0].ticketPriority, 'URGENT');
    assert.equal(res.body.items[0].assigneeId, agentUser.id);
    const soon = await t.http
      .get('/api/sla/metrics')
      .query({ sort: 'dueAt', dueBefore: new Date(Date.now() + 20 * MIN).toISOString(), assigneeId: agentUser.id })
      .set(auth(agent));
    assert.deepEqual(
      soon.body.items.map((m: { ticketId: string }) => m.ticketId),
      [urgent.id],
    );
    for (const query of [{ sort: 'nope' }, { dueBefore: 'yesterday' }, { assigneeId: 'x' }]) {
      assert.equal(
        (await t.http.get('/api/sla/metrics').query(query).set(auth(agent))).status,
        400,
        JSON.stringify(query),
      );
    }

    const list = await t.http.get('/api/tickets').query({ sort: 'slaDueAt', order: 'asc', tag }).set(auth(agent));
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(
      list.body.items.map((i: { id: string }) => i.id),
      [urgent.id, high.id, normal.id],
    );
    assert.ok(list.body.items.every((i: { slaNextDueAt: string | null }) => typeof i.slaNextDueAt === 'string'));

    // An answered ticket has no running deadline any more: it goes last.
    const reply = await t.http
      .post(`/api/tickets/${urgent.id}/comments`)
      .set(auth(agent))
      .send({ body: 'on it', internal: false });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const after = await t.http.get('/api/tickets').query({ sort: 'slaDueAt', order: 'asc', tag }).set(auth(agent));
    assert.deepEqual(
      after.body.items.map((i: { id: string }) => i.id),
      [high.id, normal.id, urgent.id],
    );
  });

  it('breach rows carry the ticket number and subject', async () => {
    const tag = `breach-${uid()}`;
    const p = await createPolicy({
      name: `breach ${tag}`,
      conditions: { tags: [tag] },
      targets: { RESOLUTION: { NORMAL: 60 } },
    });
    const ticket = await createTicket(tag);
    const metric = await t.prisma.slaMetric.findFirstOrThrow({ where: { ticketId: ticket.id } });
    await t.prisma.slaBreach.create({
      data: {
        ticketId: ticket.id,
        metricId: metric.id,
        policyId: p.body.id,
        type: metric.type,
        dueAt: metric.dueAt,
        breachedAt: metric.dueAt,
      },
    });
    const res = await t.http.get('/api/sla/breaches').query({ ticketId: ticket.id }).set(auth(agent));
    assert.equal(res.status, 200);
    assert.equal(res.body.items[0].ticketNumber, ticket.number);
    assert.equal(res.body.items[0].ticketSubject, `ticket ${tag}`);
  });
});
