/** Parsers for answer values. Each returns the normalized value, or an error message. */
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

/** Length in code points (an emoji counts as one character). */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
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

/** A finite number; numeric strings are accepted and converted. */
export function parseNumber(value: unknown): Parsed<number> {
  if (typeof value === 'number') return Number.isFinite(value) ? ok(value) : fail('must be a finite number');
  if (typeof value === 'string' && /^\s*-?\d{1,30}(\.\d{1,30})?\s*$/.test(value)) return ok(Number(value));
  return fail('must be a number');
}

const EMAIL_RE = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

export function parseEmail(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return fail('must be an e-mail address');
  const s = value.trim();
  if (s.length > FORM_LIMITS.maxEmailLength) return fail(`must be at most ${FORM_LIMITS.maxEmailLength} characters`);
  return EMAIL_RE.test(s) ? ok(s) : fail('must be a valid e-mail address');
}

export function parseUrl(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return fail('must be a URL');
  const s = value.trim();
  if (s.length > FORM_LIMITS.maxUrlLength) return fail(`must be at most ${FORM_LIMITS.maxUrlLength} characters`);
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return fail('must be a valid http(s) URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    return fail('must be a valid http(s) URL');
  }
  return ok(s);
}

const PHONE_RE = /^\+?[0-9][0-9 ().-]{0,29}$/;

/** A phone number: digits with optional leading +, spaces, dots, dashes, parentheses; 5–15 digits. */
export function parsePhone(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return fail('must be a phone number');
  const s = value.trim();
  const digits = s.replace(/\D/g, '').length;
  if (!PHONE_RE.test(s) || digits < 5 || digits > 15) return fail('must be a valid phone number (5 to 15 digits)');
  return ok(s);
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
