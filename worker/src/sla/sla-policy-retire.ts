import type { Prisma, SLAMetric, SLAPolicy, Ticket } from '@nixflow/db/client';
import { planSlaOperations, selectPolicy, type SlaMetricOp } from '@nixflow/core';

type Tx = Prisma.TransactionClient;

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
  const retired = await tx.sLAPolicy.findUnique({ where: { id: policyId } });
  if (!retired || (retired.isActive && !retired.deletedAt)) return { done: true, changed: 0 };
  const active = await tx.sLAPolicy.findMany({
    where: { isActive: true, deletedAt: null },
    orderBy: [{ position: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
  });
  // Locked like a ticket PATCH locks it, so a concurrent edit is applied before or after, never half.
  const tickets = await tx.$queryRaw<Ticket[]>`
    SELECT * FROM "Ticket"
    WHERE "slaPolicyId" = ${policyId}::uuid AND "deletedAt" IS NULL AND "status" NOT IN ('RESOLVED', 'CLOSED')
    ORDER BY "id" LIMIT ${chunk} FOR UPDATE`;
  let changed = 0;
  for (const ticket of tickets) {
    const metrics = await tx.$queryRaw<SLAMetric[]>`
      SELECT * FROM "SLAMetric" WHERE "ticketId" = ${ticket.id}::uuid ORDER BY "id" FOR UPDATE`;
    const policy = selectPolicy(active, ticket);
    const ops: SlaMetricOp[] = policy
      ? [
          ...planSlaOperations({ metrics, ticket, event: { kind: 'policyChanged' }, now, policy }),
          ...planSlaOperations({ metrics, ticket, event: { kind: 'created' }, now, policy }),
        ]
      : planSlaOperations({ metrics, ticket, event: { kind: 'deleted' }, now, policy: null });
    changed += await applyOps(tx, ticket.id, metrics, ops, policy);
    await tx.$executeRaw`
      UPDATE "Ticket" t
      SET "slaPolicyId" = ${policy?.id ?? null}::uuid,
          "slaNextDueAt" = (SELECT min(m."dueAt") FROM "SLAMetric" m WHERE m."ticketId" = t."id"
                            AND (m."status" IN ('ACTIVE', 'AT_RISK') OR (m."status" = 'BREACHED' AND m."completedAt" IS NULL)))
      WHERE t."id" = ${ticket.id}::uuid`;
  }
  return { done: tickets.length < chunk, changed };
}

async function applyOps(
  tx: Tx,
  ticketId: string,
  metrics: SLAMetric[],
  ops: SlaMetricOp[],
  policy: SLAPolicy | null,
): Promise<number> {
  let changed = 0;
  const creations = ops.flatMap((op) => (op.op === 'create' ? [op] : []));
  if (creations.length > 0 && policy) {
    const res = await tx.sLAMetric.createMany({
      data: creations.map(({ op: _op, ...c }) => ({ ticketId, ...c })),
      skipDuplicates: true,
    });
    changed += res.count;
  }
  for (const op of ops) {
    if (op.op === 'create') continue;
    const seen = metrics.find((m) => m.id === op.id);
    // Guarded by the status we planned from: a concurrent breach is never undone.
    const res = await tx.sLAMetric.updateMany({
      where: { id: op.id, ...(seen ? { status: seen.status } : {}) },
      data: op.fields,
    });
    changed += res.count;
  }
  return changed;
}
