import { Logger } from '@nestjs/common';
import { emailSendRetryPolicy, resolveEmailSecretKey, type RetryPolicy } from '@nixflow/core';

export interface EmailWorkerConfig {
  secretKey: Buffer;
  sendRetry: RetryPolicy;
  /** How often schedulers are synced with the accounts and lost jobs re-enqueued (EMAIL_MAINTENANCE_INTERVAL_MS, 15 s). */
  maintenanceIntervalMs: number;
  /** A QUEUED message older than this without a job gets one (EMAIL_QUEUED_GRACE_MS, 5 s). */
  queuedGraceMs: number;
  /** IMAP/SMTP connection and socket timeouts (EMAIL_CONNECT_TIMEOUT_MS, 10 s). */
  connectTimeoutMs: number;
  /** Messages fetched and staged per IMAP round trip (EMAIL_IMAP_BATCH, 20). */
  imapBatchSize: number;
}

export const EMAIL_WORKER_CONFIG = Symbol('EMAIL_WORKER_CONFIG');

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : fallback;
}

export function loadEmailWorkerConfig(env: NodeJS.ProcessEnv = process.env): EmailWorkerConfig {
  const { key, isDevelopmentDefault } = resolveEmailSecretKey(env.EMAIL_SECRET_KEY);
  if (isDevelopmentDefault && env.NODE_ENV === 'production')
    new Logger('EmailWorkerConfig').warn(
      'EMAIL_SECRET_KEY is not set: using the development key. Set it in production!',
    );
  return {
    secretKey: key,
    sendRetry: emailSendRetryPolicy(env),
    maintenanceIntervalMs: positive(env.EMAIL_MAINTENANCE_INTERVAL_MS, 15_000),
    queuedGraceMs: positive(env.EMAIL_QUEUED_GRACE_MS, 5_000),
    connectTimeoutMs: positive(env.EMAIL_CONNECT_TIMEOUT_MS, 10_000),
    imapBatchSize: positive(env.EMAIL_IMAP_BATCH, 20),
  };
}
