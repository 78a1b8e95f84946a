import type { ChangeNotices } from './change-notices.js';

/** Sent by the triggers of migration 20261204050001 at commit, with the table's name, on every write to it. */
export const CONFIG_CHANNEL = 'nixflow_config_changed';

/**
 * One snapshot of configuration rows (SLA policies, the default workflow, routing rules), kept while the
 * process LISTENs and no notice for its tables came since it was loaded. A load that overlaps a notice,
 * an invalidate() or a change of the listening state is returned but not stored (`epoch`), so rows read
 * just before a commit never outlive that commit's notice. Not listening: every get() loads.
 */
export class ConfigCache<T> {
  private snapshot: { value: T } | null = null;
  private epoch = 0;
  private isListening = false;

  /** With `notices`, kept valid by CONFIG_CHANNEL notices naming one of `tables`; without, drive it by hand. */
  constructor(notices?: ChangeNotices | null, tables: readonly string[] = []) {
    notices?.subscribe(CONFIG_CHANNEL, {
      onNotice: (table) => {
        if (tables.includes(table)) this.invalidate();
      },
      onListeningChanged: (listening) => this.setListening(listening),
    });
  }

  /** Whether a snapshot may be used (notices are being received). */
  get listening(): boolean {
    return this.isListening;
  }

  async get(load: () => Promise<T>): Promise<T> {
    if (this.isListening && this.snapshot) return this.snapshot.value;
    const epoch = this.epoch;
    const value = await load();
    if (this.isListening && epoch === this.epoch) this.snapshot = { value };
    return value;
  }

  /**
   * Awaits a write of this process to the cached tables, then drops the snapshot whatever its outcome: this
   * process's next use sees its own committed change before the notice of it comes back.
   */
  async afterWrite<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.invalidate();
    }
  }

  /** Drops the snapshot: on a notice, and after this process committed a change (before its notice is back). */
  invalidate(): void {
    this.epoch++;
    this.snapshot = null;
  }

  /** Notices may have been missed while not listening: the snapshot goes either way. */
  setListening(listening: boolean): void {
    this.isListening = listening;
    this.invalidate();
  }
}
