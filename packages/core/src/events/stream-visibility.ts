import { canSeeTicket } from '../tickets/ticket-rules.js';

/**
 * Which live updates a user may receive: the REST routes' rule (staff see every live ticket, admins
 * deleted ones too, customers only their own) and never anything about internal notes for customers.
 * Customers get an allow-list of event types; a new event type stays staff-only until it is listed.
 */
export type StreamRole = 'ADMIN' | 'AGENT' | 'CUSTOMER';

export interface StreamViewer {
  id: string;
  role: StreamRole;
}

export interface StreamTicketRef {
  requesterId: string;
  deletedAt: Date | null;
  number: number;
}

export interface StreamLogEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  actorId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** What a client receives for one event (it fetches details over REST, with its own permissions). */
export interface StreamEventData {
  type: string;
  ticketId: string | null;
  ticketNumber: number | null;
  actorId: string | null;
  payload: Record<string, unknown>;
  at: string;
}

export const CUSTOMER_STREAM_EVENT_TYPES: ReadonlySet<string> = new Set([
  'TicketCreated',
  'TicketUpdated',
  'StatusChanged',
  'CommentAdded',
  'CommentEdited',
  'CommentDeleted',
]);

/** Payload keys a customer may see, per event type (everything else is staff detail). */
const CUSTOMER_PAYLOAD_KEYS: Readonly<Record<string, readonly string[]>> = {
  TicketCreated: [],
  TicketUpdated: ['version'],
  StatusChanged: ['from', 'to'],
  CommentAdded: ['commentId'],
  CommentEdited: ['commentId'],
  CommentDeleted: ['commentId'],
};

function pick(payload: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (payload[k] !== undefined) out[k] = payload[k];
  return out;
}

/** The REST routes' ticket rule (canSeeTicket), applied to the ticket as it is now. */
export function streamTicketVisible(viewer: StreamViewer, ticket: StreamTicketRef | undefined): boolean {
  return !!ticket && canSeeTicket(viewer, ticket);
}

/**
 * The event as `viewer` may see it, or null. `ticket` is the ticket the event is about, as it is now
 * (access lost since the event was written means no delivery), or undefined when it no longer exists.
 */
export function streamEventFor(
  viewer: StreamViewer,
  event: StreamLogEvent,
  ticket: StreamTicketRef | undefined,
): StreamEventData | null {
  const isTicketEvent = event.aggregateType === 'Ticket';
  if (isTicketEvent && !streamTicketVisible(viewer, ticket)) return null;
  const base = {
    type: event.type,
    ticketId: isTicketEvent ? event.aggregateId : null,
    ticketNumber: isTicketEvent && ticket ? ticket.number : null,
    at: event.createdAt.toISOString(),
  };
  if (viewer.role !== 'CUSTOMER') return { ...base, actorId: event.actorId, payload: event.payload };

  if (!isTicketEvent) return null;
  if (!CUSTOMER_STREAM_EVENT_TYPES.has(event.type)) return null;
  if (event.payload.internal !== false && event.type.startsWith('Comment')) return null;
  return { ...base, actorId: null, payload: pick(event.payload, CUSTOMER_PAYLOAD_KEYS[event.type] ?? []) };
}
