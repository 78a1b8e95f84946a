import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addBusinessMilliseconds,
  addBusinessMinutes,
  businessMillisecondsBetween,
  isBusinessTime,
  validateCalendar,
  type BusinessCalendar,
} from '../../src/index.js';
import {
  HOUR,
  MIN,
  intervalsFromPoints,
  referenceAddMinutes,
  referenceIsBusiness,
  wallClock,
  weekdays9to5,
} from './helpers.js';

const T0 = Date.UTC(2024, 0, 1);
const minuteStart = fc.integer({ min: 0, max: 2 * 366 * 1440 }).map((m) => new Date(T0 + m * MIN));
const msStart = fc.integer({ min: 0, max: 2 * 366 * 86_400_000 }).map((ms) => new Date(T0 + ms));

const holidayDates = fc
  .uniqueArray(fc.integer({ min: 0, max: 2 * 366 }), { maxLength: 25 })
  .map((days) => days.map((n) => ({ date: new Date(T0 + n * 86_400_000).toISOString().slice(0, 10) })));

/** Random valid calendars: non-overlapping intervals on a 30-minute grid, possibly wrapping the week. */
function calendarArb(zones: string[]): fc.Arbitrary<BusinessCalendar> {
  const hours = fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.uniqueArray(fc.integer({ min: 0, max: 335 }), { minLength: 2, maxLength: 10 }),
          fc.integer({ min: 0, max: 335 }),
        )
        .map(([pts, rot]) => {
          const even = pts.length % 2 ? pts.slice(1) : pts;
          return intervalsFromPoints(
            even.map((p) => p * 30),
            rot * 30,
          );
        }),
    },
  );
  return fc.record({ timezone: fc.constantFrom(...zones), hours, holidays: holidayDates });
}

const weeklyMinutes = (cal: BusinessCalendar) =>
  cal.hours === null
    ? 10080
    : cal.hours.reduce((sum, i) => {
        const s = Number(i.start.slice(0, 2)) * 60 + Number(i.start.slice(3));
        const e = Number(i.end.slice(0, 2)) * 60 + Number(i.end.slice(3));
        return sum + (e > s ? e - s : e + 1440 - s);
      }, 0);

test('generated calendars are valid', () => {
  fc.assert(fc.property(calendarArb(['UTC']), (cal) => assert.deepEqual(validateCalendar(cal), [])));
});

test('9–17 UTC: 3000-minute targets match the minute-by-minute reference', () => {
  const cal = weekdays9to5('UTC', ['2024-05-01', '2024-12-25', '2025-01-01']);
  fc.assert(
    fc.property(minuteStart, fc.integer({ min: 2500, max: 3500 }), (start, minutes) => {
      assert.deepEqual(addBusinessMinutes(start, minutes, cal), referenceAddMinutes(cal, start, minutes));
    }),
    { numRuns: 40 },
  );
});

test('random UTC calendars: addBusinessMinutes matches the reference', () => {
  fc.assert(
    fc.property(calendarArb(['UTC']), minuteStart, fc.integer({ min: 1, max: 3000 }), (cal, start, m) => {
      const minutes = 1 + (m % Math.min(3000, 3 * weeklyMinutes(cal)));
      assert.deepEqual(addBusinessMinutes(start, minutes, cal), referenceAddMinutes(cal, start, minutes));
    }),
    { numRuns: 80 },
  );
});

test('random Asia/Kolkata calendars: addBusinessMinutes matches the reference', () => {
  fc.assert(
    fc.property(calendarArb(['Asia/Kolkata']), minuteStart, fc.integer({ min: 1, max: 3000 }), (cal, start, m) => {
      const minutes = 1 + (m % Math.min(3000, 2 * weeklyMinutes(cal)));
      assert.deepEqual(addBusinessMinutes(start, minutes, cal), referenceAddMinutes(cal, start, minutes));
    }),
    { numRuns: 30 },
  );
});

test('America/New_York 9–17 (DST, wall clock via luxon): matches the reference', () => {
  const cal = weekdays9to5('America/New_York', ['2024-07-04', '2024-11-28']);
  fc.assert(
    fc.property(minuteStart, fc.integer({ min: 1, max: 1500 }), (start, minutes) => {
      assert.deepEqual(addBusinessMinutes(start, minutes, cal), referenceAddMinutes(cal, start, minutes));
    }),
    { numRuns: 12 },
  );
});

test('isBusinessTime agrees with the reference on random minutes', () => {
  fc.assert(
    fc.property(
      calendarArb(['UTC', 'Asia/Kolkata']),
      fc.array(minuteStart, { minLength: 20, maxLength: 20 }),
      (cal, ats) => {
        const wall = wallClock(cal.timezone);
        for (const at of ats) assert.equal(isBusinessTime(at, cal), referenceIsBusiness(cal, wall, at.getTime()));
      },
    ),
    { numRuns: 50 },
  );
});

const dstZones = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Asia/Kolkata',
  'UTC',
];

test('inverse: businessMsBetween(start, addBusinessMs(start, x)) === x (any zone, exact ms)', () => {
  fc.assert(
    fc.property(calendarArb(dstZones), msStart, fc.integer({ min: 0, max: 30 * 24 * HOUR }), (cal, start, x) => {
      const end = addBusinessMilliseconds(start, x, cal);
      assert.equal(businessMillisecondsBetween(start, end, cal), x);
    }),
    { numRuns: 150 },
  );
});

test('additivity: adding a then b equals adding a + b', () => {
  fc.assert(
    fc.property(
      calendarArb(dstZones),
      msStart,
      fc.integer({ min: 1, max: 10 * 24 * HOUR }),
      fc.integer({ min: 1, max: 10 * 24 * HOUR }),
      (cal, start, a, b) => {
        const stepwise = addBusinessMilliseconds(addBusinessMilliseconds(start, a, cal), b, cal);
        assert.deepEqual(stepwise, addBusinessMilliseconds(start, a + b, cal));
      },
    ),
    { numRuns: 100 },
  );
});

test('between is additive over a split point', () => {
  fc.assert(
    fc.property(calendarArb(dstZones), msStart, msStart, msStart, (cal, x, y, z) => {
      const [a, b, c] = [x, y, z].sort((p, q) => p.getTime() - q.getTime());
      assert.equal(
        businessMillisecondsBetween(a, c, cal),
        businessMillisecondsBetween(a, b, cal) + businessMillisecondsBetween(b, c, cal),
      );
    }),
    { numRuns: 25 },
  );
});
