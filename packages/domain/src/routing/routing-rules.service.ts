import { Inject, Injectable, Optional } from '@nestjs/common';
import { Prisma, type PrismaClient, type RoutingRule, type TicketPriority } from '@nixflow/db/client';
import { firstMatchingRule, normalizeTags, routingConditions, type RoutingFacts } from '@nixflow/core';
import { ChangeNotices } from '../common/change-notices.js';
import { ConfigCache } from '../common/config-cache.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { PRISMA } from '../tokens.js';
import type { Tx } from '../tx.js';

export interface RoutingRuleInput {
  name?: string;
  position?: number;
  isActive?: boolean;
  conditions?: Record<string, unknown>;
  setTeamId?: string | null;
  setPriority?: TicketPriority | null;
  addTags?: string[];
}

/** What the rule that fired does to a new ticket. */
export interface RoutingOutcome {
  rule: RoutingRule | null;
  teamId: string | null;
  priority: TicketPriority | null;
  addTags: string[];
}

/** Routing rules: CRUD, and the rule that fires for a ticket being created (first active match by position). */
@Injectable()
export class RoutingRulesService {
  /** The active rules, which every ticket create reads: kept while change notices arrive (ConfigCache). */
  private readonly active: ConfigCache<RoutingRule[]>;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Optional() notices?: ChangeNotices,
  ) {
    this.active = new ConfigCache(notices, ['RoutingRule']);
  }

  list(): Promise<RoutingRule[]> {
    return this.prisma.routingRule.findMany({ orderBy: [{ position: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] });
  }

  async get(id: string): Promise<RoutingRule> {
    const rule = await this.prisma.routingRule.findUnique({ where: { id } });
    if (!rule) throw new NotFoundError('routing_rule_not_found', 'Routing rule not found');
    return rule;
  }

  async create(input: RoutingRuleInput & { name: string }): Promise<RoutingRule> {
    const data = await this.data(input);
    if (data.setTeamId == null && data.setPriority == null && !(data.addTags as string[] | undefined)?.length) {
      throw new ValidationError('no_action', 'A rule needs an action: setTeamId, setPriority or addTags', 'setTeamId');
    }
    return this.active.afterWrite(this.prisma.routingRule.create({ data: { ...data, name: input.name } }));
  }

  async update(id: string, input: RoutingRuleInput): Promise<RoutingRule> {
    await this.get(id);
    return this.active.afterWrite(this.prisma.routingRule.update({ where: { id }, data: await this.data(input) }));
  }

  async delete(id: string): Promise<void> {
    const { count } = await this.active.afterWrite(this.prisma.routingRule.deleteMany({ where: { id } }));
    if (!count) throw new NotFoundError('routing_rule_not_found', 'Routing rule not found');
  }

  /** The rule that fires for these facts and its effect (a team that is no longer active is not set). */
  async route(db: Tx | PrismaClient, facts: RoutingFacts): Promise<RoutingOutcome> {
    const rules = await this.active.get(() => db.routingRule.findMany({ where: { isActive: true } }));
    const rule = firstMatchingRule(rules, facts);
    if (!rule) return { rule: null, teamId: null, priority: null, addTags: [] };
    const team = rule.setTeamId ? await db.team.findUnique({ where: { id: rule.setTeamId } }) : null;
    return {
      rule,
      teamId: team?.isActive ? team.id : null,
      priority: rule.setPriority,
      addTags: normalizeTags(rule.addTags),
    };
  }

  private async data(input: RoutingRuleInput): Promise<Prisma.RoutingRuleUncheckedCreateInput> {
    if (input.setTeamId) {
      const team = await this.prisma.team.findUnique({ where: { id: input.setTeamId } });
      if (!team) throw new ValidationError('team_not_found', 'setTeamId must name an existing team', 'setTeamId');
    }
    return {
      name: input.name as string,
      position: input.position,
      isActive: input.isActive,
      conditions: input.conditions
        ? (stripEmpty(routingConditions(input.conditions)) as Prisma.InputJsonValue)
        : undefined,
      setTeamId: input.setTeamId,
      setPriority: input.setPriority,
      addTags: input.addTags ? normalizeTags(input.addTags) : undefined,
    };
  }
}

/** Conditions as stored: only the keys given. */
function stripEmpty(c: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
}
