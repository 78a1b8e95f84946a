import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient, type Ticket } from '@nixflow/db/client';
import { ConflictError } from '../errors.js';
import { EventsService } from '../events/events.service.js';
import { SlaLifecycleService } from '../sla/sla-lifecycle.service.js';
import { PRISMA } from '../tokens.js';
import type { DomainUser as AuthUser } from './ticket-inputs.js';
import { TicketAccessService } from './ticket-access.service.js';
import { ticketWriteTx, lockTicketOrThrow, type Tx } from './ticket-tx.js';
import { TicketsService } from './tickets.service.js';

/** Soft delete (staff), restore and hard delete (admins). */
@Injectable()
export class TicketDeletionService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly tickets: TicketsService,
    private readonly sla: SlaLifecycleService,
    private readonly events: EventsService,
    private readonly access: TicketAccessService,
  ) {}

  /** Sets deletedAt: the ticket leaves every list and is a 404 for non-admins; open SLA metrics are cancelled. */
  async softDelete(user: AuthUser, id: string): Promise<void> {
    await ticketWriteTx(this.prisma, id, async (tx) => {
      const ticket = await lockTicketOrThrow(tx, id);
      this.access.assertVisible(user, ticket);
      if (ticket.deletedAt) return; // already deleted (admins only get here): idempotent
      const now = this.tickets.now();
      const after = await tx.ticket.update({
        where: { id },
        data: { deletedAt: now, version: { increment: 1 }, updatedAt: now },
      });
      await this.record(tx, after, user.id, 'deleted', { hard: false });
      await this.sla.onTicketDeleted(tx, after);
    });
  }

  /** Brings a soft-deleted ticket back (its cancelled SLA metrics stay cancelled). */
  async restore(user: AuthUser, id: string): Promise<void> {
    await ticketWriteTx(this.prisma, id, async (tx) => {
      const ticket = await lockTicketOrThrow(tx, id);
      if (!ticket.deletedAt) throw new ConflictError('ticket_not_deleted', `Ticket #${ticket.number} is not deleted`);
      const now = this.tickets.now();
      const after = await tx.ticket.update({
        where: { id },
        data: { deletedAt: null, version: { increment: 1 }, updatedAt: now },
      });
      await this.record(tx, after, user.id, 'restored', {});
    });
  }

  /**
   * Removes the row for good. Refused (409) while records that must outlive it refer to it: comments,
   * SLA breaches, a form submission, e-mail messages. History, SLA metrics and watchers go with it;
   * the EventLog keeps the trail.
   */
  async hardDelete(user: AuthUser, id: string): Promise<void> {
    await ticketWriteTx(this.prisma, id, async (tx) => {
      const ticket = await lockTicketOrThrow(tx, id);
      const [comments, breaches, submissions, emails] = await Promise.all([
        tx.comment.count({ where: { ticketId: id } }),
        tx.slaBreach.count({ where: { ticketId: id } }),
        tx.formSubmission.count({ where: { ticketId: id } }),
        tx.emailMessage.count({ where: { ticketId: id } }),
      ]);
      const blockers = [
        [comments, 'comment(s)'],
        [breaches, 'SLA breach(es)'],
        [submissions, 'form submission(s)'],
        [emails, 'e-mail message(s)'],
      ]
        .filter(([n]) => Number(n) > 0)
        .map(([n, what]) => `${n} ${what}`);
      if (blockers.length) {
        throw new ConflictError(
          'ticket_referenced',
          `Ticket #${ticket.number} cannot be deleted permanently: ${blockers.join(', ')} depend on it; soft delete it instead`,
        );
      }
      await this.events.append(tx, {
        type: 'TicketDeleted',
        aggregateType: 'Ticket',
        aggregateId: id,
        actorId: user.id,
        payload: { number: ticket.number, hard: true },
      });
      // Relations with onDelete Restrict (if a row slipped in) surface as P2003 → 409 via the central mapping.
      await tx.ticket.delete({ where: { id } });
    });
  }

  private async record(
    tx: Tx,
    ticket: Ticket,
    actorId: string,
    action: 'deleted' | 'restored',
    payload: Record<string, unknown>,
  ): Promise<void> {
    await tx.historyLog.create({ data: { ticketId: ticket.id, actorId, action, createdAt: ticket.updatedAt } });
    await this.events.append(tx, {
      type: action === 'deleted' ? 'TicketDeleted' : 'TicketRestored',
      aggregateType: 'Ticket',
      aggregateId: ticket.id,
      actorId,
      payload: { number: ticket.number, version: ticket.version, ...payload },
    });
  }
}
