import type { SlaMetricState } from '@nixflow/core';
import type { SLAMetric } from '@nixflow/db/client';

export const toState = (m: SLAMetric): SlaMetricState => ({
  id: m.id,
  policyId: m.policyId,
  policyVersion: m.policyVersion,
  type: m.type,
  cycle: m.cycle,
  targetMinutes: m.targetMinutes,
  status: m.status,
  startedAt: m.startedAt,
  dueAt: m.dueAt,
  warningAt: m.warningAt,
  pausedAt: m.pausedAt,
  pausedBusinessSeconds: m.pausedBusinessSeconds,
  completedAt: m.completedAt,
  breachedAt: m.breachedAt,
});
