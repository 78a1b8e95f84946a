/**
 * Routing rules: an ordered list of rules, each a set of conditions (all must hold; within one list any
 * value matches) and actions. On ticket creation the first active rule that matches fires.
 */

export interface RoutingConditions {
  channels?: string[];
  emailAccountIds?: string[];
  formIds?: string[];
  priorities?: string[];
  /** Any of these tags (lower case). */
  tags?: string[];
  /** The requester's e-mail domain is one of these, or a subdomain of one. */
  requesterDomains?: string[];
  /** Any of these words or phrases appears in the subject or the description (case-insensitive). */
  keywords?: string[];
}

/** What a rule can see of a ticket being created. */
export interface RoutingFacts {
  channel: string;
  emailAccountId?: string | null;
  formId?: string | null;
  priority: string;
  tags: readonly string[];
  requesterEmail?: string | null;
  subject: string;
  description: string;
}

export interface RoutingRuleLike {
  id: string;
  position: number;
  isActive: boolean;
  conditions: unknown;
  createdAt?: Date;
}

export const ROUTING_CONDITION_KEYS = [
  'channels',
  'emailAccountIds',
  'formIds',
  'priorities',
  'tags',
  'requesterDomains',
  'keywords',
] as const satisfies readonly (keyof RoutingConditions)[];

const strList = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

/** Normalised conditions (unknown keys dropped; tags, domains and keywords lower-cased and trimmed). */
export function routingConditions(raw: unknown): RoutingConditions {
  const c = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const lower = (v: unknown) =>
    strList(v)
      ?.map((s) => s.trim().toLowerCase())
      .filter(Boolean);
  return {
    channels: strList(c.channels),
    emailAccountIds: strList(c.emailAccountIds),
    formIds: strList(c.formIds),
    priorities: strList(c.priorities),
    tags: lower(c.tags),
    requesterDomains: lower(c.requesterDomains)?.map((d) => d.replace(/^@/, '')),
    keywords: lower(c.keywords),
  };
}

const given = (list: string[] | undefined): list is string[] => list !== undefined && list.length > 0;
const oneOf = (list: string[] | undefined, value: string | null | undefined): boolean =>
  !given(list) || (value != null && list.includes(value));

/** The domain of an address, lower case ('' when there is none). */
export function emailDomain(address: string | null | undefined): string {
  const at = address?.lastIndexOf('@') ?? -1;
  return at < 0
    ? ''
    : address!
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

/** Do the conditions hold for a ticket? No condition at all matches every ticket. */
export function routingMatches(raw: unknown, facts: RoutingFacts): boolean {
  const c = routingConditions(raw);
  if (!oneOf(c.channels, facts.channel)) return false;
  if (!oneOf(c.emailAccountIds, facts.emailAccountId)) return false;
  if (!oneOf(c.formIds, facts.formId)) return false;
  if (!oneOf(c.priorities, facts.priority)) return false;
  if (given(c.tags) && !c.tags.some((t) => facts.tags.includes(t))) return false;
  if (given(c.requesterDomains)) {
    const domain = emailDomain(facts.requesterEmail);
    if (!domain || !c.requesterDomains.some((d) => domain === d || domain.endsWith(`.${d}`))) return false;
  }
  if (given(c.keywords)) {
    const text = `${facts.subject}\n${facts.description}`.toLowerCase();
    if (!c.keywords.some((k) => text.includes(k))) return false;
  }
  return true;
}

/** Active rules in evaluation order: position, then age, then id. */
export function orderRules<R extends RoutingRuleLike>(rules: readonly R[]): R[] {
  return rules
    .filter((r) => r.isActive)
    .sort(
      (a, b) =>
        a.position - b.position ||
        (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

/** The rule that fires for a ticket: the first active one whose conditions match, else null. */
export function firstMatchingRule<R extends RoutingRuleLike>(rules: readonly R[], facts: RoutingFacts): R | null {
  return orderRules(rules).find((r) => routingMatches(r.conditions, facts)) ?? null;
}
