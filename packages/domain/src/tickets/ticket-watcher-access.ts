import { canSeeTicket } from '@nixflow/core';
import type { Ticket } from '@nixflow/db/client';
import type { EventsService } from '../events/events.service.js';
import type { Tx } from './ticket-tx.js';

/**
 * Removes the watchers of `ticket` who cannot see it any more (after a requester change, a demotion, a
 * deactivation), with a HistoryLog row and a WatcherRemoved event each. Returns the removed user ids.
 */
export async function removeWatchersWithoutAccess(
  tx: Tx,
  events: EventsService,
  ticket: Pick<Ticket, 'id' | 'requesterId' | 'deletedAt'>,
  actorId: string | null,
  now: Date,
): Promise<string[]> {
  const watchers = await tx.ticketWatcher.findMany({
    where: { ticketId: ticket.id },
    select: { user: { select: { id: true, role: true, isActive: true, deletedAt: true } } },
  });
  // A soft-deleted ticket keeps its watchers: access to it is about the ticket, not the person.
  const lost = watchers
    .map((w) => w.user)
    .filter((u) => !canSeeTicket(u, { requesterId: ticket.requesterId, deletedAt: null }))
    .map((u) => u.id);
  if (lost.length === 0) return [];
  await tx.ticketWatcher.deleteMany({ where: { ticketId: ticket.id, userId: { in: lost } } });
  await tx.historyLog.createMany({
    data: lost.map((userId) => ({
      ticketId: ticket.id,
      actorId,
      action: 'watcher_removed',
      field: 'watcher',
      oldValue: userId,
      createdAt: now,
    })),
  });
  await events.appendMany(
    tx,
    lost.map((userId) => ({
      type: 'WatcherRemoved',
      aggregateType: 'Ticket',
      aggregateId: ticket.id,
      actorId,
      payload: { userId, reason: 'access_lost' },
    })),
  );
  return lost;
}
