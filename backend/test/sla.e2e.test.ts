import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole, type PrismaClient, type Ticket } from '@nixflow/db/client';
import { computeDueAt, computeWarningAt, type BusinessCalendar } from '@nixflow/core';
import { ManualClock, SlaLifecycleService } from '@nixflow/domain';
import { SYNC_RECOMPUTE_LIMIT } from '../src/sla/sla-policies.service.js';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const MIN = 60_000;
const HOUR = 60 * MIN;

type TicketRow = Ticket;
const weekdays9to5 = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));

function policyBody(name: string, over: Record<string, unknown> = {}) {
  return {
    name,
    position: 10,
    targets: {
      FIRST_RESPONSE: { LOW: 480, NORMAL: 240, HIGH: 60, URGENT: 30 },
      NEXT_RESPONSE: { NORMAL: 120 },
      RESOLUTION: { NORMAL: 960, HIGH: 480 },
    },
    calendar: { timezone: 'UTC', businessHours: null, holidays: [] },
    ...over,
  };
}

async function insertTicket(prisma: PrismaClient, requesterId: string, over: Record<string, unknown> = {}) {
  return prisma.ticket.create({ data: { subject: 'Fixture', description: 'x', requesterId, ...over } });
}

describe('SLA (policies, metrics, breaches, dashboard)', () => {
  let t: TestApp;
  let admin: string;
  let agent: string;
  let customer: string;
  let customerUser: TestUser;
  let agentUser: TestUser;
  /** The domain's CLOCK: the system time, except in the lifecycle tests below, which pin it. */
  const clock = new ManualClock();

  before(async () => {
    t = await createTestApp({ clock });
    admin = await t.tokenFor(UserRole.ADMIN);
    agentUser = await t.createUser({ role: UserRole.AGENT });
    agent = await t.login(agentUser.email, agentUser.password);
    customerUser = await t.createUser({ role: UserRole.CUSTOMER });
    customer = await t.login(customerUser.email, customerUser.password);
  });
  after(async () => {
    await t?.close();
  });

  describe('policies', () => {
    it('admin CRUD: create, read, list, patch (version bump), soft delete', async () => {
      const created = await t.http
        .post('/api/sla/policies')
        .set(auth(admin))
        .send(
          policyBody('CRUD policy', {
            description: 'd',
            conditions: { priorities: ['HIGH'], tags: ['vip'] },
            calendar: {
              timezone: 'Europe/Berlin',
              businessHours: weekdays9to5,
              holidays: [{ date: '2026-12-25', name: 'Xmas' }],
            },
            pauseStatuses: ['ON_HOLD'],
            warningThresholdPercent: 75,
          }),
        );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.id as string;
      assert.equal(created.body.version, 1);
      assert.equal(created.body.calendar.timezone, 'Europe/Berlin');
      assert.deepEqual(created.body.calendar.businessHours, weekdays9to5);
      assert.deepEqual(created.body.pauseStatuses, ['ON_HOLD']);
      assert.equal(created.body.warningThresholdPercent, 75);
      assert.deepEqual(created.body.conditions, { priorities: ['HIGH'], tags: ['vip'] });

      const got = await t.http.get(`/api/sla/policies/${id}`).set(auth(agent));
      assert.equal(got.status, 200);
      assert.equal(got.body.name, 'CRUD policy');

      const patched = await t.http
        .patch(`/api/sla/policies/${id}`)
        .set(auth(admin))
        .send({ warningThresholdPercent: 50, isActive: false });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.version, 2);
      assert.equal(patched.body.warningThresholdPercent, 50);
      assert.equal(patched.body.isActive, false);
      assert.equal(patched.body.calendar.timezone, 'Europe/Berlin');

      const list = await t.http.get('/api/sla/policies').set(auth(agent));
      assert.equal(list.status, 200);
      assert.ok(list.body.some((p: { id: string }) => p.id === id));

      const del = await t.http.delete(`/api/sla/policies/${id}`).set(auth(admin));
      assert.equal(del.status, 204);
      assert.equal((await t.http.get(`/api/sla/policies/${id}`).set(auth(admin))).status, 404);
      const row = await t.prisma.slaPolicy.findUniqueOrThrow({ where: { id } });
      assert.ok(row.deletedAt);
      assert.equal(row.isActive, false);
      assert.ok(
        !(await t.http.get('/api/sla/policies').set(auth(admin))).body.some((p: { id: string }) => p.id === id),
      );
      // The name is free again.
      const again = await t.http
        .post('/api/sla/policies')
        .set(auth(admin))
        .send(policyBody('CRUD policy', { isActive: false }));
      assert.equal(again.status, 201);
      assert.equal((await t.http.delete(`/api/sla/policies/${again.body.id}`).set(auth(admin))).status, 204);
      assert.equal((await t.http.delete(`/api/sla/policies/${again.body.id}`).set(auth(admin))).status, 404);
    });

    it('validation: unknown time zone, overlapping intervals, non-positive target, bad threshold → 400 with field errors', async () => {
      const badTz = await t.http
        .post('/api/sla/policies')
        .set(auth(admin))
        .send(
          policyBody('bad tz', {
            calendar: { timezone: 'Mars/Olympus', businessHours: null, holidays: [] },
          }),
        );
      assert.equal(badTz.status, 400);
      assert.ok(
        badTz.body.errors.some((e: { field: string }) => e.field === 'calendar.timezone'),
        JSON.stringify(badTz.body),
      );

      const overlap = await t.http
        .post('/api/sla/policies')
        .set(auth(admin))
        .send(
          policyBody('overlap', {
            calendar: {
              timezone: 'UTC',
              businessHours: [
                { day: 1, start: '09:00', end: '17:00' },
                { day: 1, start: '16:00', end: '18:00' },
              ],
            },
          }),
        );
      assert.equal(overlap.status, 400);
      assert.ok(
        overlap.body.errors.some((e: { field: string }) => e.field.startsWith('calendar.businessHours')),
        JSON.stringify(overlap.body),
      );

      for (const v of [0, -5, 1.5]) {
        const res = await t.http
          .post('/api/sla/policies')
          .set(auth(admin))
          .send(
            policyBody('bad target', {
              targets: { FIRST_RESPONSE: { NORMAL: v } },
            }),
          );
        assert.equal(res.status, 400, `target ${v}`);
        assert.ok(
          res.body.errors.some((e: { field: string }) => e.field === 'targets.FIRST_RESPONSE.NORMAL'),
          JSON.stringify(res.body),
        );
      }
      const unknownPriority = await t.http
        .post('/api/sla/policies')
        .set(auth(admin))
        .send(policyBody('x', { targets: { RESOLUTION: { CRITICAL: 5 } } }));
      assert.equal(unknownPriority.status, 400);
      for (const pct of [0, 100]) {
        const res = await t.http
          .post('/api/sla/policies')
          .set(auth(admin))
          .send(policyBody('pct', { warningThresholdPercent: pct }));
        assert.equal(res.status, 400);
      }
      const bad = await t.http
        .post('/api/sla/policies')
        .set(auth(admin))
        .send(policyBody('bad status', { pauseStatuses: ['NAPPING'] }));
      assert.equal(bad.status, 400);
      // PATCH validates the calendar too.
      const p = await t.http
        .post('/api/sla/policies')
        .set(auth(admin))
        .send(policyBody('patch-validate', { isActive: false }));
      const res = await t.http
        .patch(`/api/sla/policies/${p.body.id}`)
        .set(auth(admin))
        .send({ calendar: { timezone: 'Nowhere/Land' } });
      assert.equal(res.status, 400);
      assert.equal((await t.prisma.slaPolicy.findUniqueOrThrow({ where: { id: p.body.id } })).version, 1);
    });

    it('roles: agent reads but cannot write; customer 403; anonymous 401', async () => {
      assert.equal((await t.http.get('/api/sla/policies')).status, 401);
      assert.equal((await t.http.get('/api/sla/policies').set(auth(agent))).status, 200);
      assert.equal((await t.http.get('/api/sla/policies').set(auth(customer))).status, 403);
      assert.equal((await t.http.post('/api/sla/policies').set(auth(agent)).send(policyBody('agent'))).status, 403);
      assert.equal((await t.http.post('/api/sla/policies').set(auth(customer)).send(policyBody('cust'))).status, 403);
      const p = await t.http
        .post('/api/sla/policies')
        .set(auth(admin))
        .send(policyBody('roles', { isActive: false }));
      assert.equal(
        (await t.http.patch(`/api/sla/policies/${p.body.id}`).set(auth(agent)).send({ position: 3 })).status,
        403,
      );
      assert.equal((await t.http.delete(`/api/sla/policies/${p.body.id}`).set(auth(agent))).status, 403);
      for (const path of ['/api/sla/metrics', '/api/sla/breaches', '/api/sla/dashboard']) {
        assert.equal((await t.http.get(path).set(auth(customer))).status, 403, path);
        assert.equal((await t.http.get(path).set(auth(agent))).status, 200, path);
      }
    });

    it('PATCH recomputes open metrics of the policy in the same transaction', async () => {
      const p = await t.http
        .post('/api/sla/policies')
        .set(auth(admin))
        .send(policyBody('recompute', { isActive: false }));
      const policyId = p.body.id as string;
      const ticket = await insertTicket(t.prisma, customerUser.id);
      const startedAt = new Date('2026-01-05T10:00:00Z');
      const metric = await t.prisma.slaMetric.create({
        data: {
          ticketId: ticket.id,
          policyId,
          type: 'RESOLUTION',
          targetMinutes: 960,
          startedAt,
          dueAt: new Date(startedAt.getTime() + 960 * MIN),
          warningAt: new Date(startedAt.getTime() + 768 * MIN),
        },
      });
      const res = await t.http
        .patch(`/api/sla/policies/${policyId}`)
        .set(auth(admin))
        .send({
          targets: { RESOLUTION: { NORMAL: 240 } },
          calendar: { timezone: 'UTC', businessHours: weekdays9to5 },
        });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const after = await t.prisma.slaMetric.findUniqueOrThrow({ where: { id: metric.id } });
      const cal: BusinessCalendar = { timezone: 'UTC', hours: weekdays9to5 as BusinessCalendar['hours'], holidays: [] };
      assert.equal(after.targetMinutes, 240);
      assert.equal(after.policyVersion, 2);
      assert.deepEqual(after.dueAt, computeDueAt({ startedAt, targetMinutes: 240, cal }));
      assert.deepEqual(after.dueAt, new Date('2026-01-05T14:00:00Z'));
      // The fixture started in the past: 80% of 240 business minutes passed long ago.
      assert.equal(after.status, 'AT_RISK');
      const events = await t.prisma.eventLog.findMany({ where: { type: 'SLAPolicyChanged', aggregateId: policyId } });
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]!.payload, { policyId, version: 2 });
    });

    it('PATCH of a policy with many open metrics appends SLAPolicyChanged and leaves the recompute to the worker', async () => {
      const p = await t.http
        .post('/api/sla/policies')
        .set(auth(admin))
        .send(policyBody('large-recompute', { isActive: false }));
      const policyId = p.body.id as string;
      const ticket = await insertTicket(t.prisma, customerUser.id);
      const startedAt = new Date('2026-01-05T10:00:00Z');
      await t.prisma.slaMetric.createMany({
        data: Array.from({ length: SYNC_RECOMPUTE_LIMIT + 1 }, (_, i) => ({
          ticketId: ticket.id,
          policyId,
          type: 'NEXT_RESPONSE' as const,
          cycle: i + 1,
          targetMinutes: 120,
          startedAt,
          dueAt: new Date(startedAt.getTime() + 120 * MIN),
        })),
      });
      const res = await t.http
        .patch(`/api/sla/policies/${policyId}`)
        .set(auth(admin))
        .send({ targets: { NEXT_RESPONSE: { NORMAL: 30 } } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.version, 2);
      // Untouched here: the worker's event consumer recomputes metrics still on version 1 (worker tests).
      assert.equal(
        await t.prisma.slaMetric.count({ where: { policyId, policyVersion: 1, targetMinutes: 120 } }),
        SYNC_RECOMPUTE_LIMIT + 1,
      );
      const events = await t.prisma.eventLog.findMany({ where: { type: 'SLAPolicyChanged', aggregateId: policyId } });
      assert.deepEqual(
        events.map((e) => e.payload),
        [{ policyId, version: 2 }],
      );
    });
  });

  describe('policy cache', () => {
    it('a policy written behind the API’s back applies to the ticket writes and lists after its notice', async () => {
      const tag = `cache-${Date.now()}`;
      const policy = await t.prisma.slaPolicy.create({
        data: { name: `cache probe ${tag}`, position: -1000, conditions: { tags: [tag] }, targets: {} },
      });
      const firstResponse = async () => {
        const res = await t.http
          .post('/api/tickets')
          .set(auth(agent))
          .send({ requesterId: customerUser.id, subject: 'cache', description: 'd', tags: [tag] });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        const m = await t.prisma.slaMetric.findFirst({ where: { ticketId: res.body.id, type: 'FIRST_RESPONSE' } });
        return m && { policyId: m.policyId, targetMinutes: m.targetMinutes };
      };
      const names = async () =>
        ((await t.http.get('/api/sla/policies').set(auth(agent))).body as { name: string }[]).map((p) => p.name);

      const withTargets = async (minutes: number) => {
        await t.prisma.slaPolicy.update({
          where: { id: policy.id },
          data: { targets: { FIRST_RESPONSE: { NORMAL: minutes } } },
        });
        await t.changesSettled();
      };
      await withTargets(77);
      assert.deepEqual(await firstResponse(), { policyId: policy.id, targetMinutes: 77 });
      // Twice in a row without a pause: the cache must notice every write, not only a later timestamp.
      await withTargets(33);
      assert.deepEqual(await firstResponse(), { policyId: policy.id, targetMinutes: 33 });
      await withTargets(34);
      assert.deepEqual(await firstResponse(), { policyId: policy.id, targetMinutes: 34 });
      assert.ok((await names()).includes(`cache probe ${tag}`));

      await t.prisma.slaPolicy.update({ where: { id: policy.id }, data: { isActive: false, name: `renamed ${tag}` } });
      await t.changesSettled();
      assert.notEqual((await firstResponse())?.policyId, policy.id);
      const listed = await names();
      assert.ok(listed.includes(`renamed ${tag}`) && !listed.includes(`cache probe ${tag}`));

      await t.prisma.slaPolicy.update({ where: { id: policy.id }, data: { isActive: true } });
      await t.changesSettled();
      assert.equal((await firstResponse())?.policyId, policy.id);
      await t.prisma.slaPolicy.update({ where: { id: policy.id }, data: { deletedAt: new Date(), isActive: false } });
      await t.changesSettled();
      assert.notEqual((await firstResponse())?.policyId, policy.id);
      assert.ok(!(await names()).includes(`renamed ${tag}`));
    });
  });

  describe('metrics', () => {
    it('GET /sla/metrics filters and pages (staff); GET /tickets/:id/sla: staff full, own customer without internals, others 404', async () => {
      const p = await t.prisma.slaPolicy.create({ data: { name: 'metrics-fixture', isActive: false, targets: {} } });
      await t.changesSettled();
      const own = await insertTicket(t.prisma, customerUser.id);
      const other = await t.createUser({ role: UserRole.CUSTOMER });
      const foreign = await insertTicket(t.prisma, other.id);
      const startedAt = new Date('2026-01-01T00:00:00Z');
      for (const [ticketId, type, status] of [
        [own.id, 'FIRST_RESPONSE', 'MET'],
        [own.id, 'RESOLUTION', 'ACTIVE'],
        [foreign.id, 'RESOLUTION', 'PAUSED'],
      ] as const) {
        await t.prisma.slaMetric.create({
          data: {
            ticketId,
            policyId: p.id,
            type,
            status,
            targetMinutes: 60,
            startedAt,
            dueAt: new Date(startedAt.getTime() + HOUR),
          },
        });
      }
      const all = await t.http.get('/api/sla/metrics').query({ ticketId: own.id }).set(auth(agent));
      assert.equal(all.status, 200);
      assert.equal(all.body.total, 2);
      const filtered = await t.http
        .get('/api/sla/metrics')
        .query({ ticketId: own.id, status: 'ACTIVE', type: 'RESOLUTION' })
        .set(auth(agent));
      assert.equal(filtered.body.total, 1);
      assert.equal(filtered.body.items[0].policyId, p.id);
      const paged = await t.http
        .get('/api/sla/metrics')
        .query({ ticketId: own.id, pageSize: 1, page: 2 })
        .set(auth(agent));
      assert.equal(paged.body.items.length, 1);
      assert.equal(paged.body.total, 2);
      assert.equal((await t.http.get('/api/sla/metrics').query({ status: 'NOPE' }).set(auth(agent))).status, 400);

      const staff = await t.http.get(`/api/tickets/${own.id}/sla`).set(auth(agent));
      assert.equal(staff.status, 200);
      assert.equal(staff.body.length, 2);
      assert.equal(staff.body[0].policyId, p.id);
      const mine = await t.http.get(`/api/tickets/${own.id}/sla`).set(auth(customer));
      assert.equal(mine.status, 200);
      assert.equal(mine.body.length, 2);
      assert.equal(mine.body[0].policyId, undefined);
      assert.equal(mine.body[0].pausedBusinessSeconds, undefined);
      assert.equal((await t.http.get(`/api/tickets/${foreign.id}/sla`).set(auth(customer))).status, 404);
      assert.equal(
        (await t.http.get('/api/tickets/00000000-0000-4000-8000-000000000000/sla').set(auth(agent))).status,
        404,
      );
    });
  });

  describe('breaches', () => {
    it('lists with filters and acknowledges idempotently', async () => {
      const p = await t.prisma.slaPolicy.create({ data: { name: 'breach-fixture', isActive: false, targets: {} } });
      await t.changesSettled();
      const ticket = await insertTicket(t.prisma, customerUser.id);
      const dueAt = new Date('2026-02-01T10:00:00Z');
      const metric = await t.prisma.slaMetric.create({
        data: {
          ticketId: ticket.id,
          policyId: p.id,
          type: 'FIRST_RESPONSE',
          targetMinutes: 60,
          startedAt: new Date(dueAt.getTime() - HOUR),
          dueAt,
          status: 'BREACHED',
          breachedAt: dueAt,
        },
      });
      const breach = await t.prisma.slaBreach.create({
        data: {
          ticketId: ticket.id,
          metricId: metric.id,
          policyId: p.id,
          type: 'FIRST_RESPONSE',
          dueAt,
          breachedAt: dueAt,
        },
      });
      const list = await t.http.get('/api/sla/breaches').query({ policyId: p.id }).set(auth(agent));
      assert.equal(list.status, 200);
      assert.equal(list.body.total, 1);
      assert.equal(list.body.items[0].id, breach.id);
      assert.equal(list.body.page, 1);
      const q = (query: Record<string, string>) =>
        t.http
          .get('/api/sla/breaches')
          .query({ ticketId: ticket.id, ...query })
          .set(auth(agent));
      assert.equal((await q({ type: 'RESOLUTION' })).body.total, 0);
      assert.equal((await q({ type: 'FIRST_RESPONSE' })).body.total, 1);
      assert.equal((await q({ acknowledged: 'false' })).body.total, 1);
      assert.equal((await q({ acknowledged: 'true' })).body.total, 0);
      assert.equal((await q({ from: '2026-02-01T10:00:00Z', to: '2026-02-01T10:00:01Z' })).body.total, 1);
      assert.equal((await q({ from: '2026-02-01T10:00:01Z' })).body.total, 0);
      assert.equal((await q({ acknowledged: 'maybe' })).status, 400);

      const ack = await t.http.post(`/api/sla/breaches/${breach.id}/acknowledge`).set(auth(agent));
      assert.equal(ack.status, 200, JSON.stringify(ack.body));
      assert.equal(ack.body.acknowledgedById, agentUser.id);
      assert.ok(ack.body.acknowledgedAt);
      const again = await t.http.post(`/api/sla/breaches/${breach.id}/acknowledge`).set(auth(admin));
      assert.equal(again.status, 200);
      assert.equal(again.body.acknowledgedById, agentUser.id);
      assert.equal(again.body.acknowledgedAt, ack.body.acknowledgedAt);
      assert.equal((await q({ acknowledged: 'true' })).body.total, 1);
      assert.equal((await t.http.post(`/api/sla/breaches/${breach.id}/acknowledge`).set(auth(customer))).status, 403);
      assert.equal(
        (await t.http.post('/api/sla/breaches/00000000-0000-4000-8000-000000000000/acknowledge').set(auth(agent)))
          .status,
        404,
      );
    });
  });

  describe('dashboard', () => {
    it('reports totals, compliance, open counts and percentiles per policy and type', async () => {
      const p = await t.prisma.slaPolicy.create({ data: { name: 'dash-fixture', isActive: false, targets: {} } });
      await t.changesSettled();
      const base = new Date('2025-06-02T00:00:00Z').getTime();
      const mk = async (
        type: 'FIRST_RESPONSE' | 'RESOLUTION',
        status: 'MET' | 'BREACHED' | 'ACTIVE' | 'AT_RISK' | 'CANCELLED',
        minutes: number | null,
        offsetH = 0,
      ) => {
        const ticket = await insertTicket(t.prisma, customerUser.id);
        const startedAt = new Date(base + offsetH * HOUR);
        await t.prisma.slaMetric.create({
          data: {
            ticketId: ticket.id,
            policyId: p.id,
            type,
            targetMinutes: 60,
            status,
            startedAt,
            dueAt: new Date(startedAt.getTime() + HOUR),
            completedAt: minutes === null ? null : new Date(startedAt.getTime() + minutes * MIN),
          },
        });
      };
      // FIRST_RESPONSE: 3 MET (10, 20, 30 min) + 1 BREACHED (100 min) + 1 CANCELLED; 1 ACTIVE, 1 AT_RISK.
      await mk('FIRST_RESPONSE', 'MET', 10);
      await mk('FIRST_RESPONSE', 'MET', 20);
      await mk('FIRST_RESPONSE', 'MET', 30);
      await mk('FIRST_RESPONSE', 'BREACHED', 100);
      await mk('FIRST_RESPONSE', 'CANCELLED', null);
      await mk('FIRST_RESPONSE', 'ACTIVE', null);
      await mk('FIRST_RESPONSE', 'AT_RISK', null);
      // RESOLUTION: 1 MET (60 min), 1 BREACHED still open; 1 MET outside the window.
      await mk('RESOLUTION', 'MET', 60);
      await mk('RESOLUTION', 'BREACHED', null);
      await mk('RESOLUTION', 'MET', 5, 24 * 40);

      const res = await t.http
        .get('/api/sla/dashboard')
        .query({ from: '2025-06-01T00:00:00Z', to: '2025-06-03T00:00:00Z' })
        .set(auth(agent));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const rows = res.body.rows.filter((r: { policyId: string }) => r.policyId === p.id);
      const fr = rows.find((r: { type: string }) => r.type === 'FIRST_RESPONSE');
      const rs = rows.find((r: { type: string }) => r.type === 'RESOLUTION');
      assert.deepEqual(
        {
          total: fr.total,
          met: fr.met,
          breached: fr.breached,
          compliancePercent: fr.compliancePercent,
          active: fr.active,
          atRisk: fr.atRisk,
          openBreached: fr.openBreached,
        },
        { total: 4, met: 3, breached: 1, compliancePercent: 75, active: 1, atRisk: 1, openBreached: 0 },
      );
      assert.equal(fr.policyName, 'dash-fixture');
      assert.deepEqual(
        {
          total: rs.total,
          met: rs.met,
          breached: rs.breached,
          compliancePercent: rs.compliancePercent,
          openBreached: rs.openBreached,
        },
        { total: 2, met: 1, breached: 1, compliancePercent: 50, openBreached: 1 },
      );
      // Percentiles over the window (all fixtures of this run live in it): 10, 20, 30, 100 minutes.
      assert.equal(res.body.firstResponse.count, 4);
      assert.equal(res.body.firstResponse.medianSeconds, 25 * 60);
      assert.equal(res.body.firstResponse.p90Seconds, 79 * 60);
      assert.equal(res.body.resolution.count, 1);
      assert.equal(res.body.resolution.medianSeconds, 3600);
      assert.equal((await t.http.get('/api/sla/dashboard').query({ from: 'yesterday' }).set(auth(agent))).status, 400);
      const reversed = await t.http
        .get('/api/sla/dashboard')
        .query({ from: '2025-06-03T00:00:00Z', to: '2025-06-01T00:00:00Z' })
        .set(auth(agent));
      assert.equal(reversed.status, 400);
      assert.ok(
        reversed.body.errors.some((e: { field: string }) => e.field === 'from'),
        JSON.stringify(reversed.body),
      );
      // Totals add up the rows (all policies of this run's database).
      const sum = (k: string) => res.body.rows.reduce((n: number, r: Record<string, number>) => n + r[k]!, 0);
      for (const k of ['total', 'met', 'breached', 'active', 'atRisk', 'paused', 'openBreached']) {
        assert.equal(res.body.totals[k], sum(k), k);
      }
      assert.ok(res.body.totals.breached >= 2 && res.body.totals.met >= 4);
      assert.equal(
        res.body.totals.compliancePercent,
        Math.round((res.body.totals.met / (res.body.totals.met + res.body.totals.breached)) * 10_000) / 100,
      );
    });
  });

  describe('ticket lifecycle (SlaLifecycleService in a transaction, fake clock)', () => {
    let svc: SlaLifecycleService;
    const at = (iso: string) => clock.set(iso);
    const metrics = async (ticketId: string) =>
      t.prisma.slaMetric.findMany({ where: { ticketId }, orderBy: [{ type: 'asc' }, { cycle: 'asc' }] });
    const one = async (ticketId: string, type: string, cycle = 1) =>
      (await metrics(ticketId)).find((m) => m.type === type && m.cycle === cycle)!;
    const bizCal: BusinessCalendar = {
      timezone: 'UTC',
      hours: weekdays9to5 as BusinessCalendar['hours'],
      holidays: [],
    };

    before(async () => {
      svc = t.app.get(SlaLifecycleService);
      for (const [name, tag, calendar] of [
        ['svc-247', 'svc247', { timezone: 'UTC', businessHours: null }],
        ['svc-biz', 'svcbiz', { timezone: 'UTC', businessHours: weekdays9to5 }],
      ] as const) {
        const res = await t.http
          .post('/api/sla/policies')
          .set(auth(admin))
          .send(policyBody(name, { position: 1, conditions: { tags: [tag] }, calendar }));
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(() => clock.reset());

    async function newTicket(tag: string, iso: string) {
      at(iso);
      const ticket = await insertTicket(t.prisma, customerUser.id, { tags: [tag] });
      await t.prisma.$transaction((tx) => svc.onTicketCreated(tx, ticket));
      return ticket;
    }
    const change = async (before: TicketRow, patch: Partial<TicketRow>, iso: string) => {
      at(iso);
      const afterRow = await t.prisma.ticket.update({ where: { id: before.id }, data: patch });
      await t.prisma.$transaction((tx) => svc.onTicketChanged(tx, before, afterRow));
      return afterRow;
    };
    const comment = async (ticket: TicketRow, role: UserRole, internal: boolean, iso: string) => {
      at(iso);
      await t.prisma.$transaction((tx) => svc.onCommentAdded(tx, ticket, { internal }, role));
    };

    it('created: FIRST_RESPONSE and RESOLUTION with exact deadlines (24/7 and business hours)', async () => {
      const a = await newTicket('svc247', '2026-03-06T16:00:00Z');
      const fr = await one(a.id, 'FIRST_RESPONSE');
      assert.equal((await metrics(a.id)).length, 2);
      assert.deepEqual(fr.dueAt, new Date('2026-03-06T20:00:00Z'));
      assert.deepEqual(fr.warningAt, new Date('2026-03-06T19:12:00Z'));
      assert.equal(fr.status, 'ACTIVE');
      assert.deepEqual((await one(a.id, 'RESOLUTION')).dueAt, new Date('2026-03-07T08:00:00Z'));

      const b = await newTicket('svcbiz', '2026-03-06T16:00:00Z'); // Friday
      const startedAt = new Date('2026-03-06T16:00:00Z');
      assert.deepEqual(
        (await one(b.id, 'FIRST_RESPONSE')).dueAt,
        computeDueAt({ startedAt, targetMinutes: 240, cal: bizCal }),
      );
      assert.deepEqual((await one(b.id, 'FIRST_RESPONSE')).dueAt, new Date('2026-03-09T12:00:00Z'));
      assert.deepEqual(
        (await one(b.id, 'RESOLUTION')).warningAt,
        computeWarningAt({ startedAt, targetMinutes: 960, cal: bizCal, thresholdPercent: 80 }),
      );
      // No matching policy → no metrics.
      const c = await newTicket('no-policy-tag', '2026-03-06T16:00:00Z');
      assert.equal((await metrics(c.id)).length, 0);
    });

    it('agent public reply → FIRST_RESPONSE MET; internal note does not; customer reply opens NEXT_RESPONSE', async () => {
      const tk = await newTicket('svc247', '2026-03-02T10:00:00Z');
      await comment(tk, UserRole.AGENT, true, '2026-03-02T10:05:00Z');
      assert.equal((await one(tk.id, 'FIRST_RESPONSE')).status, 'ACTIVE');
      await comment(tk, UserRole.AGENT, false, '2026-03-02T10:10:00Z');
      const fr = await one(tk.id, 'FIRST_RESPONSE');
      assert.equal(fr.status, 'MET');
      assert.deepEqual(fr.completedAt, new Date('2026-03-02T10:10:00Z'));
      await comment(tk, UserRole.CUSTOMER, false, '2026-03-02T11:00:00Z');
      const nr = await one(tk.id, 'NEXT_RESPONSE');
      assert.equal(nr.status, 'ACTIVE');
      assert.deepEqual(nr.dueAt, new Date('2026-03-02T13:00:00Z'));
      await comment(tk, UserRole.ADMIN, false, '2026-03-02T11:30:00Z');
      assert.equal((await one(tk.id, 'NEXT_RESPONSE')).status, 'MET');
      await comment(tk, UserRole.CUSTOMER, false, '2026-03-02T12:00:00Z');
      assert.equal((await one(tk.id, 'NEXT_RESPONSE', 2)).status, 'ACTIVE');
    });

    it('PENDING_CUSTOMER pauses; back to OPEN resumes with dueAt moved by exactly the paused business time (weekend)', async () => {
      let tk = await newTicket('svcbiz', '2026-03-06T10:00:00Z'); // Friday 10:00
      const due0 = (await one(tk.id, 'RESOLUTION')).dueAt;
      assert.deepEqual(due0, new Date('2026-03-10T10:00:00Z'));
      tk = await change(tk, { status: 'PENDING_CUSTOMER' }, '2026-03-06T15:00:00Z');
      const paused = await one(tk.id, 'RESOLUTION');
      assert.equal(paused.status, 'PAUSED');
      assert.deepEqual(paused.pausedAt, new Date('2026-03-06T15:00:00Z'));
      tk = await change(tk, { status: 'OPEN' }, '2026-03-09T11:00:00Z'); // Monday 11:00: 2h + 2h of business time
      const resumed = await one(tk.id, 'RESOLUTION');
      assert.equal(resumed.status, 'ACTIVE');
      assert.equal(resumed.pausedAt, null);
      assert.equal(resumed.pausedBusinessSeconds, 4 * 3600);
      assert.deepEqual(resumed.dueAt, new Date('2026-03-10T14:00:00Z'));
      assert.deepEqual(
        resumed.dueAt,
        computeDueAt({ startedAt: resumed.startedAt, targetMinutes: 960, pausedBusinessMs: 4 * HOUR, cal: bizCal }),
      );
    });

    it('resolve → RESOLUTION MET and open response metrics cancelled; reopen resumes; priority change retargets', async () => {
      let tk = await newTicket('svc247', '2026-03-02T10:00:00Z');
      tk = await change(tk, { priority: 'HIGH' }, '2026-03-02T10:20:00Z');
      assert.deepEqual((await one(tk.id, 'FIRST_RESPONSE')).dueAt, new Date('2026-03-02T11:00:00Z'));
      assert.equal((await one(tk.id, 'RESOLUTION')).targetMinutes, 480);
      tk = await change(tk, { status: 'RESOLVED' }, '2026-03-02T12:00:00Z');
      assert.equal((await one(tk.id, 'RESOLUTION')).status, 'MET');
      assert.deepEqual((await one(tk.id, 'RESOLUTION')).completedAt, new Date('2026-03-02T12:00:00Z'));
      assert.equal((await one(tk.id, 'FIRST_RESPONSE')).status, 'CANCELLED');
      tk = await change(tk, { status: 'OPEN' }, '2026-03-02T13:00:00Z');
      const r = await one(tk.id, 'RESOLUTION');
      assert.equal(r.status, 'ACTIVE');
      assert.equal(r.completedAt, null);
      assert.deepEqual(r.dueAt, new Date('2026-03-02T19:00:00Z'));
    });

    it('soft delete → open metrics CANCELLED; BREACHED never returns to ACTIVE', async () => {
      const tk = await newTicket('svc247', '2026-03-02T10:00:00Z');
      await t.prisma.slaMetric.updateMany({
        where: { ticketId: tk.id, type: 'FIRST_RESPONSE' },
        data: { status: 'BREACHED' },
      });
      at('2026-03-02T11:00:00Z');
      const deleted = await t.prisma.ticket.update({ where: { id: tk.id }, data: { deletedAt: clock.now() } });
      await t.prisma.$transaction((tx) => svc.onTicketDeleted(tx, deleted));
      assert.equal((await one(tk.id, 'RESOLUTION')).status, 'CANCELLED');
      assert.equal((await one(tk.id, 'FIRST_RESPONSE')).status, 'BREACHED');
    });
  });
});
