import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  businessMillisecondsBetween,
  computeDueAt,
  planSlaOperations,
  policyCalendar,
  selectPolicy,
  type SlaChangeOp,
  type SlaCreateOp,
  type SlaMetricOp,
  type SlaMetricState,
  type SlaPolicyLike,
  type SlaTicketLike,
} from '../../src/index.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const d = (iso: string) => new Date(iso);

/** A fake clock: tests advance it explicitly. */
class FakeClock {
  constructor(private t: number) {}
  now = (): Date => new Date(this.t);
  advance(ms: number): Date {
    this.t += ms;
    return this.now();
  }
  set(iso: string): Date {
    this.t = d(iso).getTime();
    return this.now();
  }
}

const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));

function policy(over: Partial<SlaPolicyLike> = {}): SlaPolicyLike {
  return {
    id: 'p1',
    position: 0,
    isActive: true,
    deletedAt: null,
    conditions: {},
    targets: {
      FIRST_RESPONSE: { LOW: 480, NORMAL: 240, HIGH: 60, URGENT: 30 },
      NEXT_RESPONSE: { NORMAL: 120, HIGH: 60 },
      RESOLUTION: { LOW: 2400, NORMAL: 960, HIGH: 480, URGENT: 240 },
    },
    timezone: 'UTC',
    businessHours: null,
    holidays: [],
    pauseStatuses: ['PENDING_CUSTOMER', 'ON_HOLD'],
    warningThresholdPercent: 80,
    version: 1,
    ...over,
  };
}
const bizPolicy = (over: Partial<SlaPolicyLike> = {}) => policy({ businessHours: weekdays, ...over });

const ticket = (over: Partial<SlaTicketLike> = {}): SlaTicketLike => ({
  status: 'OPEN',
  priority: 'NORMAL',
  channel: 'WEB',
  tags: [],
  workflowId: null,
  formId: null,
  ...over,
});

/** Apply operations to an in-memory metric list, like the backend does to rows. */
let seq = 0;
function apply(metrics: SlaMetricState[], ops: SlaMetricOp[]): SlaMetricState[] {
  const out = metrics.map((m) => ({ ...m }));
  for (const op of ops) {
    if (op.op === 'create') {
      out.push({
        id: `m${++seq}`,
        policyId: op.policyId,
        policyVersion: op.policyVersion,
        type: op.type,
        cycle: op.cycle,
        targetMinutes: op.targetMinutes,
        status: op.status,
        startedAt: op.startedAt,
        dueAt: op.dueAt,
        warningAt: op.warningAt,
        pausedAt: op.pausedAt,
        pausedBusinessSeconds: 0,
        completedAt: null,
        breachedAt: null,
      });
    } else {
      const m = out.find((x) => x.id === op.id)!;
      Object.assign(m, op.fields);
    }
  }
  return out;
}

const byType = (ms: SlaMetricState[], type: string, cycle = 1) => ms.find((m) => m.type === type && m.cycle === cycle)!;

function created(p: SlaPolicyLike, now: Date, t = ticket()): SlaMetricState[] {
  return apply([], planSlaOperations({ metrics: [], ticket: t, event: { kind: 'created' }, now, policy: p }));
}

describe('selectPolicy', () => {
  const t = ticket({ priority: 'HIGH', channel: 'EMAIL', tags: ['vip', 'billing'], workflowId: 'w1', formId: 'f1' });
  it('picks the first active, non-deleted policy by position whose conditions match', () => {
    const ps = [
      policy({ id: 'c', position: 3 }),
      policy({ id: 'a', position: 1, isActive: false }),
      policy({ id: 'b', position: 2, deletedAt: new Date() }),
      policy({ id: 'd', position: 2, conditions: { priorities: ['LOW'] } }),
      policy({ id: 'e', position: 2.5, conditions: { priorities: ['HIGH', 'URGENT'], channels: ['EMAIL'] } }),
    ];
    assert.equal(selectPolicy(ps, t)?.id, 'e');
  });
  it('empty or absent conditions match everything; null when nothing matches', () => {
    assert.equal(selectPolicy([policy({ conditions: { priorities: [], tags: [] } })], t)?.id, 'p1');
    assert.equal(selectPolicy([policy({ conditions: { channels: ['WEB'] } })], t), null);
    assert.equal(selectPolicy([], t), null);
  });
  it('tags match when any overlaps; workflowIds and formIds must contain the ticket value', () => {
    assert.equal(selectPolicy([policy({ conditions: { tags: ['x', 'vip'] } })], t)?.id, 'p1');
    assert.equal(selectPolicy([policy({ conditions: { tags: ['x'] } })], t), null);
    assert.equal(selectPolicy([policy({ conditions: { workflowIds: ['w1'], formIds: ['f1'] } })], t)?.id, 'p1');
    assert.equal(selectPolicy([policy({ conditions: { workflowIds: ['w2'] } })], t), null);
    assert.equal(selectPolicy([policy({ conditions: { formIds: ['f1'] } })], ticket({ formId: null })), null);
  });
});

describe('policyCalendar', () => {
  it('maps null hours to 24/7 and keeps holidays', () => {
    assert.deepEqual(policyCalendar(policy({ holidays: [{ date: '2024-12-25' }] })), {
      timezone: 'UTC',
      hours: null,
      holidays: [{ date: '2024-12-25' }],
    });
    assert.deepEqual(policyCalendar(bizPolicy()).hours, weekdays);
  });
});

describe('planSlaOperations', () => {
  it('created: FIRST_RESPONSE and RESOLUTION with exact 24/7 deadlines', () => {
    const now = d('2024-01-01T10:00:00Z');
    const ops = planSlaOperations({ metrics: [], ticket: ticket(), event: { kind: 'created' }, now, policy: policy() });
    assert.equal(ops.length, 2);
    const [fr, res] = ops as SlaCreateOp[];
    assert.equal(fr.type, 'FIRST_RESPONSE');
    assert.equal(fr.cycle, 1);
    assert.equal(fr.targetMinutes, 240);
    assert.deepEqual(fr.dueAt, d('2024-01-01T14:00:00Z'));
    assert.deepEqual(fr.warningAt, d('2024-01-01T13:12:00Z'));
    assert.equal(fr.status, 'ACTIVE');
    assert.equal(res.type, 'RESOLUTION');
    assert.deepEqual(res.dueAt, d('2024-01-02T02:00:00Z'));
  });

  it('created: business hours push the due date over the weekend', () => {
    const now = d('2024-01-05T16:00:00Z'); // Friday
    const ms = created(bizPolicy(), now);
    assert.deepEqual(byType(ms, 'FIRST_RESPONSE').dueAt, d('2024-01-08T12:00:00Z'));
    assert.deepEqual(byType(ms, 'RESOLUTION').dueAt, d('2024-01-09T16:00:00Z'));
  });

  it('created: types without a target for the priority are skipped', () => {
    const p = policy({ targets: { FIRST_RESPONSE: { HIGH: 60 }, RESOLUTION: { NORMAL: 100 } } });
    const ops = planSlaOperations({
      metrics: [],
      ticket: ticket(),
      event: { kind: 'created' },
      now: new Date(),
      policy: p,
    });
    assert.deepEqual(
      ops.map((o) => o.type),
      ['RESOLUTION'],
    );
  });

  it('created: no policy → nothing; created in a pause status → PAUSED', () => {
    assert.deepEqual(
      planSlaOperations({ metrics: [], ticket: ticket(), event: { kind: 'created' }, now: new Date(), policy: null }),
      [],
    );
    const now = d('2024-01-01T10:00:00Z');
    const ms = created(policy(), now, ticket({ status: 'ON_HOLD' }));
    assert.ok(ms.every((m) => m.status === 'PAUSED' && m.pausedAt?.getTime() === now.getTime()));
  });

  it('first public agent reply → FIRST_RESPONSE MET with completedAt = now; RESOLUTION untouched', () => {
    const clock = new FakeClock(d('2024-01-01T10:00:00Z').getTime());
    let ms = created(policy(), clock.now());
    const now = clock.advance(30 * MIN);
    const ops = planSlaOperations({
      metrics: ms,
      ticket: ticket(),
      event: { kind: 'agentPublicReply' },
      now,
      policy: policy(),
    });
    assert.equal(ops.length, 1);
    assert.equal(ops[0].op, 'complete');
    ms = apply(ms, ops);
    assert.equal(byType(ms, 'FIRST_RESPONSE').status, 'MET');
    assert.deepEqual(byType(ms, 'FIRST_RESPONSE').completedAt, now);
    assert.equal(byType(ms, 'RESOLUTION').status, 'ACTIVE');
    // A second reply changes nothing.
    assert.deepEqual(
      planSlaOperations({ metrics: ms, ticket: ticket(), event: { kind: 'agentPublicReply' }, now, policy: policy() }),
      [],
    );
  });

  it('reply to an already BREACHED first response keeps BREACHED and stamps completedAt once', () => {
    const now = d('2024-01-02T10:00:00Z');
    let ms = created(policy(), d('2024-01-01T10:00:00Z'));
    byType(ms, 'FIRST_RESPONSE').status = 'BREACHED';
    byType(ms, 'FIRST_RESPONSE').breachedAt = byType(ms, 'FIRST_RESPONSE').dueAt;
    const ops = planSlaOperations({
      metrics: ms,
      ticket: ticket(),
      event: { kind: 'agentPublicReply' },
      now,
      policy: policy(),
    });
    assert.deepEqual((ops[0] as SlaChangeOp).fields, { completedAt: now });
    ms = apply(ms, ops);
    assert.equal(byType(ms, 'FIRST_RESPONSE').status, 'BREACHED');
    assert.deepEqual(
      planSlaOperations({ metrics: ms, ticket: ticket(), event: { kind: 'agentPublicReply' }, now, policy: policy() }),
      [],
    );
  });

  it('customer reply before the first response starts nothing', () => {
    const ms = created(policy(), d('2024-01-01T10:00:00Z'));
    assert.deepEqual(
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'customerReply' },
        now: d('2024-01-01T11:00:00Z'),
        policy: policy(),
      }),
      [],
    );
  });

  it('customer reply after the first response starts NEXT_RESPONSE cycle 1, then cycle 2 after the next answer', () => {
    const clock = new FakeClock(d('2024-01-01T10:00:00Z').getTime());
    const p = policy();
    let ms = created(p, clock.now());
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'agentPublicReply' },
        now: clock.advance(10 * MIN),
        policy: p,
      }),
    );
    let now = clock.advance(HOUR);
    let ops = planSlaOperations({ metrics: ms, ticket: ticket(), event: { kind: 'customerReply' }, now, policy: p });
    assert.equal(ops.length, 1);
    assert.equal((ops[0] as SlaCreateOp).cycle, 1);
    assert.deepEqual((ops[0] as SlaCreateOp).dueAt, new Date(now.getTime() + 120 * MIN));
    ms = apply(ms, ops);
    // A second customer reply while NEXT_RESPONSE is open does not stack another one.
    assert.deepEqual(
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'customerReply' },
        now: clock.advance(MIN),
        policy: p,
      }),
      [],
    );
    // The agent answers: NEXT_RESPONSE MET.
    now = clock.advance(5 * MIN);
    ms = apply(
      ms,
      planSlaOperations({ metrics: ms, ticket: ticket(), event: { kind: 'agentPublicReply' }, now, policy: p }),
    );
    assert.equal(byType(ms, 'NEXT_RESPONSE', 1).status, 'MET');
    assert.deepEqual(byType(ms, 'NEXT_RESPONSE', 1).completedAt, now);
    ops = planSlaOperations({
      metrics: ms,
      ticket: ticket(),
      event: { kind: 'customerReply' },
      now: clock.advance(HOUR),
      policy: p,
    });
    assert.equal((ops[0] as SlaCreateOp).cycle, 2);
  });

  it('customer reply without a NEXT_RESPONSE target, or on a resolved ticket, starts nothing', () => {
    const p = policy({ targets: { FIRST_RESPONSE: { NORMAL: 60 } } });
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'agentPublicReply' },
        now: d('2024-01-01T10:10:00Z'),
        policy: p,
      }),
    );
    assert.deepEqual(
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'customerReply' },
        now: d('2024-01-01T11:00:00Z'),
        policy: p,
      }),
      [],
    );
    assert.deepEqual(
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'RESOLVED' }),
        event: { kind: 'customerReply' },
        now: d('2024-01-01T11:00:00Z'),
        policy: policy(),
      }),
      [],
    );
  });

  it('pause status → open metrics PAUSED with pausedAt = now; BREACHED and MET untouched', () => {
    const p = policy();
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    byType(ms, 'FIRST_RESPONSE').status = 'BREACHED';
    const now = d('2024-01-01T15:00:00Z');
    const ops = planSlaOperations({
      metrics: ms,
      ticket: ticket({ status: 'PENDING_CUSTOMER' }),
      event: { kind: 'statusChanged', from: 'OPEN', to: 'PENDING_CUSTOMER' },
      now,
      policy: p,
    });
    assert.equal(ops.length, 1);
    ms = apply(ms, ops);
    assert.equal(byType(ms, 'RESOLUTION').status, 'PAUSED');
    assert.deepEqual(byType(ms, 'RESOLUTION').pausedAt, now);
    assert.equal(byType(ms, 'FIRST_RESPONSE').status, 'BREACHED');
  });

  it('moving between running statuses changes nothing', () => {
    const p = policy();
    const ms = created(p, d('2024-01-01T10:00:00Z'));
    assert.deepEqual(
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'IN_PROGRESS' }),
        event: { kind: 'statusChanged', from: 'OPEN', to: 'IN_PROGRESS' },
        now: d('2024-01-01T11:00:00Z'),
        policy: p,
      }),
      [],
    );
  });

  it('resume (24/7): the due date moves by exactly the paused time', () => {
    const clock = new FakeClock(d('2024-01-01T10:00:00Z').getTime());
    const p = policy();
    let ms = created(p, clock.now());
    const due0 = byType(ms, 'RESOLUTION').dueAt;
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'ON_HOLD' }),
        event: { kind: 'statusChanged', from: 'OPEN', to: 'ON_HOLD' },
        now: clock.advance(HOUR),
        policy: p,
      }),
    );
    const now = clock.advance(2 * HOUR + 30 * 1000);
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'statusChanged', from: 'ON_HOLD', to: 'OPEN' },
        now,
        policy: p,
      }),
    );
    const r = byType(ms, 'RESOLUTION');
    assert.equal(r.status, 'ACTIVE');
    assert.equal(r.pausedAt, null);
    assert.equal(r.pausedBusinessSeconds, 2 * 3600 + 30);
    assert.equal(r.dueAt.getTime() - due0.getTime(), 2 * HOUR + 30 * 1000);
    assert.deepEqual(
      r.warningAt,
      new Date(d('2024-01-01T10:00:00Z').getTime() + 0.8 * 960 * MIN + 2 * HOUR + 30 * 1000),
    );
  });

  it('resume across a weekend (business hours): due moves by exactly the paused business time', () => {
    const clock = new FakeClock(d('2024-01-05T10:00:00Z').getTime()); // Friday 10:00
    const p = bizPolicy();
    const cal = policyCalendar(p);
    let ms = created(p, clock.now());
    const due0 = byType(ms, 'RESOLUTION').dueAt; // 960 business minutes = 2 business days
    assert.deepEqual(due0, d('2024-01-09T10:00:00Z'));
    // Paused Friday 15:00 → Monday 11:00: 2h Friday + 2h Monday of business time (weekend free).
    const pausedAt = clock.set('2024-01-05T15:00:00Z');
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'PENDING_CUSTOMER' }),
        event: { kind: 'statusChanged', from: 'OPEN', to: 'PENDING_CUSTOMER' },
        now: pausedAt,
        policy: p,
      }),
    );
    const now = clock.set('2024-01-08T11:00:00Z');
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'statusChanged', from: 'PENDING_CUSTOMER', to: 'OPEN' },
        now,
        policy: p,
      }),
    );
    const r = byType(ms, 'RESOLUTION');
    const pausedMs = businessMillisecondsBetween(pausedAt, now, cal);
    assert.equal(pausedMs, 4 * HOUR);
    assert.equal(r.pausedBusinessSeconds, 4 * 3600);
    assert.deepEqual(r.dueAt, d('2024-01-09T14:00:00Z'));
    assert.deepEqual(
      r.dueAt,
      computeDueAt({ startedAt: r.startedAt, targetMinutes: 960, pausedBusinessMs: pausedMs, cal }),
    );
    assert.equal(businessMillisecondsBetween(due0, r.dueAt, cal), pausedMs);
    assert.ok(r.dueAt.getTime() - due0.getTime() === 4 * HOUR);
  });

  it('resume after the warning instant → AT_RISK', () => {
    const p = policy();
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    // FIRST_RESPONSE: 240 min, warning at 13:12. Pause at 13:30 (already past warning), resume 10 min later.
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'ON_HOLD' }),
        event: { kind: 'statusChanged', from: 'OPEN', to: 'ON_HOLD' },
        now: d('2024-01-01T13:30:00Z'),
        policy: p,
      }),
    );
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'statusChanged', from: 'ON_HOLD', to: 'OPEN' },
        now: d('2024-01-01T13:40:00Z'),
        policy: p,
      }),
    );
    const fr = byType(ms, 'FIRST_RESPONSE');
    assert.equal(fr.status, 'AT_RISK');
    assert.deepEqual(fr.dueAt, d('2024-01-01T14:10:00Z'));
    assert.equal(byType(ms, 'RESOLUTION').status, 'ACTIVE');
  });

  it('resolve → RESOLUTION MET, open response metrics CANCELLED; RESOLVED → CLOSED changes nothing', () => {
    const p = policy();
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    const now = d('2024-01-01T12:00:00Z');
    const ops = planSlaOperations({
      metrics: ms,
      ticket: ticket({ status: 'RESOLVED' }),
      event: { kind: 'statusChanged', from: 'OPEN', to: 'RESOLVED' },
      now,
      policy: p,
    });
    ms = apply(ms, ops);
    assert.equal(byType(ms, 'RESOLUTION').status, 'MET');
    assert.deepEqual(byType(ms, 'RESOLUTION').completedAt, now);
    assert.equal(byType(ms, 'FIRST_RESPONSE').status, 'CANCELLED');
    assert.deepEqual(
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'CLOSED' }),
        event: { kind: 'statusChanged', from: 'RESOLVED', to: 'CLOSED' },
        now,
        policy: p,
      }),
      [],
    );
  });

  it('resolving a paused ticket folds the open pause into pausedBusinessSeconds', () => {
    const p = policy();
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'ON_HOLD' }),
        event: { kind: 'statusChanged', from: 'OPEN', to: 'ON_HOLD' },
        now: d('2024-01-01T11:00:00Z'),
        policy: p,
      }),
    );
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'RESOLVED' }),
        event: { kind: 'statusChanged', from: 'ON_HOLD', to: 'RESOLVED' },
        now: d('2024-01-01T11:30:00Z'),
        policy: p,
      }),
    );
    const r = byType(ms, 'RESOLUTION');
    assert.equal(r.status, 'MET');
    assert.equal(r.pausedAt, null);
    assert.equal(r.pausedBusinessSeconds, 1800);
  });

  it('resolving after a RESOLUTION breach keeps BREACHED and stamps completedAt', () => {
    const p = policy();
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    byType(ms, 'RESOLUTION').status = 'BREACHED';
    const now = d('2024-01-03T10:00:00Z');
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'RESOLVED' }),
        event: { kind: 'statusChanged', from: 'OPEN', to: 'RESOLVED' },
        now,
        policy: p,
      }),
    );
    assert.equal(byType(ms, 'RESOLUTION').status, 'BREACHED');
    assert.deepEqual(byType(ms, 'RESOLUTION').completedAt, now);
  });

  it('reopen → RESOLUTION resumed; the resolved span counts as paused', () => {
    const p = policy();
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    const due0 = byType(ms, 'RESOLUTION').dueAt;
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'RESOLVED' }),
        event: { kind: 'statusChanged', from: 'OPEN', to: 'RESOLVED' },
        now: d('2024-01-01T12:00:00Z'),
        policy: p,
      }),
    );
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'statusChanged', from: 'RESOLVED', to: 'OPEN' },
        now: d('2024-01-01T15:00:00Z'),
        policy: p,
      }),
    );
    const r = byType(ms, 'RESOLUTION');
    assert.equal(r.status, 'ACTIVE');
    assert.equal(r.completedAt, null);
    assert.equal(r.pausedBusinessSeconds, 3 * 3600);
    assert.equal(r.dueAt.getTime() - due0.getTime(), 3 * HOUR);
    // Cancelled response metrics stay cancelled.
    assert.equal(byType(ms, 'FIRST_RESPONSE').status, 'CANCELLED');
  });

  it('reopen of a BREACHED resolution keeps BREACHED; reopen into a pause status → PAUSED', () => {
    const p = policy();
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    byType(ms, 'RESOLUTION').status = 'BREACHED';
    byType(ms, 'RESOLUTION').completedAt = d('2024-01-03T10:00:00Z');
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'statusChanged', from: 'CLOSED', to: 'OPEN' },
        now: d('2024-01-03T11:00:00Z'),
        policy: p,
      }),
    );
    assert.equal(byType(ms, 'RESOLUTION').status, 'BREACHED');
    assert.equal(byType(ms, 'RESOLUTION').completedAt, null);

    let ms2 = created(p, d('2024-01-01T10:00:00Z'));
    ms2 = apply(
      ms2,
      planSlaOperations({
        metrics: ms2,
        ticket: ticket({ status: 'RESOLVED' }),
        event: { kind: 'statusChanged', from: 'OPEN', to: 'RESOLVED' },
        now: d('2024-01-01T11:00:00Z'),
        policy: p,
      }),
    );
    const now = d('2024-01-01T12:00:00Z');
    ms2 = apply(
      ms2,
      planSlaOperations({
        metrics: ms2,
        ticket: ticket({ status: 'ON_HOLD' }),
        event: { kind: 'statusChanged', from: 'RESOLVED', to: 'ON_HOLD' },
        now,
        policy: p,
      }),
    );
    assert.equal(byType(ms2, 'RESOLUTION').status, 'PAUSED');
    assert.deepEqual(byType(ms2, 'RESOLUTION').pausedAt, now);
  });

  it('priority change → targets and deadlines recomputed from the original startedAt', () => {
    const p = policy();
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    const now = d('2024-01-01T10:45:00Z');
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ priority: 'HIGH' }),
        event: { kind: 'priorityChanged', from: 'NORMAL', to: 'HIGH' },
        now,
        policy: p,
      }),
    );
    const fr = byType(ms, 'FIRST_RESPONSE');
    assert.equal(fr.targetMinutes, 60);
    assert.deepEqual(fr.dueAt, d('2024-01-01T11:00:00Z'));
    assert.deepEqual(fr.warningAt, d('2024-01-01T10:48:00Z'));
    assert.equal(fr.status, 'ACTIVE');
    assert.deepEqual(byType(ms, 'RESOLUTION').dueAt, d('2024-01-01T18:00:00Z'));
    // To URGENT 5 minutes later: warning (10:24) already passed → AT_RISK; due 10:30 passed → left for the worker.
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ priority: 'URGENT' }),
        event: { kind: 'priorityChanged', from: 'HIGH', to: 'URGENT' },
        now: d('2024-01-01T10:50:00Z'),
        policy: p,
      }),
    );
    assert.equal(byType(ms, 'FIRST_RESPONSE').status, 'AT_RISK');
    assert.deepEqual(byType(ms, 'FIRST_RESPONSE').dueAt, d('2024-01-01T10:30:00Z'));
  });

  it('priority change keeps paused metrics paused and cancels metrics whose target disappeared', () => {
    const p = policy({ targets: { FIRST_RESPONSE: { NORMAL: 60 }, RESOLUTION: { NORMAL: 600, LOW: 1200 } } });
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ status: 'ON_HOLD' }),
        event: { kind: 'statusChanged', from: 'OPEN', to: 'ON_HOLD' },
        now: d('2024-01-01T10:10:00Z'),
        policy: p,
      }),
    );
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket({ priority: 'LOW', status: 'ON_HOLD' }),
        event: { kind: 'priorityChanged', from: 'NORMAL', to: 'LOW' },
        now: d('2024-01-01T10:20:00Z'),
        policy: p,
      }),
    );
    assert.equal(byType(ms, 'FIRST_RESPONSE').status, 'CANCELLED');
    const r = byType(ms, 'RESOLUTION');
    assert.equal(r.status, 'PAUSED');
    assert.equal(r.targetMinutes, 1200);
  });

  it('policy change → new version and targets applied; BREACHED metrics never return to ACTIVE', () => {
    const p = policy();
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    byType(ms, 'FIRST_RESPONSE').status = 'BREACHED';
    const p2 = policy({ version: 2, targets: { FIRST_RESPONSE: { NORMAL: 10_000 }, RESOLUTION: { NORMAL: 120 } } });
    const ops = planSlaOperations({
      metrics: ms,
      ticket: ticket(),
      event: { kind: 'policyChanged' },
      now: d('2024-01-01T11:00:00Z'),
      policy: p2,
    });
    assert.equal(ops.length, 1);
    ms = apply(ms, ops);
    assert.equal(byType(ms, 'FIRST_RESPONSE').status, 'BREACHED');
    const r = byType(ms, 'RESOLUTION');
    assert.equal(r.policyVersion, 2);
    assert.equal(r.targetMinutes, 120);
    assert.deepEqual(r.dueAt, d('2024-01-01T12:00:00Z'));
    assert.equal(r.status, 'ACTIVE'); // warning at 11:36 (80% of 120 min) is still ahead
  });

  it('policy change to business hours recomputes with the new calendar', () => {
    const p = policy();
    let ms = created(p, d('2024-01-05T16:00:00Z'));
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'policyChanged' },
        now: d('2024-01-05T16:30:00Z'),
        policy: bizPolicy({ version: 3 }),
      }),
    );
    assert.deepEqual(byType(ms, 'FIRST_RESPONSE').dueAt, d('2024-01-08T12:00:00Z'));
    assert.equal(byType(ms, 'FIRST_RESPONSE').policyVersion, 3);
  });

  it('deleted → all open metrics CANCELLED, closed ones untouched', () => {
    const p = policy();
    let ms = created(p, d('2024-01-01T10:00:00Z'));
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'agentPublicReply' },
        now: d('2024-01-01T10:05:00Z'),
        policy: p,
      }),
    );
    ms = apply(
      ms,
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'deleted' },
        now: d('2024-01-01T10:10:00Z'),
        policy: null,
      }),
    );
    assert.equal(byType(ms, 'FIRST_RESPONSE').status, 'MET');
    assert.equal(byType(ms, 'RESOLUTION').status, 'CANCELLED');
  });

  it('a second created event for a ticket with metrics is a no-op (idempotent)', () => {
    const p = policy();
    const ms = created(p, d('2024-01-01T10:00:00Z'));
    assert.deepEqual(
      planSlaOperations({
        metrics: ms,
        ticket: ticket(),
        event: { kind: 'created' },
        now: d('2024-01-01T10:00:00Z'),
        policy: p,
      }),
      [],
    );
  });
});
