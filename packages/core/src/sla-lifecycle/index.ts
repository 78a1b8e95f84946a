export * from './types.js';
export {
  policyCalendar,
  policyConditions,
  policyMatches,
  policyTargets,
  selectPolicy,
  targetMinutesFor,
} from './policy.js';
export { businessSecondsBetween, isOpenMetric, planSlaOperations, type PlanInput } from './planner.js';
