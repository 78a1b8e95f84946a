/**
 * Ticket rules shared by the API and the worker: status timestamps, who may change what,
 * workflow stage transitions, tag normalisation and notification recipients. Pure functions.
 */
import type { TicketStatusName } from '../sla-lifecycle/types.js';

export type UserRoleName = 'ADMIN' | 'AGENT' | 'CUSTOMER';

export const isStaffRole = (role: string): boolean => role === 'ADMIN' || role === 'AGENT';

export interface StatusTimestamps {
  resolvedAt: Date | null;
  closedAt: Date | null;
}

/**
 * resolvedAt/closedAt after entering `to`: RESOLVED stamps resolvedAt, CLOSED stamps closedAt (and
 * resolvedAt when it was never resolved); any other status clears both (the ticket was reopened).
 */
export function statusTimestamps(to: string, now: Date, current: Partial<StatusTimestamps> = {}): StatusTimestamps {
  if (to === 'RESOLVED') return { resolvedAt: current.resolvedAt ?? now, closedAt: null };
  if (to === 'CLOSED') return { resolvedAt: current.resolvedAt ?? now, closedAt: current.closedAt ?? now };
  return { resolvedAt: null, closedAt: null };
}

/** Customers may only close their ticket, or reopen it (to OPEN) when it is resolved, closed or waiting on them. */
export function customerMayChangeStatus(from: string, to: string): boolean {
  if (from === to) return true;
  if (to === 'CLOSED') return true;
  if (to === 'OPEN') return from === 'RESOLVED' || from === 'CLOSED' || from === 'PENDING_CUSTOMER';
  return false;
}

/** A customer's public reply reopens a resolved ticket or one waiting on the customer; null = unchanged. */
export function statusAfterCustomerReply(status: string): TicketStatusName | null {
  return status === 'RESOLVED' || status === 'PENDING_CUSTOMER' ? 'OPEN' : null;
}

export interface StageLike {
  id: string;
  name: string;
  position: number;
  status: string | null;
  allowedTransitionIds: readonly string[];
}

/** Staying put is always allowed; an empty allowedTransitionIds means "any stage of the workflow". */
export function stageTransitionAllowed(from: Pick<StageLike, 'id' | 'allowedTransitionIds'> | null, toId: string) {
  if (!from || from.id === toId) return true;
  return from.allowedTransitionIds.length === 0 || from.allowedTransitionIds.includes(toId);
}

/**
 * The stage a ticket follows to when its status changes without an explicit stage: when the current stage
 * pins another status, the first stage (by position) pinning the new status; otherwise the current stage.
 */
export function stageFollowingStatus<S extends StageLike>(stages: readonly S[], current: S | null, status: string) {
  if (!current || current.status === null || current.status === status) return current;
  const sorted = [...stages].sort((a, b) => a.position - b.position);
  return sorted.find((s) => s.status === status) ?? current;
}

/** The initial stage of a workflow: the one flagged isInitial, else the first by position. */
export function initialStage<S extends StageLike & { isInitial: boolean }>(stages: readonly S[]): S | null {
  const sorted = [...stages].sort((a, b) => a.position - b.position);
  return sorted.find((s) => s.isInitial) ?? sorted[0] ?? null;
}

/** Trimmed, lower-case, de-duplicated, empty tags dropped (order kept). */
export function normalizeTags(tags: readonly string[] | null | undefined): string[] {
  const out: string[] = [];
  for (const raw of tags ?? []) {
    const tag = raw.trim().toLowerCase();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

export interface RecipientCandidate {
  id: string;
  role: string;
}

/**
 * Users to notify about a ticket change: the candidates (watchers, assignee, requester…) once each,
 * never the actor, and only staff when the change is internal (an internal note).
 */
export function notificationRecipients(
  candidates: readonly (RecipientCandidate | null | undefined)[],
  actorId: string | null | undefined,
  internal: boolean,
): string[] {
  const out: string[] = [];
  for (const c of candidates) {
    if (!c || c.id === actorId || out.includes(c.id)) continue;
    if (internal && !isStaffRole(c.role)) continue;
    out.push(c.id);
  }
  return out;
}

export interface TicketViewer {
  id: string;
  role: string;
  /** When given (a loaded user row): an inactive or deleted account sees nothing. */
  isActive?: boolean;
  deletedAt?: Date | null;
}

/**
 * The one visibility rule, for every path that reads, notifies or threads mail: staff see every live
 * ticket, customers only the ones they currently request, soft-deleted tickets only admins; a
 * deactivated or deleted account sees nothing. Re-checked when access changes and when a notification
 * or mail is produced, so losing access (requester change, demotion) takes effect at once.
 */
export function canSeeTicket(
  user: TicketViewer | null | undefined,
  ticket: { requesterId: string; deletedAt: Date | null },
): boolean {
  if (!user || user.isActive === false || user.deletedAt) return false;
  if (ticket.deletedAt && user.role !== 'ADMIN') return false;
  return isStaffRole(user.role) || ticket.requesterId === user.id;
}
