import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCalendar, type BusinessCalendar, type BusinessInterval } from '../../src/index.js';
import { always, weekdays9to5 } from './helpers.js';

const withHours = (hours: BusinessInterval[] | null, extra: Partial<BusinessCalendar> = {}): BusinessCalendar => ({
  timezone: 'UTC',
  hours,
  holidays: [],
  ...extra,
});

test('valid calendars have no errors', () => {
  assert.deepEqual(validateCalendar(weekdays9to5('Europe/Berlin', ['2024-12-25'])), []);
  assert.deepEqual(validateCalendar(always('Australia/Lord_Howe')), []);
  assert.deepEqual(
    validateCalendar(
      withHours([
        { day: 5, start: '22:00', end: '06:00' },
        { day: 6, start: '06:00', end: '24:00' },
      ]),
    ),
    [],
  );
});

test('unknown time zone', () => {
  assert.deepEqual(validateCalendar(always('Mars/Olympus')), ['timezone: unknown time zone "Mars/Olympus"']);
});

test('bad HH:MM and 24:00 as a start', () => {
  const errors = validateCalendar(
    withHours([
      { day: 1, start: '9:00', end: '17:00' },
      { day: 2, start: '24:00', end: '12:00' },
      { day: 3, start: '09:00', end: '24:30' },
      { day: 4, start: '09:60', end: '25:00' },
    ]),
  );
  assert.deepEqual(errors, [
    "hours[0].start: must be 'HH:MM' between 00:00 and 23:59",
    "hours[1].start: must be 'HH:MM' between 00:00 and 23:59",
    "hours[2].end: must be 'HH:MM' between 00:00 and 24:00",
    "hours[3].start: must be 'HH:MM' between 00:00 and 23:59",
    "hours[3].end: must be 'HH:MM' between 00:00 and 24:00",
  ]);
});

test('day out of range', () => {
  const errors = validateCalendar(
    withHours([
      { day: 7 as 0, start: '09:00', end: '10:00' },
      { day: -1 as 0, start: '09:00', end: '10:00' },
    ]),
  );
  assert.deepEqual(errors, [
    'hours[0].day: must be an integer 0..6 (0 = Sunday)',
    'hours[1].day: must be an integer 0..6 (0 = Sunday)',
  ]);
});

test('overlapping intervals on the same day; touching intervals are fine', () => {
  assert.deepEqual(
    validateCalendar(
      withHours([
        { day: 1, start: '09:00', end: '12:00' },
        { day: 1, start: '11:00', end: '13:00' },
      ]),
    ),
    ['hours[1]: overlaps hours[0]'],
  );
  assert.deepEqual(
    validateCalendar(
      withHours([
        { day: 1, start: '09:00', end: '12:00' },
        { day: 1, start: '12:00', end: '13:00' },
      ]),
    ),
    [],
  );
});

test('overlap created by a midnight-crossing interval', () => {
  assert.deepEqual(
    validateCalendar(
      withHours([
        { day: 2, start: '22:00', end: '06:00' },
        { day: 3, start: '05:00', end: '09:00' },
      ]),
    ),
    ['hours[1]: overlaps hours[0]'],
  );
});

test('overlap across the Saturday → Sunday week wrap', () => {
  assert.deepEqual(
    validateCalendar(
      withHours([
        { day: 0, start: '01:00', end: '05:00' },
        { day: 6, start: '23:00', end: '02:00' },
      ]),
    ),
    ['hours[1]: overlaps hours[0]'],
  );
  assert.deepEqual(
    validateCalendar(
      withHours([
        { day: 0, start: '02:00', end: '05:00' },
        { day: 6, start: '23:00', end: '02:00' },
      ]),
    ),
    [],
  );
});

test('bad holiday dates', () => {
  const errors = validateCalendar(
    withHours(null, {
      holidays: [
        { date: '2024-02-30' },
        { date: '2024-1-05' },
        { date: '2023-02-29' },
        { date: '2024-02-29', name: 'leap' },
      ],
    }),
  );
  assert.deepEqual(errors, [
    "holidays[0].date: must be a real date 'YYYY-MM-DD'",
    "holidays[1].date: must be a real date 'YYYY-MM-DD'",
    "holidays[2].date: must be a real date 'YYYY-MM-DD'",
  ]);
});

test('calendar with no business time at all', () => {
  assert.deepEqual(validateCalendar(withHours([])), ['hours: calendar has no business time (use null for 24/7)']);
});

test('several problems are all reported', () => {
  const errors = validateCalendar({
    timezone: 'Nowhere',
    hours: [{ day: 1, start: 'x', end: '10:00' }],
    holidays: [{ date: 'tomorrow' }],
  });
  assert.equal(errors.length, 3);
});
