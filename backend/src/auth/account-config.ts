import { parseEnv } from '@nixflow/db';
import { apiEnvSchema } from '../config/app-config.js';

/** Settings of the password reset and invitation mails (read from the environment once per process). */
export interface AccountConfig {
  /** Lifetime of a password-reset token (PASSWORD_RESET_TTL_MINUTES, default 60). */
  resetTtlMs: number;
  /** Lifetime of an invitation token (INVITATION_TTL_HOURS, default 168 = 7 days). */
  invitationTtlMs: number;
  /** Base of the link in the mails (APP_PUBLIC_URL, default http://127.0.0.1:<PORT>). */
  publicUrl: string;
  /** Email account that sends system mail (SYSTEM_MAIL_ACCOUNT_ID); default: the oldest active one with SMTP. */
  systemMailAccountId: string | null;
}

export const ACCOUNT_CONFIG = Symbol('ACCOUNT_CONFIG');

/** From the API's schema: validated with the rest of the configuration, a bad value stops the start. */
export function loadAccountConfig(env: NodeJS.ProcessEnv = process.env): AccountConfig {
  const e = parseEnv(
    apiEnvSchema.pick({
      PORT: true,
      PASSWORD_RESET_TTL_MINUTES: true,
      INVITATION_TTL_HOURS: true,
      APP_PUBLIC_URL: true,
      SYSTEM_MAIL_ACCOUNT_ID: true,
    }),
    env,
  );
  return {
    resetTtlMs: e.PASSWORD_RESET_TTL_MINUTES * 60_000,
    invitationTtlMs: e.INVITATION_TTL_HOURS * 3_600_000,
    publicUrl: (e.APP_PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    systemMailAccountId: e.SYSTEM_MAIL_ACCOUNT_ID ?? null,
  };
}
