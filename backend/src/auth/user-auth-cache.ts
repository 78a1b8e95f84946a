import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { UserRole } from '@nixflow/db/client';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** What the bearer-token check needs of a user. */
export interface UserAuthState {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  isActive: boolean;
  deletedAt: Date | null;
  tokenVersion: number;
}

/** Sent by the "User" triggers of migration 20261203140001 with the user's id, at commit. */
export const USER_AUTH_CHANNEL = 'nixflow_user_auth_changed';
const MAX_ENTRIES = 10_000;
const RECONNECT_MS = 1_000;

/**
 * In-process cache of the users' auth state, so that a request does not read "User" to check its token.
 *
 * Revocation stays immediate on every instance: a trigger NOTIFYs on any change of tokenVersion, role,
 * isActive, deletedAt, name or e-mail, and each instance LISTENs on its own connection and drops the entry.
 * The cache is only used while that connection is listening: before LISTEN succeeds, and from a connection
 * loss until it is back, every lookup reads the database (and the cache is emptied, as notices may have been
 * missed). A read that overlaps any notice is not stored (`epoch`), so a row read just before a commit can
 * never outlive the notice of that commit.
 */
@Injectable()
export class UserAuthCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UserAuthCache.name);
  private readonly entries = new Map<string, UserAuthState>();
  private epoch = 0;
  private client: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    // Not awaited to the end on failure: the API starts without the cache and keeps retrying.
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.drop();
    await this.client?.end().catch(() => undefined);
  }

  /** The cached state, or `load()`'s (stored only when no notice arrived meanwhile). */
  async get(userId: string, load: () => Promise<UserAuthState | null>): Promise<UserAuthState | null> {
    const hit = this.listening ? this.entries.get(userId) : undefined;
    if (hit) return hit;
    const epoch = this.epoch;
    const state = await load();
    if (state && this.listening && epoch === this.epoch) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(userId, state);
    }
    return state;
  }

  /**
   * Drops the user at once, after a change this process committed: the instance that logged a user out or
   * deactivated them refuses the old token on the very next request, before the notice comes back.
   */
  forget(userId: string): void {
    this.invalidate(userId);
  }

  private invalidate(userId: string): void {
    this.epoch++;
    this.entries.delete(userId);
  }

  private drop(): void {
    this.listening = false;
    this.epoch++;
    this.entries.clear();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.config.databaseListenUrl, connectionTimeoutMillis: 5_000 });
    client.on('notification', (n) => {
      if (n.channel === USER_AUTH_CHANNEL && n.payload) this.invalidate(n.payload);
    });
    const lost = (err?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      this.drop();
      if (!this.closed) {
        this.logger.warn(`user change notices lost (${String(err ?? 'connection ended')}); reading users uncached`);
        this.retry = setTimeout(() => void this.connect(), RECONNECT_MS);
        this.retry.unref();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${USER_AUTH_CHANNEL}`);
      if (this.client !== client || this.closed) return;
      // Reads that started before LISTEN took effect are not stored (epoch moves).
      this.epoch++;
      this.listening = true;
    } catch (err) {
      lost(err);
      await client.end().catch(() => undefined);
    }
  }
}
