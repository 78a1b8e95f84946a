import type { BusinessCalendar } from '../sla-clock/calendar.js';
import type {
  SlaMetricType,
  SlaPolicyConditions,
  SlaPolicyLike,
  SlaPolicyTargets,
  SlaTicketLike,
  TicketPriorityName,
} from './types.js';

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const strList = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

/** Normalised conditions of a policy (unknown keys and non-string entries dropped). */
export function policyConditions(policy: Pick<SlaPolicyLike, 'conditions'>): SlaPolicyConditions {
  const c = obj(policy.conditions);
  return {
    priorities: strList(c.priorities),
    channels: strList(c.channels),
    tags: strList(c.tags),
    workflowIds: strList(c.workflowIds),
    formIds: strList(c.formIds),
    teamIds: strList(c.teamIds),
  };
}

/** Normalised targets: only positive finite minute values survive. */
export function policyTargets(policy: Pick<SlaPolicyLike, 'targets' | 'noSla'>): SlaPolicyTargets {
  const out: SlaPolicyTargets = {};
  if (policy.noSla) return out;
  const t = obj(policy.targets);
  for (const type of ['FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION'] as const) {
    const perPriority = obj(t[type]);
    const row: Partial<Record<TicketPriorityName, number>> = {};
    for (const p of ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const) {
      const v = perPriority[p];
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) row[p] = v;
    }
    if (Object.keys(row).length) out[type] = row;
  }
  return out;
}

/** Target minutes of one metric type for a ticket priority, or null when the policy has none. */
export function targetMinutesFor(
  policy: Pick<SlaPolicyLike, 'targets' | 'noSla'>,
  type: SlaMetricType,
  priority: string,
): number | null {
  return policyTargets(policy)[type]?.[priority as TicketPriorityName] ?? null;
}

/** The business calendar of a policy (null business hours = 24/7). */
export function policyCalendar(
  policy: Pick<SlaPolicyLike, 'timezone' | 'businessHours' | 'holidays'>,
): BusinessCalendar {
  return {
    timezone: policy.timezone,
    hours: Array.isArray(policy.businessHours) ? (policy.businessHours as BusinessCalendar['hours']) : null,
    holidays: Array.isArray(policy.holidays) ? (policy.holidays as BusinessCalendar['holidays']) : [],
  };
}

const matchList = (allowed: string[] | undefined, value: string | null | undefined): boolean =>
  !allowed || allowed.length === 0 || (value != null && allowed.includes(value));

/** Do a policy's conditions match a ticket? Empty/absent lists match everything; tags match if any overlaps. */
export function policyMatches(policy: Pick<SlaPolicyLike, 'conditions'>, ticket: SlaTicketLike): boolean {
  const c = policyConditions(policy);
  if (!matchList(c.priorities, ticket.priority)) return false;
  if (!matchList(c.channels, ticket.channel)) return false;
  if (!matchList(c.workflowIds, ticket.workflowId)) return false;
  if (!matchList(c.formIds, ticket.formId)) return false;
  if (!matchList(c.teamIds, ticket.teamId)) return false;
  if (c.tags && c.tags.length > 0) {
    const tags = ticket.tags ?? [];
    if (!c.tags.some((t) => tags.includes(t))) return false;
  }
  return true;
}

/** First active, non-deleted policy by position (then createdAt, then id) whose conditions match; else null. */
export function selectPolicy<P extends SlaPolicyLike>(policies: readonly P[], ticket: SlaTicketLike): P | null {
  const candidates = policies
    .filter((p) => p.isActive && !p.deletedAt)
    .sort(
      (a, b) =>
        a.position - b.position ||
        (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  return candidates.find((p) => policyMatches(p, ticket)) ?? null;
}

/** Whether a policy starts any clock: at least one target, and not marked "no SLA". */
export function policyHasTargets(policy: Pick<SlaPolicyLike, 'targets' | 'noSla'>): boolean {
  return Object.keys(policyTargets(policy)).length > 0;
}
