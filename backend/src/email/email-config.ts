import { Logger } from '@nestjs/common';
import { emailSendRetryPolicy, resolveEmailSecretKey, type RetryPolicy } from '@nixflow/core';

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
  redisUrl: string;
  queuePrefix: string;
  /** Whether this process consumes staged IMAP messages (EMAIL_INBOUND_CONSUMER=off disables it). */
  inboundConsumer: boolean;
}

export const EMAIL_CONFIG = Symbol('EMAIL_CONFIG');

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : fallback;
}

let warnedKey = false;

export function loadEmailConfig(env: NodeJS.ProcessEnv = process.env): EmailConfig {
  const { key, isDevelopmentDefault } = resolveEmailSecretKey(env.EMAIL_SECRET_KEY);
  if (isDevelopmentDefault && env.NODE_ENV === 'production' && !warnedKey) {
    warnedKey = true;
    new Logger('EmailConfig').warn(
      'EMAIL_SECRET_KEY is not set: mail passwords are encrypted with the development key. Set EMAIL_SECRET_KEY (32 bytes, hex or base64) in production!',
    );
  }
  return {
    secretKey: key,
    maxInboundBytes: positive(env.EMAIL_INBOUND_MAX_BYTES, 25 * 1024 * 1024),
    newTicketsPerSenderPerHour: positive(env.EMAIL_MAX_NEW_TICKETS_PER_SENDER_PER_HOUR, 20),
    connectTimeoutMs: positive(env.EMAIL_CONNECT_TIMEOUT_MS, 10_000),
    sendRetry: emailSendRetryPolicy(env),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    queuePrefix: env.QUEUE_PREFIX || 'nixflow',
    inboundConsumer: (env.EMAIL_INBOUND_CONSUMER ?? 'on').toLowerCase() !== 'off',
  };
}
