import type { ChangeNotices } from './change-notices.js';

/** Sent by the triggers of migration 20261204050001 at commit, with the table's name, on every write to it. */
export const CONFIG_CHANNEL = 'nixflow_config_changed';

/**
 * What every notice-kept cache shares: it may be used only while the process LISTENs (notices could be
 * missed otherwise), and a notice for one of its tables, an invalidate() or a change of the listening
 * state empties it and moves `epoch`, so that a load which overlapped any of them is returned but not
 * stored: rows read just before a commit never outlive that commit's notice.
 */
abstract class NoticeKeptCache {
  protected epoch = 0;
  private isListening = false;

  /** With `notices`, kept valid by CONFIG_CHANNEL notices naming one of `tables`; without, drive it by hand. */
  constructor(notices: ChangeNotices | null | undefined, tables: readonly string[]) {
    notices?.subscribe(CONFIG_CHANNEL, {
      onNotice: (table) => {
        if (tables.includes(table)) this.invalidate();
      },
      onListeningChanged: (listening) => this.setListening(listening),
    });
  }

  /** Whether what is kept may be used (notices are being received). */
  get listening(): boolean {
    return this.isListening;
  }

  /**
   * Awaits a write of this process to the cached tables, then empties the cache whatever its outcome: this
   * process's next use sees its own committed change before the notice of it comes back.
   */
  async afterWrite<R>(write: Promise<R>): Promise<R> {
    try {
      return await write;
    } finally {
      this.invalidate();
    }
  }

  /** Empties the cache: on a notice, and after this process committed a change (before its notice is back). */
  invalidate(): void {
    this.epoch++;
    this.clear();
  }

  /** Notices may have been missed while not listening: what is kept goes either way. */
  setListening(listening: boolean): void {
    this.isListening = listening;
    this.invalidate();
  }

  protected abstract clear(): void;
}

/** One snapshot of configuration rows (SLA policies, the default workflow, routing rules). */
export class ConfigCache<T> extends NoticeKeptCache {
  private snapshot: { value: T } | null = null;

  constructor(notices?: ChangeNotices | null, tables: readonly string[] = []) {
    super(notices, tables);
  }

  async get(load: () => Promise<T>): Promise<T> {
    if (this.listening && this.snapshot) return this.snapshot.value;
    const epoch = this.epoch;
    const value = await load();
    if (this.listening && epoch === this.epoch) this.snapshot = { value };
    return value;
  }

  protected clear(): void {
    this.snapshot = null;
  }
}

/**
 * Values computed from tables, by key (knowledge-base search results), bounded by their total cost
 * (`costOf`, 1 each unless given: then `maxCost` is a number of entries): the least recently used go first.
 * `maxCost` 0 keeps nothing (every get loads); a value costing more than `maxCost` is not kept.
 */
export class KeyedConfigCache<V> extends NoticeKeptCache {
  private readonly entries = new Map<string, { value: V; cost: number }>();
  private total = 0;

  constructor(
    notices: ChangeNotices | null | undefined,
    tables: readonly string[],
    private readonly maxCost: number,
    private readonly costOf: (key: string, value: V) => number = () => 1,
  ) {
    super(notices, tables);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The sum of the kept values' costs. */
  get cost(): number {
    return this.total;
  }

  /** The kept value for `key` (`hit` true), or `load()`'s, kept when no notice came meanwhile. */
  async get(key: string, load: () => Promise<V>): Promise<{ value: V; hit: boolean }> {
    const kept = this.listening ? this.entries.get(key) : undefined;
    if (kept !== undefined) {
      // Map order is insertion order: moving the key to the end makes the first key the least recently used.
      this.entries.delete(key);
      this.entries.set(key, kept);
      return { value: kept.value, hit: true };
    }
    const epoch = this.epoch;
    const value = await load();
    if (this.listening && epoch === this.epoch) this.keep(key, value);
    return { value, hit: false };
  }

  private keep(key: string, value: V): void {
    const cost = this.costOf(key, value);
    if (cost > this.maxCost) return;
    this.drop(key);
    for (const oldest of this.entries.keys()) {
      if (this.total + cost <= this.maxCost) break;
      this.drop(oldest);
    }
    this.entries.set(key, { value, cost });
    this.total += cost;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.cost;
  }

  protected clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
