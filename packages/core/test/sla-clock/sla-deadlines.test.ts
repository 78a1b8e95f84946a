import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDueAt, computeWarningAt, elapsedBusinessPercent } from '../../src/index.js';
import { d, HOUR, MIN, weekdays9to5 } from './helpers.js';

const cal = weekdays9to5();

test('computeDueAt: target in business minutes', () => {
  assert.deepEqual(
    computeDueAt({ startedAt: d('2024-01-05T16:00:00Z'), targetMinutes: 240, cal }),
    d('2024-01-08T12:00:00Z'),
  );
});

test('computeDueAt: paused business time moves the due date', () => {
  assert.deepEqual(
    computeDueAt({ startedAt: d('2024-01-05T16:00:00Z'), targetMinutes: 240, pausedBusinessMs: 2 * HOUR, cal }),
    d('2024-01-08T14:00:00Z'),
  );
});

test('computeWarningAt: threshold percent of the target, shifted by pauses', () => {
  const base = { startedAt: d('2024-01-01T09:00:00Z'), targetMinutes: 480, cal };
  assert.deepEqual(computeWarningAt({ ...base, thresholdPercent: 75 }), d('2024-01-01T15:00:00Z'));
  assert.deepEqual(
    computeWarningAt({ ...base, thresholdPercent: 75, pausedBusinessMs: 30 * MIN }),
    d('2024-01-01T15:30:00Z'),
  );
  assert.deepEqual(computeWarningAt({ ...base, thresholdPercent: 100 }), computeDueAt(base));
  assert.throws(() => computeWarningAt({ ...base, thresholdPercent: 120 }), RangeError);
});

test('elapsedBusinessPercent: counts only business time, minus pauses, may exceed 100', () => {
  const base = { startedAt: d('2024-01-05T16:00:00Z'), targetMinutes: 240, cal };
  assert.equal(elapsedBusinessPercent({ ...base, now: d('2024-01-06T12:00:00Z') }), 25);
  assert.equal(elapsedBusinessPercent({ ...base, now: d('2024-01-08T11:00:00Z') }), 75);
  assert.equal(elapsedBusinessPercent({ ...base, now: d('2024-01-08T11:00:00Z'), pausedBusinessMs: HOUR }), 50);
  assert.equal(elapsedBusinessPercent({ ...base, now: d('2024-01-08T15:00:00Z') }), 175);
  assert.equal(elapsedBusinessPercent({ ...base, now: d('2024-01-01T00:00:00Z') }), 0);
});

test('percent at the due date is exactly 100', () => {
  const input = { startedAt: d('2024-01-03T10:17:00Z'), targetMinutes: 1234.5, pausedBusinessMs: 777, cal };
  assert.equal(elapsedBusinessPercent({ ...input, now: computeDueAt(input) }), 100);
});

test('invalid SLA inputs throw', () => {
  assert.throws(() => computeDueAt({ startedAt: d('2024-01-01T00:00:00Z'), targetMinutes: -5, cal }), RangeError);
  assert.throws(
    () => computeDueAt({ startedAt: d('2024-01-01T00:00:00Z'), targetMinutes: 5, pausedBusinessMs: NaN, cal }),
    RangeError,
  );
});
