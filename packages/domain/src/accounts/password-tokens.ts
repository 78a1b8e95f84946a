import { createHash, randomBytes } from 'node:crypto';
import type { PasswordTokenPurpose } from '@nixflow/db/client';
import type { Tx } from '../tx.js';

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * A new single-use token (256 random bits) for a password reset or an invitation, in the caller's
 * transaction. Only its SHA-256 is stored; the token itself goes into the mail.
 */
export async function issuePasswordToken(
  tx: Tx,
  userId: string,
  purpose: PasswordTokenPurpose,
  ttlMs: number,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await tx.passwordToken.create({
    data: { userId, purpose, tokenHash: sha256Hex(token), expiresAt: new Date(now.getTime() + ttlMs) },
  });
  return token;
}
