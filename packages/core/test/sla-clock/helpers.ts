import { DateTime } from 'luxon';
import type { BusinessCalendar, BusinessInterval, Weekday } from '../../src/index.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

export const d = (iso: string): Date => new Date(iso);

/** Mon–Fri 09:00–17:00. */
export function weekdays9to5(timezone = 'UTC', holidays: string[] = []): BusinessCalendar {
  return {
    timezone,
    hours: [1, 2, 3, 4, 5].map((day) => ({ day: day as Weekday, start: '09:00', end: '17:00' })),
    holidays: holidays.map((date) => ({ date })),
  };
}

export const always = (timezone = 'UTC', holidays: string[] = []): BusinessCalendar => ({
  timezone,
  hours: null,
  holidays: holidays.map((date) => ({ date })),
});

interface Wall {
  weekday: number;
  minuteOfDay: number;
  date: string;
}

/** Local wall clock of an instant: a fixed-offset fast path (no luxon) or luxon for DST zones. */
export function wallClock(zone: string): (ms: number) => Wall {
  const fixed: Record<string, number> = { UTC: 0, 'Asia/Kolkata': 330, 'Pacific/Kiritimati': 840 };
  if (zone in fixed) {
    const offset = fixed[zone] * MIN;
    return (ms) => {
      const t = new Date(ms + offset);
      return {
        weekday: t.getUTCDay(),
        minuteOfDay: t.getUTCHours() * 60 + t.getUTCMinutes(),
        date: t.toISOString().slice(0, 10),
      };
    };
  }
  return (ms) => {
    const t = DateTime.fromMillis(ms, { zone });
    return { weekday: t.weekday % 7, minuteOfDay: t.hour * 60 + t.minute, date: t.toISODate()! };
  };
}

const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Brute-force reference: is the minute starting at `ms` business time (by local wall clock)? */
export function referenceIsBusiness(cal: BusinessCalendar, wall: (ms: number) => Wall, ms: number) {
  const w = wall(ms);
  if (cal.holidays.some((h) => h.date === w.date)) return false;
  if (cal.hours === null) return true;
  const m = w.weekday * 1440 + w.minuteOfDay;
  return cal.hours.some((i) => {
    const s = toMin(i.start);
    const e = toMin(i.end);
    const len = e > s ? e - s : e + 1440 - s;
    const from = i.day * 1440 + s;
    return (((m - from) % 10080) + 10080) % 10080 < len;
  });
}

/** Brute-force reference: step minute by minute from a minute-aligned start. */
export function referenceAddMinutes(cal: BusinessCalendar, start: Date, minutes: number): Date {
  const wall = wallClock(cal.timezone);
  let t = start.getTime();
  if (minutes === 0) return new Date(t);
  let count = 0;
  for (;;) {
    if (referenceIsBusiness(cal, wall, t)) count++;
    t += MIN;
    if (count === minutes) return new Date(t);
  }
}

/** Build non-overlapping intervals from sorted week-minute points, rotated by `rotate`. */
export function intervalsFromPoints(points: number[], rotate: number): BusinessInterval[] {
  const sorted = [...points].sort((a, b) => a - b);
  const out: BusinessInterval[] = [];
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  for (let k = 0; k + 1 < sorted.length; k += 2) {
    let from = sorted[k] + rotate;
    const to = sorted[k + 1] + rotate;
    while (from < to) {
      const chunkEnd = Math.min(to, from + 1440);
      const dayIndex = Math.floor(from / 1440);
      const start = from % 1440;
      const endRel = chunkEnd - dayIndex * 1440;
      out.push({
        day: (dayIndex % 7) as Weekday,
        start: hhmm(start),
        end: endRel === 1440 ? '24:00' : hhmm(endRel > 1440 ? endRel - 1440 : endRel),
      });
      from = chunkEnd;
    }
  }
  return out;
}
