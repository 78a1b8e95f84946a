// TEMPORARY (email branch): contract stub until the tickets helper's CommentsService lands on main.
import { Injectable } from '@nestjs/common';
import type { Comment, Prisma, Ticket, TicketChannel } from '@nixflow/db/client';
import { EventsService } from '../events/events.service.js';
import { SlaLifecycleService } from '../sla/sla-lifecycle.service.js';
import type { Actor } from './tickets.service.js';

export interface NewCommentInput {
  body: string;
  internal?: boolean;
  channel?: TicketChannel;
}

@Injectable()
export class CommentsService {
  constructor(
    private readonly events: EventsService,
    private readonly sla: SlaLifecycleService,
  ) {}

  async addInTx(tx: Prisma.TransactionClient, ticket: Ticket, input: NewCommentInput, author: Actor): Promise<Comment> {
    const comment = await tx.comment.create({
      data: {
        ticketId: ticket.id,
        authorId: author.id,
        body: input.body,
        internal: input.internal ?? false,
        channel: input.channel,
      },
    });
    await tx.historyLog.create({ data: { ticketId: ticket.id, actorId: author.id, action: 'COMMENTED' } });
    await this.events.append(tx, {
      type: 'CommentAdded',
      aggregateType: 'Ticket',
      aggregateId: ticket.id,
      actorId: author.id,
      payload: { commentId: comment.id, internal: comment.internal, authorId: author.id, authorRole: author.role },
    });
    await this.sla.onCommentAdded(tx, ticket, comment, author.role);
    return comment;
  }
}
