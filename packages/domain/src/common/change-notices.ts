import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import pg from 'pg';

/** The direct (non-pooled) database URL to LISTEN on; none (scripts, unit tests): never listening. */
export const CHANGE_NOTICES_URL = Symbol('CHANGE_NOTICES_URL');

export interface ChangeSubscriber {
  /** A notice on the channel (payload as sent). */
  onNotice(payload: string): void;
  /**
   * Listening started (true) or stopped (false). While not listening, notices may be missed: a cache must
   * not be used, and must be emptied when this turns false.
   */
  onListeningChanged(listening: boolean): void;
}

/** The LISTEN connection's application_name (pg_stat_activity). */
export const CHANGE_NOTICES_APPLICATION = 'nixflow-change-notices';
const RECONNECT_MS = 1_000;
/** Channel of settled(): each process's own tokens come back after every notice committed before them. */
const SYNC_CHANNEL = 'nixflow_notices_sync';
const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The process's one LISTEN connection (a pooler cannot carry LISTEN, hence the direct URL), shared by the
 * in-process caches that trigger NOTIFYs invalidate (users' auth state, configuration). Reconnects after
 * RECONNECT_MS on loss; subscribers hear about every loss and recovery (`onListeningChanged`).
 */
@Injectable()
export class ChangeNotices implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeNotices.name);
  private readonly subscribers = new Map<string, Set<ChangeSubscriber>>();
  private readonly syncPrefix = `${randomUUID()}:`;
  private readonly syncWaiters = new Map<string, () => void>();
  private syncSeq = 0;
  private client: pg.Client | null = null;
  private isListening = false;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(@Optional() @Inject(CHANGE_NOTICES_URL) private readonly url?: string | null) {}

  get listening(): boolean {
    return this.isListening;
  }

  /** Registers a subscriber (before the module starts, or later: then it hears `true` once its LISTEN took). */
  subscribe(channel: string, subscriber: ChangeSubscriber): () => void {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name: ${channel}`);
    let set = this.subscribers.get(channel);
    const newChannel = !set;
    if (!set) this.subscribers.set(channel, (set = new Set()));
    set.add(subscriber);
    const client = this.client;
    if (this.isListening && client) {
      if (!newChannel) subscriber.onListeningChanged(true);
      else
        void client.query(`LISTEN ${channel}`).then(
          () => this.client === client && this.isListening && subscriber.onListeningChanged(true),
          () => undefined, // the connection is lost: 'error'/'end' reconnects and LISTENs on every channel
        );
    }
    return () => void set.delete(subscriber);
  }

  async onModuleInit(): Promise<void> {
    // A failed first attempt does not stop the process: reads stay uncached and it keeps retrying.
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.setListening(false);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /**
   * Resolves once every notice committed before this call has been handed to the subscribers (or at once
   * when not listening: then nothing is cached). For tests that write configuration with plain SQL and use
   * it right after; NOTIFY delivers in commit order, so this process's own token comes back after them.
   */
  async settled(timeoutMs = 10_000): Promise<void> {
    const client = this.client;
    if (!this.isListening || !client) return;
    const token = `${this.syncPrefix}${++this.syncSeq}`;
    const back = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('change notices: no sync notice back')), timeoutMs);
      this.syncWaiters.set(token, () => (clearTimeout(timer), resolve()));
    });
    // A lost connection resolves the waiter (setListening(false)); any other failure ends in the timeout.
    await client.query('SELECT pg_notify($1, $2)', [SYNC_CHANNEL, token]).catch(() => undefined);
    await back.finally(() => this.syncWaiters.delete(token));
  }

  private setListening(listening: boolean): void {
    if (this.isListening === listening) return;
    this.isListening = listening;
    for (const set of this.subscribers.values()) for (const s of set) s.onListeningChanged(listening);
    if (!listening) for (const done of this.syncWaiters.values()) done(); // nothing is cached any more
  }

  private dispatch(channel: string, payload: string): void {
    if (channel === SYNC_CHANNEL) return this.syncWaiters.get(payload)?.();
    for (const s of this.subscribers.get(channel) ?? []) s.onNotice(payload);
  }

  private async connect(): Promise<void> {
    if (this.closed || !this.url) return;
    // Named, so that an operator (or a test) finds it in pg_stat_activity.
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: 5_000,
      application_name: CHANGE_NOTICES_APPLICATION,
    });
    client.on('notification', (n) => {
      if (this.client === client) this.dispatch(n.channel, n.payload ?? '');
    });
    const lost = (err?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      this.setListening(false);
      if (!this.closed) {
        this.logger.warn(`change notices lost (${String(err ?? 'connection ended')}); caches off until reconnected`);
        this.retry = setTimeout(() => void this.connect(), RECONNECT_MS);
        this.retry.unref();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    this.client = client;
    try {
      await client.connect();
      // One round trip for every channel (again for any subscribed meanwhile); subscribers hear `true` only
      // once all of them took effect.
      const listened = new Set<string>();
      for (;;) {
        const missing = [SYNC_CHANNEL, ...this.subscribers.keys()].filter((c) => !listened.has(c));
        if (!missing.length) break;
        await client.query(missing.map((c) => `LISTEN ${c};`).join(' '));
        for (const c of missing) listened.add(c);
      }
      if (this.client !== client || this.closed) return;
      this.setListening(true);
    } catch (err) {
      lost(err);
      await client.end().catch(() => undefined);
    }
  }
}
