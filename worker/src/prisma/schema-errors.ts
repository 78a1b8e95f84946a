/**
 * True when an error means the SLA tables are missing (migrations not applied):
 * Prisma P2021 (table does not exist), P2010 raw-query failures wrapping PG 42P01, or a bare PG 42P01.
 */
export function isMissingSchemaError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, meta, cause } = e as {
      code?: unknown;
      message?: unknown;
      meta?: { code?: unknown; message?: unknown };
      cause?: unknown;
    };
    const text = `${typeof message === 'string' ? message : ''} ${typeof meta?.message === 'string' ? meta.message : ''}`;
    if (code === 'P2021' || code === '42P01' || meta?.code === '42P01') return true;
    if (code === 'P2010' && /does not exist|42P01/.test(text)) return true;
    if (/42P01|relation "[^"]+" does not exist|table `[^`]+` does not exist/i.test(text)) return true;
    e = cause;
  }
  return false;
}

export const DB_MISMATCH_MESSAGE = '[DB-MISMATCH] Database migrations not applied: run npm run db:migrate';
