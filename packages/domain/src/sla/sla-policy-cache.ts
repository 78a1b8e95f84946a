import type { SlaPolicy } from '@nixflow/db/client';
import type { ChangeNotices } from '../common/change-notices.js';
import { ConfigCache } from '../common/config-cache.js';
import type { Tx } from '../tx.js';

type Db = Pick<Tx, '$queryRaw' | 'slaPolicy'>;

/** The SLA policies as loaded once (all rows, soft-deleted ones too: old metrics still point at them). */
export interface PolicySnapshot {
  /** The stamp it was loaded at ('notified' when loaded while listening: then no stamp is read). */
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
 * A policy change must apply to the very next ticket write, whichever process (API, worker, a script,
 * another API instance) made it. While the process LISTENs for configuration notices (ConfigCache), the
 * snapshot is used without any query until a notice names "SLAPolicy"; the process that commits a change
 * also drops it at once (invalidate()), before its own notice comes back.
 *
 * Not listening (no listen URL, or the connection is lost), each use costs one cheap stamp query over a
 * table of a handful of rows, without its JSON columns — `count(*)` and the sum of the rows' `xmin` (the id
 * of the transaction that wrote each row version) — and the rows are reloaded only when that stamp moved.
 * Every write moves it: an update or insert gives its row a new, larger xmin, a delete changes the count
 * (a freeze by VACUUM changes the sum too, which merely costs one reload). The stamp is read before the
 * rows: a change between the two only causes one more reload, never a stale cache.
 *
 * A transaction that wrote policies reads them with fresh(tx) (the stamp path through it): the
 * notice-kept snapshot cannot show its uncommitted rows, nor may it store them.
 */
export class SlaPolicyCache {
  private stamped: PolicySnapshot | null = null;
  private readonly cache: ConfigCache<PolicySnapshot>;

  constructor(notices?: ChangeNotices | null) {
    this.cache = new ConfigCache(notices, ['SLAPolicy']);
  }

  async get(db: Db): Promise<PolicySnapshot> {
    if (!this.cache.listening) return this.fresh(db);
    return this.cache.get(() => this.load(db, 'notified'));
  }

  /** Through `db`, whatever the notices say: what a query in this transaction would see now. */
  async fresh(db: Db): Promise<PolicySnapshot> {
    const [{ stamp }] = await db.$queryRaw<{ stamp: string }[]>`
      SELECT count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) AS stamp FROM "SLAPolicy"`;
    if (this.stamped?.stamp === stamp) return this.stamped;
    return (this.stamped = await this.load(db, stamp));
  }

  /**
   * The policy a metric points at. A metric that names a policy the snapshot lacks, or a newer version of
   * it, was written after a change whose notice has not arrived yet (another instance): then read through
   * `db`, so a comment right after a policy change on another instance still plans with that change.
   */
  async forMetric(db: Db, policyId: string, policyVersion: number): Promise<SlaPolicy | null> {
    const hit = (await this.get(db)).byId.get(policyId);
    if (!this.cache.listening || (hit && hit.version >= policyVersion)) return hit ?? null;
    return (await this.fresh(db)).byId.get(policyId) ?? null;
  }

  /** After this process committed a policy change: the next use reloads (its notice is still on its way). */
  invalidate(): void {
    this.cache.invalidate();
  }

  private async load(db: Db, stamp: string): Promise<PolicySnapshot> {
    const rows = await db.slaPolicy.findMany({ orderBy: [{ position: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] });
    const live = rows.filter((p) => !p.deletedAt);
    return { stamp, live, active: live.filter((p) => p.isActive), byId: new Map(rows.map((p) => [p.id, p])) };
  }
}
