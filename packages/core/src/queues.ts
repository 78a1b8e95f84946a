// BullMQ queue names shared by backend (producers) and worker (consumers).
export const SLA_MONITOR_QUEUE = 'sla-monitor';
/** Jobs `send-reply` { emailMessageId } and `send-notification` { to, subject, text, ticketId? }. */
export const EMAIL_OUTBOUND_QUEUE = 'email-outbound';
/** Worker: one repeating `poll` job per active IMAP account (scheduler id `imap-poll-<accountId>`). */
export const EMAIL_INBOUND_QUEUE = 'email-inbound';
/** Backend: `process-raw` { rawId } turns a staged raw message into tickets/comments. */
export const EMAIL_INBOUND_PROCESS_QUEUE = 'email-inbound-process';
/** Worker: the repeating event-log consumer run (SLA notifications, policy recomputes). */
export const EVENT_CONSUMER_QUEUE = 'event-consumer';
/** Key prefix of every queue when env QUEUE_PREFIX is unset. */
export const DEFAULT_QUEUE_PREFIX = 'nixflow';
