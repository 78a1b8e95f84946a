import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type Ticket } from '@nixflow/db/client';
import { CLOCK, type Clock } from '../clock.js';
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
  /** When the change happened (the event's time); default now. */
  at?: Date;
}

/** What the recipient rule reads of a ticket. */
export type NotifiedTicket = Pick<Ticket, 'id' | 'number' | 'requesterId' | 'assigneeId' | 'deletedAt'>;

/**
 * Writes Notification rows in the caller's transaction (the event consumer's: notifyTicketEvents), in ONE statement (INSERT … SELECT): the candidates
 * (the given users, or watchers + assignee (+ requester)), filtered by the rules of @nixflow/core evaluated
 * now, in SQL: canSeeTicket (an active account; staff, or the ticket's current requester; a deleted ticket
 * only admins) and notificationRecipients (not the actor; staff only for internal changes).
 * Whoever cannot see the ticket any more (an old requester, a demoted agent) gets nothing.
 */
@Injectable()
export class TicketNotifierService {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async notify(tx: Tx, ticket: NotifiedTicket, notice: TicketNotice): Promise<number> {
    const direct: string[] = [];
    if (!notice.onlyUserIds) {
      if (ticket.assigneeId) direct.push(ticket.assigneeId);
      if (notice.includeRequester) direct.push(ticket.requesterId);
    }
    const candidates = notice.onlyUserIds
      ? Prisma.sql`u."id" = ANY(${notice.onlyUserIds}::uuid[])`
      : Prisma.sql`(u."id" = ANY(${direct}::uuid[])
          OR EXISTS (SELECT 1 FROM "TicketWatcher" w WHERE w."ticketId" = ${ticket.id}::uuid AND w."userId" = u."id"))`;
    const data = JSON.stringify({ ticketId: ticket.id, ticketNumber: ticket.number, ...notice.data });
    return tx.$executeRaw`
      INSERT INTO "Notification" ("userId", "ticketId", "type", "title", "body", "data", "dedupeKey", "createdAt")
      SELECT u."id", ${ticket.id}::uuid, ${notice.type}, ${notice.title}, ${notice.body ?? null}, ${data}::jsonb,
             ${notice.dedupeKey}, ${(notice.at ?? this.clock.now()).toISOString()}::timestamp(3)
      FROM "User" u
      WHERE ${candidates}
        AND u."isActive" AND u."deletedAt" IS NULL
        AND CASE WHEN ${ticket.deletedAt !== null} THEN u."role" = 'ADMIN'
                 ELSE (u."role" IN ('ADMIN', 'AGENT') OR u."id" = ${ticket.requesterId}::uuid) END
        AND u."id" IS DISTINCT FROM ${notice.actorId}::uuid
        AND (NOT ${notice.internal} OR u."role" IN ('ADMIN', 'AGENT'))
      ON CONFLICT DO NOTHING`;
  }
}
