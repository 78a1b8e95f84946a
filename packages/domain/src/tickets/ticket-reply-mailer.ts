import type { Comment, Ticket, UserRole } from '@nixflow/db/client';
import type { Tx } from '../tx.js';

/** What queueReplyForComment needs of rows a caller already loaded in its transaction. */
export interface KnownReplyContext {
  comment: Pick<Comment, 'id' | 'ticketId' | 'authorId' | 'body' | 'internal' | 'deletedAt'>;
  authorRole: UserRole;
  ticket: Pick<Ticket, 'id' | 'number' | 'subject' | 'channel' | 'requesterId' | 'deletedAt'>;
  /** Whether the ticket has a thread on an active account, when the caller's statement already asked. */
  hasActiveEmailThread?: boolean;
}

/**
 * Mails a staff public reply on an e-mail ticket (the API binds its EmailOutboundService). Optional: a
 * process without outbound mail (the seed, service tests) leaves it unbound and comments are not mailed.
 */
export interface TicketReplyMailer {
  /** The queued message's id (written in `tx`), or null when the comment is not to be mailed. */
  queueReplyForComment(tx: Tx, ticketId: string, commentId: string, known?: KnownReplyContext): Promise<string | null>;
  /** After the commit: hand the queued message to the sender. */
  enqueue(messageId: string): Promise<unknown>;
}

export const TICKET_REPLY_MAILER = Symbol('TICKET_REPLY_MAILER');
