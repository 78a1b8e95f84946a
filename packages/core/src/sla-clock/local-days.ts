import { DateTime, IANAZone } from 'luxon';
import { type BusinessCalendar, MINUTES_PER_DAY, parseEndTime, parseLocalDate, parseStartTime } from './calendar.js';
import { assertValidCalendar } from './validate.js';

/**
 * A validated calendar in a form that is cheap to evaluate: intervals grouped by opening weekday
 * (as minutes since local midnight) and holidays as a set of day numbers.
 */
export interface CompiledCalendar {
  zone: string;
  /** byWeekday[d] = intervals opening on weekday d, `end` in minutes after that day's midnight (may be > 1440). */
  byWeekday: Array<Array<{ start: number; end: number }>>;
  holidays: Set<number>;
}

/** A half-open span of real time [start, end) in epoch milliseconds. */
export type Window = readonly [start: number, end: number];

export function compileCalendar(cal: BusinessCalendar): CompiledCalendar {
  assertValidCalendar(cal);
  const byWeekday: CompiledCalendar['byWeekday'] = [[], [], [], [], [], [], []];
  const hours = cal.hours ?? [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '24:00' }));
  for (const interval of hours) {
    const start = parseStartTime(interval.start) as number;
    const end = parseEndTime(interval.end) as number;
    byWeekday[interval.day].push({ start, end: end > start ? end : end + MINUTES_PER_DAY });
  }
  for (const list of byWeekday) list.sort((a, b) => a.start - b.start);
  const holidays = new Set(cal.holidays.map((h) => parseLocalDate(h.date) as number));
  return { zone: cal.timezone, byWeekday, holidays };
}

/** Weekday (0 = Sunday) of a day number; 1970-01-01 was a Thursday. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** Day number of the local calendar date that `ms` falls on in `zone`. */
export function localDayNumber(ms: number, zone: string): number {
  const dt = DateTime.fromMillis(ms, { zone });
  return Math.round(Date.UTC(dt.year, dt.month - 1, dt.day) / 86_400_000);
}

/**
 * Instant of local wall-clock time `minutes` after midnight of local date `dayNumber`
 * (minutes may be >= 1440; the overflow is carried into later dates as wall-clock time).
 *
 * Resolved by an explicit rule that does not depend on the current date (luxon's own resolution of an
 * ambiguous time uses the offset in effect at `Settings.now()`, so the same calendar would count
 * differently in January and in July):
 * - ambiguous wall time (fall-back, the hour that happens twice): the EARLIER instant, i.e. the offset in
 *   effect before the change (America/New_York 01:30 on 2024-11-03 is 01:30 EDT = 05:30Z). This holds for
 *   opening and closing times alike, so an interval 00:00–01:30 that day lasts 90 minutes;
 * - nonexistent wall time (spring-forward gap): shifted forward by the gap, i.e. read with the offset in
 *   effect before the change (New York 02:30 on 2024-03-10 becomes 03:30 EDT = 07:30Z).
 */
export function localInstant(dayNumber: number, minutes: number, zone: string): number {
  const day = dayNumber + Math.floor(minutes / MINUTES_PER_DAY);
  const rest = minutes - Math.floor(minutes / MINUTES_PER_DAY) * MINUTES_PER_DAY;
  // The wall time read as if it were UTC; the real instant is this minus the zone's offset.
  const wallMs = day * 86_400_000 + rest * 60_000;
  const tz = ianaZone(zone);
  // No zone changes its offset twice within two days, so these are the offsets before and after any change.
  const before = tz.offset(wallMs - 86_400_000);
  const after = tz.offset(wallMs + 86_400_000);
  let best = Infinity;
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = wallMs - offset * 60_000;
    if (tz.offset(candidate) === offset) best = Math.min(best, candidate);
  }
  // No candidate: the wall time lies in a gap; read it with the offset before the change (shifts forward).
  return best === Infinity ? wallMs - before * 60_000 : best;
}

const zones = new Map<string, IANAZone>();
function ianaZone(name: string): IANAZone {
  let z = zones.get(name);
  if (!z) {
    z = IANAZone.create(name);
    zones.set(name, z);
  }
  return z;
}

/**
 * Business windows (real instants) for the intervals that OPEN on local date `dayNumber`, with
 * holiday days cut out, sorted and merged. A midnight-crossing interval contributes its part
 * after midnight only if the next local date is not a holiday. Windows that collapse to nothing
 * because of a DST transition (e.g. open 02:30 in a spring-forward gap, close 03:00) are dropped.
 */
export function windowsOpeningOn(cal: CompiledCalendar, dayNumber: number): Window[] {
  const intervals = cal.byWeekday[weekdayOf(dayNumber)];
  if (intervals.length === 0) return [];
  const todayHoliday = cal.holidays.has(dayNumber);
  const tomorrowHoliday = cal.holidays.has(dayNumber + 1);
  if (todayHoliday && tomorrowHoliday) return [];
  const midnight = localInstant(dayNumber + 1, 0, cal.zone);
  const out: Array<[number, number]> = [];
  for (const { start, end } of intervals) {
    const s = localInstant(dayNumber, start, cal.zone);
    const e = localInstant(dayNumber, end, cal.zone);
    if (!todayHoliday) push(out, s, Math.min(e, midnight));
    if (!tomorrowHoliday) push(out, Math.max(s, midnight), e);
  }
  out.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const w of out) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  return merged;
}

function push(out: Array<[number, number]>, start: number, end: number): void {
  if (end > start) out.push([start, end]);
}
