import type { SlaPolicy } from '@nixflow/db/client';
import { planSlaOperations, type SlaMetricState, type SlaTicketLike } from '@nixflow/core';
import type { Tx } from '../tx.js';
import { OPEN_STATUSES_SQL, syncTicketSla } from './sla-metric-store.js';

export const RECOMPUTE_CHUNK = 1000;

interface OpenMetricRow extends SlaMetricState {
  ticketId: string;
  ticketStatus: string;
  ticketPriority: string;
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * Recomputes one chunk of the open metrics of `policyId` that still carry an older policy version
 * (targets, due and warning instants, AT_RISK/ACTIVE), with the pure planner of the ticket hooks. The worker runs it chunk by chunk
 * (event consumer); the API runs it in a small policy's PATCH transaction (SlaLifecycleService.onPolicyChanged).
 * Idempotent and convergent: a recomputed metric gets the current version and drops out of the query,
 * so a crash between chunks only means the next run continues. Returns true when nothing is left.
 */
export async function recomputePolicyChunk(
  tx: Tx,
  policyId: string,
  now: Date,
  chunk = RECOMPUTE_CHUNK,
): Promise<{ done: boolean; changed: number }> {
  const policy = await tx.slaPolicy.findUnique({ where: { id: policyId } });
  if (!policy) return { done: true, changed: 0 };
  const rows = await tx.$queryRaw<OpenMetricRow[]>`
    SELECT m."id", m."ticketId", m."policyId", m."policyVersion", m."type"::text AS "type", m."cycle",
           m."targetMinutes", m."status"::text AS "status", m."startedAt", m."dueAt", m."warningAt", m."pausedAt",
           m."pausedBusinessSeconds", m."completedAt", m."breachedAt",
           t."status"::text AS "ticketStatus", t."priority"::text AS "ticketPriority"
    FROM "SLAMetric" m JOIN "Ticket" t ON t."id" = m."ticketId"
    WHERE m."policyId" = ${policyId}::uuid AND m."status" = ANY (${OPEN_STATUSES_SQL})
      AND m."policyVersion" < ${policy.version}
    ORDER BY m."id"
    LIMIT ${chunk}
    -- The sweep may be breaching some of these right now: wait for it, then the status guard below decides.
    FOR UPDATE OF m`;
  const changed = await applyRetarget(tx, policy, rows, now);
  if (rows.length > 0) {
    // Deadlines moved: keep the tickets' denormalised next deadline (sort=slaDueAt) in step.
    await syncTicketSla(tx, [...new Set(rows.map((r) => r.ticketId))]);
  }
  return { done: rows.length < chunk, changed };
}

async function applyRetarget(tx: Tx, policy: SlaPolicy, rows: OpenMetricRow[], now: Date): Promise<number> {
  const ids: string[] = [];
  const seen: string[] = [];
  const statuses: string[] = [];
  const targets: number[] = [];
  const dues: string[] = [];
  const warnings: (string | null)[] = [];
  const clearPause: boolean[] = [];
  for (const m of rows) {
    const ticket: SlaTicketLike = { status: m.ticketStatus, priority: m.ticketPriority };
    const [op] = planSlaOperations({ metrics: [m], ticket, event: { kind: 'policyChanged' }, now, policy });
    // No change planned still stamps the version, so the metric leaves the "older version" set.
    const f = op && op.op !== 'create' ? op.fields : {};
    ids.push(m.id);
    seen.push(m.status);
    statuses.push(f.status ?? m.status);
    targets.push(f.targetMinutes ?? m.targetMinutes);
    dues.push(iso(f.dueAt ?? m.dueAt)!);
    warnings.push(iso(f.warningAt === undefined ? m.warningAt : f.warningAt));
    clearPause.push(f.pausedAt === null);
  }
  if (ids.length === 0) return 0;
  // One statement per chunk; guarded by the status we planned from, so a concurrent breach is never undone.
  return tx.$executeRaw`
    UPDATE "SLAMetric" m
    SET "policyVersion" = ${policy.version}, "status" = u."status"::"SLAStatus", "targetMinutes" = u."target",
        "dueAt" = u."due"::timestamp(3), "warningAt" = u."warning"::timestamp(3),
        "pausedAt" = CASE WHEN u."clearPause" THEN NULL ELSE m."pausedAt" END,
        "updatedAt" = ${now.toISOString()}::timestamp(3)
    FROM unnest(${ids}::uuid[], ${seen}::text[], ${statuses}::text[], ${targets}::int[], ${dues}::text[],
                ${warnings}::text[], ${clearPause}::boolean[])
         AS u("id", "seen", "status", "target", "due", "warning", "clearPause")
    WHERE m."id" = u."id" AND m."status"::text = u."seen" AND m."policyVersion" < ${policy.version}`;
}
