import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addBusinessMilliseconds,
  addBusinessMinutes,
  businessMillisecondsBetween,
  businessMinutesBetween,
  isBusinessTime,
  nextBusinessStart,
  InvalidCalendarError,
  NoBusinessTimeError,
  type BusinessCalendar,
} from '../../src/index.js';
import { always, d, HOUR, MIN, weekdays9to5 } from './helpers.js';

// 2024-01-01 is a Monday.
const utc = weekdays9to5();

test('24/7: adding minutes is plain addition', () => {
  assert.deepEqual(addBusinessMinutes(d('2024-01-06T23:30:00Z'), 90, always()), d('2024-01-07T01:00:00Z'));
  assert.equal(businessMinutesBetween(d('2024-01-01T00:00:00Z'), d('2024-01-08T00:00:00Z'), always()), 7 * 1440);
  assert.equal(isBusinessTime(d('2024-01-07T03:00:00Z'), always()), true);
});

test('24/7 with a holiday skips the whole local day', () => {
  const cal = always('UTC', ['2024-01-02']);
  assert.deepEqual(addBusinessMinutes(d('2024-01-01T23:00:00Z'), 120, cal), d('2024-01-03T01:00:00Z'));
  assert.equal(businessMillisecondsBetween(d('2024-01-01T00:00:00Z'), d('2024-01-04T00:00:00Z'), cal), 48 * HOUR);
});

test('9–17 UTC: start inside hours', () => {
  assert.deepEqual(addBusinessMinutes(d('2024-01-01T10:00:00Z'), 60, utc), d('2024-01-01T11:00:00Z'));
});

test('9–17 UTC: start before opening waits for opening', () => {
  assert.deepEqual(addBusinessMinutes(d('2024-01-01T06:00:00Z'), 30, utc), d('2024-01-01T09:30:00Z'));
});

test('9–17 UTC: start after closing rolls to next morning', () => {
  assert.deepEqual(addBusinessMinutes(d('2024-01-01T18:00:00Z'), 30, utc), d('2024-01-02T09:30:00Z'));
});

test('9–17 UTC: start on weekend rolls to Monday', () => {
  assert.deepEqual(addBusinessMinutes(d('2024-01-06T12:00:00Z'), 60, utc), d('2024-01-08T10:00:00Z'));
});

test('9–17 UTC: target spans the weekend', () => {
  assert.deepEqual(addBusinessMinutes(d('2024-01-05T16:00:00Z'), 120, utc), d('2024-01-08T10:00:00Z'));
});

test('finishing exactly at closing returns the closing instant', () => {
  assert.deepEqual(addBusinessMinutes(d('2024-01-01T09:00:00Z'), 480, utc), d('2024-01-01T17:00:00Z'));
});

test('zero minutes returns start unchanged, even outside hours', () => {
  assert.deepEqual(addBusinessMinutes(d('2024-01-06T12:00:00Z'), 0, utc), d('2024-01-06T12:00:00Z'));
});

test('fractional minutes and exact milliseconds', () => {
  assert.deepEqual(addBusinessMinutes(d('2024-01-01T16:59:00Z'), 1.5, utc), d('2024-01-02T09:00:30Z'));
  assert.deepEqual(addBusinessMilliseconds(d('2024-01-01T16:59:59.999Z'), 2, utc), d('2024-01-02T09:00:00.001Z'));
});

test('holiday on a weekday is skipped', () => {
  const cal = weekdays9to5('UTC', ['2024-01-02']);
  assert.deepEqual(addBusinessMinutes(d('2024-01-01T16:00:00Z'), 120, cal), d('2024-01-03T10:00:00Z'));
  assert.equal(isBusinessTime(d('2024-01-02T12:00:00Z'), cal), false);
});

test('consecutive holidays and weekend are all skipped', () => {
  const cal = weekdays9to5('UTC', ['2024-12-24', '2024-12-25', '2024-12-26']);
  // Mon 23 Dec 16:00 + 2h -> 1h Mon, then Fri 27 Dec 10:00.
  assert.deepEqual(addBusinessMinutes(d('2024-12-23T16:00:00Z'), 120, cal), d('2024-12-27T10:00:00Z'));
});

test('3000 business minutes (more than a week) lands on the right day', () => {
  // 3000 min = 6 days 120 min of 480-min days, from Mon 09:00: Mon..Fri (5) + Mon (6) + 2h Tue.
  assert.deepEqual(addBusinessMinutes(d('2024-01-01T09:00:00Z'), 3000, utc), d('2024-01-09T11:00:00Z'));
});

// Speed is measured by benchmarks, not asserted here; this pins exactness over a long span.
test('very long target (a year of business time) is exact', () => {
  const due = addBusinessMinutes(d('2024-01-01T09:00:00Z'), 480 * 5 * 52, utc);
  assert.deepEqual(due, d('2024-12-27T17:00:00Z'));
});

const night: BusinessCalendar = {
  timezone: 'UTC',
  hours: [{ day: 5, start: '22:00', end: '06:00' }],
  holidays: [],
};

test('midnight-crossing interval Fri 22:00 → Sat 06:00', () => {
  assert.equal(isBusinessTime(d('2024-01-06T03:00:00Z'), night), true);
  assert.equal(isBusinessTime(d('2024-01-06T06:00:00Z'), night), false);
  assert.deepEqual(addBusinessMinutes(d('2024-01-05T23:00:00Z'), 7 * 60, night), d('2024-01-06T06:00:00Z'));
  assert.deepEqual(addBusinessMinutes(d('2024-01-05T23:00:00Z'), 7 * 60 + 1, night), d('2024-01-12T22:01:00Z'));
});

test('midnight-crossing: starting in the after-midnight part', () => {
  assert.deepEqual(addBusinessMinutes(d('2024-01-06T05:00:00Z'), 30, night), d('2024-01-06T05:30:00Z'));
  assert.deepEqual(nextBusinessStart(d('2024-01-06T05:00:00Z'), night), d('2024-01-06T05:00:00Z'));
});

test('midnight-crossing: a holiday on the second day cuts the tail only', () => {
  const cal = { ...night, holidays: [{ date: '2024-01-06' }] };
  assert.equal(businessMinutesBetween(d('2024-01-05T00:00:00Z'), d('2024-01-07T00:00:00Z'), cal), 120);
  const cal2 = { ...night, holidays: [{ date: '2024-01-05' }] };
  assert.equal(businessMinutesBetween(d('2024-01-05T00:00:00Z'), d('2024-01-07T00:00:00Z'), cal2), 360);
});

test('Saturday interval crossing into Sunday (week wrap)', () => {
  const cal: BusinessCalendar = { timezone: 'UTC', hours: [{ day: 6, start: '20:00', end: '02:00' }], holidays: [] };
  assert.equal(isBusinessTime(d('2024-01-07T01:00:00Z'), cal), true);
  assert.deepEqual(addBusinessMinutes(d('2024-01-06T21:00:00Z'), 300, cal), d('2024-01-07T02:00:00Z'));
});

test("end '24:00' closes at midnight and joins a following 00:00 interval", () => {
  const cal: BusinessCalendar = {
    timezone: 'UTC',
    hours: [
      { day: 1, start: '20:00', end: '24:00' },
      { day: 2, start: '00:00', end: '02:00' },
    ],
    holidays: [],
  };
  assert.deepEqual(addBusinessMinutes(d('2024-01-01T23:00:00Z'), 120, cal), d('2024-01-02T01:00:00Z'));
  assert.equal(isBusinessTime(d('2024-01-02T00:00:00Z'), cal), true);
  assert.equal(businessMinutesBetween(d('2024-01-01T00:00:00Z'), d('2024-01-03T00:00:00Z'), cal), 360);
});

test('start === end is a full 24-hour interval', () => {
  const cal: BusinessCalendar = { timezone: 'UTC', hours: [{ day: 3, start: '12:00', end: '12:00' }], holidays: [] };
  assert.equal(businessMinutesBetween(d('2024-01-01T00:00:00Z'), d('2024-01-08T00:00:00Z'), cal), 1440);
});

test('businessMillisecondsBetween: zero when b <= a, partial days, weekend', () => {
  assert.equal(businessMillisecondsBetween(d('2024-01-02T00:00:00Z'), d('2024-01-01T00:00:00Z'), utc), 0);
  assert.equal(businessMillisecondsBetween(d('2024-01-01T12:00:00Z'), d('2024-01-01T12:00:00Z'), utc), 0);
  assert.equal(businessMinutesBetween(d('2024-01-05T16:30:00Z'), d('2024-01-08T09:15:00Z'), utc), 45);
  assert.equal(businessMinutesBetween(d('2024-01-01T00:00:00Z'), d('2024-01-15T00:00:00Z'), utc), 2 * 5 * 480);
});

test('isBusinessTime boundaries: open inclusive, close exclusive', () => {
  assert.equal(isBusinessTime(d('2024-01-01T09:00:00Z'), utc), true);
  assert.equal(isBusinessTime(d('2024-01-01T16:59:59.999Z'), utc), true);
  assert.equal(isBusinessTime(d('2024-01-01T17:00:00Z'), utc), false);
  assert.equal(isBusinessTime(d('2024-01-01T08:59:59.999Z'), utc), false);
});

test('nextBusinessStart', () => {
  assert.deepEqual(nextBusinessStart(d('2024-01-01T10:00:00Z'), utc), d('2024-01-01T10:00:00Z'));
  assert.deepEqual(nextBusinessStart(d('2024-01-01T17:00:00Z'), utc), d('2024-01-02T09:00:00Z'));
  assert.deepEqual(nextBusinessStart(d('2024-01-05T20:00:00Z'), utc), d('2024-01-08T09:00:00Z'));
});

test('no business time for over two years throws a clear error', () => {
  const dates: string[] = [];
  for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2026, 6, 1); t += 86_400_000) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  const cal = always('UTC', dates);
  assert.throws(() => addBusinessMinutes(d('2024-01-01T00:00:00Z'), 1, cal), NoBusinessTimeError);
  assert.throws(() => nextBusinessStart(d('2024-01-01T00:00:00Z'), cal), /no business time within/);
  // A range query over the same span is fine: it is just 0.
  assert.equal(businessMillisecondsBetween(d('2024-01-01T00:00:00Z'), d('2026-01-01T00:00:00Z'), cal), 0);
  // ...but a shorter holiday run is crossed.
  assert.deepEqual(
    addBusinessMinutes(d('2024-01-01T00:00:00Z'), 1, always('UTC', dates.slice(0, 600))),
    new Date(Date.UTC(2024, 0, 1) + 600 * 86_400_000 + MIN),
  );
});

test('invalid inputs throw', () => {
  assert.throws(() => addBusinessMinutes(d('2024-01-01T00:00:00Z'), -1, utc), RangeError);
  assert.throws(() => addBusinessMinutes(d('2024-01-01T00:00:00Z'), NaN, utc), RangeError);
  assert.throws(() => addBusinessMinutes(new Date('nope'), 1, utc), RangeError);
  assert.throws(
    () => addBusinessMinutes(d('2024-01-01T00:00:00Z'), 1, { ...utc, timezone: 'Mars/Base' }),
    InvalidCalendarError,
  );
});
