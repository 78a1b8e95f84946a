import type { Macro, RoutingRule } from '@nixflow/db/client';
import type { BusinessCalendar } from '@nixflow/core';
import { scopeOf, type TeamInput, type TeamWithMembers } from '@nixflow/domain';
import type { MacroDto } from './dto/macros.dto.js';
import type { RoutingRuleDto } from './dto/routing-rules.dto.js';
import type { CreateTeamDto, TeamDto } from './dto/teams.dto.js';

/** A team as the API shows it: the calendar in the SLA policies' shape, members flattened. */
export function teamView(team: TeamWithMembers): TeamDto {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    isActive: team.isActive,
    assignmentMode: team.assignmentMode,
    calendar: {
      timezone: team.timezone,
      businessHours: (team.businessHours as unknown as TeamDto['calendar']['businessHours']) ?? null,
      holidays: (team.holidays as unknown as TeamDto['calendar']['holidays']) ?? [],
    },
    members: team.members.map((m) => m.user),
    createdAt: team.createdAt,
    updatedAt: team.updatedAt,
  };
}

export function ruleView(rule: RoutingRule): RoutingRuleDto {
  return { ...rule, conditions: rule.conditions as RoutingRuleDto['conditions'] };
}

export function macroView(macro: Macro): MacroDto {
  return { ...macro, scope: scopeOf(macro) };
}

/** The request body as the domain takes it (the calendar in the clock's shape). */
export function teamInput(dto: Partial<CreateTeamDto>): TeamInput {
  const { calendar, ...rest } = dto;
  return {
    ...rest,
    calendar: calendar
      ? ({
          timezone: calendar.timezone,
          hours: calendar.businessHours ?? null,
          holidays: calendar.holidays ?? [],
        } as BusinessCalendar)
      : undefined,
  };
}
