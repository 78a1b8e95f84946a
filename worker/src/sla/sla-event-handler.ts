import type { Prisma } from '@nixflow/db/client';
import type { LoggedEvent } from '../events/event-log.js';
import { notifySlaAlerts, type EmailEnqueuer, type SlaAlert } from './sla-notifications.js';
import { RECOMPUTE_CHUNK, recomputePolicyChunk } from './sla-policy-recompute.js';

type Tx = Prisma.TransactionClient;

export const SLA_POLICY_CHANGED = 'SLAPolicyChanged';
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
}

/**
 * The SLA side of the event log, applied in order inside the consumer's transaction:
 * SLABreached / SLAAtRisk → notifications (batched); SLAPolicyChanged → recompute the policy's open
 * metrics one chunk at a time. When a policy still has metrics left after a chunk, the batch stops
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
  const flush = async () => {
    const r = await notifySlaAlerts(tx, pending, enqueueEmails);
    stats.notifications += r.notifications;
    stats.emails += r.emails;
    pending = [];
  };
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (ALERTS.has(e.type)) {
      const alert = toAlert(e);
      if (alert) pending.push(alert);
    } else if (e.type === SLA_POLICY_CHANGED) {
      await flush();
      const policyId = str(e.payload?.policyId ?? e.aggregateId);
      const { done, changed } = await recomputePolicyChunk(tx, policyId, now, recomputeChunk);
      stats.recomputed += changed;
      if (!done) return i;
    }
  }
  await flush();
  return events.length;
}
