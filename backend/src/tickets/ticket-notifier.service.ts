import { Injectable } from '@nestjs/common';
import type { Prisma, Ticket } from '@nixflow/db/client';
import { notificationRecipients } from '@nixflow/core';
import type { Tx } from './ticket-tx.js';

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

/** Writes Notification rows in the caller's transaction (one createMany). */
@Injectable()
export class TicketNotifierService {
  async notify(tx: Tx, ticket: Ticket, notice: TicketNotice): Promise<number> {
    let ids: string[];
    if (notice.onlyUserIds) ids = notice.onlyUserIds;
    else {
      const watchers = await tx.ticketWatcher.findMany({ where: { ticketId: ticket.id }, select: { userId: true } });
      ids = watchers.map((w) => w.userId);
      if (ticket.assigneeId) ids.push(ticket.assigneeId);
      if (notice.includeRequester) ids.push(ticket.requesterId);
    }
    ids = [...new Set(ids)].filter((id) => id !== notice.actorId);
    if (ids.length === 0) return 0;
    const users = await tx.user.findMany({
      where: { id: { in: ids }, isActive: true, deletedAt: null },
      select: { id: true, role: true },
    });
    const recipients = notificationRecipients(users, notice.actorId, notice.internal);
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
