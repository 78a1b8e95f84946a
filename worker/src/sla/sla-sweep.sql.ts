import { Prisma } from '@nixflow/db/client';
import { RUNNING_METRIC_STATUSES } from '@nixflow/core';
import { RUNNING_STATUSES_LIST, sqlStatusList } from '@nixflow/domain';

/** Counts returned by one batch statement (cast to int so Prisma does not hand back BigInt). */
export interface SweepBatchRow {
  selected: number;
  changed: number;
  events: number;
}

// `now` travels as an ISO string cast to timestamp(3): columns are UTC `timestamp without time zone`
// (Prisma's DateTime), and a string cast ignores the session TimeZone, so comparisons stay exact.
const ts = (now: Date): Prisma.Sql => Prisma.sql`${now.toISOString()}::timestamp(3)`;
/**
 * A timestamp(3) column (UTC without zone) as ISO 8601 text with `Z`: jsonb_build_object would write it
 * without a zone ("2026-12-03T12:51:24.301"), which clients read as local time.
 */
const isoZ = (column: Prisma.Sql): Prisma.Sql => Prisma.sql`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Epoch milliseconds (float8, exact for whole milliseconds), or null when there is none. */
export interface SweepProbeRow {
  /** Earliest dueAt of an ACTIVE/AT_RISK metric: something to breach when <= now. */
  dueAt: number | null;
  /** Earliest warningAt of an ACTIVE metric: something to mark AT_RISK when <= now. */
  warningAt: number | null;
}

/**
 * The idle check: each subquery is a min() over a partial index, i.e. its first entry (a handful of
 * buffers whatever the table size), without locks or a write transaction. It has no parameter on purpose:
 * as a named prepared statement its plan is made once per connection, and planning (a few ms with the
 * table's indexes to consider) is most of what a trivial statement costs.
 */
export const SWEEP_PROBE_SQL = `
SELECT round(EXTRACT(EPOCH FROM (SELECT min("dueAt") FROM "SLAMetric" WHERE "status" IN (${sqlStatusList(RUNNING_METRIC_STATUSES)}))) * 1000)::float8 AS "dueAt",
       round(EXTRACT(EPOCH FROM (SELECT min("warningAt") FROM "SLAMetric" WHERE "status" = 'ACTIVE')) * 1000)::float8 AS "warningAt"`;

/**
 * Breach one batch of overdue metrics in ONE statement (hence one transaction):
 * lock → mark BREACHED (or CANCELLED for soft-deleted tickets) → SLABreach → EventLog (SLABreached).
 * Notifications (in-app and email) are made by the event consumer from that event, so this statement
 * stays small and a slow mail setup never holds metric locks.
 */
export function breachBatchSql(now: Date, batchSize: number): Prisma.Sql {
  return Prisma.sql`
WITH due AS (
  SELECT m."id", m."ticketId", m."policyId", m."type", m."dueAt",
         -- A scalar subquery is a primary-key probe per selected row; a join or EXISTS lets the planner
         -- hash (seq-scan) the whole Ticket table.
         coalesce((SELECT t."deletedAt" IS NOT NULL FROM "Ticket" t WHERE t."id" = m."ticketId"), false) AS "deleted"
  FROM "SLAMetric" m
  -- Same predicate as the partial index "SLAMetric_open_dueAt_idx", so only open metrics are scanned.
  WHERE m."status" IN (${RUNNING_STATUSES_LIST}) AND m."dueAt" <= ${ts(now)}
  -- Oldest first, bounded: a backlog is worked off in batches without one huge transaction.
  ORDER BY m."dueAt"
  LIMIT ${batchSize}
  -- Concurrent workers take disjoint rows instead of waiting on (or double-processing) each other.
  FOR UPDATE OF m SKIP LOCKED
),
marked AS (
  UPDATE "SLAMetric" m
  -- A soft-deleted ticket's clock is cancelled, not breached, so it leaves the open index for good.
  SET "status" = CASE WHEN m."id" = ANY (ARRAY(SELECT "id" FROM due WHERE "deleted"))
                      THEN 'CANCELLED'::"SLAStatus" ELSE 'BREACHED'::"SLAStatus" END,
      -- The breach happened at the deadline, not when this sweep noticed it.
      "breachedAt" = CASE WHEN m."id" = ANY (ARRAY(SELECT "id" FROM due WHERE "deleted"))
                          THEN m."breachedAt" ELSE m."dueAt" END,
      "updatedAt" = ${ts(now)}
  -- "= ANY(array)" makes this a primary-key lookup per row (a join with the CTE may seq-scan the table).
  WHERE m."id" = ANY (ARRAY(SELECT "id" FROM due))
  RETURNING m."id"
),
breaches AS (
  INSERT INTO "SLABreach" ("ticketId", "metricId", "policyId", "type", "dueAt", "breachedAt", "detectedAt")
  SELECT d."ticketId", d."id", d."policyId", d."type", d."dueAt", d."dueAt", ${ts(now)}
  FROM due d
  WHERE NOT d."deleted"
  -- The unique metricId is the last line of defence: a metric can never be breached twice.
  ON CONFLICT ("metricId") DO NOTHING
  RETURNING "id", "metricId", "ticketId", "type", "dueAt"
),
events AS (
  -- Only for breaches inserted just now, so retries never duplicate events.
  INSERT INTO "EventLog" ("type", "aggregateType", "aggregateId", "payload")
  SELECT 'SLABreached', 'Ticket', b."ticketId"::text,
         jsonb_build_object('metricId', b."metricId", 'breachId', b."id", 'type', b."type", 'dueAt', ${isoZ(Prisma.sql`b."dueAt"`)})
  FROM breaches b
  RETURNING 1
)
SELECT (SELECT count(*) FROM due)::int AS "selected",
       (SELECT count(*) FROM breaches)::int AS "changed",
       (SELECT count(*) FROM events)::int AS "events"`;
}

/** Mark one batch of ACTIVE metrics past their warning point (but not yet due) AT_RISK, with an SLAAtRisk event. */
export function atRiskBatchSql(now: Date, batchSize: number): Prisma.Sql {
  return Prisma.sql`
WITH warned AS (
  SELECT m."id", m."ticketId", m."type", m."dueAt", m."warningAt"
  FROM "SLAMetric" m
  -- Matches the partial index "SLAMetric_open_warningAt_idx"; dueAt > now leaves due ones to the breach pass.
  WHERE m."status" = 'ACTIVE' AND m."warningAt" <= ${ts(now)} AND m."dueAt" > ${ts(now)}
    -- Soft-deleted tickets are not warned about; the breach pass cancels their metrics at dueAt.
    AND (SELECT t."deletedAt" FROM "Ticket" t WHERE t."id" = m."ticketId") IS NULL
  ORDER BY m."warningAt"
  LIMIT ${batchSize}
  FOR UPDATE OF m SKIP LOCKED
),
marked AS (
  UPDATE "SLAMetric" m
  SET "status" = 'AT_RISK'::"SLAStatus", "updatedAt" = ${ts(now)}
  -- Re-checked after the lock: a metric another transaction just moved on is left alone.
  WHERE m."id" = ANY (ARRAY(SELECT "id" FROM warned)) AND m."status" = 'ACTIVE'
  RETURNING m."id"
),
events AS (
  INSERT INTO "EventLog" ("type", "aggregateType", "aggregateId", "payload")
  SELECT 'SLAAtRisk', 'Ticket', w."ticketId"::text,
         jsonb_build_object('metricId', w."id", 'type', w."type", 'dueAt', ${isoZ(Prisma.sql`w."dueAt"`)}, 'warningAt', ${isoZ(Prisma.sql`w."warningAt"`)})
  FROM warned w JOIN marked k ON k."id" = w."id"
  RETURNING 1
)
SELECT (SELECT count(*) FROM warned)::int AS "selected",
       (SELECT count(*) FROM marked)::int AS "changed",
       (SELECT count(*) FROM events)::int AS "events"`;
}
