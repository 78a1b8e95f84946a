// TEMPORARY stand-in written by helper `forms` against CONTRACTS.md; replaced by the `tickets` helper's file at merge.
import { Injectable } from '@nestjs/common';
import { Prisma, TicketChannel, TicketPriority, UserRole, type Ticket } from '@nixflow/db/client';
import { EventsService } from '../events/events.service.js';
import { SlaLifecycleService } from '../sla/sla-lifecycle.service.js';

export interface NewTicketInput {
  subject: string;
  description: string;
  priority?: TicketPriority;
  channel?: TicketChannel;
  requesterId: string;
  assigneeId?: string | null;
  workflowId?: string | null;
  tags?: string[];
  formId?: string | null;
}

export interface Actor {
  id: string;
  role: UserRole;
}

@Injectable()
export class TicketsService {
  constructor(
    private readonly events: EventsService,
    private readonly sla: SlaLifecycleService,
  ) {}

  async createInTx(tx: Prisma.TransactionClient, input: NewTicketInput, actor: Actor | null): Promise<Ticket> {
    const workflow = input.workflowId
      ? await tx.workflow.findUniqueOrThrow({ where: { id: input.workflowId } })
      : await tx.workflow.findFirst({ where: { isDefault: true } });
    const stage = workflow
      ? await tx.stage.findFirst({ where: { workflowId: workflow.id }, orderBy: [{ isInitial: 'desc' }, { position: 'asc' }] })
      : null;
    const ticket = await tx.ticket.create({
      data: {
        subject: input.subject,
        description: input.description,
        priority: input.priority ?? TicketPriority.NORMAL,
        channel: input.channel ?? TicketChannel.WEB,
        requesterId: input.requesterId,
        assigneeId: input.assigneeId ?? null,
        workflowId: workflow?.id ?? null,
        stageId: stage?.id ?? null,
        status: stage?.status ?? undefined,
        tags: input.tags ?? [],
        formId: input.formId ?? null,
      },
    });
    await tx.historyLog.create({ data: { ticketId: ticket.id, actorId: actor?.id ?? null, action: 'CREATED' } });
    await this.events.append(tx, {
      type: 'TicketCreated',
      aggregateType: 'Ticket',
      aggregateId: ticket.id,
      actorId: actor?.id ?? null,
      payload: { number: ticket.number, channel: ticket.channel },
    });
    await this.sla.onTicketCreated(tx, ticket);
    return ticket;
  }
}
