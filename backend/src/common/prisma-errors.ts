import { HttpStatus } from '@nestjs/common';

export const MIGRATIONS_MESSAGE =
  'Database migrations not applied: run npm run db:migrate (or ./apply_sla_migration.sh)';

export interface MappedDbError {
  status: number;
  message: string;
  /** Table or column named in a schema-mismatch error. */
  detail?: string;
  /** Line to log (with the level) when the error says something operators must see. */
  log?: { level: 'error' | 'warn'; line: string };
}

type AnyRecord = Record<string, unknown>;

function rec(v: unknown): AnyRecord | undefined {
  return v && typeof v === 'object' ? (v as AnyRecord) : undefined;
}

/** The driver adapter's structured cause, when Prisma runs over @prisma/adapter-pg. */
function adapterCause(meta: AnyRecord | undefined): AnyRecord | undefined {
  const dae = rec(meta?.driverAdapterError);
  return rec(dae?.cause) ?? dae;
}

function uniqueFields(meta: AnyRecord | undefined): string[] {
  const target = meta?.target;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === 'string') return [target];
  const constraint = rec(adapterCause(meta)?.constraint);
  if (Array.isArray(constraint?.fields))
    return (constraint.fields as unknown[]).map((f) => String(f).replace(/"/g, ''));
  if (typeof constraint?.index === 'string') return [constraint.index];
  return [];
}

const CONNECTION_CODES = new Set(['P1000', 'P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
const NET_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  '57P03',
]);

function tableFromMessage(message: string): string | undefined {
  const m = /(?:table|relation) [`"']?(?:public\.)?([\w.]+?)[`"']? does not exist/i.exec(message);
  return m?.[1];
}

function columnFromMessage(message: string): string | undefined {
  const m = /column [`"']?([\w."]+?)[`"']? does not exist/i.exec(message);
  return m?.[1]?.replace(/"/g, '');
}

function missingTable(table: string | undefined): MappedDbError {
  const name = (table ?? 'unknown').replace(/^public\./, '');
  return {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    message: MIGRATIONS_MESSAGE,
    detail: name,
    log: { level: 'error', line: `[DB-MISMATCH] table "${name}" is missing: run npm run db:migrate` },
  };
}

function missingColumn(column: string | undefined): MappedDbError {
  const name = column ?? 'unknown';
  return {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    message: MIGRATIONS_MESSAGE,
    detail: name,
    log: { level: 'error', line: `[DB-MISMATCH] column "${name}" is missing: run npm run db:migrate` },
  };
}

const unavailable = (reason: string): MappedDbError => ({
  status: HttpStatus.SERVICE_UNAVAILABLE,
  message: 'Database unavailable, try again later',
  log: { level: 'error', line: `[DB-UNAVAILABLE] ${reason}` },
});

/**
 * The one place that turns database/Prisma errors into HTTP answers.
 * Returns undefined when `err` is not a database error.
 */
export function mapPrismaError(err: unknown): MappedDbError | undefined {
  const e = rec(err);
  if (!e) return undefined;
  const name = String(e.name ?? err?.constructor?.name ?? '');
  const code = typeof e.code === 'string' ? e.code : typeof e.errorCode === 'string' ? e.errorCode : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  const meta = rec(e.meta);

  if (name === 'PrismaClientInitializationError') return unavailable(message.split('\n')[0] || name);

  if (name === 'PrismaClientKnownRequestError' || (code && /^P\d{4}$/.test(code))) {
    const cause = adapterCause(meta);
    switch (code) {
      case 'P2002': {
        const fields = uniqueFields(meta);
        return {
          status: HttpStatus.CONFLICT,
          message: fields.length
            ? `A record with this ${fields.join(', ')} already exists`
            : 'A record with these values already exists',
          detail: fields.join(',') || undefined,
        };
      }
      case 'P2003': {
        const constraint = rec(cause?.constraint);
        const field = String(meta?.field_name ?? constraint?.index ?? constraint?.fields ?? 'another record');
        const model = typeof meta?.modelName === 'string' ? meta.modelName : 'The record';
        return {
          status: HttpStatus.CONFLICT,
          message: `${model} is still referenced by ${field} (or references a record that does not exist)`,
        };
      }
      case 'P2025':
      case 'P2001':
      case 'P2015':
      case 'P2018':
        return {
          status: HttpStatus.NOT_FOUND,
          message: typeof meta?.cause === 'string' ? meta.cause : 'Record not found',
        };
      case 'P2021':
        return missingTable(
          (typeof meta?.table === 'string' && meta.table) ||
            (typeof cause?.table === 'string' && cause.table) ||
            tableFromMessage(message) ||
            (typeof meta?.modelName === 'string' ? meta.modelName : undefined),
        );
      case 'P2022':
        return missingColumn(
          (typeof meta?.column === 'string' && meta.column) ||
            (typeof cause?.column === 'string' && cause.column) ||
            columnFromMessage(message),
        );
      case 'P2010': {
        // Raw query failed: look at the PostgreSQL SQLSTATE.
        const pgCode = String(meta?.code ?? cause?.originalCode ?? '');
        if (pgCode === '42P01') return missingTable(tableFromMessage(String(meta?.message ?? message)));
        if (pgCode === '42703') return missingColumn(columnFromMessage(String(meta?.message ?? message)));
        break;
      }
      default:
        if (code && CONNECTION_CODES.has(code)) return unavailable(`${code}: ${message.split('\n')[0]}`);
    }
    if (cause?.kind === 'TableDoesNotExist') return missingTable(String(cause.table ?? ''));
    if (cause?.kind === 'ColumnNotFound') return missingColumn(String(cause.column ?? ''));
    if (cause?.kind === 'DatabaseNotReachable' || cause?.kind === 'ConnectionClosed')
      return unavailable(String(cause.kind));
    return undefined;
  }

  // Raw node-postgres / network errors.
  if (code === '42P01') return missingTable(tableFromMessage(message));
  if (code === '42703') return missingColumn(columnFromMessage(message));
  if (code && NET_ERRNOS.has(code)) return unavailable(`${code}: ${message}`);
  if (/timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message))
    return unavailable(message);
  if (name === 'PrismaClientRustPanicError' || name === 'PrismaClientUnknownRequestError') {
    if (/does not exist/.test(message)) {
      const t = tableFromMessage(message);
      if (t) return missingTable(t);
      const c = columnFromMessage(message);
      if (c) return missingColumn(c);
    }
  }
  return undefined;
}
