import type { StreamLogEvent } from '@nixflow/core';
import { systemClock } from '../clock.js';
import type { Tx } from '../tx.js';
import { TicketNotifierService, type NotifiedTicket, type TicketNotice } from './ticket-notifier.service.js';

/** The fields of one committed EventLog row this rule reads (the row the live stream reads too). */
export type TicketEventRow = StreamLogEvent;

type NoticeTicket = NotifiedTicket & { subject: string };

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
/** The first `max` characters; never half of a surrogate pair (a lone one is not valid JSON text for jsonb). */
function excerpt(text: string, max = 200): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/**
 * The ticket's assignee when the event was written (the payload carries it), else as it is now (events
 * written before the payload carried it).
 */
function withAssignee(ticket: NoticeTicket, payload: Record<string, unknown>): NoticeTicket {
  return 'assigneeId' in payload ? { ...ticket, assigneeId: str(payload.assigneeId) } : ticket;
}

function noticeFor(
  e: TicketEventRow,
  ticket: NoticeTicket,
  commentBodies: Map<string, string>,
): { ticket: NoticeTicket; notice: TicketNotice } | null {
  const p = e.payload ?? {};
  // Status and assignment events without `version` were written by the API that still notified in its own
  // transaction: they were notified then.
  const version = typeof p.version === 'number' ? p.version : null;
  if (e.type === 'CommentAdded') {
    const commentId = str(p.commentId);
    const body = commentId ? commentBodies.get(commentId) : undefined;
    if (!commentId || body === undefined) return null; // deleted since: nothing to point at
    const internal = p.internal === true;
    return {
      ticket: withAssignee(ticket, p),
      notice: {
        type: 'comment.added',
        title: internal
          ? `Internal note on #${ticket.number}: ${ticket.subject}`
          : `New reply on #${ticket.number}: ${ticket.subject}`,
        body: excerpt(body),
        data: { commentId, internal },
        dedupeKey: `comment:${commentId}`,
        actorId: e.actorId,
        includeRequester: !internal,
        internal,
      },
    };
  }
  if (e.type === 'StatusChanged' && version !== null) {
    return {
      ticket: withAssignee(ticket, p),
      notice: {
        type: 'ticket.status_changed',
        title: `Ticket #${ticket.number} is now ${String(p.to)}: ${ticket.subject}`,
        data: { from: p.from, to: p.to },
        dedupeKey: `status:${ticket.id}:v${version}`,
        actorId: e.actorId,
        includeRequester: true,
        internal: false,
      },
    };
  }
  const assignee = str(p.to);
  if (e.type === 'TicketAssigned' && version !== null && assignee) {
    return {
      ticket,
      notice: {
        type: 'ticket.assigned',
        title: `Ticket #${ticket.number} assigned to you: ${ticket.subject}`,
        dedupeKey: `assigned:${ticket.id}:v${version}`,
        actorId: e.actorId,
        includeRequester: false,
        internal: true,
        onlyUserIds: [assignee],
      },
    };
  }
  return null;
}

const NOTIFYING = new Set(['CommentAdded', 'StatusChanged', 'TicketAssigned']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The notification fan-out of ticket changes, run by the event consumer in its transaction after the
 * change committed (off the request path). One INSERT … SELECT for the whole batch (TicketNotifierService: the
 * visibility rule evaluated now, never the actor, staff only for internal changes); dedupeKey makes a
 * replayed event a no-op, so each recipient is told exactly once. Returns the rows written.
 */
export async function notifyTicketEvents(
  tx: Tx,
  events: readonly TicketEventRow[],
  // Each notice carries its event's time (`at`), so the clock is only the fallback.
  notifier = new TicketNotifierService(systemClock),
): Promise<number> {
  // Cheap checks first, so that a batch of events nobody is told about costs no query.
  const relevant = events.filter(
    (e) =>
      e.aggregateType === 'Ticket' &&
      UUID.test(e.aggregateId) &&
      (e.type === 'CommentAdded'
        ? UUID.test(str(e.payload?.commentId) ?? '')
        : NOTIFYING.has(e.type) && typeof e.payload?.version === 'number'),
  );
  if (relevant.length === 0) return 0;
  const ticketIds = [...new Set(relevant.map((e) => e.aggregateId))];
  const commentIds = relevant.flatMap((e) => {
    const id = e.type === 'CommentAdded' ? str(e.payload?.commentId) : null;
    return id && UUID.test(id) ? [id] : [];
  });
  // One after the other: a transaction runs one statement at a time anyway.
  const tickets = await tx.ticket.findMany({
    where: { id: { in: ticketIds } },
    select: { id: true, number: true, subject: true, requesterId: true, assigneeId: true, deletedAt: true },
  });
  const comments = commentIds.length
    ? await tx.comment.findMany({
        where: { id: { in: commentIds }, deletedAt: null },
        select: { id: true, body: true },
      })
    : [];
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const commentBodies = new Map(comments.map((c) => [c.id, c.body]));
  const planned = relevant.flatMap((e) => {
    const ticket = byId.get(e.aggregateId);
    const found = ticket ? noticeFor(e, ticket, commentBodies) : null;
    return found ? [{ ticket: found.ticket, notice: { ...found.notice, at: e.createdAt } }] : [];
  });
  return notifier.notifyMany(tx, planned);
}
