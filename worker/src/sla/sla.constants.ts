export { SLA_MONITOR_QUEUE } from '@nixflow/core';
export const SLA_SWEEP_SCHEDULER_ID = 'sla-monitor-sweep';
export const SLA_SWEEP_JOB = 'sweep';
