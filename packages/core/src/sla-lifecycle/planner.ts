/**
 * SLA lifecycle planner: given a ticket's metrics, an event, `now` and the governing policy, it returns
 * the metric operations to apply. Pure: the caller loads rows and writes the operations.
 *
 * Rules (decisions documented here, mirrored by the tests):
 * - created: FIRST_RESPONSE and RESOLUTION (cycle 1) from the policy targets for the ticket priority;
 *   types without a target are skipped. A ticket created in a pause status starts PAUSED.
 * - agentPublicReply: open FIRST_RESPONSE / NEXT_RESPONSE → MET with completedAt = now. A BREACHED one
 *   without completedAt keeps BREACHED and only gets completedAt (it never returns to ACTIVE/MET).
 * - customerReply: when no NEXT_RESPONSE is pending (open, or BREACHED and unanswered) and the first
 *   response is done (FIRST_RESPONSE completedAt set, or no FIRST_RESPONSE metric and
 *   ticket.firstRespondedAt set), a NEXT_RESPONSE with cycle = max cycle + 1 starts (if targeted, and
 *   the ticket is not resolved/closed; PAUSED if the ticket is in a pause status).
 * - statusChanged into RESOLVED/CLOSED (from a non-done status): RESOLUTION → MET (BREACHED keeps its
 *   status, gets completedAt); open response metrics are CANCELLED (nobody answered before resolving).
 * - statusChanged out of RESOLVED/CLOSED (reopen): the RESOLUTION metric is resumed: the resolved span
 *   (completedAt → now) counts as paused business time, completedAt cleared, due/warning recomputed,
 *   status ACTIVE/AT_RISK (BREACHED stays BREACHED) or PAUSED if reopened into a pause status.
 * - statusChanged into a pause status: open running metrics → PAUSED, pausedAt = now.
 * - statusChanged into a running status: PAUSED metrics resume: pausedBusinessSeconds += business seconds
 *   (pausedAt → now), dueAt/warningAt recomputed from startedAt, status AT_RISK if now ≥ warningAt else ACTIVE.
 * - priorityChanged / policyChanged: open metrics get targetMinutes from the (given) policy for the
 *   ticket's priority, and due/warning recomputed from the original startedAt; policyId/policyVersion
 *   follow the policy. An open metric whose type has no target any more is CANCELLED.
 * - deleted: every open metric → CANCELLED.
 * Metrics with status MET/BREACHED/CANCELLED are never reopened, except RESOLUTION on reopen.
 */
import { businessMillisecondsBetween } from '../sla-clock/business-time.js';
import { computeDueAt, computeWarningAt } from '../sla-clock/sla-deadlines.js';
import { policyCalendar, targetMinutesFor } from './policy.js';
import {
  DONE_TICKET_STATUSES,
  RUNNING_METRIC_STATUSES,
  OPEN_METRIC_STATUSES,
  type SlaChangeOp,
  type SlaCreateOp,
  type SlaEvent,
  type SlaMetricFields,
  type SlaMetricOp,
  type SlaMetricState,
  type SlaMetricType,
  type SlaPolicyLike,
  type SlaTicketLike,
} from './types.js';

export interface PlanInput {
  /** All metrics of the ticket (any status); the planner picks what it needs. */
  metrics: readonly SlaMetricState[];
  ticket: SlaTicketLike;
  event: SlaEvent;
  now: Date;
  /**
   * The governing policy: the selected one for `created`/`priorityChanged`/`customerReply`, the changed
   * one for `policyChanged`. May be null (no policy matches): then only closing operations are planned.
   */
  policy: SlaPolicyLike | null;
}

export const isOpenMetric = (m: Pick<SlaMetricState, 'status'>): boolean => OPEN_METRIC_STATUSES.includes(m.status);
const isDone = (status: string): boolean => (DONE_TICKET_STATUSES as readonly string[]).includes(status);
const isPauseStatus = (policy: SlaPolicyLike | null, status: string): boolean =>
  !!policy && policy.pauseStatuses.includes(status);

interface Deadlines {
  dueAt: Date;
  warningAt: Date;
}

function deadlines(
  policy: SlaPolicyLike,
  startedAt: Date,
  targetMinutes: number,
  pausedBusinessSeconds: number,
): Deadlines {
  const cal = policyCalendar(policy);
  const input = { startedAt, targetMinutes, pausedBusinessMs: pausedBusinessSeconds * 1000, cal };
  return {
    dueAt: computeDueAt(input),
    warningAt: computeWarningAt({ ...input, thresholdPercent: policy.warningThresholdPercent }),
  };
}

/** Whole business seconds between two instants (rounded to the nearest second). */
export function businessSecondsBetween(a: Date, b: Date, policy: SlaPolicyLike): number {
  if (b.getTime() <= a.getTime()) return 0;
  return Math.round(businessMillisecondsBetween(a, b, policyCalendar(policy)) / 1000);
}

/** Status of a running metric at `now` (AT_RISK once the warning instant is reached). */
const runningStatus = (warningAt: Date | null, now: Date): 'ACTIVE' | 'AT_RISK' =>
  warningAt && warningAt.getTime() <= now.getTime() ? 'AT_RISK' : 'ACTIVE';

function createMetric(
  policy: SlaPolicyLike,
  ticket: SlaTicketLike,
  type: SlaMetricType,
  cycle: number,
  now: Date,
): SlaCreateOp | null {
  const targetMinutes = targetMinutesFor(policy, type, ticket.priority);
  if (targetMinutes === null) return null;
  const paused = isPauseStatus(policy, ticket.status);
  return {
    op: 'create',
    policyId: policy.id,
    policyVersion: policy.version,
    type,
    cycle,
    targetMinutes,
    status: paused ? 'PAUSED' : 'ACTIVE',
    startedAt: now,
    ...deadlines(policy, now, targetMinutes, 0),
    pausedAt: paused ? now : null,
  };
}

/** Fields that close a metric at `now` as MET (or only stamp completedAt on a BREACHED one). */
function completeFields(m: SlaMetricState, now: Date, policy: SlaPolicyLike | null): SlaMetricFields | null {
  if (m.status === 'BREACHED') return m.completedAt ? null : { completedAt: now };
  if (!isOpenMetric(m)) return null;
  const fields: SlaMetricFields = { status: 'MET', completedAt: now };
  if (m.status === 'PAUSED' && m.pausedAt && policy) {
    // Fold the open pause in, so a later reopen continues from consistent numbers.
    fields.pausedBusinessSeconds = m.pausedBusinessSeconds + businessSecondsBetween(m.pausedAt, now, policy);
    fields.pausedAt = null;
  }
  return fields;
}

const change = (op: SlaChangeOp['op'], m: SlaMetricState, fields: SlaMetricFields): SlaChangeOp => ({
  op,
  id: m.id,
  type: m.type,
  fields,
});

function pauseOps(metrics: readonly SlaMetricState[], now: Date): SlaMetricOp[] {
  return metrics
    .filter((m) => RUNNING_METRIC_STATUSES.includes(m.status))
    .map((m) => change('update', m, { status: 'PAUSED', pausedAt: now }));
}

function resumeOps(metrics: readonly SlaMetricState[], now: Date, policy: SlaPolicyLike): SlaMetricOp[] {
  return metrics
    .filter((m) => m.status === 'PAUSED')
    .map((m) => {
      const pausedBusinessSeconds =
        m.pausedBusinessSeconds + (m.pausedAt ? businessSecondsBetween(m.pausedAt, now, policy) : 0);
      const d = deadlines(policy, m.startedAt, m.targetMinutes, pausedBusinessSeconds);
      return change('update', m, {
        status: runningStatus(d.warningAt, now),
        pausedAt: null,
        pausedBusinessSeconds,
        ...d,
      });
    });
}

function planStatusChange(input: PlanInput, from: string, to: string): SlaMetricOp[] {
  const { metrics, now, policy } = input;
  const ops: SlaMetricOp[] = [];
  if (isDone(to)) {
    if (isDone(from)) return ops; // RESOLVED → CLOSED and the like: nothing changes
    for (const m of metrics) {
      if (m.type === 'RESOLUTION') {
        const fields = completeFields(m, now, policy);
        if (fields) ops.push(change('complete', m, fields));
      } else if (isOpenMetric(m)) {
        ops.push(change('cancel', m, { status: 'CANCELLED', pausedAt: null }));
      }
    }
    return ops;
  }
  if (isDone(from)) {
    // Reopen: resume RESOLUTION, treating the resolved span as paused.
    for (const m of metrics) {
      if (m.type !== 'RESOLUTION' || !m.completedAt || !policy) continue;
      if (m.status !== 'MET' && m.status !== 'BREACHED') continue;
      const pausedBusinessSeconds = m.pausedBusinessSeconds + businessSecondsBetween(m.completedAt, now, policy);
      const d = deadlines(policy, m.startedAt, m.targetMinutes, pausedBusinessSeconds);
      const fields: SlaMetricFields = { completedAt: null, pausedBusinessSeconds, pausedAt: null, ...d };
      if (m.status === 'MET') {
        if (isPauseStatus(policy, to)) {
          fields.status = 'PAUSED';
          fields.pausedAt = now;
        } else {
          fields.status = runningStatus(d.warningAt, now);
        }
      }
      ops.push(change('update', m, fields));
    }
    return ops;
  }
  if (!policy) return ops;
  if (isPauseStatus(policy, to)) return pauseOps(metrics, now);
  return resumeOps(metrics, now, policy);
}

function planRetarget(input: PlanInput): SlaMetricOp[] {
  const { metrics, ticket, now, policy } = input;
  if (!policy) return [];
  const ops: SlaMetricOp[] = [];
  for (const m of metrics) {
    if (!isOpenMetric(m)) continue;
    const targetMinutes = targetMinutesFor(policy, m.type, ticket.priority);
    if (targetMinutes === null) {
      ops.push(change('cancel', m, { status: 'CANCELLED', pausedAt: null }));
      continue;
    }
    const d = deadlines(policy, m.startedAt, targetMinutes, m.pausedBusinessSeconds);
    const fields: SlaMetricFields = { policyId: policy.id, policyVersion: policy.version, targetMinutes, ...d };
    if (m.status !== 'PAUSED') fields.status = runningStatus(d.warningAt, now);
    ops.push(change('update', m, fields));
  }
  return ops;
}

/** Plan the metric operations for one ticket event. */
export function planSlaOperations(input: PlanInput): SlaMetricOp[] {
  const { metrics, ticket, event, now, policy } = input;
  switch (event.kind) {
    case 'created': {
      if (!policy || isDone(ticket.status)) return [];
      if (metrics.some((m) => m.type === 'FIRST_RESPONSE' || m.type === 'RESOLUTION')) return [];
      return (['FIRST_RESPONSE', 'RESOLUTION'] as const)
        .map((type) => createMetric(policy, ticket, type, 1, now))
        .filter((op): op is SlaCreateOp => op !== null);
    }
    case 'agentPublicReply': {
      const ops: SlaMetricOp[] = [];
      for (const m of metrics) {
        if (m.type === 'RESOLUTION') continue;
        const fields = completeFields(m, now, policy);
        if (fields) ops.push(change('complete', m, fields));
      }
      return ops;
    }
    case 'customerReply': {
      if (!policy || isDone(ticket.status)) return [];
      const next = metrics.filter((m) => m.type === 'NEXT_RESPONSE');
      if (next.some((m) => isOpenMetric(m) || (m.status === 'BREACHED' && !m.completedAt))) return [];
      const first = metrics.filter((m) => m.type === 'FIRST_RESPONSE');
      const firstDone = first.length ? first.every((m) => !!m.completedAt) : !!ticket.firstRespondedAt;
      if (!firstDone) return [];
      const cycle = next.reduce((max, m) => Math.max(max, m.cycle), 0) + 1;
      const op = createMetric(policy, ticket, 'NEXT_RESPONSE', cycle, now);
      return op ? [op] : [];
    }
    case 'statusChanged':
      return planStatusChange(input, event.from, event.to);
    case 'priorityChanged':
    case 'policyChanged':
      return planRetarget(input);
    case 'deleted':
      return metrics.filter(isOpenMetric).map((m) => change('cancel', m, { status: 'CANCELLED', pausedAt: null }));
  }
}
