import { emailSendRetryPolicy, type RetryPolicy } from '@nixflow/core';
import type { AppConfig } from '../config/app-config.js';

export interface EmailConfig {
  /** AES-256-GCM key for the IMAP/SMTP passwords at rest. */
  secretKey: Buffer;
  /** Largest raw message POST /api/email/inbound accepts (EMAIL_INBOUND_MAX_BYTES, default 25 MB). */
  maxInboundBytes: number;
  /** New tickets one sender may open per hour (EMAIL_MAX_NEW_TICKETS_PER_SENDER_PER_HOUR, default 20). */
  newTicketsPerSenderPerHour: number;
  /** Bound of the account connection test, per protocol (EMAIL_CONNECT_TIMEOUT_MS, default 10 s). */
  connectTimeoutMs: number;
  sendRetry: RetryPolicy;
}

export const EMAIL_CONFIG = Symbol('EMAIL_CONFIG');

/** The mail part of the API's validated configuration (APP_CONFIG). */
export function emailConfigFrom(config: AppConfig): EmailConfig {
  return {
    secretKey: config.emailSecretKey,
    maxInboundBytes: config.email.maxInboundBytes,
    newTicketsPerSenderPerHour: config.email.newTicketsPerSenderPerHour,
    connectTimeoutMs: config.email.connectTimeoutMs,
    sendRetry: emailSendRetryPolicy(config.email.sendAttempts, config.email.sendBackoffMs),
  };
}
