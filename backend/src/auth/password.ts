import bcrypt from 'bcryptjs';

export function bcryptCost(): number {
  const n = Number.parseInt(process.env.BCRYPT_COST ?? '', 10);
  return Number.isFinite(n) && n >= 4 && n <= 15 ? n : 10;
}

export function hashPassword(password: string, cost: number = bcryptCost()): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** A valid hash to compare against when the user does not exist (keeps timing similar). */
export const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.P5/1J6Jv0N8sBiUd6UFJm6QMgSg2';
