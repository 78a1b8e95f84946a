/**
 * Value parsers for form definitions (date bounds), answer filters and the anonymous submitter's address.
 * Answers themselves are checked against the form's JSON Schema (the backend compiles it with Ajv).
 */
import { FORM_LIMITS } from './limits.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

/** Missing for "required": absent, null, blank string, empty list. */
export function isBlank(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** A calendar date `YYYY-MM-DD`. */
export function parseDate(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return fail('must be a date (YYYY-MM-DD)');
  const m = DATE_RE.exec(value.trim());
  if (!m || !validYmd(Number(m[1]), Number(m[2]), Number(m[3]))) return fail('must be a valid date (YYYY-MM-DD)');
  return ok(value.trim());
}

/** An ISO 8601 date-time with a zone (Z or ±hh:mm), normalized to UTC. */
export function parseDateTime(value: unknown): Parsed<string> {
  const message = 'must be a date-time with a time zone (ISO 8601, e.g. 2024-05-01T09:30:00Z)';
  if (typeof value !== 'string') return fail(message);
  const s = value.trim();
  const m = DATETIME_RE.exec(s);
  if (!m || !validYmd(Number(m[1]), Number(m[2]), Number(m[3]))) return fail(message);
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return fail(message);
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return fail(message);
  const t = Date.parse(s);
  if (!Number.isFinite(t)) return fail(message);
  return ok(new Date(t).toISOString());
}

const EMAIL_RE = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

export function parseEmail(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return fail('must be an e-mail address');
  const s = value.trim();
  if (s.length > FORM_LIMITS.maxEmailLength) return fail(`must be at most ${FORM_LIMITS.maxEmailLength} characters`);
  return EMAIL_RE.test(s) ? ok(s) : fail('must be a valid e-mail address');
}

/** Same value for condition matching: numbers compare numerically, everything else strictly. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = typeof a === 'string' ? Number(a) : a;
    const y = typeof b === 'string' ? Number(b) : b;
    return typeof x === 'number' && typeof y === 'number' && x === y;
  }
  return a === b;
}

/** Does a file match an allow-list entry (".pdf", "image/png", "image/*")? */
export function fileTypeAllowed(file: { fileName: string; contentType: string }, allowed: readonly string[]): boolean {
  const type = file.contentType.toLowerCase().split(';')[0]!.trim();
  const name = file.fileName.toLowerCase();
  return allowed.some((entry) => {
    const e = entry.toLowerCase();
    if (e.startsWith('.')) return name.endsWith(e);
    if (e.endsWith('/*')) return type.startsWith(e.slice(0, -1));
    return type === e;
  });
}
