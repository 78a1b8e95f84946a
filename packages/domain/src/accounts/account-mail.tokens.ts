/** Settings of the mail sent to one user (invitations, password resets), from each process's validated configuration. */
export interface AccountMailOptions {
  /** Lifetime of an invitation token (INVITATION_TTL_HOURS, default 168 = 7 days). */
  invitationTtlMs: number;
  /** Base of the link in the mails (APP_PUBLIC_URL, default http://127.0.0.1:<PORT>). */
  publicUrl: string;
  /** Email account that sends system mail (SYSTEM_MAIL_ACCOUNT_ID); default: the oldest active one with SMTP. */
  systemMailAccountId: string | null;
}

export const ACCOUNT_MAIL_OPTIONS = Symbol('ACCOUNT_MAIL_OPTIONS');

/**
 * The producer side of the `email-outbound` queue (each process binds its own BullMQ queue): hands a QUEUED
 * outbound EmailMessage to the worker's sender, once per message id.
 */
export interface OutboundMailQueue {
  enqueueSendReply(emailMessageId: string): Promise<void>;
}

export const OUTBOUND_MAIL_QUEUE = Symbol('OUTBOUND_MAIL_QUEUE');
