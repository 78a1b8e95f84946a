import { Inject, Injectable } from '@nestjs/common';
import type { Macro, Prisma, PrismaClient, TicketPriority, TicketStatus } from '@nixflow/db/client';
import { normalizeTags, unknownPlaceholders } from '@nixflow/core';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { PRISMA } from '../tokens.js';

export type MacroScope = 'SHARED' | 'TEAM' | 'PERSONAL';

export interface MacroInput {
  name?: string;
  body?: string;
  internal?: boolean;
  scope?: MacroScope;
  teamId?: string | null;
  setStatus?: TicketStatus | null;
  setPriority?: TicketPriority | null;
  setTeamId?: string | null;
  addTags?: string[];
}

export interface MacroUser {
  id: string;
  role: string;
}

export const scopeOf = (m: Pick<Macro, 'ownerId' | 'teamId'>): MacroScope =>
  m.ownerId ? 'PERSONAL' : m.teamId ? 'TEAM' : 'SHARED';

/**
 * Saved replies. Shared macros and team macros are managed by admins; personal macros by their owner.
 * An agent sees the shared ones, those of their teams and their own.
 */
@Injectable()
export class MacrosService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async list(user: MacroUser): Promise<Macro[]> {
    return this.prisma.macro.findMany({
      where: await this.visibleWhere(user),
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }

  /** A macro the user may use, else not found. */
  async getVisible(user: MacroUser, id: string): Promise<Macro> {
    const macro = await this.prisma.macro.findFirst({ where: { AND: [{ id }, await this.visibleWhere(user)] } });
    if (!macro) throw new NotFoundError('macro_not_found', 'Macro not found');
    return macro;
  }

  async create(user: MacroUser, input: MacroInput & { name: string; body: string }): Promise<Macro> {
    const scope = input.scope ?? 'PERSONAL';
    this.assertMayManage(user, scope);
    if (scope === 'TEAM' && !input.teamId)
      throw new ValidationError('team_required', 'teamId is required for a TEAM macro', 'teamId');
    return this.prisma.macro.create({
      data: {
        ...(await this.columns(input)),
        name: input.name,
        body: input.body,
        ownerId: scope === 'PERSONAL' ? user.id : null,
        teamId: scope === 'TEAM' ? input.teamId : null,
      } as Prisma.MacroUncheckedCreateInput,
    });
  }

  async update(user: MacroUser, id: string, input: MacroInput): Promise<Macro> {
    const macro = await this.getManageable(user, id);
    if (input.teamId !== undefined && scopeOf(macro) === 'TEAM') {
      if (!input.teamId) throw new ValidationError('team_required', 'teamId is required for a TEAM macro', 'teamId');
    }
    const data = await this.columns(input);
    if (scopeOf(macro) === 'TEAM' && input.teamId) data.teamId = input.teamId;
    return this.prisma.macro.update({ where: { id }, data });
  }

  async delete(user: MacroUser, id: string): Promise<void> {
    await this.getManageable(user, id);
    await this.prisma.macro.delete({ where: { id } });
  }

  private async getManageable(user: MacroUser, id: string): Promise<Macro> {
    const macro = await this.getVisible(user, id);
    this.assertMayManage(user, scopeOf(macro), macro.ownerId);
    return macro;
  }

  private assertMayManage(user: MacroUser, scope: MacroScope, ownerId?: string | null): void {
    if (scope === 'PERSONAL' ? ownerId !== undefined && ownerId !== user.id : user.role !== 'ADMIN') {
      throw new ForbiddenError(
        'macro_forbidden',
        'Only admins manage shared and team macros; personal macros, their owner',
      );
    }
  }

  private async visibleWhere(user: MacroUser): Promise<Prisma.MacroWhereInput> {
    if (user.role === 'ADMIN') return { OR: [{ ownerId: null }, { ownerId: user.id }] };
    const teams = await this.prisma.teamMember.findMany({ where: { userId: user.id }, select: { teamId: true } });
    return {
      OR: [
        { ownerId: null, teamId: null },
        { ownerId: null, teamId: { in: teams.map((t) => t.teamId) } },
        { ownerId: user.id },
      ],
    };
  }

  private async columns(input: MacroInput): Promise<Prisma.MacroUncheckedUpdateInput> {
    if (input.body !== undefined) {
      const unknown = unknownPlaceholders(input.body);
      if (unknown.length) {
        throw new ValidationError('unknown_placeholder', `Unknown placeholder(s): ${unknown.join(', ')}`, 'body');
      }
    }
    for (const field of ['teamId', 'setTeamId'] as const) {
      const id = input[field];
      if (id && !(await this.prisma.team.findUnique({ where: { id } }))) {
        throw new ValidationError('team_not_found', `${field} must name an existing team`, field);
      }
    }
    return {
      name: input.name,
      body: input.body,
      internal: input.internal,
      setStatus: input.setStatus,
      setPriority: input.setPriority,
      setTeamId: input.setTeamId,
      addTags: input.addTags ? normalizeTags(input.addTags) : undefined,
    };
  }
}
