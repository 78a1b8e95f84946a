import { Prisma, SLABreachType, type SlaMetric } from '@nixflow/db/client';
import {
  DONE_TICKET_STATUSES,
  OPEN_METRIC_STATUSES,
  RUNNING_METRIC_STATUSES,
  type SlaMetricOp,
  type SlaMetricState,
} from '@nixflow/core';
import type { Tx } from '../tx.js';

/**
 * The SQL over "SLAMetric" that the API (SlaLifecycleService) and the worker (recompute, retire,
 * deleted-ticket safety net) share: one lock order, one guarded write, one list of open statuses.
 */

/** Core's open statuses as a SQL array parameter: `m."status" = ANY (${OPEN_STATUSES_SQL})`. */
export const OPEN_STATUSES_SQL = Prisma.sql`${[...OPEN_METRIC_STATUSES]}::"SLAStatus"[]`;

/**
 * Core's status lists as SQL literals (`'ACTIVE', 'AT_RISK'`) for `IN (…)`: literals, not parameters, where
 * the planner must match a partial index's predicate (or a prepared statement must stay parameter-free).
 */
export function sqlStatusList(statuses: readonly string[]): string {
  for (const s of statuses) if (!/^[A-Z_]+$/.test(s)) throw new Error(`Not a status name: ${s}`);
  return statuses.map((s) => `'${s}'`).join(', ');
}
export const OPEN_STATUSES_LIST = Prisma.raw(sqlStatusList(OPEN_METRIC_STATUSES));
export const RUNNING_STATUSES_LIST = Prisma.raw(sqlStatusList(RUNNING_METRIC_STATUSES));
export const DONE_TICKET_STATUSES_LIST = Prisma.raw(sqlStatusList(DONE_TICKET_STATUSES));

/** The model's columns (no @map in the schema), so a raw row is exactly an SlaMetric. */
const METRIC_COLUMNS = Prisma.raw(
  Object.values(Prisma.SlaMetricScalarFieldEnum)
    .map((c) => `"${c}"`)
    .join(', '),
);

/** Enum declaration order, which is how PostgreSQL (and so Prisma's orderBy) sorts an enum column. */
const TYPE_ORDER: readonly string[] = Object.values(SLABreachType);
const byTypeAndCycle = (a: SlaMetric, b: SlaMetric): number =>
  TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || a.cycle - b.cycle;

/**
 * A ticket's metrics, locked for the rest of the transaction, in one statement. Every locker of a
 * ticket's metrics locks them in id order (no deadlock between two of them); sorted by type and cycle.
 */
export async function lockTicketMetrics(tx: Tx, ticketId: string): Promise<SlaMetric[]> {
  const rows = await tx.$queryRaw<SlaMetric[]>`
    SELECT ${METRIC_COLUMNS} FROM "SLAMetric" WHERE "ticketId" = ${ticketId}::uuid ORDER BY "id" FOR UPDATE`;
  return rows.sort(byTypeAndCycle);
}

/**
 * Applies planned operations to one ticket's metrics. All creations in one statement (the unique
 * (ticketId, type, cycle) makes a duplicate call harmless); every update is guarded by the status the
 * planner saw, so a concurrent breach is never undone (BREACHED never goes back to ACTIVE).
 */
export async function applyMetricOps(
  tx: Tx,
  ticketId: string,
  metrics: readonly Pick<SlaMetricState, 'id' | 'status'>[],
  ops: SlaMetricOp[],
): Promise<number> {
  let changed = 0;
  const creations = ops.flatMap((op) => (op.op === 'create' ? [op] : []));
  if (creations.length > 0) {
    const res = await tx.slaMetric.createMany({
      data: creations.map((op) => ({
        ticketId,
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
      })),
      skipDuplicates: true,
    });
    changed += res.count;
  }
  for (const op of ops) {
    if (op.op === 'create') continue;
    const seen = metrics.find((m) => m.id === op.id);
    const res = await tx.slaMetric.updateMany({
      where: { id: op.id, ...(seen ? { status: seen.status } : {}) },
      data: op.fields,
    });
    changed += res.count;
  }
  return changed;
}

/**
 * Keeps the ticket's SLA columns in step with its metrics: slaNextDueAt (the earliest deadline of a
 * running metric, or of a breached one nobody answered yet: the ticket list's sort=slaDueAt) and, when
 * given, slaPolicyId. Raw, so updatedAt and version stay as they are (no user-visible change).
 */
export async function syncTicketSla(tx: Tx, ticketIds: string | string[], policyId?: string | null): Promise<void> {
  const ids = Array.isArray(ticketIds) ? ticketIds : [ticketIds];
  const setPolicy = policyId !== undefined;
  await tx.$executeRaw`
    UPDATE "Ticket" t
    SET "slaNextDueAt" = (SELECT min(m."dueAt") FROM "SLAMetric" m
                          WHERE m."ticketId" = t."id"
                            AND (m."status" IN (${RUNNING_STATUSES_LIST}) OR (m."status" = 'BREACHED' AND m."completedAt" IS NULL))),
        "slaPolicyId" = CASE WHEN ${setPolicy} THEN ${policyId ?? null}::uuid ELSE t."slaPolicyId" END
    WHERE t."id" = ANY (${ids}::uuid[])`;
}

/**
 * Cancels the open metrics of those of `ticketIds` that are (still) soft-deleted: the worker's safety net
 * behind the API's own hook. Idempotent; a restored ticket is left alone.
 */
export async function cancelOpenMetricsOfDeletedTickets(tx: Tx, ticketIds: string[], now: Date): Promise<number> {
  if (ticketIds.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE "SLAMetric" m SET "status" = 'CANCELLED', "pausedAt" = NULL, "updatedAt" = ${now.toISOString()}::timestamp(3)
    WHERE m."ticketId" = ANY (${ticketIds}::uuid[]) AND m."status" = ANY (${OPEN_STATUSES_SQL})
      AND EXISTS (SELECT 1 FROM "Ticket" t WHERE t."id" = m."ticketId" AND t."deletedAt" IS NOT NULL)`;
}

export function toState(m: SlaMetric): SlaMetricState {
  return {
    id: m.id,
    policyId: m.policyId,
    policyVersion: m.policyVersion,
    type: m.type,
    cycle: m.cycle,
    targetMinutes: m.targetMinutes,
    status: m.status,
    startedAt: m.startedAt,
    dueAt: m.dueAt,
    warningAt: m.warningAt,
    pausedAt: m.pausedAt,
    pausedBusinessSeconds: m.pausedBusinessSeconds,
    completedAt: m.completedAt,
    breachedAt: m.breachedAt,
  };
}
