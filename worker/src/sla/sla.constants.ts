export const SLA_MONITOR_QUEUE = 'sla-monitor';
export const SLA_SWEEP_SCHEDULER_ID = 'sla-monitor-sweep';
export const SLA_SWEEP_JOB = 'sweep';
