/**
 * SLA metric helpers built on the business-time clock.
 *
 * A metric (e.g. first response, resolution) starts at `startedAt` and has `targetMinutes` of
 * business time. `pausedBusinessMs` is the business time that elapsed while the metric was paused
 * (e.g. waiting on customer); it does not count, so it pushes the due date out by exactly that much
 * business time. The caller computes it (e.g. with businessMillisecondsBetween over pause spans),
 * including the currently open pause up to "now" if the metric is paused right now.
 */
import type { BusinessCalendar } from './calendar.js';
import { addBusinessMilliseconds, businessMillisecondsBetween } from './business-time.js';

export interface SlaMetricInput {
  startedAt: Date;
  targetMinutes: number;
  /** Business milliseconds spent paused so far; defaults to 0. */
  pausedBusinessMs?: number;
  cal: BusinessCalendar;
}

function checkInput(input: SlaMetricInput): { targetMs: number; pausedMs: number } {
  const { targetMinutes, pausedBusinessMs = 0 } = input;
  if (!Number.isFinite(targetMinutes) || targetMinutes < 0) {
    throw new RangeError('targetMinutes must be a finite number >= 0');
  }
  if (!Number.isFinite(pausedBusinessMs) || pausedBusinessMs < 0) {
    throw new RangeError('pausedBusinessMs must be a finite number >= 0');
  }
  return { targetMs: Math.round(targetMinutes * 60_000), pausedMs: Math.round(pausedBusinessMs) };
}

/** Due instant: `targetMinutes` + paused business time after `startedAt`. */
export function computeDueAt(input: SlaMetricInput): Date {
  const { targetMs, pausedMs } = checkInput(input);
  return addBusinessMilliseconds(input.startedAt, targetMs + pausedMs, input.cal);
}

/**
 * Warning instant: when `thresholdPercent` (0–100) of the target has been used, shifted by the
 * paused business time like the due date. The threshold share is rounded to the millisecond.
 */
export function computeWarningAt(input: SlaMetricInput & { thresholdPercent: number }): Date {
  const { targetMs, pausedMs } = checkInput(input);
  const pct = input.thresholdPercent;
  if (!Number.isFinite(pct) || pct < 0 || pct > 100) {
    throw new RangeError('thresholdPercent must be between 0 and 100');
  }
  return addBusinessMilliseconds(input.startedAt, Math.round((targetMs * pct) / 100) + pausedMs, input.cal);
}

/**
 * Percentage of the target used at `now`: (business time since start − paused) / target × 100.
 * Not capped at 100 (a breached metric reports > 100); never below 0. A zero target reports 100
 * once started (it is due immediately).
 */
export function elapsedBusinessPercent(input: SlaMetricInput & { now: Date }): number {
  const { targetMs, pausedMs } = checkInput(input);
  const used = Math.max(0, businessMillisecondsBetween(input.startedAt, input.now, input.cal) - pausedMs);
  if (targetMs === 0) return 100;
  return (used / targetMs) * 100;
}
