/** The database server cannot be reached or refuses us (CLI exit 2). */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

/** A migration failed now, or a failed one in the history blocks further runs (CLI exit 3). */
export class MigrationBlockedError extends Error {
  override name = 'MigrationBlockedError';
}

/** The migrations folder or the command line is wrong (CLI exit 1). */
export class MigrationSetupError extends Error {
  override name = 'MigrationSetupError';
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P03', // cannot_connect_now (server starting up or shutting down)
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification
  '53300', // too_many_connections
]);

/** Whether a connection error means "cannot reach the server" rather than a bug or bad SQL. */
export function isUnreachable(err: unknown): boolean {
  const e = err as { code?: string; errors?: unknown[]; message?: string };
  if (e?.code && UNREACHABLE_CODES.has(e.code)) return true;
  if (Array.isArray(e?.errors)) return e.errors.some(isUnreachable); // AggregateError (IPv4 + IPv6)
  return /Connection terminated|timeout expired/i.test(e?.message ?? '');
}

/** Human-readable text of a PostgreSQL error, with position, detail and hint when there are some. */
export function describePgError(err: unknown): string {
  const e = err as {
    message?: string;
    code?: string;
    detail?: string;
    hint?: string;
    where?: string;
    position?: string;
  };
  const parts = [e?.message ?? String(err)];
  if (e?.code) parts[0] += ` (SQLSTATE ${e.code})`;
  if (e?.detail) parts.push(`DETAIL: ${e.detail}`);
  if (e?.hint) parts.push(`HINT: ${e.hint}`);
  if (e?.where) parts.push(`WHERE: ${e.where}`);
  return parts.join('\n');
}
