import { Injectable } from '@nestjs/common';
import type { UserRole } from '@nixflow/db/client';
import { ChangeNotices } from '@nixflow/domain';

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

/**
 * In-process cache of the users' auth state, so that a request does not read "User" to check its token.
 *
 * Revocation stays immediate on every instance: a trigger NOTIFYs on any change of tokenVersion, role,
 * isActive, deletedAt, name or e-mail, and each instance hears it on its LISTEN connection (ChangeNotices)
 * and drops the entry. The cache is only used while that connection is listening: before LISTEN succeeds,
 * and from a connection loss until it is back, every lookup reads the database (and the cache is emptied,
 * as notices may have been missed). A read that overlaps any notice is not stored (`epoch`), so a row read
 * just before a commit can never outlive the notice of that commit.
 */
@Injectable()
export class UserAuthCache {
  private readonly entries = new Map<string, UserAuthState>();
  private epoch = 0;
  private listening = false;

  constructor(notices: ChangeNotices) {
    notices.subscribe(USER_AUTH_CHANNEL, {
      onNotice: (userId) => this.invalidate(userId),
      // Either way reads that started before are not stored (epoch moves), and a loss empties the cache.
      onListeningChanged: (listening) => {
        this.listening = listening;
        this.epoch++;
        this.entries.clear();
      },
    });
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
    if (!userId) return;
    this.epoch++;
    this.entries.delete(userId);
  }
}
