import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient, UserRole, type Prisma, type Ticket } from '@nixflow/db/client';
import { pageArgs, paginated, type Paginated } from '../common/page.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { PRISMA } from '../tokens.js';
import {
  TICKET_COUNT_CAP,
  type DomainUser as AuthUser,
  type ListTicketsQuery,
  type PageQuery,
} from './ticket-inputs.js';
import { TicketAccessService } from './ticket-access.service.js';
import { USER_SUMMARY, withTicketRelations, type TicketView } from './ticket-relations.js';
import { INTERNAL_HISTORY_ACTIONS } from './ticket-tx.js';

const USER_SUMMARY_SELECT = { select: USER_SUMMARY } as const;
export type HistoryView = Prisma.HistoryLogGetPayload<{ include: { actor: typeof USER_SUMMARY_SELECT } }>;

/**
 * A capped count is `count(*)` over `… LIMIT cap`, and Prisma orders that subquery, by the primary key unless
 * told otherwise. Ticket ids are random UUIDs, so that order visits the matching rows all over the table
 * (10–15 ms at 100k tickets). `number` follows insertion, the table's own order: 2–6 ms, and never more than
 * the exact count (bench/README.md, "Ticket list count").
 */
const CAPPED_COUNT_ORDER = { number: 'asc' } as const;

/** Reads: ticket list/detail and history, always through the shared visibility rule. */
@Injectable()
export class TicketQueriesService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly access: TicketAccessService,
  ) {}

  async list(user: AuthUser, q: ListTicketsQuery): Promise<Paginated<TicketView> & { totalExact: boolean }> {
    const filters: Prisma.TicketWhereInput[] = [];
    if (q.deleted) {
      if (user.role !== UserRole.ADMIN)
        throw new ForbiddenError('deleted_list_forbidden', 'Only admins can list deleted tickets');
      filters.push({ deletedAt: { not: null } });
    } else filters.push(this.access.visibleWhere(user));
    if (q.status?.length) filters.push({ status: { in: q.status } });
    if (q.priority?.length) filters.push({ priority: { in: q.priority } });
    if (q.assigneeId === 'me') filters.push({ assigneeId: user.id });
    else if (q.assigneeId === 'none') filters.push({ assigneeId: null });
    else if (q.assigneeId) filters.push({ assigneeId: q.assigneeId });
    if (q.requesterId) filters.push({ requesterId: q.requesterId });
    // teams (#23): team=<id> | mine (the caller's teams) | none
    if (q.team === 'none') filters.push({ teamId: null });
    else if (q.team === 'mine') filters.push({ team: { members: { some: { userId: user.id } } } });
    else if (q.team) filters.push({ teamId: q.team });
    if (q.workflowId) filters.push({ workflowId: q.workflowId });
    if (q.stageId) filters.push({ stageId: q.stageId });
    if (q.tag) filters.push({ tags: { has: q.tag } });
    if (q.createdFrom) filters.push({ createdAt: { gte: q.createdFrom } });
    if (q.createdTo) filters.push({ createdAt: { lt: q.createdTo } });
    if (q.q) {
      filters.push({
        OR: [
          { subject: { contains: q.q, mode: 'insensitive' } },
          { description: { contains: q.q, mode: 'insensitive' } },
        ],
      });
    }
    const where: Prisma.TicketWhereInput = { AND: filters };
    // number is unique and follows creation order: a stable tie-breaker for every sort.
    const orderBy: Prisma.TicketOrderByWithRelationInput[] = [
      // Ascending is served by the partial index Ticket_slaNextDueAt_idx; tickets without a deadline come last.
      q.sort === 'slaDueAt' ? { slaNextDueAt: { sort: q.order, nulls: 'last' } } : { [q.sort]: q.order },
    ];
    if (q.sort !== 'number') orderBy.push({ number: q.order });
    // A page and its total need no common snapshot: two parallel queries, no transaction round trips.
    // The count stops after TICKET_COUNT_CAP + 1 rows unless asked for: counting a large result costs more
    // than reading its page (32 ms vs 0.3 ms at 100k tickets, bench/results/results.md).
    const cap = q.exactTotal ? undefined : TICKET_COUNT_CAP + 1;
    // The relations follow the page in one statement (withTicketRelations) while the count runs.
    const [items, counted] = await Promise.all([
      this.prisma.ticket
        .findMany({ where, orderBy, ...pageArgs(q) })
        .then((tickets) => withTicketRelations(this.prisma, tickets)),
      this.prisma.ticket.count({ where, ...(cap ? { take: cap, orderBy: CAPPED_COUNT_ORDER } : {}) }),
    ]);
    const totalExact = !cap || counted < cap;
    return { ...paginated(items, totalExact ? counted : TICKET_COUNT_CAP, q.page, q.pageSize), totalExact };
  }

  async get(user: AuthUser, id: string): Promise<TicketView> {
    return this.viewOf(await this.access.findVisibleOrThrow(user, id));
  }

  async view(id: string): Promise<TicketView> {
    const ticket = await this.prisma.ticket.findUnique({ where: { id } });
    if (!ticket) throw new NotFoundError('ticket_not_found', 'Ticket not found');
    return this.viewOf(ticket);
  }

  private async viewOf(ticket: Ticket): Promise<TicketView> {
    const [view] = await withTicketRelations(this.prisma, [ticket]);
    if (!view) throw new NotFoundError('ticket_not_found', 'Ticket not found');
    return view;
  }

  /**
   * Oldest first. Customers never see entries about internal notes, nor the earlier text of an edited
   * comment (oldValue of comment_edited is null for them: an edit is meant to replace what was said).
   */
  async history(user: AuthUser, id: string, q: PageQuery): Promise<Paginated<HistoryView>> {
    await this.access.findVisibleOrThrow(user, id);
    const where: Prisma.HistoryLogWhereInput = { ticketId: id };
    if (user.role === UserRole.CUSTOMER) where.action = { notIn: INTERNAL_HISTORY_ACTIONS };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.historyLog.findMany({
        where,
        include: { actor: USER_SUMMARY_SELECT },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        ...pageArgs(q),
      }),
      this.prisma.historyLog.count({ where }),
    ]);
    const visible =
      user.role === UserRole.CUSTOMER
        ? items.map((h) => (h.action === 'comment_edited' ? { ...h, oldValue: null } : h))
        : items;
    return paginated(visible, total, q.page, q.pageSize);
  }
}
