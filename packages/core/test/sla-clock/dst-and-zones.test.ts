import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime, Settings } from 'luxon';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  isBusinessTime,
  nextBusinessStart,
  type BusinessCalendar,
  type Weekday,
} from '../../src/index.js';
import { always, d, weekdays9to5 } from './helpers.js';

const everyDay = (timezone: string, start: string, end: string): BusinessCalendar => ({
  timezone,
  hours: ([0, 1, 2, 3, 4, 5, 6] as Weekday[]).map((day) => ({ day, start, end })),
  holidays: [],
});

/** Instant of a local wall time (as luxon resolves it). */
const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toJSDate();

/** Business minutes within one whole local date. */
const minutesOnLocalDate = (date: string, cal: BusinessCalendar) => {
  const start = DateTime.fromISO(date, { zone: cal.timezone });
  return businessMinutesBetween(start.toJSDate(), start.plus({ days: 1 }).toJSDate(), cal);
};

test('New York spring forward: 09–17 is still 8 hours, opening at 09:00 EDT', () => {
  const cal = everyDay('America/New_York', '09:00', '17:00');
  assert.equal(minutesOnLocalDate('2024-03-10', cal), 480);
  // Sat 16:00 EST + 2h -> 1h Sat, 1h Sun from 09:00 EDT (13:00Z).
  assert.deepEqual(addBusinessMinutes(d('2024-03-09T21:00:00Z'), 120, cal), d('2024-03-10T14:00:00Z'));
});

test('New York spring forward inside the interval: 00:00–06:00 lasts 5 real hours', () => {
  const cal = everyDay('America/New_York', '00:00', '06:00');
  assert.equal(minutesOnLocalDate('2024-03-10', cal), 300);
  assert.deepEqual(
    addBusinessMinutes(local('2024-03-10T00:00', cal.timezone), 300, cal),
    local('2024-03-10T06:00', cal.timezone),
  );
});

test('New York fall back inside the interval: 00:00–06:00 lasts 7 real hours', () => {
  const cal = everyDay('America/New_York', '00:00', '06:00');
  assert.equal(minutesOnLocalDate('2024-11-03', cal), 420);
  assert.deepEqual(addBusinessMinutes(d('2024-11-03T04:00:00Z'), 420, cal), d('2024-11-03T11:00:00Z'));
});

test('New York fall back: 09–17 is still 8 hours, 09:00 is EST after the change', () => {
  const cal = everyDay('America/New_York', '09:00', '17:00');
  assert.equal(minutesOnLocalDate('2024-11-03', cal), 480);
  assert.deepEqual(nextBusinessStart(d('2024-11-03T05:00:00Z'), cal), d('2024-11-03T14:00:00Z'));
});

test('New York: opening inside the spring-forward gap is shifted forward (02:30 -> 03:30 EDT)', () => {
  const cal: BusinessCalendar = {
    timezone: 'America/New_York',
    hours: [{ day: 0, start: '02:30', end: '04:00' }],
    holidays: [],
  };
  assert.deepEqual(nextBusinessStart(d('2024-03-10T05:00:00Z'), cal), d('2024-03-10T07:30:00Z'));
  assert.equal(minutesOnLocalDate('2024-03-10', cal), 30);
  assert.equal(minutesOnLocalDate('2024-03-17', cal), 90);
});

/** Runs `fn` with luxon's notion of the current date pinned (luxon resolves ambiguous times with it). */
function withServerDate<T>(iso: string, fn: () => T): T {
  const saved = Settings.now;
  Settings.now = () => Date.parse(iso);
  try {
    return fn();
  } finally {
    Settings.now = saved;
  }
}

for (const serverDate of ['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z']) {
  test(`New York fall back, server date ${serverDate.slice(0, 10)}: an ambiguous close time is the earlier instant (01:30 EDT)`, () => {
    withServerDate(serverDate, () => {
      const cal = everyDay('America/New_York', '00:00', '01:30');
      // 00:00 EDT (04:00Z) to the first 01:30 (EDT, 05:30Z).
      assert.equal(minutesOnLocalDate('2024-11-03', cal), 90);
      assert.equal(isBusinessTime(d('2024-11-03T05:29:00Z'), cal), true);
      assert.equal(isBusinessTime(d('2024-11-03T05:30:00Z'), cal), false);
      assert.deepEqual(addBusinessMinutes(d('2024-11-03T04:00:00Z'), 90, cal), d('2024-11-03T05:30:00Z'));
    });
  });

  test(`New York fall back, server date ${serverDate.slice(0, 10)}: an ambiguous opening time is the earlier instant`, () => {
    withServerDate(serverDate, () => {
      const cal = everyDay('America/New_York', '01:30', '03:00');
      // Opens at the first 01:30 (EDT, 05:30Z), closes 03:00 EST (08:00Z): 150 real minutes.
      assert.equal(minutesOnLocalDate('2024-11-03', cal), 150);
      assert.deepEqual(nextBusinessStart(d('2024-11-03T04:00:00Z'), cal), d('2024-11-03T05:30:00Z'));
    });
  });

  test(`New York spring forward, server date ${serverDate.slice(0, 10)}: a skipped time shifts forward by the gap`, () => {
    withServerDate(serverDate, () => {
      const cal: BusinessCalendar = {
        timezone: 'America/New_York',
        hours: [{ day: 0, start: '02:30', end: '04:00' }],
        holidays: [],
      };
      assert.deepEqual(nextBusinessStart(d('2024-03-10T05:00:00Z'), cal), d('2024-03-10T07:30:00Z'));
      assert.equal(minutesOnLocalDate('2024-03-10', cal), 30);
      // Berlin and the southern hemisphere (Sydney falls back in April) follow the same rule.
      assert.equal(minutesOnLocalDate('2024-10-27', everyDay('Europe/Berlin', '00:00', '02:30')), 150);
      assert.equal(minutesOnLocalDate('2024-04-07', everyDay('Australia/Sydney', '00:00', '02:30')), 150);
    });
  });
}

test('New York 24/7: local DST days are 23 h and 25 h; holiday removes exactly that local day', () => {
  assert.equal(minutesOnLocalDate('2024-03-10', always('America/New_York')), 23 * 60);
  assert.equal(minutesOnLocalDate('2024-11-03', always('America/New_York')), 25 * 60);
  const cal = always('America/New_York', ['2024-03-10']);
  assert.equal(
    businessMinutesBetween(local('2024-03-09T00:00', cal.timezone), local('2024-03-12T00:00', cal.timezone), cal),
    48 * 60,
  );
});

test('Berlin spring forward: 09–17 on 31 Mar opens 07:00Z; 01:00–05:00 lasts 3 h', () => {
  assert.equal(minutesOnLocalDate('2024-03-31', everyDay('Europe/Berlin', '09:00', '17:00')), 480);
  assert.deepEqual(
    nextBusinessStart(d('2024-03-31T00:00:00Z'), everyDay('Europe/Berlin', '09:00', '17:00')),
    d('2024-03-31T07:00:00Z'),
  );
  assert.equal(minutesOnLocalDate('2024-03-31', everyDay('Europe/Berlin', '01:00', '05:00')), 180);
});

test('Berlin fall back: 01:00–05:00 lasts 5 h; Mon–Fri 9–17 week across the change is 40 h', () => {
  assert.equal(minutesOnLocalDate('2024-10-27', everyDay('Europe/Berlin', '01:00', '05:00')), 300);
  const cal = weekdays9to5('Europe/Berlin');
  assert.equal(businessMinutesBetween(d('2024-10-26T00:00:00Z'), d('2024-11-02T00:00:00Z'), cal), 40 * 60);
  // Fri 16:00 CEST (14:00Z) + 2h -> Mon 10:00 CET (09:00Z).
  assert.deepEqual(addBusinessMinutes(d('2024-10-25T14:00:00Z'), 120, cal), d('2024-10-28T09:00:00Z'));
});

test('Pacific/Kiritimati (+14): Monday 09:00 local is Sunday 19:00Z', () => {
  const cal = weekdays9to5('Pacific/Kiritimati');
  assert.equal(isBusinessTime(d('2023-12-31T19:00:00Z'), cal), true);
  assert.equal(isBusinessTime(d('2023-12-31T18:59:00Z'), cal), false);
  assert.deepEqual(addBusinessMinutes(d('2023-12-31T18:00:00Z'), 60, cal), d('2023-12-31T20:00:00Z'));
});

test('Pacific/Pago_Pago (-11): Friday 17:00 local is Saturday 04:00Z; holidays are local dates', () => {
  const cal = weekdays9to5('Pacific/Pago_Pago');
  assert.equal(isBusinessTime(d('2024-01-06T03:00:00Z'), cal), true);
  assert.deepEqual(addBusinessMinutes(d('2024-01-06T03:00:00Z'), 120, cal), d('2024-01-08T21:00:00Z'));
  const withHoliday = weekdays9to5('Pacific/Pago_Pago', ['2024-01-05']);
  assert.equal(isBusinessTime(d('2024-01-05T21:00:00Z'), withHoliday), false);
  assert.equal(isBusinessTime(d('2024-01-05T03:00:00Z'), withHoliday), true); // Thu 16:00 local
});

test('Asia/Kolkata (+5:30): half-hour offset', () => {
  const cal = weekdays9to5('Asia/Kolkata');
  assert.deepEqual(addBusinessMinutes(d('2024-01-01T00:00:00Z'), 60, cal), d('2024-01-01T04:30:00Z'));
  assert.deepEqual(nextBusinessStart(d('2024-01-01T11:30:00Z'), cal), d('2024-01-02T03:30:00Z'));
});

test('Australia/Lord_Howe: 30-minute DST shifts', () => {
  // DST starts 2024-10-06 02:00 -> 02:30; ends 2024-04-07 02:00 -> 01:30.
  assert.equal(minutesOnLocalDate('2024-10-06', always('Australia/Lord_Howe')), 23.5 * 60);
  assert.equal(minutesOnLocalDate('2024-04-07', always('Australia/Lord_Howe')), 24.5 * 60);
  assert.equal(minutesOnLocalDate('2024-10-06', everyDay('Australia/Lord_Howe', '01:00', '05:00')), 210);
  assert.equal(minutesOnLocalDate('2024-04-07', everyDay('Australia/Lord_Howe', '01:00', '05:00')), 270);
  assert.equal(minutesOnLocalDate('2024-10-06', everyDay('Australia/Lord_Howe', '09:00', '17:00')), 480);
  // 09:00 local (+11 after the change) = 22:00Z the previous UTC day.
  const cal = everyDay('Australia/Lord_Howe', '09:00', '17:00');
  assert.deepEqual(nextBusinessStart(d('2024-10-06T12:00:00Z'), cal), d('2024-10-06T22:00:00Z'));
});
