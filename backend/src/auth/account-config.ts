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

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : fallback;
}

export function loadAccountConfig(env: NodeJS.ProcessEnv = process.env): AccountConfig {
  return {
    resetTtlMs: positive(env.PASSWORD_RESET_TTL_MINUTES, 60) * 60_000,
    invitationTtlMs: positive(env.INVITATION_TTL_HOURS, 168) * 3_600_000,
    publicUrl: (env.APP_PUBLIC_URL || `http://127.0.0.1:${env.PORT || '3000'}`).replace(/\/+$/, ''),
    systemMailAccountId: env.SYSTEM_MAIL_ACCOUNT_ID?.trim() || null,
  };
}
