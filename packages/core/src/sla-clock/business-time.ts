/**
 * Business-time arithmetic over a BusinessCalendar.
 *
 * DST rules: business hours are wall-clock local times. Each interval is turned into a real-time
 * window [open instant, close instant) by resolving its local open and close wall times to instants
 * with luxon, and the business time it contributes is the REAL elapsed time between them. So
 * 09:00–17:00 on a DST-change day is still 8 hours when the change happens at night, while an
 * interval that contains the change (e.g. 00:00–06:00) is one hour shorter on spring-forward day
 * and one hour longer on fall-back day. Nonexistent local times (spring-forward gap) are shifted
 * forward by the gap length (luxon behaviour): an interval opening at 02:30 on that day opens at
 * 03:30 local; one closing at 02:30 closes at 03:30. Ambiguous times (fall-back) resolve to the
 * earlier instant, whatever the current date (see localInstant).
 *
 * Algorithm: walk local calendar dates one by one (holidays break weekly periodicity, and DST makes
 * weekly business time vary, so whole weeks are not skipped), building each date's windows. Cost is
 * a few luxon conversions per local day, i.e. well under a millisecond per business week. If no
 * business time is found for MAX_EMPTY_DAYS consecutive local days a NoBusinessTimeError is thrown.
 *
 * All results are at millisecond resolution (the resolution of Date).
 */
import type { BusinessCalendar } from './calendar.js';
import { type CompiledCalendar, type Window, compileCalendar, localDayNumber, windowsOpeningOn } from './local-days.js';

/** Searching forward gives up after this many consecutive local days without business time (~2 years). */
export const MAX_EMPTY_DAYS = 731;

export class NoBusinessTimeError extends Error {
  constructor(from: number) {
    super(`Business calendar has no business time within ${MAX_EMPTY_DAYS} days after ${new Date(from).toISOString()}`);
    this.name = 'NoBusinessTimeError';
  }
}

function toMs(value: Date, what: string): number {
  const ms = value instanceof Date ? value.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a valid Date`);
  return ms;
}

/**
 * Yields the business windows at or after `fromMs`, in order, each clipped so it starts no earlier
 * than `fromMs` and no earlier than the end of the previous yielded window (never double counts).
 * With `untilMs` the walk stops after the local date containing `untilMs`; without it, it throws
 * NoBusinessTimeError after MAX_EMPTY_DAYS consecutive empty local days.
 */
function* businessWindows(cal: CompiledCalendar, fromMs: number, untilMs?: number): Generator<Window> {
  // Intervals are at most 24 h long, so only those opening on the previous local date can reach in.
  let day = localDayNumber(fromMs, cal.zone) - 1;
  const lastDay = untilMs === undefined ? Infinity : localDayNumber(untilMs, cal.zone);
  let cursor = fromMs;
  let emptyDays = 0;
  for (; day <= lastDay; day++) {
    let found = false;
    for (const [start, end] of windowsOpeningOn(cal, day)) {
      const s = Math.max(start, cursor);
      if (end <= s) continue;
      found = true;
      cursor = end;
      yield [s, end];
    }
    emptyDays = found ? 0 : emptyDays + 1;
    if (untilMs === undefined && emptyDays > MAX_EMPTY_DAYS) throw new NoBusinessTimeError(fromMs);
  }
}

/**
 * The instant at which `ms` milliseconds of business time have elapsed after `start`. If `start` is
 * outside business hours the clock starts at the next opening. Finishing exactly at a closing time
 * returns that closing instant (not the next opening). `ms = 0` returns `start` unchanged.
 * Fractional milliseconds are rounded to the nearest millisecond.
 */
export function addBusinessMilliseconds(start: Date, ms: number, cal: BusinessCalendar): Date {
  const from = toMs(start, 'start');
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError('business milliseconds must be a finite number >= 0');
  }
  let remaining = Math.round(ms);
  const compiled = compileCalendar(cal);
  if (remaining === 0) return new Date(from);
  for (const [s, e] of businessWindows(compiled, from)) {
    if (remaining <= e - s) return new Date(s + remaining);
    remaining -= e - s;
  }
  /* c8 ignore next */
  throw new NoBusinessTimeError(from);
}

/** `addBusinessMilliseconds` with minutes (fractional minutes allowed, rounded to the millisecond). */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError('business minutes must be a finite number >= 0');
  }
  return addBusinessMilliseconds(start, minutes * 60_000, cal);
}

/** Business time in milliseconds within [a, b); 0 if b <= a. */
export function businessMillisecondsBetween(a: Date, b: Date, cal: BusinessCalendar): number {
  const from = toMs(a, 'a');
  const to = toMs(b, 'b');
  const compiled = compileCalendar(cal);
  if (to <= from) return 0;
  let total = 0;
  for (const [s, e] of businessWindows(compiled, from, to)) {
    if (s >= to) break;
    total += Math.min(e, to) - s;
  }
  return total;
}

/** Business time in (possibly fractional) minutes within [a, b); 0 if b <= a. */
export function businessMinutesBetween(a: Date, b: Date, cal: BusinessCalendar): number {
  return businessMillisecondsBetween(a, b, cal) / 60_000;
}

/** Whether `at` lies inside business time (open instant inclusive, close instant exclusive). */
export function isBusinessTime(at: Date, cal: BusinessCalendar): boolean {
  const ms = toMs(at, 'at');
  const compiled = compileCalendar(cal);
  const day = localDayNumber(ms, compiled.zone);
  for (const d of [day - 1, day]) {
    for (const [s, e] of windowsOpeningOn(compiled, d)) {
      if (s <= ms && ms < e) return true;
    }
  }
  return false;
}

/** `at` itself if it is business time, otherwise the next opening instant after it. */
export function nextBusinessStart(at: Date, cal: BusinessCalendar): Date {
  const ms = toMs(at, 'at');
  const compiled = compileCalendar(cal);
  for (const [s] of businessWindows(compiled, ms)) return new Date(s);
  /* c8 ignore next */
  throw new NoBusinessTimeError(ms);
}
