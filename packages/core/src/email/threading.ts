import { parseMessageIdList } from './message-ids.js';
import { parseTicketToken } from './reference-token.js';

export interface ThreadingHeaders {
  inReplyTo?: string | string[] | null;
  references?: string | string[] | null;
  subject?: string | null;
}

/** A message of this account already stored, found by one of the ids `threadingLookupIds` returned. */
export interface KnownMessage {
  messageId: string;
  ticketId: string | null;
}

export type ThreadingDecision =
  | { kind: 'reply'; ticketId: string; via: 'in-reply-to' | 'references' | 'subject-token'; parentMessageId?: string }
  | { kind: 'new' };

/** Ids to look up, most specific first: In-Reply-To, then References newest to oldest. */
export function threadingLookupIds(h: ThreadingHeaders): string[] {
  const inReplyTo = parseMessageIdList(h.inReplyTo);
  const refs = parseMessageIdList(h.references).reverse();
  return [...new Set([...inReplyTo, ...refs])];
}

/** The ticket number the subject names (`[#123]`), for the caller to look up. */
export function threadingTicketNumber(h: ThreadingHeaders): number | null {
  return parseTicketToken(h.subject);
}

/**
 * Reply to a known message → its ticket; else a subject token naming an existing ticket → that ticket;
 * else a new ticket. `known` are the stored messages matching `threadingLookupIds(h)`;
 * `tokenTicketId` is the id of the ticket `threadingTicketNumber(h)` names, if it exists.
 */
export function decideThreading(
  h: ThreadingHeaders,
  known: readonly KnownMessage[],
  tokenTicketId: string | null,
): ThreadingDecision {
  const byId = new Map(known.filter((k) => k.ticketId).map((k) => [k.messageId, k.ticketId!]));
  const inReplyTo = parseMessageIdList(h.inReplyTo);
  for (const id of inReplyTo) {
    const ticketId = byId.get(id);
    if (ticketId) return { kind: 'reply', ticketId, via: 'in-reply-to', parentMessageId: id };
  }
  for (const id of parseMessageIdList(h.references).reverse()) {
    const ticketId = byId.get(id);
    if (ticketId) return { kind: 'reply', ticketId, via: 'references', parentMessageId: id };
  }
  if (tokenTicketId) return { kind: 'reply', ticketId: tokenTicketId, via: 'subject-token' };
  return { kind: 'new' };
}
