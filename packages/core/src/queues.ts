/** BullMQ queue and job names shared by the backend (producers) and the worker (processors). */
export const SLA_MONITOR_QUEUE = 'sla-monitor';
export const EVENT_CONSUMER_QUEUE = 'event-consumer';
export const EMAIL_OUTBOUND_QUEUE = 'email-outbound';

/** Jobs of EMAIL_OUTBOUND_QUEUE. */
export const SEND_REPLY_JOB = 'send-reply';
export const SEND_NOTIFICATION_JOB = 'send-notification';

export interface SendReplyJobData {
  emailMessageId: string;
}

export interface SendNotificationJobData {
  to: string[];
  subject: string;
  text: string;
  ticketId?: string;
}

/** Key prefix of every queue (env QUEUE_PREFIX). */
export const DEFAULT_QUEUE_PREFIX = 'nixflow';
