import type { Ticket } from '@nixflow/db/client';
import { planSlaOperations, selectPolicy, type SlaMetricOp } from '@nixflow/core';
import { TICKET_COLUMNS } from '../tickets/ticket-columns.js';
import type { Tx } from '../tx.js';
import {
  applyMetricOpsAndSyncTicket,
  DONE_TICKET_STATUSES_LIST,
  lockTicketMetrics,
  toState,
} from './sla-metric-store.js';

export const SLA_POLICY_RETIRED = 'SLAPolicyRetired';
export const RETIRE_CHUNK = 200;

/**
 * Re-evaluates one chunk of the open tickets a deactivated or deleted policy governed (Ticket.slaPolicyId):
 * each ticket gets the first active policy that matches it now. Its open clocks are retargeted to that
 * policy (same startedAt, so time already spent counts); a ticket that had no clocks (a "no SLA" or
 * target-less policy) starts the new policy's clocks now; with no matching policy the open clocks are
 * cancelled. Every processed ticket leaves the set (its slaPolicyId changes), so this converges and a crash
 * between chunks only means the next run continues. A policy active again by now is left alone.
 */
export async function reevaluateRetiredPolicyChunk(
  tx: Tx,
  policyId: string,
  now: Date,
  chunk = RETIRE_CHUNK,
): Promise<{ done: boolean; changed: number }> {
  const retired = await tx.slaPolicy.findUnique({ where: { id: policyId } });
  if (!retired || (retired.isActive && !retired.deletedAt)) return { done: true, changed: 0 };
  const active = await tx.slaPolicy.findMany({
    where: { isActive: true, deletedAt: null },
    orderBy: [{ position: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
  });
  // Locked like a ticket PATCH locks it, so a concurrent edit is applied before or after, never half.
  const tickets = await tx.$queryRaw<Ticket[]>`
    SELECT ${TICKET_COLUMNS} FROM "Ticket"
    WHERE "slaPolicyId" = ${policyId}::uuid AND "deletedAt" IS NULL AND "status" NOT IN (${DONE_TICKET_STATUSES_LIST})
    ORDER BY "id" LIMIT ${chunk} FOR UPDATE`;
  let changed = 0;
  for (const ticket of tickets) {
    const metrics = (await lockTicketMetrics(tx, ticket.id)).map(toState);
    const policy = selectPolicy(active, ticket);
    const ops: SlaMetricOp[] = policy
      ? [
          ...planSlaOperations({ metrics, ticket, event: { kind: 'policyChanged' }, now, policy }),
          ...planSlaOperations({ metrics, ticket, event: { kind: 'created' }, now, policy }),
        ]
      : planSlaOperations({ metrics, ticket, event: { kind: 'deleted' }, now, policy: null });
    // Without a policy nothing is created (the "deleted" plan only cancels). One statement per ticket.
    const written = await applyMetricOpsAndSyncTicket(
      tx,
      ticket.id,
      metrics,
      policy ? ops : ops.filter((op) => op.op !== 'create'),
      { now, policyId: policy?.id ?? null },
    );
    changed += written.changed;
  }
  return { done: tickets.length < chunk, changed };
}
