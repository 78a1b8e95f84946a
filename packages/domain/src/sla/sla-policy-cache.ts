import type { SlaPolicy } from '@nixflow/db/client';
import type { Tx } from '../tx.js';

type Db = Pick<Tx, '$queryRaw' | 'slaPolicy'>;

/** The SLA policies as loaded at one stamp (all rows, soft-deleted ones too: old metrics still point at them). */
export interface PolicySnapshot {
  stamp: string;
  /** Not deleted, in evaluation order (position, createdAt, id). */
  live: SlaPolicy[];
  /** Active and not deleted, in evaluation order: what a new ticket selects from. */
  active: SlaPolicy[];
  byId: Map<string, SlaPolicy>;
}

/**
 * In-process cache of the SLA policy table, read on every ticket create, comment and policy list.
 *
 * Why a stamp and not a TTL: a policy change must apply to the very next ticket write, whichever
 * instance (API, worker, a script, another API process) made it. So every use costs one cheap query over
 * a table of a handful of rows, without its JSON columns — `count(*)` and the sum of the rows' `xmin`
 * (the id of the transaction that wrote each row version) — and the rows are reloaded only when that stamp
 * moved. Every write moves it, whatever columns it touches and however fast it follows the last one: an
 * update or insert gives its row a new, larger xmin, a delete changes the count (a freeze by VACUUM
 * changes the sum too, which merely costs one reload).
 * The stamp is read before the rows: a change between the two only causes one more reload, never a stale
 * cache. Inside a transaction the stamp and rows are read through it, so a write sees what it would
 * have read without the cache.
 */
export class SlaPolicyCache {
  private snapshot: PolicySnapshot | null = null;

  async get(db: Db): Promise<PolicySnapshot> {
    const [{ stamp }] = await db.$queryRaw<{ stamp: string }[]>`
      SELECT count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) AS stamp FROM "SLAPolicy"`;
    if (this.snapshot?.stamp === stamp) return this.snapshot;
    const rows = await db.slaPolicy.findMany({ orderBy: [{ position: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] });
    const live = rows.filter((p) => !p.deletedAt);
    const snapshot: PolicySnapshot = {
      stamp,
      live,
      active: live.filter((p) => p.isActive),
      byId: new Map(rows.map((p) => [p.id, p])),
    };
    this.snapshot = snapshot;
    return snapshot;
  }
}
