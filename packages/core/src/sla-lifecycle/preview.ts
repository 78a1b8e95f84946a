/**
 * Policy preview: what a policy (new, or a change to an existing one) would do to open tickets, without
 * writing. Each ticket is evaluated against the policy list with the change applied (selectPolicy); for
 * the tickets the candidate would govern, every open metric is retargeted with the same planner the
 * lifecycle uses, so the preview shows the due dates a recompute would write.
 */
import { isOpenMetric, planSlaOperations } from './planner.js';
import { policyHasTargets, selectPolicy } from './policy.js';
import type { SlaMetricState, SlaMetricType, SlaPolicyLike, SlaTicketLike } from './types.js';

export interface PreviewMetricMove {
  metricId: string;
  type: SlaMetricType;
  cycle: number;
  status: string;
  currentDueAt: Date;
  /** null: the metric would be cancelled (no target for its type any more). */
  newDueAt: Date | null;
  /** Not breached now, but the new deadline has already passed: the next sweep would breach it. */
  breachedAtOnce: boolean;
}

export interface PreviewTicketResult {
  /** The policy governing the ticket's open metrics today (null: none). */
  currentPolicyId: string | null;
  metrics: PreviewMetricMove[];
  /** The ticket has no open metric: evaluated today it would start the candidate's clocks. */
  wouldStartClocks: boolean;
}

/**
 * `policiesAfter` is the full policy list with the candidate in place (replacing its current version).
 * Returns null when the candidate would not govern the ticket.
 */
export function previewTicket<P extends SlaPolicyLike>(
  policiesAfter: readonly P[],
  candidate: P,
  ticket: SlaTicketLike,
  metrics: readonly SlaMetricState[],
  now: Date,
): PreviewTicketResult | null {
  const selected = selectPolicy(policiesAfter, ticket);
  if (!selected || selected.id !== candidate.id) return null;
  const open = metrics.filter(isOpenMetric);
  const moves: PreviewMetricMove[] = [];
  for (const m of open) {
    const [op] = planSlaOperations({ metrics: [m], ticket, event: { kind: 'policyChanged' }, now, policy: candidate });
    const fields = op && op.op !== 'create' ? op.fields : {};
    const cancelled = fields.status === 'CANCELLED';
    const newDueAt = cancelled ? null : (fields.dueAt ?? m.dueAt);
    moves.push({
      metricId: m.id,
      type: m.type,
      cycle: m.cycle,
      status: m.status,
      currentDueAt: m.dueAt,
      newDueAt,
      breachedAtOnce: m.status !== 'PAUSED' && newDueAt !== null && newDueAt.getTime() <= now.getTime(),
    });
  }
  return {
    currentPolicyId: open[0]?.policyId ?? null,
    metrics: moves,
    wouldStartClocks: open.length === 0 && policyHasTargets(candidate),
  };
}
