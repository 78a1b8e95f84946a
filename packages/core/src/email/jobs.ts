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

export interface RetryPolicy {
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : fallback;
}

/** EMAIL_SEND_ATTEMPTS (default 5) tries, waiting EMAIL_SEND_BACKOFF_MS (default 30 s) × 2^(n-1) between them. */
export function emailSendRetryPolicy(env: Record<string, string | undefined>): RetryPolicy {
  return {
    attempts: positive(env.EMAIL_SEND_ATTEMPTS, 5),
    backoff: { type: 'exponential', delay: positive(env.EMAIL_SEND_BACKOFF_MS, 30_000) },
  };
}
