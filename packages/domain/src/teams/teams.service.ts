import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type AssignmentMode, type PrismaClient, type Team } from '@nixflow/db/client';
import { validateCalendar, type BusinessCalendar } from '@nixflow/core';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { PRISMA } from '../tokens.js';
import type { Tx } from '../tx.js';

export interface TeamInput {
  name?: string;
  description?: string | null;
  isActive?: boolean;
  assignmentMode?: AssignmentMode;
  calendar?: BusinessCalendar;
  memberIds?: string[];
}

const MEMBER_SELECT = { user: { select: { id: true, name: true, role: true, isAway: true, isActive: true } } } as const;
export const TEAM_INCLUDE = { members: { select: MEMBER_SELECT, orderBy: { createdAt: 'asc' } } } as const;
export type TeamWithMembers = Prisma.TeamGetPayload<{ include: typeof TEAM_INCLUDE }>;

export interface TeamStatusCounts {
  teamId: string | null;
  counts: Record<string, number>;
  total: number;
}

/** Teams and their members. Members are active agents or admins; one agent may be in several teams. */
@Injectable()
export class TeamsService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  list(): Promise<TeamWithMembers[]> {
    return this.prisma.team.findMany({ include: TEAM_INCLUDE, orderBy: { name: 'asc' } });
  }

  async get(id: string): Promise<TeamWithMembers> {
    const team = await this.prisma.team.findUnique({ where: { id }, include: TEAM_INCLUDE });
    if (!team) throw new NotFoundError('team_not_found', 'Team not found');
    return team;
  }

  async create(input: TeamInput & { name: string }): Promise<TeamWithMembers> {
    return this.prisma.$transaction(async (tx) => {
      await this.assertNameFree(tx, input.name);
      const team = await tx.team.create({
        data: { ...this.columns(input), name: input.name } as Prisma.TeamUncheckedCreateInput,
      });
      if (input.memberIds?.length) await this.setMembers(tx, team.id, input.memberIds);
      return tx.team.findUniqueOrThrow({ where: { id: team.id }, include: TEAM_INCLUDE });
    });
  }

  async update(id: string, input: TeamInput): Promise<TeamWithMembers> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.team.findUnique({ where: { id } });
      if (!before) throw new NotFoundError('team_not_found', 'Team not found');
      if (input.name !== undefined && input.name !== before.name) await this.assertNameFree(tx, input.name);
      await tx.team.update({ where: { id }, data: { name: input.name, ...this.columns(input) } });
      if (input.memberIds !== undefined) await this.setMembers(tx, id, input.memberIds);
      return tx.team.findUniqueOrThrow({ where: { id }, include: TEAM_INCLUDE });
    });
  }

  /** Tickets of the team keep their data and leave its queue (teamId = null); rules naming it block the delete. */
  async delete(id: string): Promise<void> {
    const rules = await this.prisma.routingRule.count({ where: { setTeamId: id } });
    const macros = await this.prisma.macro.count({ where: { setTeamId: id } });
    if (rules || macros) {
      throw new ConflictError(
        'team_in_use',
        `Team is named by ${rules} routing rule(s) and ${macros} macro(s); change them first, or deactivate the team`,
      );
    }
    const { count } = await this.prisma.team.deleteMany({ where: { id } });
    if (!count) throw new NotFoundError('team_not_found', 'Team not found');
  }

  async addMember(teamId: string, userId: string): Promise<TeamWithMembers> {
    await this.get(teamId);
    await this.assertStaff(this.prisma, [userId], 'userId');
    await this.prisma.teamMember.createMany({ data: [{ teamId, userId }], skipDuplicates: true });
    return this.get(teamId);
  }

  async removeMember(teamId: string, userId: string): Promise<void> {
    const { count } = await this.prisma.teamMember.deleteMany({ where: { teamId, userId } });
    if (!count) throw new NotFoundError('team_member_not_found', 'The user is not a member of this team');
  }

  /** An agent's availability for auto-assignment (away, capacity); staff only. */
  async setAvailability(
    userId: string,
    input: { isAway?: boolean; maxOpenTickets?: number | null },
  ): Promise<{ userId: string; isAway: boolean; maxOpenTickets: number | null }> {
    const { count } = await this.prisma.user.updateMany({
      where: { id: userId, deletedAt: null, role: { in: ['ADMIN', 'AGENT'] } },
      data: input,
    });
    if (!count) throw new NotFoundError('agent_not_found', 'No agent or admin with this id');
    const user = await this.prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { isAway: true, maxOpenTickets: true },
    });
    return { userId, ...user };
  }

  /** Ids of the teams a user belongs to (team=mine). */
  async teamIdsOf(userId: string): Promise<string[]> {
    const rows = await this.prisma.teamMember.findMany({ where: { userId }, select: { teamId: true } });
    return rows.map((r) => r.teamId);
  }

  /** Throws a field-level error unless a team with this id exists (and is active, when asked). */
  async assertTeam(db: Tx | PrismaClient, id: string, field: string, activeOnly = false): Promise<Team> {
    const team = await db.team.findUnique({ where: { id } });
    if (!team || (activeOnly && !team.isActive)) {
      throw new ValidationError(
        'team_not_found',
        `${field} must name an existing${activeOnly ? ', active' : ''} team`,
        field,
      );
    }
    return team;
  }

  /** Live tickets per team (null: no team) and status, in one grouped scan of the (teamId, status) index. */
  async counts(): Promise<TeamStatusCounts[]> {
    const rows = await this.prisma.$queryRaw<Array<{ teamId: string | null; status: string; n: bigint }>>`
      SELECT "teamId"::text AS "teamId", "status"::text AS "status", count(*) AS n
      FROM "Ticket" WHERE "deletedAt" IS NULL GROUP BY 1, 2`;
    const byTeam = new Map<string | null, TeamStatusCounts>();
    for (const r of rows) {
      const entry = byTeam.get(r.teamId) ?? { teamId: r.teamId, counts: {}, total: 0 };
      entry.counts[r.status] = Number(r.n);
      entry.total += Number(r.n);
      byTeam.set(r.teamId, entry);
    }
    return [...byTeam.values()].sort((a, b) => (a.teamId ?? '').localeCompare(b.teamId ?? ''));
  }

  private columns(input: TeamInput): Prisma.TeamUncheckedUpdateInput {
    const data: Prisma.TeamUncheckedUpdateInput = {
      description: input.description,
      isActive: input.isActive,
      assignmentMode: input.assignmentMode,
    };
    if (input.calendar) {
      const errors = validateCalendar(input.calendar);
      if (errors.length) throw new ValidationError('invalid_calendar', errors.join('; '), 'calendar');
      data.timezone = input.calendar.timezone;
      data.businessHours = input.calendar.hours
        ? (input.calendar.hours as unknown as Prisma.InputJsonValue)
        : Prisma.DbNull;
      data.holidays = (input.calendar.holidays ?? []) as unknown as Prisma.InputJsonValue;
    }
    return data;
  }

  private async assertNameFree(tx: Tx, name: string): Promise<void> {
    if (await tx.team.findUnique({ where: { name } })) {
      throw new ConflictError('team_name_taken', `A team named "${name}" already exists`);
    }
  }

  private async setMembers(tx: Tx, teamId: string, userIds: string[]): Promise<void> {
    const ids = [...new Set(userIds)];
    await this.assertStaff(tx, ids, 'memberIds');
    await tx.teamMember.deleteMany({ where: { teamId, userId: { notIn: ids } } });
    await tx.teamMember.createMany({ data: ids.map((userId) => ({ teamId, userId })), skipDuplicates: true });
  }

  private async assertStaff(db: Tx | PrismaClient, ids: string[], field: string): Promise<void> {
    if (!ids.length) return;
    const found = await db.user.count({
      where: { id: { in: ids }, deletedAt: null, isActive: true, role: { in: ['ADMIN', 'AGENT'] } },
    });
    if (found !== ids.length)
      throw new ValidationError('not_staff', `${field} must name active agents or admins`, field);
  }
}
