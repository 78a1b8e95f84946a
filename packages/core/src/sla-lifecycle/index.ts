export * from './types.js';
export {
  policyCalendar,
  policyConditions,
  policyHasTargets,
  policyMatches,
  policyTargets,
  selectPolicy,
  targetMinutesFor,
} from './policy.js';
export { businessSecondsBetween, isOpenMetric, planSlaOperations, type PlanInput } from './planner.js';
export { previewTicket, type PreviewMetricMove, type PreviewTicketResult } from './preview.js';
