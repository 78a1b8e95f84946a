import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

/** argon2id with OWASP's baseline (19 MiB, 2 passes, 1 lane). Every new or upgraded hash uses these. */
export const ARGON2_OPTIONS: Options = {
  algorithm: 2, // Algorithm.Argon2id (a const enum the isolated build cannot inline)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

const isBcrypt = (stored: string): boolean => /^\$2[aby]\$/.test(stored);

/** Checks a password against an argon2id hash, or a bcrypt hash from before the move to argon2id. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (isBcrypt(stored)) return bcrypt.compare(password, stored);
  try {
    return await verify(stored, password, ARGON2_OPTIONS);
  } catch {
    return false; // malformed hash
  }
}

/** True when the stored hash is not argon2id with the current parameters (upgrade it after a successful login). */
export function needsRehash(stored: string): boolean {
  const o = ARGON2_OPTIONS;
  return !stored.startsWith(`$argon2id$v=19$m=${o.memoryCost},t=${o.timeCost},p=${o.parallelism}$`);
}

/**
 * An argon2id hash made with ARGON2_OPTIONS, verified when the e-mail is unknown so that the work
 * (and so the timing) is that of a real account. Made once per process from a random password.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('hex'));
  return dummyHash;
}
