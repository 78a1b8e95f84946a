import { Prisma, SLABreachType, type SlaMetric } from '@nixflow/db/client';
import {
  DONE_TICKET_STATUSES,
  OPEN_METRIC_STATUSES,
  RUNNING_METRIC_STATUSES,
  type SlaCreateOp,
  type SlaMetricFields,
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

/** METRIC_COLUMNS qualified by the alias `m` (an UPDATE … FROM has two "id"s). */
const M_METRIC_COLUMNS = Prisma.raw(
  Object.values(Prisma.SlaMetricScalarFieldEnum)
    .map((c) => `m."${c}"`)
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
 * The lock of lockTicketMetrics as a query to embed in a caller's statement (`WITH m AS (…)`), so that the
 * lock costs no round trip of its own; `lock` false locks (and reads) nothing. The same id order.
 */
export function lockTicketMetricsQuery(ticketId: string, lock = true): Prisma.Sql {
  return Prisma.sql`
    SELECT ${METRIC_COLUMNS} FROM "SLAMetric" WHERE "ticketId" = ${ticketId}::uuid AND ${lock} ORDER BY "id" FOR UPDATE`;
}

/** The rows of a `lockTicketMetricsQuery` CTE named `cte` as one jsonb array column (read with lockedMetricsOf). */
export function lockedMetricColumns(cte: string): Prisma.Sql {
  if (!/^[a-z_]+$/.test(cte)) throw new Error(`Not a CTE name: ${cte}`);
  return Prisma.raw(`(SELECT coalesce(jsonb_agg(to_jsonb(${cte})), '[]'::jsonb) FROM ${cte})`);
}

const METRIC_DATE_FIELDS = [
  'startedAt',
  'dueAt',
  'warningAt',
  'pausedAt',
  'completedAt',
  'breachedAt',
  'createdAt',
  'updatedAt',
] as const;

/**
 * The metrics of a `lockedMetricColumns` value, sorted like lockTicketMetrics. jsonb renders a timestamp
 * (without time zone, stored as UTC) without its zone: it is read back as UTC.
 */
export function lockedMetricsOf(value: unknown): SlaMetric[] {
  const rows = (typeof value === 'string' ? JSON.parse(value) : (value ?? [])) as Record<string, unknown>[];
  return rows
    .map((r) => {
      const m = { ...r } as Record<string, unknown>;
      for (const f of METRIC_DATE_FIELDS) {
        const v = r[f];
        m[f] = typeof v === 'string' ? new Date(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`) : v;
      }
      return m as unknown as SlaMetric;
    })
    .sort(byTypeAndCycle);
}

/** The columns a create op writes (both write paths insert the same ones). */
function createdMetricColumns(op: SlaCreateOp) {
  return {
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
  };
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
  now?: Date,
): Promise<number> {
  let changed = 0;
  // The caller's clock when given (tests move it), else Prisma's own @updatedAt / the column default.
  const stamps = now ? { updatedAt: now } : {};
  const creations = ops.flatMap((op) => (op.op === 'create' ? [op] : []));
  if (creations.length > 0) {
    const res = await tx.slaMetric.createMany({
      data: creations.map((op) => ({
        ...(now ? { createdAt: now, updatedAt: now } : {}),
        ticketId,
        ...createdMetricColumns(op),
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
      data: { ...op.fields, ...stamps },
    });
    changed += res.count;
  }
  return changed;
}

/** A metric column an update op may set, with its SQL type (the JSON text is cast to it). */
const UPDATE_COLUMNS: Record<keyof SlaMetricFields, string> = {
  policyId: 'uuid',
  policyVersion: 'int',
  targetMinutes: 'int',
  status: '"SLAStatus"',
  dueAt: 'timestamp(3)',
  warningAt: 'timestamp(3)',
  pausedAt: 'timestamp(3)',
  pausedBusinessSeconds: 'int',
  completedAt: 'timestamp(3)',
};
// Each column keeps its value unless the op's fields (`u.f`, jsonb) name it; a named null clears it.
const UPDATE_SET = Prisma.raw(
  Object.entries(UPDATE_COLUMNS)
    .map(([c, type]) => `"${c}" = CASE WHEN u."f" ? '${c}' THEN (u."f"->>'${c}')::${type} ELSE m."${c}" END`)
    .join(',\n        '),
);

export interface MetricWriteResult {
  /** Rows created or updated (a duplicate creation or a refused update does not count). */
  changed: number;
  /** The ticket's metrics after the write, sorted by type and cycle. */
  metrics: SlaMetric[];
}

/**
 * applyMetricOps then syncTicketSla, in ONE statement (each statement costs a round trip and the
 * driver's work, more than the SQL itself): the creations (INSERT … ON CONFLICT DO NOTHING, as
 * skipDuplicates), the updates each guarded by the status the planner saw, and the ticket's slaNextDueAt
 * (and slaPolicyId when `policyId` is given). The CTEs all read one snapshot, so the next due is computed
 * from the metrics as they will be (untouched rows + inserted + updated), not read back from the table.
 * A CTE cannot update one row twice: ops naming one metric twice take the separate statements.
 * Timestamps come from `now` (the injected clock).
 */
export async function applyMetricOpsAndSyncTicket(
  tx: Tx,
  ticketId: string,
  metrics: readonly Pick<SlaMetricState, 'id' | 'status'>[],
  ops: SlaMetricOp[],
  opts: { now: Date; policyId?: string | null },
): Promise<MetricWriteResult> {
  const changes = ops.flatMap((op) => (op.op === 'create' ? [] : [op]));
  if (new Set(changes.map((op) => op.id)).size < changes.length) {
    const changed = await applyMetricOps(tx, ticketId, metrics, ops, opts.now);
    await syncTicketSla(tx, ticketId, opts.policyId);
    return { changed, metrics: await lockTicketMetrics(tx, ticketId) };
  }
  const now = opts.now.toISOString();
  const creations = ops.flatMap((op) => (op.op === 'create' ? [createdMetricColumns(op)] : []));
  // `guard` null: a metric the planner did not see is updated whatever its status (as applyMetricOps).
  const updates = changes.map((op) => ({
    id: op.id,
    guard: metrics.find((m) => m.id === op.id)?.status ?? null,
    f: op.fields,
  }));
  const setPolicy = opts.policyId !== undefined;
  const rows = await tx.$queryRaw<(SlaMetric & { changed: boolean })[]>`
    WITH ins AS (
      INSERT INTO "SLAMetric" ("ticketId", "policyId", "policyVersion", "type", "cycle", "targetMinutes", "status",
                               "startedAt", "dueAt", "warningAt", "pausedAt", "createdAt", "updatedAt")
      SELECT ${ticketId}::uuid, r."policyId", r."policyVersion", r."type", r."cycle", r."targetMinutes", r."status",
             r."startedAt", r."dueAt", r."warningAt", r."pausedAt", ${now}::timestamp(3), ${now}::timestamp(3)
      FROM jsonb_to_recordset(${JSON.stringify(creations)}::jsonb) AS r(
        "policyId" uuid, "policyVersion" int, "type" "SLABreachType", "cycle" int, "targetMinutes" int,
        "status" "SLAStatus", "startedAt" timestamp(3), "dueAt" timestamp(3), "warningAt" timestamp(3),
        "pausedAt" timestamp(3))
      ON CONFLICT DO NOTHING
      RETURNING ${METRIC_COLUMNS}
    ), upd AS (
      UPDATE "SLAMetric" m SET
        ${UPDATE_SET},
        "updatedAt" = ${now}::timestamp(3)
      FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS u("id" uuid, "guard" "SLAStatus", "f" jsonb)
      WHERE m."id" = u."id" AND m."ticketId" = ${ticketId}::uuid AND (u."guard" IS NULL OR m."status" = u."guard")
      RETURNING ${M_METRIC_COLUMNS}
    ), after AS (
      SELECT ${METRIC_COLUMNS}, false AS "changed" FROM "SLAMetric"
      WHERE "ticketId" = ${ticketId}::uuid AND "id" NOT IN (SELECT "id" FROM upd)
      UNION ALL SELECT ${METRIC_COLUMNS}, true FROM ins
      UNION ALL SELECT ${METRIC_COLUMNS}, true FROM upd
    ), tk AS (
      UPDATE "Ticket" t
      SET "slaNextDueAt" = (SELECT min(a."dueAt") FROM after a
                            WHERE a."status" IN (${RUNNING_STATUSES_LIST}) OR (a."status" = 'BREACHED' AND a."completedAt" IS NULL)),
          "slaPolicyId" = CASE WHEN ${setPolicy} THEN ${opts.policyId ?? null}::uuid ELSE t."slaPolicyId" END
      WHERE t."id" = ${ticketId}::uuid
    )
    SELECT * FROM after`;
  return {
    changed: rows.filter((r) => r.changed).length,
    metrics: rows.map(({ changed: _, ...m }) => m).sort(byTypeAndCycle),
  };
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
