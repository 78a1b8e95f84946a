import type { EmailMessageStatus, EmailMessageType } from '@nixflow/db/client';

/** Settings of the inbound pipeline, from each process's validated configuration. */
export interface InboundMailOptions {
  /** EMAIL_SECRET_KEY: the reply-token key that proves a reply quotes our signed Message-ID is derived from it. */
  secretKey: Buffer;
  /** New tickets one sender may open per hour (EMAIL_MAX_NEW_TICKETS_PER_SENDER_PER_HOUR). */
  newTicketsPerSenderPerHour: number;
}

export const INBOUND_MAIL_OPTIONS = Symbol('INBOUND_MAIL_OPTIONS');

/** What processing one inbound message produced (the webhook's response body). */
export interface InboundResult {
  duplicate: boolean;
  emailMessageId: string;
  status: EmailMessageStatus;
  type: EmailMessageType;
  ticketId: string | null;
  ticketNumber: number | null;
  commentId: string | null;
  flagReason: string | null;
}
