import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient, type TicketPriority, type TicketStatus } from '@nixflow/db/client';
import { renderMacro } from '@nixflow/core';
import {
  CommentsService,
  MacrosService,
  TicketAccessService,
  TicketQueriesService,
  TicketsService,
  type CommentWithAuthor,
  type TicketView,
} from '@nixflow/domain';
import type { AuthUser } from '../auth/auth-user.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ApplyMacroDto } from './dto/macros.dto.js';

/**
 * Applies a macro to a ticket in one transaction: its field changes (status, priority, team, tags) through
 * the normal update path, then its rendered reply through the normal comment path (mailed to the requester
 * when public), and a history entry naming the macro.
 */
@Injectable()
export class MacroApplicationService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    private readonly macros: MacrosService,
    private readonly tickets: TicketsService,
    private readonly comments: CommentsService,
    private readonly queries: TicketQueriesService,
    private readonly access: TicketAccessService,
  ) {}

  async apply(
    user: AuthUser,
    macroId: string,
    dto: ApplyMacroDto,
  ): Promise<{ ticket: TicketView; comment: CommentWithAuthor }> {
    const macro = await this.macros.getVisible(user, macroId);
    const visible = await this.access.findVisibleOrThrow(user, dto.ticketId);
    const requester = await this.prisma.user.findUniqueOrThrow({ where: { id: visible.requesterId } });
    const body = renderMacro(macro.body, {
      requesterName: requester.name,
      requesterEmail: requester.email,
      ticketNumber: visible.number,
      ticketSubject: visible.subject,
      agentName: user.name,
    });
    const comment = await this.comments.add(
      user,
      dto.ticketId,
      { body, internal: macro.internal },
      {
        beforeAdd: async (tx, ticket) => {
          const after = await this.tickets.updateLockedInTx(
            tx,
            ticket,
            {
              status: (macro.setStatus ?? undefined) as TicketStatus | undefined,
              priority: (macro.setPriority ?? undefined) as TicketPriority | undefined,
              teamId: macro.setTeamId ?? undefined,
              tags: macro.addTags.length ? [...ticket.tags, ...macro.addTags] : undefined,
            },
            { id: user.id, role: user.role },
            { expectedVersion: dto.version, enforceTransitions: true },
          );
          await tx.historyLog.create({
            data: {
              ticketId: ticket.id,
              actorId: user.id,
              action: 'macro_applied',
              field: 'macro',
              newValue: macro.name,
              createdAt: this.tickets.now(),
            },
          });
          return after;
        },
      },
    );
    return { ticket: await this.queries.view(dto.ticketId), comment };
  }
}
