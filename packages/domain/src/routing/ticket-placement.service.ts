import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient, TicketPriority } from '@nixflow/db/client';
import { normalizeTags, type RoutingFacts } from '@nixflow/core';
import { CLOCK, type Clock } from '../clock.js';
import { ValidationError } from '../errors.js';
import type { Tx } from '../tx.js';
import { AssignmentService } from './assignment.service.js';
import { RoutingRulesService } from './routing-rules.service.js';

export interface NewTicketFacts extends RoutingFacts {
  priority: TicketPriority;
  /** A team chosen explicitly (staff, a form's default): it wins over a rule's team. */
  teamId?: string | null;
  /** An assignee chosen explicitly: no auto-assignment. */
  assigneeId?: string | null;
}

/** Where a new ticket lands, and the history entries that explain why. */
export interface TicketPlacement {
  teamId: string | null;
  priority: TicketPriority;
  tags: string[];
  assigneeId: string | null;
  /** HistoryLog rows to write once the ticket exists (action, field, newValue). */
  history: Array<{ action: string; field: string; newValue: string }>;
  ruleId: string | null;
}

/**
 * Routing and auto-assignment of a ticket being created, by every channel (web, e-mail, form), in the
 * creating transaction: the first matching routing rule sets team, priority and tags; then, if the ticket
 * has a team and no assignee, the team's auto-assignment picks an available member within capacity.
 */
@Injectable()
export class TicketPlacementService {
  constructor(
    private readonly rules: RoutingRulesService,
    private readonly assignment: AssignmentService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A field-level error unless `teamId` names an active team (a ticket's team, set by staff or a form). */
  async assertTeamInTx(tx: Tx | PrismaClient, teamId: string, field = 'teamId'): Promise<void> {
    const team = await tx.team.findUnique({ where: { id: teamId }, select: { isActive: true } });
    if (!team?.isActive)
      throw new ValidationError('team_not_found', `${field} must name an existing, active team`, field);
  }

  async placeInTx(tx: Tx, facts: NewTicketFacts, now: Date = this.clock.now()): Promise<TicketPlacement> {
    const routed = await this.rules.route(tx, { ...facts, tags: normalizeTags(facts.tags) });
    const history: TicketPlacement['history'] = [];
    if (routed.rule) history.push({ action: 'routed', field: 'routingRule', newValue: routed.rule.name });
    // An explicit team that was deactivated or deleted since (a form's default) leaves the choice to the rules.
    const explicit = facts.teamId
      ? await tx.team.findFirst({ where: { id: facts.teamId, isActive: true }, select: { id: true } })
      : null;
    const teamId = explicit?.id ?? routed.teamId;
    let assigneeId = facts.assigneeId ?? null;
    if (!assigneeId && teamId) {
      assigneeId = await this.assignment.pickInTx(tx, teamId, now);
      if (assigneeId) history.push({ action: 'auto_assigned', field: 'assigneeId', newValue: assigneeId });
    }
    return {
      teamId,
      priority: routed.priority ?? facts.priority,
      tags: normalizeTags([...facts.tags, ...routed.addTags]),
      assigneeId,
      history,
      ruleId: routed.rule?.id ?? null,
    };
  }
}
