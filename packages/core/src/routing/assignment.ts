/** Choosing an agent for a ticket within a team: round-robin or least open tickets, within capacity. */

export type AssignmentModeName = 'NONE' | 'ROUND_ROBIN' | 'LEAST_OPEN';

export interface AssignmentCandidate {
  userId: string;
  /** Open tickets (not resolved, closed nor deleted) assigned to the agent now, in every team. */
  openTickets: number;
  /** Most open tickets the agent takes by auto-assignment; null: no limit. */
  capacity: number | null;
  /** Marked away, deactivated or not staff: never chosen. */
  available: boolean;
}

export interface AssignmentInput {
  mode: AssignmentModeName;
  candidates: readonly AssignmentCandidate[];
  /** The member the team assigned last (round-robin position). */
  lastAssignedUserId: string | null;
  /** Inside the team's business hours now. */
  withinBusinessHours: boolean;
}

const hasRoom = (c: AssignmentCandidate) => c.available && (c.capacity === null || c.openTickets < c.capacity);

/**
 * The agent to assign, or null when nobody qualifies (mode NONE, outside business hours, everyone away or
 * at capacity). Round-robin takes the next eligible member after the last one in id order; least-open takes
 * the eligible member with fewest open tickets, ties broken in the same round-robin order.
 */
export function chooseAssignee(input: AssignmentInput): string | null {
  if (input.mode === 'NONE' || !input.withinBusinessHours) return null;
  const ring = [...input.candidates].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  const last = input.lastAssignedUserId;
  // Rotate so that the member after the last assigned one comes first.
  const start = last === null ? 0 : ring.findIndex((c) => c.userId > last);
  const ordered = start <= 0 ? ring : [...ring.slice(start), ...ring.slice(0, start)];
  const eligible = ordered.filter(hasRoom);
  if (eligible.length === 0) return null;
  if (input.mode === 'ROUND_ROBIN') return eligible[0].userId;
  let best = eligible[0];
  for (const c of eligible) if (c.openTickets < best.openTickets) best = c;
  return best.userId;
}
