export type { BusinessCalendar, BusinessInterval, Holiday, Weekday } from './calendar.js';
export { validateCalendar, assertValidCalendar, InvalidCalendarError } from './validate.js';
export {
  addBusinessMilliseconds,
  addBusinessMinutes,
  businessMillisecondsBetween,
  businessMinutesBetween,
  isBusinessTime,
  nextBusinessStart,
  NoBusinessTimeError,
  MAX_EMPTY_DAYS,
} from './business-time.js';
export { computeDueAt, computeWarningAt, elapsedBusinessPercent, type SlaMetricInput } from './sla-deadlines.js';
