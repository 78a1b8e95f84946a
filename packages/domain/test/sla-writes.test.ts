import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createPrismaClient, type PrismaClient, type SlaMetric } from '@nixflow/db/client';
import { createTestDatabase, type TestDatabase } from '@nixflow/db/testing';
import type { SlaMetricOp, SlaMetricState } from '@nixflow/core';
import {
  applyMetricOps,
  applyMetricOpsAndSyncTicket,
  lockedMetricColumns,
  lockedMetricsOf,
  lockTicketMetrics,
  lockTicketMetricsQuery,
  syncTicketSla,
  toState,
} from '../src/index.js';

type Seed = Partial<Omit<SlaMetric, 'id' | 'ticketId' | 'policyId'>> & Pick<SlaMetric, 'type'>;
/** Ops for one ticket's metrics (ids differ between the twins; ops are built from each twin's own rows). */
type OpsOf = (metrics: SlaMetricState[], policyId: string) => SlaMetricOp[];

const at = (iso: string) => new Date(iso);
const NOW = at('2026-04-01T09:00:00.000Z');

/**
 * The combined write (one statement of data-modifying CTEs) against the separate statements it replaces
 * (applyMetricOps + syncTicketSla), on twin tickets with the same metrics: same rows, same ticket columns.
 */
describe('SLA metric writes: applyMetricOpsAndSyncTicket equals applyMetricOps + syncTicketSla', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let requesterId: string;
  let policyId: string;
  let otherPolicyId: string;

  before(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, 2);
    const u = await prisma.user.create({
      data: { email: `req-${randomBytes(5).toString('hex')}@test.nixflow.local`, name: 'R', role: 'CUSTOMER' },
    });
    requesterId = u.id;
    const policy = (name: string) =>
      prisma.slaPolicy.create({
        data: { name, position: 500, conditions: { tags: [name] }, targets: { FIRST_RESPONSE: { NORMAL: 60 } } },
      });
    policyId = (await policy(`writes-${randomBytes(3).toString('hex')}`)).id;
    otherPolicyId = (await policy(`writes-${randomBytes(3).toString('hex')}`)).id;
  });

  after(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  const ticketWith = async (seeds: Seed[]): Promise<{ id: string; metrics: SlaMetricState[] }> => {
    const created = at('2026-04-01T08:00:00.000Z');
    const t = await prisma.ticket.create({
      data: {
        subject: 's',
        description: 'd',
        requesterId,
        slaPolicyId: policyId,
        createdAt: created,
        updatedAt: created,
      },
    });
    for (const s of seeds) {
      await prisma.slaMetric.create({
        data: {
          ticketId: t.id,
          policyId,
          cycle: 1,
          targetMinutes: 60,
          status: 'ACTIVE',
          startedAt: at('2026-04-01T08:00:00.000Z'),
          dueAt: at('2026-04-01T09:00:00.000Z'),
          warningAt: at('2026-04-01T08:45:00.000Z'),
          createdAt: at('2026-04-01T08:00:00.000Z'),
          updatedAt: at('2026-04-01T08:00:00.000Z'),
          ...s,
        },
      });
    }
    return { id: t.id, metrics: await metricsOf(t.id) };
  };
  const metricsOf = async (ticketId: string) =>
    (await prisma.slaMetric.findMany({ where: { ticketId }, orderBy: [{ type: 'asc' }, { cycle: 'asc' }] })).map(
      toState,
    );
  /** Everything but the ids, which differ between twins. */
  const comparable = async (ticketId: string) => {
    const rows = await prisma.slaMetric.findMany({
      where: { ticketId },
      orderBy: [{ type: 'asc' }, { cycle: 'asc' }],
    });
    const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } });
    return {
      metrics: rows.map(({ id: _i, ticketId: _t, ...m }) => m),
      slaNextDueAt: ticket.slaNextDueAt,
      slaPolicyId: ticket.slaPolicyId,
      version: ticket.version,
      updatedAt: ticket.updatedAt,
    };
  };

  /**
   * Runs both paths on twins; `seen` lets a test plan on statuses other than the stored ones (a stale read).
   * Returns the combined path's result for further checks.
   */
  const compare = async (
    seeds: Seed[],
    opsOf: OpsOf,
    opts: { policyId?: string | null; seen?: (m: SlaMetricState) => SlaMetricState } = {},
  ) => {
    const a = await ticketWith(seeds);
    const b = await ticketWith(seeds);
    const seen = opts.seen ?? ((m) => m);
    const pid = opts.policyId === undefined ? undefined : opts.policyId === 'other' ? otherPolicyId : opts.policyId;
    const changedA = await prisma.$transaction(async (tx) => {
      const seenA = a.metrics.map(seen);
      const n = await applyMetricOps(tx, a.id, seenA, opsOf(seenA, policyId), NOW);
      await syncTicketSla(tx, a.id, pid);
      return n;
    });
    const result = await prisma.$transaction((tx) => {
      const seenB = b.metrics.map(seen);
      return applyMetricOpsAndSyncTicket(tx, b.id, seenB, opsOf(seenB, policyId), { now: NOW, policyId: pid });
    });
    assert.equal(result.changed, changedA, 'changed count');
    assert.deepEqual(await comparable(b.id), await comparable(a.id));
    // The returned metrics are the stored ones.
    assert.deepEqual(result.metrics.map(toState), await metricsOf(b.id));
    return { result, ticketId: b.id };
  };

  const create = (type: SlaMetric['type'], cycle: number, pid: string, over: Partial<SlaMetricOp> = {}) =>
    ({
      op: 'create',
      policyId: pid,
      policyVersion: 1,
      type,
      cycle,
      targetMinutes: 60,
      status: 'ACTIVE',
      startedAt: NOW,
      dueAt: at('2026-04-01T10:00:00.000Z'),
      warningAt: at('2026-04-01T09:45:00.000Z'),
      pausedAt: null,
      ...over,
    }) as SlaMetricOp;

  it('creations only (a fresh ticket), recording the policy', async () => {
    const { result, ticketId } = await compare(
      [],
      (_m, pid) => [
        create('FIRST_RESPONSE', 1, pid),
        create('RESOLUTION', 1, pid, { dueAt: at('2026-04-01T13:00:00.000Z') } as Partial<SlaMetricOp>),
      ],
      { policyId: 'other' },
    );
    assert.equal(result.changed, 2);
    const t = await prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } });
    assert.equal(t.slaNextDueAt?.toISOString(), '2026-04-01T10:00:00.000Z');
    assert.equal(t.slaPolicyId, otherPolicyId);
    // Stamped from the given clock.
    assert.ok(result.metrics.every((m) => m.createdAt.getTime() === NOW.getTime() && +m.updatedAt === +NOW));
  });

  it('a duplicate creation is skipped, not an error (unique ticket, type, cycle)', async () => {
    const { result } = await compare([{ type: 'FIRST_RESPONSE' }], (_m, pid) => [create('FIRST_RESPONSE', 1, pid)]);
    assert.equal(result.changed, 0);
  });

  it('updates only: complete one, retarget another (fields not named keep their value; a named null clears)', async () => {
    const { result, ticketId } = await compare(
      [
        { type: 'FIRST_RESPONSE' },
        {
          type: 'RESOLUTION',
          status: 'PAUSED',
          pausedAt: at('2026-04-01T08:30:00.000Z'),
          dueAt: at('2026-04-01T07:00:00.000Z'),
        },
      ],
      (m) => [
        { op: 'complete', id: m[0]!.id, type: m[0]!.type, fields: { status: 'MET', completedAt: NOW } },
        {
          op: 'update',
          id: m[1]!.id,
          type: m[1]!.type,
          fields: {
            status: 'ACTIVE',
            pausedAt: null,
            pausedBusinessSeconds: 1800,
            dueAt: at('2026-04-01T11:30:00.000Z'),
            warningAt: at('2026-04-01T11:15:00.000Z'),
            policyId: otherPolicyId,
            policyVersion: 3,
            targetMinutes: 90,
          },
        },
      ],
    );
    assert.equal(result.changed, 2);
    const [first, resolution] = result.metrics;
    assert.equal(first!.status, 'MET');
    assert.equal(first!.dueAt.toISOString(), '2026-04-01T09:00:00.000Z');
    assert.equal(first!.startedAt.toISOString(), '2026-04-01T08:00:00.000Z');
    assert.equal(resolution!.pausedAt, null);
    assert.equal(resolution!.policyId, otherPolicyId);
    assert.equal(resolution!.createdAt.toISOString(), '2026-04-01T08:00:00.000Z');
    assert.equal(resolution!.updatedAt.toISOString(), NOW.toISOString());
    const t = await prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } });
    assert.equal(t.slaNextDueAt?.toISOString(), '2026-04-01T11:30:00.000Z');
    assert.equal(t.slaPolicyId, policyId, 'not given: kept');
  });

  it('creations and updates together (a customer reply while the first response is met)', async () => {
    await compare(
      [
        { type: 'FIRST_RESPONSE', status: 'MET', completedAt: at('2026-04-01T08:10:00.000Z') },
        { type: 'RESOLUTION', dueAt: at('2026-04-01T16:00:00.000Z') },
        { type: 'NEXT_RESPONSE', status: 'MET', completedAt: at('2026-04-01T08:20:00.000Z') },
      ],
      (m, pid) => [
        create('NEXT_RESPONSE', 2, pid),
        { op: 'update', id: m[1]!.id, type: m[1]!.type, fields: { dueAt: at('2026-04-01T15:00:00.000Z') } },
      ],
      { policyId: null },
    );
  });

  it('the guard refuses a stale update (planned on ACTIVE, stored BREACHED), and the next due counts the breach', async () => {
    const { result, ticketId } = await compare(
      [
        { type: 'FIRST_RESPONSE', status: 'BREACHED', breachedAt: at('2026-04-01T09:00:00.000Z') },
        { type: 'RESOLUTION', dueAt: at('2026-04-01T16:00:00.000Z') },
      ],
      (m) => [
        { op: 'complete', id: m[0]!.id, type: m[0]!.type, fields: { status: 'MET', completedAt: NOW } },
        { op: 'update', id: m[1]!.id, type: m[1]!.type, fields: { status: 'PAUSED', pausedAt: NOW } },
      ],
      { seen: (m) => ({ ...m, status: 'ACTIVE' }) },
    );
    assert.equal(result.changed, 1);
    assert.equal(result.metrics[0]!.status, 'BREACHED');
    assert.equal(result.metrics[0]!.completedAt, null);
    assert.equal(result.metrics[1]!.status, 'PAUSED');
    // Breached and unanswered: still the ticket's next due; the paused one is not.
    const t = await prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } });
    assert.equal(t.slaNextDueAt?.toISOString(), '2026-04-01T09:00:00.000Z');
  });

  it('two ops on one metric take the separate statements, with the same result', async () => {
    const { result } = await compare([{ type: 'FIRST_RESPONSE' }, { type: 'RESOLUTION' }], (m, pid) => [
      { op: 'update', id: m[0]!.id, type: m[0]!.type, fields: { dueAt: at('2026-04-01T12:00:00.000Z') } },
      { op: 'update', id: m[0]!.id, type: m[0]!.type, fields: { targetMinutes: 240 } },
      create('NEXT_RESPONSE', 1, pid),
    ]);
    assert.equal(result.metrics[0]!.targetMinutes, 240);
    assert.equal(result.metrics[0]!.dueAt.toISOString(), '2026-04-01T12:00:00.000Z');
  });

  it('paused and resolved metrics: no running clock leaves slaNextDueAt null; a cancel of all open ones too', async () => {
    const { ticketId } = await compare(
      [
        { type: 'FIRST_RESPONSE', status: 'MET', completedAt: at('2026-04-01T08:10:00.000Z') },
        { type: 'RESOLUTION', status: 'PAUSED', pausedAt: at('2026-04-01T08:30:00.000Z') },
        { type: 'NEXT_RESPONSE', status: 'BREACHED', completedAt: at('2026-04-01T08:40:00.000Z') },
      ],
      (m) => [{ op: 'cancel', id: m[1]!.id, type: m[1]!.type, fields: { status: 'CANCELLED', pausedAt: null } }],
      { policyId: null },
    );
    const t = await prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } });
    assert.equal(t.slaNextDueAt, null);
    assert.equal(t.slaPolicyId, null);
  });

  it("the lock embedded in a caller's statement reads the rows lockTicketMetrics reads (timestamps as UTC)", async () => {
    const { id } = await ticketWith([
      { type: 'RESOLUTION', completedAt: at('2026-04-01T08:59:59.999Z'), status: 'MET' },
      { type: 'FIRST_RESPONSE', pausedAt: at('2026-04-01T08:30:00.001Z'), status: 'PAUSED' },
      { type: 'NEXT_RESPONSE', cycle: 2 },
      { type: 'NEXT_RESPONSE', cycle: 1, breachedAt: at('2026-04-01T09:00:00.000Z'), status: 'BREACHED' },
    ]);
    await prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ metrics: unknown }[]>`
        WITH m AS (${lockTicketMetricsQuery(id)}) SELECT ${lockedMetricColumns('m')} AS "metrics"`;
      assert.deepEqual(lockedMetricsOf(row!.metrics), await lockTicketMetrics(tx, id));
      const [none] = await tx.$queryRaw<{ metrics: unknown }[]>`
        WITH m AS (${lockTicketMetricsQuery(id, false)}) SELECT ${lockedMetricColumns('m')} AS "metrics"`;
      assert.deepEqual(lockedMetricsOf(none!.metrics), []);
    });
  });

  it('no ops: only the ticket columns are synced', async () => {
    const { result } = await compare([{ type: 'RESOLUTION', dueAt: at('2026-04-02T09:00:00.000Z') }], () => [], {
      policyId: 'other',
    });
    assert.equal(result.changed, 0);
  });
});
