import {
  RECOMPUTE_CHUNK,
  SLA_POLICY_RETIRED,
  cancelOpenMetricsOfDeletedTickets,
  recomputePolicyChunk,
  reevaluateRetiredPolicyChunk,
  type Tx,
} from '@nixflow/domain';
import type { LoggedEvent } from '../events/event-log.js';
import { notifySlaAlerts, type EmailEnqueuer, type SlaAlert } from './sla-notifications.js';

export const SLA_POLICY_CHANGED = 'SLAPolicyChanged';
export const TICKET_DELETED = 'TicketDeleted';
const ALERTS = new Set(['SLABreached', 'SLAAtRisk']);

const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));

function toAlert(e: LoggedEvent): SlaAlert | null {
  const p = e.payload ?? {};
  if (e.aggregateType !== 'Ticket' || !p.metricId) return null;
  return {
    kind: e.type as SlaAlert['kind'],
    ticketId: e.aggregateId,
    metricId: str(p.metricId),
    metricType: str(p.type),
    dueAt: str(p.dueAt),
  };
}

export interface SlaHandlerStats {
  notifications: number;
  emails: number;
  recomputed: number;
  cancelled: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Safety net behind the API's own hook (SlaLifecycleService.onTicketDeleted, same transaction as the
 * delete): open metrics of tickets that are still deleted are cancelled. Idempotent; a restored ticket
 * (deletedAt cleared again) is left alone.
 */
function cancelDeletedTickets(tx: Tx, ticketIds: string[], now: Date): Promise<number> {
  return cancelOpenMetricsOfDeletedTickets(
    tx,
    ticketIds.filter((id) => UUID.test(id)),
    now,
  );
}

/**
 * The SLA side of the event log, applied in order inside the consumer's transaction:
 * SLABreached / SLAAtRisk → notifications (batched); TicketDeleted → cancel what is still open (batched);
 * SLAPolicyChanged → recompute the policy's open
 * metrics one chunk at a time; SLAPolicyRetired → re-evaluate the open tickets the policy governed, likewise. When a policy still has metrics left after a chunk, the batch stops
 * right before that event (handled = its index): the chunk commits, the watermark stays in front of
 * the event, and the next call continues; recompute is convergent, so that is safe.
 */
export async function handleSlaEvents(
  tx: Tx,
  events: LoggedEvent[],
  now: Date,
  enqueueEmails: EmailEnqueuer | null,
  stats: SlaHandlerStats,
  recomputeChunk = RECOMPUTE_CHUNK,
): Promise<number> {
  let pending: SlaAlert[] = [];
  let deleted: string[] = [];
  const flush = async () => {
    const r = await notifySlaAlerts(tx, pending, enqueueEmails, now);
    stats.notifications += r.notifications;
    stats.emails += r.emails;
    stats.cancelled += await cancelDeletedTickets(tx, deleted, now);
    pending = [];
    deleted = [];
  };
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (ALERTS.has(e.type)) {
      const alert = toAlert(e);
      if (alert) pending.push(alert);
    } else if (e.type === TICKET_DELETED && e.aggregateType === 'Ticket') {
      deleted.push(e.aggregateId);
    } else if (e.type === SLA_POLICY_CHANGED) {
      await flush();
      const policyId = str(e.payload?.policyId ?? e.aggregateId);
      const { done, changed } = await recomputePolicyChunk(tx, policyId, now, recomputeChunk);
      stats.recomputed += changed;
      if (!done) return i;
    } else if (e.type === SLA_POLICY_RETIRED) {
      await flush();
      const policyId = str(e.payload?.policyId ?? e.aggregateId);
      if (!UUID.test(policyId)) continue;
      const { done, changed } = await reevaluateRetiredPolicyChunk(tx, policyId, now);
      stats.recomputed += changed;
      if (!done) return i;
    }
  }
  await flush();
  return events.length;
}
