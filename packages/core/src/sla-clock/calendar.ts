/**
 * Business calendar types and small parsing helpers for the SLA clock.
 *
 * Semantics (see business-time.ts for the DST rules):
 * - `hours: null` means 24/7 (every local day is 00:00–24:00), minus holidays.
 * - An interval `{ day, start, end }` opens on local weekday `day` (0 = Sunday) at wall-clock `start`.
 *   If `end <= start` (as clock times) it crosses midnight and closes on the next local day at `end`
 *   (so `start === end` is a full 24 hours). `end` may be `'24:00'` (= next local midnight); `start` may not.
 * - Holidays are whole local days: no business time at all falls on a holiday's local date,
 *   including the tail of a midnight-crossing interval that opened the previous day.
 */

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface BusinessInterval {
  /** Local weekday the interval opens on, 0 = Sunday … 6 = Saturday. */
  day: Weekday;
  /** Wall-clock opening time 'HH:MM' (00:00–23:59). */
  start: string;
  /** Wall-clock closing time 'HH:MM' (00:00–24:00); `end <= start` crosses midnight. */
  end: string;
}

export interface Holiday {
  /** Local date 'YYYY-MM-DD'. */
  date: string;
  name?: string;
}

export interface BusinessCalendar {
  /** IANA time zone, e.g. 'Europe/Berlin'. */
  timezone: string;
  /** null = 24/7. */
  hours: null | BusinessInterval[];
  holidays: Holiday[];
}

export const MINUTES_PER_DAY = 1440;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

const START_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const END_RE = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes since local midnight for an opening time, or null if not a valid 'HH:MM' (00:00–23:59). */
export function parseStartTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = START_RE.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Minutes since local midnight for a closing time, or null if not a valid 'HH:MM' (00:00–24:00). */
export function parseEndTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = END_RE.exec(value);
  if (!m) return null;
  return m[3] !== undefined ? MINUTES_PER_DAY : Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Day number (days since 1970-01-01) of a 'YYYY-MM-DD' calendar date, or null if it is not a real date.
 * Day numbers are zone-free: they identify a local calendar date, not an instant.
 */
export function parseLocalDate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = DATE_RE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    return null;
  }
  return Math.round(ms / 86_400_000);
}

/**
 * Week-relative minute ranges [from, to) of an interval, with `from` in [0, 10080).
 * A Saturday interval crossing midnight is split at the week wrap so every range lies in [0, 10080].
 */
export function weekRanges(day: number, start: number, end: number): Array<[number, number]> {
  const from = day * MINUTES_PER_DAY + start;
  const to = day * MINUTES_PER_DAY + (end > start ? end : end + MINUTES_PER_DAY);
  if (to <= MINUTES_PER_WEEK) return [[from, to]];
  return [
    [from, MINUTES_PER_WEEK],
    [0, to - MINUTES_PER_WEEK],
  ];
}
