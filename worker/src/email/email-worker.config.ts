import { emailSendRetryPolicy, type RetryPolicy } from '@nixflow/core';
import type { WorkerConfig } from '../config.js';

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

/** The mail part of the worker's validated configuration. */
export function emailWorkerConfigFrom(config: WorkerConfig): EmailWorkerConfig {
  return {
    secretKey: config.emailSecretKey,
    sendRetry: emailSendRetryPolicy(config.email.sendAttempts, config.email.sendBackoffMs),
    maintenanceIntervalMs: config.email.maintenanceIntervalMs,
    queuedGraceMs: config.email.queuedGraceMs,
    connectTimeoutMs: config.email.connectTimeoutMs,
    imapBatchSize: config.email.imapBatchSize,
  };
}
