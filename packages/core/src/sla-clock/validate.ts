import { IANAZone } from 'luxon';
import { type BusinessCalendar, parseEndTime, parseLocalDate, parseStartTime, weekRanges } from './calendar.js';

/** Thrown by the clock functions when given a calendar that `validateCalendar` rejects. */
export class InvalidCalendarError extends Error {
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`Invalid business calendar: ${errors.join('; ')}`);
    this.name = 'InvalidCalendarError';
    this.errors = errors;
  }
}

/**
 * Field-level validation of a business calendar. Returns an empty list when valid.
 * Each message starts with the field path, e.g. `hours[2].start: …`.
 */
export function validateCalendar(cal: BusinessCalendar): string[] {
  const errors: string[] = [];
  if (cal === null || typeof cal !== 'object') return ['calendar: must be an object'];

  if (typeof cal.timezone !== 'string' || !IANAZone.isValidZone(cal.timezone)) {
    errors.push(`timezone: unknown time zone ${JSON.stringify(cal.timezone)}`);
  }

  if (cal.hours !== null) {
    if (!Array.isArray(cal.hours)) {
      errors.push('hours: must be null (24/7) or an array of intervals');
    } else if (cal.hours.length === 0) {
      errors.push('hours: calendar has no business time (use null for 24/7)');
    } else {
      const ranges: Array<{ index: number; from: number; to: number }> = [];
      cal.hours.forEach((interval, index) => {
        const path = `hours[${index}]`;
        if (interval === null || typeof interval !== 'object') {
          errors.push(`${path}: must be an object`);
          return;
        }
        const dayOk = Number.isInteger(interval.day) && interval.day >= 0 && interval.day <= 6;
        if (!dayOk) errors.push(`${path}.day: must be an integer 0..6 (0 = Sunday)`);
        const start = parseStartTime(interval.start);
        if (start === null) {
          errors.push(`${path}.start: must be 'HH:MM' between 00:00 and 23:59`);
        }
        const end = parseEndTime(interval.end);
        if (end === null) errors.push(`${path}.end: must be 'HH:MM' between 00:00 and 24:00`);
        if (dayOk && start !== null && end !== null) {
          for (const [from, to] of weekRanges(interval.day, start, end)) {
            ranges.push({ index, from, to });
          }
        }
      });
      ranges.sort((a, b) => a.from - b.from || a.to - b.to);
      const reported = new Set<string>();
      for (let i = 0; i < ranges.length; i++) {
        for (let j = i + 1; j < ranges.length && ranges[j].from < ranges[i].to; j++) {
          const [a, b] = [ranges[i].index, ranges[j].index].sort((x, y) => x - y);
          const key = `${a}/${b}`;
          if (a === b || reported.has(key)) continue;
          reported.add(key);
          errors.push(`hours[${b}]: overlaps hours[${a}]`);
        }
      }
    }
  }

  if (!Array.isArray(cal.holidays)) {
    errors.push('holidays: must be an array');
  } else {
    cal.holidays.forEach((holiday, index) => {
      const path = `holidays[${index}]`;
      if (holiday === null || typeof holiday !== 'object') {
        errors.push(`${path}: must be an object`);
        return;
      }
      if (parseLocalDate(holiday.date) === null) {
        errors.push(`${path}.date: must be a real date 'YYYY-MM-DD'`);
      }
      if (holiday.name !== undefined && typeof holiday.name !== 'string') {
        errors.push(`${path}.name: must be a string`);
      }
    });
  }
  return errors;
}

export function assertValidCalendar(cal: BusinessCalendar): void {
  const errors = validateCalendar(cal);
  if (errors.length > 0) throw new InvalidCalendarError(errors);
}
