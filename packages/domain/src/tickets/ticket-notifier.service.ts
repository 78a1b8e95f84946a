import { Inject, Injectable } from '@nestjs/common';
import type { Ticket } from '@nixflow/db/client';
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

/** One notice about one ticket: what `notifyMany` writes rows for. */
export interface PlannedTicketNotice {
  ticket: NotifiedTicket;
  notice: TicketNotice;
}

/**
 * Writes Notification rows in the caller's transaction (the event consumer's: notifyTicketEvents), in ONE
 * statement for any number of notices (INSERT … SELECT over the notices as a JSON record set): the candidates
 * (the given users, or watchers + assignee (+ requester)), filtered by the rules of @nixflow/core evaluated
 * now, in SQL: canSeeTicket (an active account; staff, or the ticket's current requester; a deleted ticket
 * only admins) and notificationRecipients (not the actor; staff only for internal changes).
 * Whoever cannot see the ticket any more (an old requester, a demoted agent) gets nothing.
 * Rows are inserted in the notices' order (the live stream reads them in insertion order).
 */
@Injectable()
export class TicketNotifierService {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  notify(tx: Tx, ticket: NotifiedTicket, notice: TicketNotice): Promise<number> {
    return this.notifyMany(tx, [{ ticket, notice }]);
  }

  async notifyMany(tx: Tx, planned: readonly PlannedTicketNotice[]): Promise<number> {
    if (planned.length === 0) return 0;
    const now = this.clock.now();
    const rows = planned.map(({ ticket, notice }, ord) => ({
      ord,
      ticketId: ticket.id,
      requesterId: ticket.requesterId,
      deleted: ticket.deletedAt !== null,
      type: notice.type,
      title: notice.title,
      body: notice.body ?? null,
      data: { ticketId: ticket.id, ticketNumber: ticket.number, ...notice.data },
      dedupeKey: notice.dedupeKey,
      at: (notice.at ?? now).toISOString(),
      actorId: notice.actorId,
      internal: notice.internal,
      only: notice.onlyUserIds ?? null,
      direct: notice.onlyUserIds
        ? []
        : [...(ticket.assigneeId ? [ticket.assigneeId] : []), ...(notice.includeRequester ? [ticket.requesterId] : [])],
    }));
    return tx.$executeRaw`
      INSERT INTO "Notification" ("userId", "ticketId", "type", "title", "body", "data", "dedupeKey", "createdAt")
      SELECT u."id", n."ticketId", n."type", n."title", n."body", n."data", n."dedupeKey", n."at"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS n(
             "ticketId" uuid, "requesterId" uuid, "deleted" boolean, "type" text, "title" text, "body" text,
             "data" jsonb, "dedupeKey" text, "at" timestamp(3), "actorId" uuid, "internal" boolean,
             "only" uuid[], "direct" uuid[], "ord" int)
      JOIN "User" u ON CASE WHEN n."only" IS NOT NULL THEN u."id" = ANY(n."only")
                            ELSE u."id" = ANY(n."direct")
                                 OR EXISTS (SELECT 1 FROM "TicketWatcher" w
                                            WHERE w."ticketId" = n."ticketId" AND w."userId" = u."id") END
      WHERE u."isActive" AND u."deletedAt" IS NULL
        AND CASE WHEN n."deleted" THEN u."role" = 'ADMIN'
                 ELSE (u."role" IN ('ADMIN', 'AGENT') OR u."id" = n."requesterId") END
        AND u."id" IS DISTINCT FROM n."actorId"
        AND (NOT n."internal" OR u."role" IN ('ADMIN', 'AGENT'))
      ORDER BY n."ord", u."id"
      ON CONFLICT DO NOTHING`;
  }
}
