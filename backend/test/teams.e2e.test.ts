import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { NestFactory } from '@nestjs/core';
import { readMigrations } from '@nixflow/db';
import { UserRole } from '@nixflow/db/client';
import pg from 'pg';
import supertest from 'supertest';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { buildMessage } from './support/email-support.js';
import { openApiContractRecorder } from './support/openapi-contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { actor, auth, createTicket, type Actor } from './support/ticket-fixtures.js';

/** Teams, routing on every channel, auto-assignment under concurrency, team filters, SLA by team, macros (#23). */
let t: TestApp;
let admin: Actor;
let agentA: Actor;
let agentB: Actor;
let customer: Actor;
const uid = () => randomBytes(4).toString('hex');

before(async () => {
  t = await createTestApp({ env: { EMAIL_SECRET_KEY: randomBytes(32).toString('hex') } });
  admin = await actor(t, UserRole.ADMIN);
  agentA = await actor(t, UserRole.AGENT);
  agentB = await actor(t, UserRole.AGENT);
  customer = await actor(t, UserRole.CUSTOMER);
});

after(async () => {
  await t?.close();
});

async function createTeam(body: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const res = await t.http
    .post('/api/teams')
    .set(auth(admin.token))
    .send({ name: `Team ${uid()}`, ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function createRule(body: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const res = await t.http
    .post('/api/routing-rules')
    .set(auth(admin.token))
    .send({ name: `Rule ${uid()}`, ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

const historyOf = (ticketId: string) =>
  t.prisma.historyLog.findMany({ where: { ticketId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

describe('teams', () => {
  it('admins manage teams and members; agents read; customers cannot', async () => {
    const team = await createTeam({ memberIds: [agentA.id], assignmentMode: 'ROUND_ROBIN' });
    const added = await t.http.post(`/api/teams/${team.id}/members`).set(auth(admin.token)).send({ userId: agentB.id });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual(added.body.members.map((m: { id: string }) => m.id).sort(), [agentA.id, agentB.id].sort());
    assert.equal(added.body.calendar.timezone, 'UTC');

    const customerMember = await t.http
      .post(`/api/teams/${team.id}/members`)
      .set(auth(admin.token))
      .send({ userId: customer.id });
    assert.equal(customerMember.status, 400);
    assert.equal(customerMember.body.errors[0].field, 'userId');

    const dup = await t.http.post('/api/teams').set(auth(admin.token)).send({ name: team.name });
    assert.equal(dup.status, 409);
    const badCalendar = await t.http
      .post('/api/teams')
      .set(auth(admin.token))
      .send({ name: `Bad ${uid()}`, calendar: { timezone: 'Mars/Olympus' } });
    assert.equal(badCalendar.status, 400);
    assert.equal(badCalendar.body.errors[0].field, 'calendar');

    assert.equal((await t.http.get('/api/teams').set(auth(agentA.token))).status, 200);
    assert.equal((await t.http.post('/api/teams').set(auth(agentA.token)).send({ name: 'x' })).status, 403);
    assert.equal((await t.http.get('/api/teams').set(auth(customer.token))).status, 403);

    const removed = await t.http.delete(`/api/teams/${team.id}/members/${agentB.id}`).set(auth(admin.token));
    assert.equal(removed.status, 204);
    const again = await t.http.delete(`/api/teams/${team.id}/members/${agentB.id}`).set(auth(admin.token));
    assert.equal(again.status, 404);
  });

  it('tickets carry a team: filters (id, mine, none), history and event on change, counts per team', async () => {
    const mine = await createTeam({ memberIds: [agentA.id] });
    const other = await createTeam({ memberIds: [agentB.id] });
    const a = await createTicket(t, agentA.token, { teamId: mine.id });
    const b = await createTicket(t, agentA.token, { teamId: other.id });
    const none = await createTicket(t, agentA.token);
    assert.equal(a.teamId, mine.id);
    assert.equal(none.teamId, null);

    const ids = async (query: string, token = agentA.token) => {
      const res = await t.http.get(`/api/tickets?pageSize=100&${query}`).set(auth(token));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body.items as { id: string }[]).map((i) => i.id);
    };
    assert.deepEqual(await ids(`team=${mine.id}`), [a.id]);
    assert.deepEqual(await ids('team=mine'), [a.id]);
    assert.deepEqual(await ids('team=mine', agentB.token), [b.id]);
    assert.ok((await ids('team=none')).includes(none.id));
    assert.ok(!(await ids('team=none')).includes(a.id));
    const bad = await t.http.get('/api/tickets?team=nope').set(auth(agentA.token));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'team');
    assert.equal(
      (await t.http.get('/api/tickets?team=mine&assigneeId=me&sort=slaDueAt&order=asc').set(auth(agentA.token))).status,
      200,
    );

    // A customer cannot choose a team.
    const forbidden = await t.http
      .post('/api/tickets')
      .set(auth(customer.token))
      .send({ subject: 's', description: 'd', teamId: mine.id });
    assert.equal(forbidden.status, 403);
    const unknownTeam = await t.http
      .post('/api/tickets')
      .set(auth(agentA.token))
      .send({ subject: 's', description: 'd', teamId: '00000000-0000-4000-8000-000000000000' });
    assert.equal(unknownTeam.status, 400);
    assert.equal(unknownTeam.body.errors[0].field, 'teamId');

    const moved = await t.http.patch(`/api/tickets/${b.id}`).set(auth(agentB.token)).send({ teamId: mine.id });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.teamId, mine.id);
    const entry = (await historyOf(b.id)).find((h) => h.field === 'teamId');
    assert.deepEqual([entry?.oldValue, entry?.newValue], [other.id, mine.id]);
    const event = await t.prisma.eventLog.findFirst({ where: { aggregateId: b.id, type: 'TicketTeamChanged' } });
    assert.deepEqual(event?.payload, { from: other.id, to: mine.id });

    const counts = await t.http.get('/api/teams/counts').set(auth(agentA.token));
    assert.equal(counts.status, 200, JSON.stringify(counts.body));
    const ofMine = counts.body.find((c: { teamId: string }) => c.teamId === mine.id);
    assert.deepEqual(ofMine, { teamId: mine.id, counts: { OPEN: 2 }, total: 2 });
    assert.equal(
      counts.body.find((c: { teamId: string }) => c.teamId === other.id),
      undefined,
    );
  });

  it("the SPA queue: team=…&assigneeId=me&sort=slaDueAt lists my team's tickets by next SLA deadline", async () => {
    const queue = await createTeam({ memberIds: [agentA.id, agentB.id] });
    const elsewhere = await createTeam({ memberIds: [agentA.id] });
    const minutes = (m: number) => ({ LOW: m * 8, NORMAL: m * 4, HIGH: m * 2, URGENT: m });
    const policy = await t.http
      .post('/api/sla/policies')
      .set(auth(admin.token))
      .send({
        name: `Queue SLA ${uid()}`,
        position: 0,
        conditions: { teamIds: [queue.id] },
        targets: { FIRST_RESPONSE: minutes(30) },
      });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    const mk = (priority: string, assigneeId: string, teamId = queue.id) =>
      createTicket(t, admin.token, { priority, assigneeId, teamId });
    const low = await mk('LOW', agentA.id);
    const urgent = await mk('URGENT', agentA.id);
    const high = await mk('HIGH', agentA.id);
    await mk('URGENT', agentB.id); // someone else's
    await mk('URGENT', agentA.id, elsewhere.id); // another team of mine
    const res = await t.http
      .get(`/api/tickets?team=${queue.id}&assigneeId=me&sort=slaDueAt&order=asc`)
      .set(auth(agentA.token));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.items.map((i: { id: string }) => i.id),
      [urgent.id, high.id, low.id],
    );
    assert.equal(res.body.total, 3);
  });
});

describe('routing rules', () => {
  it('route web tickets by keyword: team, priority, tags; history names the rule; dry run agrees', async () => {
    const billing = await createTeam({});
    const rule = await createRule({
      position: 1,
      conditions: { channels: ['WEB'], keywords: ['refund'] },
      setTeamId: billing.id,
      setPriority: 'HIGH',
      addTags: ['Billing'],
    });
    const noAction = await t.http.post('/api/routing-rules').set(auth(admin.token)).send({ name: 'x' });
    assert.equal(noAction.status, 400);
    const badDomain = await t.http
      .post('/api/routing-rules')
      .set(auth(admin.token))
      .send({ name: 'x', conditions: { requesterDomains: ['not a domain'] }, addTags: ['x'] });
    assert.equal(badDomain.status, 400);
    assert.match(badDomain.body.errors[0].field, /conditions\.requesterDomains/);

    const ticket = await createTicket(t, customer.token, { subject: 'Need a REFUND', description: 'please' });
    assert.equal(ticket.teamId, billing.id);
    assert.equal(ticket.priority, 'HIGH');
    assert.deepEqual(ticket.tags, ['billing']);
    const routed = (await historyOf(ticket.id)).find((h) => h.action === 'routed');
    assert.equal(routed?.newValue, rule.name);
    const created = await t.prisma.eventLog.findFirst({ where: { aggregateId: ticket.id, type: 'TicketCreated' } });
    assert.equal((created?.payload as { routingRuleId: string }).routingRuleId, rule.id);

    const other = await createTicket(t, customer.token, { subject: 'Printer', description: 'jammed' });
    assert.equal(other.teamId, null);

    const dry = await t.http
      .post('/api/routing-rules/dry-run')
      .set(auth(agentA.token))
      .send({ channel: 'WEB', subject: 'refund?', tags: ['x'] });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.rule.id, rule.id);
    assert.deepEqual([dry.body.teamId, dry.body.priority, dry.body.tags], [billing.id, 'HIGH', ['x', 'billing']]);
    const miss = await t.http.post('/api/routing-rules/dry-run').set(auth(agentA.token)).send({ channel: 'EMAIL' });
    assert.equal(miss.body.rule, null);

    // Deactivated: no longer fires.
    const off = await t.http.patch(`/api/routing-rules/${rule.id}`).set(auth(admin.token)).send({ isActive: false });
    assert.equal(off.status, 200);
    assert.equal((await createTicket(t, customer.token, { subject: 'refund' })).teamId, null);
    // A team named by a rule cannot be deleted.
    assert.equal((await t.http.delete(`/api/teams/${billing.id}`).set(auth(admin.token))).status, 409);
    assert.equal((await t.http.delete(`/api/routing-rules/${rule.id}`).set(auth(admin.token))).status, 204);
    assert.equal((await t.http.delete(`/api/teams/${billing.id}`).set(auth(admin.token))).status, 204);
  });

  it('route e-mail by account and requester domain (POST /api/email/inbound)', async () => {
    const address = `support-${uid()}@example.test`;
    const account = await t.http.post('/api/email/accounts').set(auth(admin.token)).send({ address });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const token = await t.http.post(`/api/email/accounts/${account.body.id}/inbound-token`).set(auth(admin.token));
    const vip = await createTeam({});
    await createRule({
      position: 0,
      conditions: { emailAccountIds: [account.body.id], requesterDomains: ['bigcorp.example'] },
      setTeamId: vip.id,
      addTags: ['vip'],
    });
    const send = async (from: string) => {
      const raw = await buildMessage({ from, to: address, subject: `Hello ${uid()}`, text: 'Help' });
      const res = await t.http
        .post('/api/email/inbound')
        .set('Authorization', `Bearer ${token.body.token}`)
        .set('Content-Type', 'message/rfc822')
        .send(raw);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return t.prisma.ticket.findUniqueOrThrow({ where: { id: res.body.ticketId } });
    };
    const routed = await send(`ceo-${uid()}@mail.bigcorp.example`);
    assert.equal(routed.teamId, vip.id);
    assert.deepEqual(routed.tags, ['vip']);
    assert.ok((await historyOf(routed.id)).some((h) => h.action === 'routed'));
    const plain = await send(`someone-${uid()}@elsewhere.example`);
    assert.equal(plain.teamId, null);
  });

  it("route form submissions: the form's team, or a rule naming the form; assigneeGroup is refused", async () => {
    const formsTeam = await createTeam({});
    const ruleTeam = await createTeam({});
    const refused = await t.http
      .post('/api/forms')
      .set(auth(agentA.token))
      .send({ name: 'Old', ticketDefaults: { assigneeGroup: 'Billing' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'ticketDefaults.assigneeGroup');

    const makeForm = async (ticketDefaults: Record<string, unknown>) => {
      const form = await t.http
        .post('/api/forms')
        .set(auth(agentA.token))
        .send({
          name: `Form ${uid()}`,
          allowAnonymous: true,
          ticketDefaults,
          fields: [{ key: 'm', label: 'M', type: 'TEXT', required: true }],
        });
      assert.equal(form.status, 201, JSON.stringify(form.body));
      assert.equal((await t.http.post(`/api/forms/${form.body.id}/publish`).set(auth(agentA.token))).status, 200);
      return form.body.id as string;
    };
    const submit = async (formId: string) => {
      const res = await t.http
        .post(`/api/forms/${formId}/submissions`)
        .send({ answers: { m: 'hello' }, email: `anon-${uid()}@example.org` });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const sub = await t.prisma.formSubmission.findUniqueOrThrow({ where: { id: res.body.id } });
      return t.prisma.ticket.findUniqueOrThrow({ where: { id: sub.ticketId! } });
    };
    const withTeam = await makeForm({ teamId: formsTeam.id });
    assert.equal((await submit(withTeam)).teamId, formsTeam.id);
    const plain = await makeForm({});
    await createRule({ conditions: { formIds: [plain], requesterDomains: ['example.org'] }, setTeamId: ruleTeam.id });
    assert.equal((await submit(plain)).teamId, ruleTeam.id);
  });
});

describe('forms: the former assigneeGroup', () => {
  it('migration 20261203130001 turns stored groups into teams and form defaults into teamId (re-runnable)', async () => {
    const group = `Billing ${uid()}`;
    const existing = await createTeam({});
    const insert = async (ticketDefaults: Record<string, unknown>) => {
      const [row] = await t.prisma.$queryRaw<{ id: string }[]>`
        INSERT INTO "CustomForm" ("name", "ticketDefaults") VALUES (${`Legacy ${uid()}`}, ${JSON.stringify(ticketDefaults)}::jsonb)
        RETURNING id::text AS id`;
      return row!.id;
    };
    const a = await insert({ assigneeGroup: ` ${group} `, priority: 'HIGH' });
    const b = await insert({ assigneeGroup: group });
    const c = await insert({ assigneeGroup: existing.name });
    const d = await insert({ assigneeGroup: '' });
    const migration = readMigrations().migrations.find((m) => m.name === '20261203130001_teams_routing_macros')!;
    const client = new pg.Client({ connectionString: t.db.url });
    await client.connect();
    try {
      // Idempotent by our rules, so running it again over a migrated database is what an upgrade does.
      await client.query(migration.script);
      await client.query(migration.script);
    } finally {
      await client.end();
    }
    const teams = await t.prisma.team.findMany({ where: { name: group } });
    assert.equal(teams.length, 1);
    assert.equal(teams[0]!.assignmentMode, 'NONE');
    const defaults = async (id: string) =>
      (await t.prisma.customForm.findUniqueOrThrow({ where: { id } })).ticketDefaults as Record<string, unknown>;
    assert.deepEqual(await defaults(a), { priority: 'HIGH', teamId: teams[0]!.id });
    assert.deepEqual(await defaults(b), { teamId: teams[0]!.id });
    assert.deepEqual(await defaults(c), { teamId: existing.id });
    assert.deepEqual(await defaults(d), {});
    assert.equal(await t.prisma.teamMember.count({ where: { teamId: teams[0]!.id } }), 0);
  });
});

describe('auto-assignment', () => {
  it('under concurrency: no agent over capacity, no ticket assigned twice, round-robin spreads evenly', async () => {
    const agents = [await actor(t, UserRole.AGENT), await actor(t, UserRole.AGENT), await actor(t, UserRole.AGENT)];
    const away = await actor(t, UserRole.AGENT);
    for (const a of agents) {
      const res = await t.http
        .patch(`/api/teams/availability/${a.id}`)
        .set(auth(admin.token))
        .send({ maxOpenTickets: 4 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    assert.equal(
      (await t.http.patch(`/api/teams/availability/${away.id}`).set(auth(away.token)).send({ maxOpenTickets: 9 }))
        .status,
      403,
    );
    const marked = await t.http.patch('/api/teams/availability/me').set(auth(away.token)).send({ isAway: true });
    assert.deepEqual(marked.body, { userId: away.id, isAway: true, maxOpenTickets: null });
    const customerAway = await t.http
      .patch(`/api/teams/availability/${customer.id}`)
      .set(auth(admin.token))
      .send({ isAway: true });
    assert.equal(customerAway.status, 404);
    const team = await createTeam({ assignmentMode: 'ROUND_ROBIN', memberIds: [...agents, away].map((a) => a.id) });

    const N = 20;
    const created = await Promise.all(
      Array.from({ length: N }, (_, i) => createTicket(t, admin.token, { subject: `Load ${i}`, teamId: team.id })),
    );
    const rows = await t.prisma.ticket.findMany({ where: { teamId: team.id } });
    assert.equal(rows.length, N);
    const perAgent = new Map<string, number>();
    for (const r of rows) if (r.assigneeId) perAgent.set(r.assigneeId, (perAgent.get(r.assigneeId) ?? 0) + 1);
    assert.ok(!perAgent.has(away.id), 'an agent marked away gets nothing');
    assert.deepEqual([...perAgent.values()], [4, 4, 4], JSON.stringify([...perAgent]));
    assert.equal(rows.filter((r) => r.assigneeId === null).length, N - 12);
    // Each ticket was assigned once, and the responses say what the database says.
    const autoEntries = await t.prisma.historyLog.findMany({
      where: { ticketId: { in: rows.map((r) => r.id) }, action: 'auto_assigned' },
    });
    assert.equal(autoEntries.length, 12);
    assert.equal(new Set(autoEntries.map((e) => e.ticketId)).size, 12);
    for (const c of created) assert.equal(c.assigneeId, rows.find((r) => r.id === c.id)!.assigneeId);

    // Resolving one frees a slot for the next ticket.
    const done = rows.find((r) => r.assigneeId === agents[0].id)!;
    await t.prisma.ticket.update({ where: { id: done.id }, data: { status: 'RESOLVED' } });
    assert.equal((await createTicket(t, admin.token, { teamId: team.id })).assigneeId, agents[0].id);
  });

  it('two API instances assigning at once: no agent over capacity, no ticket assigned twice', async () => {
    // A second instance over the same database, with its own connection pool (as a second replica).
    const second = await NestFactory.create(AppModule, { bodyParser: false, logger: false });
    second.use(openApiContractRecorder(t.contractViolations));
    configureApp(second);
    await second.init();
    try {
      const instances = [t.http, supertest(second.getHttpServer())];
      const agents = [await actor(t, UserRole.AGENT), await actor(t, UserRole.AGENT), await actor(t, UserRole.AGENT)];
      await t.prisma.user.updateMany({ where: { id: { in: agents.map((a) => a.id) } }, data: { maxOpenTickets: 3 } });
      const team = await createTeam({ assignmentMode: 'LEAST_OPEN', memberIds: agents.map((a) => a.id) });
      const N = 24;
      const created = await Promise.all(
        Array.from({ length: N }, async (_, i) => {
          const res = await instances[i % 2]!.post('/api/tickets')
            .set(auth(admin.token))
            .send({ subject: `Two instances ${i}`, description: 'd', teamId: team.id });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          return res.body as { id: string; assigneeId: string | null };
        }),
      );
      const rows = await t.prisma.ticket.findMany({ where: { teamId: team.id } });
      assert.equal(rows.length, N);
      const perAgent = new Map<string, number>();
      for (const r of rows) if (r.assigneeId) perAgent.set(r.assigneeId, (perAgent.get(r.assigneeId) ?? 0) + 1);
      assert.deepEqual([...perAgent.values()], [3, 3, 3], JSON.stringify([...perAgent]));
      const autoEntries = await t.prisma.historyLog.findMany({
        where: { ticketId: { in: rows.map((r) => r.id) }, action: 'auto_assigned' },
      });
      assert.equal(autoEntries.length, 9);
      assert.equal(new Set(autoEntries.map((e) => e.ticketId)).size, 9);
      for (const c of created) assert.equal(c.assigneeId, rows.find((r) => r.id === c.id)!.assigneeId);
    } finally {
      await second.close();
    }
  });

  it('an agent shared by two teams stays within capacity when both assign in parallel', async () => {
    const shared = await actor(t, UserRole.AGENT);
    const [onlyA, onlyB] = [await actor(t, UserRole.AGENT), await actor(t, UserRole.AGENT)];
    await t.prisma.user.update({ where: { id: shared.id }, data: { maxOpenTickets: 3 } });
    const teamA = await createTeam({ assignmentMode: 'LEAST_OPEN', memberIds: [shared.id, onlyA.id] });
    const teamB = await createTeam({ assignmentMode: 'LEAST_OPEN', memberIds: [shared.id, onlyB.id] });
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => createTicket(t, admin.token, { teamId: i % 2 ? teamA.id : teamB.id })),
    );
    const open = await t.prisma.ticket.count({ where: { assigneeId: shared.id } });
    assert.ok(open <= 3, `shared agent has ${open} open tickets (capacity 3)`);
    const all = await t.prisma.ticket.findMany({ where: { teamId: { in: [teamA.id, teamB.id] } } });
    assert.equal(all.length, 16);
    assert.ok(
      all.every((r) => r.assigneeId !== null),
      'members without a limit take the rest',
    );
  });

  it('least-open picks the member with fewest open tickets; nobody outside business hours', async () => {
    const [busy, idle] = [await actor(t, UserRole.AGENT), await actor(t, UserRole.AGENT)];
    await createTicket(t, admin.token, { assigneeId: busy.id });
    const team = await createTeam({ assignmentMode: 'LEAST_OPEN', memberIds: [busy.id, idle.id] });
    assert.equal((await createTicket(t, admin.token, { teamId: team.id })).assigneeId, idle.id);
    // A tie (1 each): the member after the last one assigned (idle) in round-robin order.
    assert.equal((await createTicket(t, admin.token, { teamId: team.id })).assigneeId, busy.id);

    // Open only on the weekday two days from now: closed now.
    const day = (new Date().getUTCDay() + 2) % 7;
    const closed = await createTeam({
      assignmentMode: 'ROUND_ROBIN',
      memberIds: [idle.id],
      calendar: { timezone: 'UTC', businessHours: [{ day, start: '09:00', end: '17:00' }] },
    });
    assert.equal((await createTicket(t, admin.token, { teamId: closed.id })).assigneeId, null);
  });

  it("a deactivated agent's open team tickets go to another available member", async () => {
    const [leaving, staying] = [await actor(t, UserRole.AGENT), await actor(t, UserRole.AGENT)];
    const team = await createTeam({ assignmentMode: 'ROUND_ROBIN', memberIds: [leaving.id, staying.id] });
    const ticket = await createTicket(t, admin.token, { teamId: team.id, assigneeId: leaving.id });
    const noTeam = await createTicket(t, admin.token, { assigneeId: leaving.id });
    const res = await t.http.patch(`/api/users/${leaving.id}`).set(auth(admin.token)).send({ isActive: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const after = await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    assert.equal(after.assigneeId, staying.id);
    const entry = (await historyOf(ticket.id)).find((h) => h.field === 'assigneeId');
    assert.deepEqual([entry?.oldValue, entry?.newValue], [leaving.id, staying.id]);
    assert.equal((await t.prisma.ticket.findUniqueOrThrow({ where: { id: noTeam.id } })).assigneeId, null);
  });
});

describe('SLA by team', () => {
  it('a policy naming a team governs only that team’s tickets', async () => {
    const team = await createTeam({});
    const all = (m: number) => ({ LOW: m, NORMAL: m, HIGH: m, URGENT: m });
    const policy = await t.http
      .post('/api/sla/policies')
      .set(auth(admin.token))
      .send({
        name: `Team SLA ${uid()}`,
        position: 0,
        conditions: { teamIds: [team.id] },
        targets: { FIRST_RESPONSE: all(30) },
      });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    assert.deepEqual(policy.body.conditions.teamIds, [team.id]);
    const inTeam = await createTicket(t, admin.token, { teamId: team.id });
    const outside = await createTicket(t, admin.token);
    const policyOf = async (id: string) => (await t.prisma.ticket.findUniqueOrThrow({ where: { id } })).slaPolicyId;
    assert.equal(await policyOf(inTeam.id), policy.body.id);
    assert.notEqual(await policyOf(outside.id), policy.body.id);
    const metric = await t.prisma.slaMetric.findFirst({ where: { ticketId: inTeam.id, policyId: policy.body.id } });
    assert.equal(metric?.targetMinutes, 30);
  });
});

describe('macros', () => {
  it('apply a shared macro: rendered reply, status, team and tags in one request; history names it', async () => {
    const team = await createTeam({ memberIds: [agentA.id] });
    const macro = await t.http
      .post('/api/macros')
      .set(auth(admin.token))
      .send({
        name: 'Waiting for you',
        scope: 'SHARED',
        body: 'Hello {{requester.name}}, about #{{ticket.number}}: could you send a screenshot?',
        setStatus: 'PENDING_CUSTOMER',
        setTeamId: team.id,
        addTags: ['Needs-Info'],
      });
    assert.equal(macro.status, 201, JSON.stringify(macro.body));
    assert.equal(macro.body.scope, 'SHARED');
    const ticket = await createTicket(t, customer.token, { subject: 'Broken', description: 'It broke' });

    const res = await t.http
      .post(`/api/macros/${macro.body.id}/apply`)
      .set(auth(agentA.token))
      .send({ ticketId: ticket.id, version: ticket.version });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(
      res.body.comment.body,
      `Hello ${customer.name}, about #${ticket.number}: could you send a screenshot?`,
    );
    assert.equal(res.body.comment.internal, false);
    assert.equal(res.body.ticket.status, 'PENDING_CUSTOMER');
    assert.equal(res.body.ticket.teamId, team.id);
    assert.deepEqual(res.body.ticket.tags, ['needs-info']);
    assert.ok(
      (await historyOf(ticket.id)).some((h) => h.action === 'macro_applied' && h.newValue === 'Waiting for you'),
    );

    const stale = await t.http
      .post(`/api/macros/${macro.body.id}/apply`)
      .set(auth(agentA.token))
      .send({ ticketId: ticket.id, version: ticket.version });
    assert.equal(stale.status, 409);
  });

  it('scopes: agents cannot create shared macros; personal ones are private; team ones for members', async () => {
    const shared = await t.http
      .post('/api/macros')
      .set(auth(agentA.token))
      .send({ name: 'x', body: 'y', scope: 'SHARED' });
    assert.equal(shared.status, 403);
    const unknown = await t.http.post('/api/macros').set(auth(agentA.token)).send({ name: 'x', body: '{{nope}}' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.errors[0].field, 'body');
    const personal = await t.http.post('/api/macros').set(auth(agentA.token)).send({ name: 'Mine', body: 'Hi' });
    assert.equal(personal.status, 201);
    assert.equal(personal.body.scope, 'PERSONAL');
    assert.equal((await t.http.get(`/api/macros/${personal.body.id}`).set(auth(agentB.token))).status, 404);

    const team = await createTeam({ memberIds: [agentB.id] });
    const teamMacro = await t.http
      .post('/api/macros')
      .set(auth(admin.token))
      .send({ name: 'Team', body: 'Hi team', scope: 'TEAM', teamId: team.id });
    assert.equal(teamMacro.status, 201, JSON.stringify(teamMacro.body));
    const listB = await t.http.get('/api/macros').set(auth(agentB.token));
    assert.ok(listB.body.some((m: { id: string }) => m.id === teamMacro.body.id));
    const listA = await t.http.get('/api/macros').set(auth(agentA.token));
    assert.ok(!listA.body.some((m: { id: string }) => m.id === teamMacro.body.id));
    assert.ok(listA.body.some((m: { id: string }) => m.id === personal.body.id));
    assert.equal((await t.http.get('/api/macros').set(auth(customer.token))).status, 403);
  });
});
