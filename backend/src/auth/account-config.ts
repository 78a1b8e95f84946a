import { domainMailSettings, parseEnv } from '@nixflow/db';
import type { AccountMailOptions } from '@nixflow/domain';
import { apiEnvSchema } from '../config/app-config.js';

/** Settings of the password reset and invitation mails (read from the environment once per process). */
export interface AccountConfig extends AccountMailOptions {
  /** Lifetime of a password-reset token (PASSWORD_RESET_TTL_MINUTES, default 60). */
  resetTtlMs: number;
}

export const ACCOUNT_CONFIG = Symbol('ACCOUNT_CONFIG');

/**
 * From the API's schema: validated with the rest of the configuration, a bad value stops the start. The
 * invitation half comes from the shape the worker's schema shares (domainMailEnvShape).
 */
export function loadAccountConfig(env: NodeJS.ProcessEnv = process.env): AccountConfig {
  const e = parseEnv(
    apiEnvSchema.pick({
      PORT: true,
      PASSWORD_RESET_TTL_MINUTES: true,
      EMAIL_MAX_NEW_TICKETS_PER_SENDER_PER_HOUR: true,
      INVITATION_TTL_HOURS: true,
      APP_PUBLIC_URL: true,
      SYSTEM_MAIL_ACCOUNT_ID: true,
    }),
    env,
  );
  const { invitationTtlMs, publicUrl, systemMailAccountId } = domainMailSettings(e);
  return { resetTtlMs: e.PASSWORD_RESET_TTL_MINUTES * 60_000, invitationTtlMs, publicUrl, systemMailAccountId };
}
