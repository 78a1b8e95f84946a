import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// Stored form: v1:<iv base64>:<auth tag base64>:<ciphertext base64> (AES-256-GCM, 96-bit random IV).
const VERSION = 'v1';

/** Fixed development input for the default key: anyone can derive it, so production must set EMAIL_SECRET_KEY. */
export const DEV_EMAIL_SECRET_SEED = 'nixflow-dev-email-secret-key-change-me';

export interface EmailSecretKey {
  key: Buffer;
  /** True when EMAIL_SECRET_KEY was not set and the development default is in use. */
  isDevelopmentDefault: boolean;
}

/**
 * The 32-byte key from EMAIL_SECRET_KEY (64 hex characters or base64 of 32 bytes).
 * Unset → SHA-256 of DEV_EMAIL_SECRET_SEED. Anything else → error (a wrong key must not silently encrypt).
 */
export function resolveEmailSecretKey(value: string | undefined | null): EmailSecretKey {
  const v = (value ?? '').trim();
  if (!v) return { key: createHash('sha256').update(DEV_EMAIL_SECRET_SEED).digest(), isDevelopmentDefault: true };
  if (/^[0-9a-f]{64}$/i.test(v)) return { key: Buffer.from(v, 'hex'), isDevelopmentDefault: false };
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return { key: b, isDevelopmentDefault: false };
  }
  throw new Error('EMAIL_SECRET_KEY must be 32 bytes, as 64 hex characters or base64');
}

export function encryptSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
}

/** Throws when the value was not produced by encryptSecret with this key (tampered or wrong key). */
export function decryptSecret(stored: string, key: Buffer): string {
  const parts = stored.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('Not an encrypted secret');
  const [, iv, tag, ct] = parts as [string, string, string, string];
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
}
