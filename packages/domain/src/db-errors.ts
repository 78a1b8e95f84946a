export const MIGRATIONS_MESSAGE =
  'Database migrations not applied: run npm run db:migrate (or ./apply_sla_migration.sh)';

/**
 * What a database error means, for both processes: the API answers it over HTTP (conflict 409, not_found
 * 404, validation 400, schema_mismatch and unavailable 503), the worker logs and retries by kind.
 */
export type DbErrorKind = 'conflict' | 'not_found' | 'validation' | 'schema_mismatch' | 'unavailable';

export interface ClassifiedDbError {
  kind: DbErrorKind;
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

/**
 * The fields behind a constraint name made by Prisma's naming rules (`SLAPolicy_name_key`,
 * `Notification_userId_dedupeKey_key`, `Ticket_requesterId_fkey`), so that answers name fields, never
 * internal constraints. Returns undefined for names that do not follow the rules.
 */
export function fieldsOfConstraint(name: string): { model: string; fields: string[] } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9]*)_([A-Za-z0-9_]+?)_(key|fkey|idx|pkey)$/.exec(name.replace(/"/g, ''));
  return m ? { model: m[1]!, fields: m[2]!.split('_').filter(Boolean) } : undefined;
}

/** Field names (never constraint names) from a value Prisma put in meta.target / meta.field_name / the cause. */
function namesOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
  return list.flatMap((v) => fieldsOfConstraint(v)?.fields ?? [v.replace(/"/g, '')]);
}

function uniqueFields(meta: AnyRecord | undefined): string[] {
  if (meta?.target !== undefined) return namesOf(meta.target);
  const constraint = rec(adapterCause(meta)?.constraint);
  if (Array.isArray(constraint?.fields)) return namesOf(constraint.fields);
  if (typeof constraint?.index === 'string') return namesOf(constraint.index);
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
  'EPIPE',
]);
/** Driver-adapter error kinds that mean "the database is not there right now". */
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
/** Driver-adapter error kinds that mean "this value cannot be stored": the client's fault. */
const BAD_VALUE_KINDS = new Set(['LengthMismatch', 'ValueOutOfRange', 'InvalidInputValue']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (server shutting down / starting),
 * 53300 (too many connections) are transient outages; class 22 (data exception: NUL bytes, values too
 * long or out of range, malformed literals) is bad input.
 */
function classifySqlState(state: string | undefined): 'unavailable' | 'bad-value' | undefined {
  if (!state || !/^[0-9A-Z]{5}$/.test(state)) return undefined;
  if (state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03' || state === '53300')
    return 'unavailable';
  if (state.startsWith('22')) return 'bad-value';
  return undefined;
}

/** First non-empty line (Prisma messages start with a blank line). */
const firstLine = (message: string): string =>
  message
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? '';

function badValue(sqlState: string | undefined): ClassifiedDbError {
  return {
    kind: 'validation',
    message:
      sqlState === '22021' || sqlState === '22P05'
        ? 'Text contains characters that cannot be stored (such as NUL bytes)'
        : 'A value is invalid, too long or out of range for the field it is stored in',
  };
}

function tableFromMessage(message: string): string | undefined {
  const m = /(?:table|relation) [`"']?(?:public\.)?([\w.]+?)[`"']? does not exist/i.exec(message);
  return m?.[1];
}

function columnFromMessage(message: string): string | undefined {
  const m = /column [`"']?([\w."]+?)[`"']? does not exist/i.exec(message);
  return m?.[1]?.replace(/"/g, '');
}

function missingTable(table: string | undefined): ClassifiedDbError {
  const name = (table ?? 'unknown').replace(/^public\./, '');
  return {
    kind: 'schema_mismatch',
    message: MIGRATIONS_MESSAGE,
    detail: name,
    log: { level: 'error', line: `[DB-MISMATCH] table "${name}" is missing: run npm run db:migrate` },
  };
}

function missingColumn(column: string | undefined): ClassifiedDbError {
  const name = column ?? 'unknown';
  return {
    kind: 'schema_mismatch',
    message: MIGRATIONS_MESSAGE,
    detail: name,
    log: { level: 'error', line: `[DB-MISMATCH] column "${name}" is missing: run npm run db:migrate` },
  };
}

const unavailable = (reason: string): ClassifiedDbError => ({
  kind: 'unavailable',
  message: 'Database unavailable, try again later',
  log: { level: 'error', line: `[DB-UNAVAILABLE] ${reason}` },
});

/**
 * The one classifier of database errors (Prisma P-codes, driver-adapter kinds, PostgreSQL SQLSTATEs,
 * network errnos), shared by the API and the worker. Returns undefined when `err` is not a database error.
 */
export function classifyDbError(err: unknown): ClassifiedDbError | undefined {
  const e = rec(err);
  if (!e) return undefined;
  const name = String(e.name ?? err?.constructor?.name ?? '');
  const code = typeof e.code === 'string' ? e.code : typeof e.errorCode === 'string' ? e.errorCode : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  const meta = rec(e.meta);

  if (name === 'PrismaClientInitializationError') return unavailable(firstLine(message) || name);

  if (name === 'PrismaClientKnownRequestError' || (code && /^P\d{4}$/.test(code))) {
    const cause = adapterCause(meta);
    const sqlState = [cause?.originalCode, cause?.code, meta?.code].find((c): c is string => typeof c === 'string');
    const kind = typeof cause?.kind === 'string' ? cause.kind : undefined;
    const sqlClass = classifySqlState(sqlState);
    if (sqlClass === 'unavailable' || (kind && UNAVAILABLE_KINDS.has(kind)))
      return unavailable(`${code ?? name}/${sqlState ?? kind}: ${firstLine(message)}`);
    if (sqlClass === 'bad-value' || (kind && BAD_VALUE_KINDS.has(kind))) return badValue(sqlState);
    switch (code) {
      case 'P2002': {
        const fields = uniqueFields(meta);
        return {
          kind: 'conflict',
          message: fields.length
            ? `A record with this ${fields.join(', ')} already exists`
            : 'A record with these values already exists',
          detail: fields.join(',') || undefined,
        };
      }
      case 'P2003': {
        const constraint = rec(cause?.constraint);
        const raw = meta?.field_name ?? constraint?.index ?? constraint?.fields;
        const named = typeof raw === 'string' ? fieldsOfConstraint(raw.replace(/ \(index\)$/, '')) : undefined;
        const fields = named?.fields ?? namesOf(raw);
        const model = typeof meta?.modelName === 'string' ? meta.modelName : 'The record';
        const by = fields.length ? `${named ? `${named.model}.` : ''}${fields.join(', ')}` : 'another record';
        return {
          kind: 'conflict',
          message: `${model} is still referenced by ${by} (or references a record that does not exist)`,
          detail: fields.join(',') || undefined,
        };
      }
      case 'P2025':
      case 'P2001':
      case 'P2015':
      case 'P2018':
        return {
          kind: 'not_found',
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
      case 'P2000':
      case 'P2006':
      case 'P2007':
      case 'P2020':
        return badValue(sqlState);
      case 'P2034':
        return { kind: 'conflict', message: 'The record was changed at the same time, try again' };
      default:
        if (code && CONNECTION_CODES.has(code)) return unavailable(`${code}: ${firstLine(message)}`);
    }
    if (cause?.kind === 'TableDoesNotExist') return missingTable(String(cause.table ?? ''));
    if (cause?.kind === 'ColumnNotFound') return missingColumn(String(cause.column ?? ''));
    return undefined;
  }

  // Raw node-postgres / network errors.
  if (code === '42P01') return missingTable(tableFromMessage(message));
  if (code === '42703') return missingColumn(columnFromMessage(message));
  if (code && NET_ERRNOS.has(code)) return unavailable(`${code}: ${message}`);
  const rawClass = classifySqlState(code);
  if (rawClass === 'unavailable') return unavailable(`${code}: ${firstLine(message)}`);
  if (rawClass === 'bad-value') return badValue(code);
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

/**
 * True when `err`, or an error it wraps (`cause`, a few levels deep), says the schema is behind the code:
 * a missing table or column (migrations not applied).
 */
const MISSING_RELATION = /42P01|relation "[^"]+" does not exist|table `[^`]+` does not exist/i;

export function isSchemaMismatch(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (classifyDbError(e)?.kind === 'schema_mismatch') return true;
    // Wrapped errors that carry only the server's text (e.g. a failed raw query inside a job).
    const { message, cause } = e as { message?: unknown; cause?: unknown };
    if (typeof message === 'string' && MISSING_RELATION.test(message)) return true;
    e = cause;
  }
  return false;
}
