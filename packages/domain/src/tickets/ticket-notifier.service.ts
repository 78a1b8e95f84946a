import { Injectable } from '@nestjs/common';
import type { Prisma, Ticket } from '@nixflow/db/client';
import { canSeeTicket, notificationRecipients } from '@nixflow/core';
import type { Tx } from '../tx.js';

export interface TicketNotice {
  type: 'comment.added' | 'ticket.status_changed' | 'ticket.assigned' | 'ticket.updated';
  title: string;
  body?: string | null;
  data?: Record<string, unknown>;
  /** Unique per user: a retried write never notifies twice. */
  dedupeKey: string;
  actorId: string | null;
  /** Notify the requester too (public changes). */
  includeRequester: boolean;
  /** Internal change (internal note): staff only. */
  internal: boolean;
  /** Only these users (e.g. the new assignee); default: watchers + assignee (+ requester). */
  onlyUserIds?: string[];
}

/** Writes Notification rows in the caller's transaction (one recipients query, one createMany). */
@Injectable()
export class TicketNotifierService {
  async notify(tx: Tx, ticket: Ticket, notice: TicketNotice): Promise<number> {
    // One query for the candidates: the given users, or watchers + assignee (+ requester).
    let candidates: Prisma.UserWhereInput;
    if (notice.onlyUserIds) candidates = { id: { in: notice.onlyUserIds } };
    else {
      const direct: string[] = [];
      if (ticket.assigneeId) direct.push(ticket.assigneeId);
      if (notice.includeRequester) direct.push(ticket.requesterId);
      candidates = { OR: [{ id: { in: direct } }, { watching: { some: { ticketId: ticket.id } } }] };
    }
    const users = await tx.user.findMany({
      where: { AND: [candidates, { isActive: true, deletedAt: null }] },
      select: { id: true, role: true },
    });
    // Re-checked now, not when someone started watching: whoever cannot see the ticket any more (an old
    // requester, a demoted agent) gets nothing. The actor is left out, and customers on internal changes.
    const visible = users.filter((u) => canSeeTicket(u, ticket));
    const recipients = notificationRecipients(visible, notice.actorId, notice.internal);
    if (recipients.length === 0) return 0;
    const data = { ticketId: ticket.id, ticketNumber: ticket.number, ...notice.data } as Prisma.InputJsonObject;
    const res = await tx.notification.createMany({
      data: recipients.map((userId) => ({
        userId,
        ticketId: ticket.id,
        type: notice.type,
        title: notice.title,
        body: notice.body ?? null,
        data,
        dedupeKey: notice.dedupeKey,
      })),
      skipDuplicates: true,
    });
    return res.count;
  }
}
