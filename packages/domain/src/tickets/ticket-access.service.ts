import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient, UserRole, type Prisma, type Ticket } from '@nixflow/db/client';
import { canSeeTicket } from '@nixflow/core';
import { NotFoundError } from '../errors.js';
import { PRISMA } from '../tokens.js';
import type { Tx } from '../tx.js';
import type { Viewer } from './ticket-inputs.js';

/**
 * The one "may this user see this ticket" rule, used by every ticket route (tickets, comments, history,
 * watchers, SLA, suggested articles): staff see every live ticket, customers only their own, and a
 * soft-deleted ticket exists only for admins. Anything else is not found (404), never forbidden (no existence leak).
 */
@Injectable()
export class TicketAccessService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Filter for lists: soft-deleted tickets leave every list; customers see their own. */
  visibleWhere(user: Viewer): Prisma.TicketWhereInput {
    return user.role === UserRole.CUSTOMER ? { deletedAt: null, requesterId: user.id } : { deletedAt: null };
  }

  /** The shared rule (`canSeeTicket` in @nixflow/core), also used by notifications and mail threading. */
  canSee(user: Viewer, ticket: Pick<Ticket, 'requesterId' | 'deletedAt'>): boolean {
    return canSeeTicket(user, ticket);
  }

  /** The ticket when `user` may see it, else NotFound. */
  async findVisibleOrThrow(user: Viewer, id: string, tx: Tx = this.prisma): Promise<Ticket> {
    const ticket = await tx.ticket.findUnique({ where: { id } });
    this.assertVisible(user, ticket);
    return ticket;
  }

  assertVisible(user: Viewer, ticket: Ticket | null): asserts ticket is Ticket {
    if (!ticket || !this.canSee(user, ticket)) throw new NotFoundError('ticket_not_found', 'Ticket not found');
  }
}
