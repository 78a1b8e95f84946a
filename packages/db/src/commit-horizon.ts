import type { PrismaClient } from './generated/prisma/client.js';

type Queryable = Pick<PrismaClient, '$queryRaw'>;

/**
 * The commit horizon of this database: every transaction with a smaller id has finished, so rows it
 * wrote are visible to the next statement and no row stamped with such an id can still appear. Readers
 * that follow a table in (txId, seq) order (the event consumer, live updates) read only below it, so a
 * late commit is never skipped.
 *
 * It is the snapshot's xmin, except that transactions positively known to run in ANOTHER database of
 * the cluster are ignored: they cannot write here, and a long one (a report, a bulk load, a backup)
 * would otherwise hold every follower back. A transaction whose database is unknown (no permission to
 * see it, or its backend just ended) still counts, so the horizon never passes anything of ours.
 */
export async function commitHorizon(db: Queryable): Promise<bigint> {
  const [row] = await db.$queryRaw<Array<{ horizon: string }>>`
    SELECT LEAST(
      pg_snapshot_xmax(s.snap),
      (SELECT min(x) FROM pg_snapshot_xip(s.snap) AS x
        WHERE NOT EXISTS (
                SELECT 1 FROM pg_stat_activity a
                WHERE a.backend_xid = ((x::text::numeric % 4294967296)::text)::xid
                  AND a.datname <> current_database())
          AND NOT EXISTS (
                SELECT 1 FROM pg_prepared_xacts p
                WHERE p.transaction = ((x::text::numeric % 4294967296)::text)::xid
                  AND p.database <> current_database()))
    )::text AS "horizon"
    FROM (SELECT pg_current_snapshot() AS snap) s`;
  return BigInt(row!.horizon);
}
