import { createHash } from 'node:crypto';

/** SHA-256 of the script as lowercase zero-padded hex: what Prisma stores in `_prisma_migrations.checksum`. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/** Prisma's obsolete rendering (bytes without zero padding), still found in old migration tables. */
function legacyChecksum(script: string): string {
  return [...createHash('sha256').update(script, 'utf8').digest()].map((b) => b.toString(16)).join('');
}

/**
 * Whether a script matches a recorded checksum, as Prisma's schema engine decides (checksum.rs):
 * the script as is, its LF form and its CRLF form all match, because git may rewrite line endings
 * between the machine that applied a migration and the one checking it.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')];
  const render = checksum.length !== 0 && checksum.length !== 64 ? legacyChecksum : migrationChecksum;
  return variants.some((v) => render(v) === checksum);
}
