import { Injectable } from '@nestjs/common';
import { AssignmentService } from '@nixflow/domain';
import { EventsService } from '../events/events.service.js';
import { lockTicket, type Actor, type Tx } from './ticket-tx.js';
import { TicketsService } from './tickets.service.js';
import { removeWatchersWithoutAccess } from './ticket-watcher-access.js';

/**
 * When a user's access shrinks (demoted to customer, deactivated, deleted): they stop watching every
 * ticket they can no longer see, and tickets assigned to someone who may no longer be assigned are
 * unassigned through the normal update path (HistoryLog, TicketAssigned event, SLA hooks).
 */
@Injectable()
export class TicketAccessRevocationService {
  constructor(
    private readonly events: EventsService,
    private readonly tickets: TicketsService,
    private readonly assignment: AssignmentService,
  ) {}

  /** Call in the transaction that changed the user row, with its new state. */
  async revokeForUser(
    tx: Tx,
    user: { id: string; role: string; isActive: boolean; deletedAt: Date | null },
    actor: Actor | null,
  ): Promise<{ unassigned: number; unwatched: number }> {
    const staffAndActive = (user.role === 'ADMIN' || user.role === 'AGENT') && user.isActive && !user.deletedAt;
    if (staffAndActive) return { unassigned: 0, unwatched: 0 };
    const now = this.tickets.now();
    let unassigned = 0;
    const assigned = await tx.ticket.findMany({
      where: { assigneeId: user.id },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    for (const { id } of assigned) {
      const locked = await lockTicket(tx, id);
      if (!locked || locked.assigneeId !== user.id) continue;
      // Includes soft-deleted tickets: an assignee who may not be assigned is wrong wherever it is.
      // teams (#23): an open ticket of a team goes to another available member of the team.
      const next = await this.assignment.replacementInTx(tx, locked, now);
      await this.tickets.updateLockedInTx(tx, locked, { assigneeId: next }, actor, { enforceTransitions: false });
      unassigned++;
    }
    const watched = await tx.ticketWatcher.findMany({
      where: { userId: user.id },
      select: { ticket: { select: { id: true, requesterId: true, deletedAt: true } } },
    });
    let unwatched = 0;
    for (const { ticket } of watched) {
      unwatched += (await removeWatchersWithoutAccess(tx, this.events, ticket, actor?.id ?? null, now)).length;
    }
    return { unassigned, unwatched };
  }
}
