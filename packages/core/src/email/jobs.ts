// Job naming and retry policy shared by the backend (which enqueues) and the worker (whose sweep re-enqueues).

export const SEND_REPLY_JOB = 'send-reply';
export const SEND_NOTIFICATION_JOB = 'send-notification';
export const IMAP_POLL_JOB = 'poll';
export const EMAIL_MAINTENANCE_JOB = 'maintenance';
export const PROCESS_RAW_JOB = 'process-raw';

export interface SendReplyJobData {
  emailMessageId: string;
}
export interface SendNotificationJobData {
  to: string[];
  subject: string;
  text: string;
  ticketId?: string;
}
export interface ProcessRawJobData {
  rawId: string;
}

/** Same id for the same message: enqueuing twice (commit hook + sweep) keeps one job. */
export const sendReplyJobId = (emailMessageId: string): string => `send-reply-${emailMessageId}`;
export const processRawJobId = (rawId: string): string => `process-raw-${rawId}`;
export const imapPollSchedulerId = (accountId: string): string => `imap-poll-${accountId}`;

/** Options of a send-reply job, whoever enqueues it (API, worker's invitations, sweep): one job per message. */
export function sendReplyJobOptions(emailMessageId: string, retry: RetryPolicy) {
  return { jobId: sendReplyJobId(emailMessageId), ...retry, removeOnComplete: 1000, removeOnFail: 1000 };
}

export interface RetryPolicy {
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
}

/** `attempts` tries, waiting `delayMs` × 2^(n-1) between them (EMAIL_SEND_ATTEMPTS / EMAIL_SEND_BACKOFF_MS, validated by the config schemas). */
export function emailSendRetryPolicy(attempts: number, delayMs: number): RetryPolicy {
  return { attempts, backoff: { type: 'exponential', delay: delayMs } };
}
