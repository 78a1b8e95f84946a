import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient, UserRole, type Prisma } from '@nixflow/db/client';
import { isStaffRole } from '@nixflow/core';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { EventsService } from '../events/events.service.js';
import { PRISMA } from '../tokens.js';
import type { DomainUser as AuthUser } from './ticket-inputs.js';
import { TicketAccessService } from './ticket-access.service.js';
import { ticketWriteTx, assertNotDeleted, fieldError, lockTicketOrThrow } from './ticket-tx.js';
import { TicketsService } from './tickets.service.js';

const WATCHER_INCLUDE = { user: { select: { id: true, name: true, role: true } } } as const;
export type WatcherView = Prisma.TicketWatcherGetPayload<{ include: typeof WATCHER_INCLUDE }>;

/**
 * Watchers get a notification on every change. Staff may add any active staff user or the requester;
 * a customer may only watch/unwatch their own ticket as themselves (and only sees their own entry).
 */
@Injectable()
export class WatchersService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly events: EventsService,
    private readonly access: TicketAccessService,
    private readonly tickets: TicketsService,
  ) {}

  async list(user: AuthUser, ticketId: string): Promise<WatcherView[]> {
    await this.access.findVisibleOrThrow(user, ticketId);
    return this.prisma.ticketWatcher.findMany({
      where: { ticketId, ...(isStaffRole(user.role) ? {} : { userId: user.id }) },
      include: WATCHER_INCLUDE,
      orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
    });
  }

  async add(user: AuthUser, ticketId: string, userId: string): Promise<WatcherView> {
    await ticketWriteTx(this.prisma, ticketId, async (tx) => {
      const ticket = await lockTicketOrThrow(tx, ticketId);
      this.access.assertVisible(user, ticket);
      assertNotDeleted(ticket);
      if (user.role === UserRole.CUSTOMER && userId !== user.id) {
        throw new ForbiddenError('watch_others_forbidden', 'Customers can only watch a ticket themselves');
      }
      const target = await tx.user.findFirst({
        where: { id: userId, deletedAt: null, isActive: true },
        select: { id: true, role: true },
      });
      if (!target || (!isStaffRole(target.role) && target.id !== ticket.requesterId)) {
        throw fieldError('userId', 'userId must be an active agent/admin or the ticket requester');
      }
      const created = await tx.ticketWatcher.createMany({ data: [{ ticketId, userId }], skipDuplicates: true });
      if (created.count === 0) return; // already watching: idempotent, nothing to record
      const now = this.tickets.now();
      await tx.historyLog.create({
        data: {
          ticketId,
          actorId: user.id,
          action: 'watcher_added',
          field: 'watcher',
          newValue: userId,
          createdAt: now,
        },
      });
      await this.events.append(tx, {
        type: 'WatcherAdded',
        aggregateType: 'Ticket',
        aggregateId: ticketId,
        actorId: user.id,
        payload: { userId },
      });
    });
    return this.prisma.ticketWatcher.findUniqueOrThrow({
      where: { ticketId_userId: { ticketId, userId } },
      include: WATCHER_INCLUDE,
    });
  }

  async remove(user: AuthUser, ticketId: string, userId: string): Promise<void> {
    await ticketWriteTx(this.prisma, ticketId, async (tx) => {
      const ticket = await lockTicketOrThrow(tx, ticketId);
      this.access.assertVisible(user, ticket);
      assertNotDeleted(ticket);
      if (user.role === UserRole.CUSTOMER && userId !== user.id) {
        throw new ForbiddenError('unwatch_others_forbidden', 'Customers can only stop watching a ticket themselves');
      }
      const removed = await tx.ticketWatcher.deleteMany({ where: { ticketId, userId } });
      if (removed.count === 0) throw new NotFoundError('watcher_not_found', 'This user is not watching the ticket');
      const now = this.tickets.now();
      await tx.historyLog.create({
        data: {
          ticketId,
          actorId: user.id,
          action: 'watcher_removed',
          field: 'watcher',
          oldValue: userId,
          createdAt: now,
        },
      });
      await this.events.append(tx, {
        type: 'WatcherRemoved',
        aggregateType: 'Ticket',
        aggregateId: ticketId,
        actorId: user.id,
        payload: { userId },
      });
    });
  }
}
