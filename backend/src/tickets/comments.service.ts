import { ForbiddenException, Inject, Injectable, Logger, NotFoundException, Optional } from '@nestjs/common';
import {
  EmailDirection,
  EmailMessageStatus,
  PrismaClient,
  TicketChannel,
  UserRole,
  type Comment,
  type Prisma,
  type Ticket,
} from '@nixflow/db/client';
import { isStaffRole, statusAfterCustomerReply } from '@nixflow/core';
import type { AuthUser } from '../auth/auth-user.js';
import { pageArgs, paginated, type Paginated } from '../common/pagination.js';
import { EmailOutboundService } from '../email/email-outbound.service.js';
import { EventsService } from '../events/events.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { SlaLifecycleService } from '../sla/sla-lifecycle.service.js';
import type { CreateCommentDto, ListCommentsQueryDto, UpdateCommentDto } from './dto/comments.dto.js';
import { TicketAccessService } from './ticket-access.service.js';
import { TicketNotifierService } from './ticket-notifier.service.js';
import { ticketWriteTx, assertNotDeleted, lockTicketOrThrow, type Actor, type Tx } from './ticket-tx.js';
import { TicketsService } from './tickets.service.js';

export interface NewCommentInput {
  body: string;
  internal?: boolean;
  channel?: TicketChannel;
}

const AUTHOR_SELECT = { select: { id: true, name: true, role: true } } as const;
export type CommentWithAuthor = Prisma.CommentGetPayload<{ include: { author: typeof AUTHOR_SELECT } }>;

const excerpt = (text: string, max = 200): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const historyAction = (internal: boolean, what: 'added' | 'edited' | 'deleted') =>
  internal ? `internal_note_${what}` : `comment_${what}`;

@Injectable()
export class CommentsService {
  private readonly logger = new Logger(CommentsService.name);

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    private readonly sla: SlaLifecycleService,
    private readonly events: EventsService,
    private readonly notifier: TicketNotifierService,
    private readonly tickets: TicketsService,
    private readonly access: TicketAccessService,
    /** Mails staff public replies on e-mail tickets (absent in scripts such as the seed). */
    @Optional() private readonly emailOutbound?: EmailOutboundService,
  ) {}

  /**
   * Adds a comment in the caller's transaction: HistoryLog, CommentAdded event, SLA hooks, watcher
   * notifications. Locks the ticket row, so concurrent comments on one ticket apply one after another.
   * A staff public reply stamps firstRespondedAt; a customer's public reply reopens a RESOLVED or
   * PENDING_CUSTOMER ticket (status OPEN, SLA status hooks). `opts.locked`: `ticket` is the row the
   * caller just locked with lockTicket in this transaction (no second lock and read).
   */
  async addInTx(
    tx: Tx,
    ticket: Ticket,
    input: NewCommentInput,
    author: Actor,
    opts: { locked?: boolean } = {},
  ): Promise<Comment> {
    let current = opts.locked ? ticket : await lockTicketOrThrow(tx, ticket.id);
    if (current.deletedAt) throw new NotFoundException('Ticket not found');
    const internal = input.internal ?? false;
    const staff = isStaffRole(author.role);
    if (internal && !staff) throw new ForbiddenException('Customers cannot post internal notes');
    const now = this.tickets.now();

    const comment = await tx.comment.create({
      data: {
        ticketId: current.id,
        authorId: author.id,
        body: input.body,
        internal,
        channel: input.channel ?? TicketChannel.WEB,
        createdAt: now,
        updatedAt: now,
      },
    });

    if (!internal && !staff) {
      const reopenTo = statusAfterCustomerReply(current.status);
      // Status first: the SLA next-response clock only starts on a ticket that is not resolved.
      if (reopenTo) {
        current = await this.tickets.updateLockedInTx(tx, current, { status: reopenTo }, author, {
          enforceTransitions: false,
        });
      }
    }
    const firstResponse = !internal && staff && !current.firstRespondedAt && author.id !== current.requesterId;
    current = await tx.ticket.update({
      where: { id: current.id },
      data: { updatedAt: now, ...(firstResponse ? { firstRespondedAt: now } : {}) },
    });

    await tx.historyLog.create({
      data: {
        ticketId: current.id,
        actorId: author.id,
        action: historyAction(internal, 'added'),
        field: 'comment',
        newValue: comment.id,
        createdAt: now,
      },
    });
    await this.events.append(tx, {
      type: 'CommentAdded',
      aggregateType: 'Ticket',
      aggregateId: current.id,
      actorId: author.id,
      payload: { commentId: comment.id, internal, authorId: author.id, authorRole: author.role },
    });
    await this.sla.onCommentAdded(tx, current, comment, author.role);
    await this.notifier.notify(tx, current, {
      type: 'comment.added',
      title: internal
        ? `Internal note on #${current.number}: ${current.subject}`
        : `New reply on #${current.number}: ${current.subject}`,
      body: excerpt(comment.body),
      data: { commentId: comment.id, internal },
      dedupeKey: `comment:${comment.id}`,
      actorId: author.id,
      includeRequester: !internal,
      internal,
    });
    return comment;
  }

  // ─────────────────────────────── HTTP-facing operations ───────────────────────────────

  async add(
    user: AuthUser,
    ticketId: string,
    dto: CreateCommentDto,
    // teams (#23): a macro's field changes, in the comment's transaction on the locked ticket.
    opts: { beforeAdd?: (tx: Tx, ticket: Ticket) => Promise<Ticket> } = {},
  ): Promise<CommentWithAuthor> {
    if (dto.internal && user.role === UserRole.CUSTOMER) {
      throw new ForbiddenException('Customers cannot post internal notes');
    }
    const { comment, mailId } = await ticketWriteTx(this.prisma, ticketId, async (tx) => {
      const locked = await lockTicketOrThrow(tx, ticketId);
      this.access.assertVisible(user, locked);
      assertNotDeleted(locked);
      const ticket = opts.beforeAdd ? await opts.beforeAdd(tx, locked) : locked;
      const added = await this.addInTx(tx, ticket, { body: dto.body, internal: dto.internal }, user, {
        locked: true,
      });
      // Same transaction: the outbound EmailMessage exists iff the comment does. Only a staff public reply
      // to someone else's ticket can be mailed (queueReplyForComment checks it again).
      const mailable = !added.internal && isStaffRole(user.role) && ticket.requesterId !== user.id;
      const queued = mailable
        ? ((await this.emailOutbound?.queueReplyForComment(tx, ticketId, added.id, {
            comment: added,
            authorRole: user.role,
            ticket,
          })) ?? null)
        : null;
      return { comment: added, mailId: queued };
    });
    if (mailId) {
      // After the commit. If Redis is down the worker's sweep still sends the QUEUED message.
      await this.emailOutbound!.enqueue(mailId).catch((err: unknown) =>
        this.logger.warn(`queueing e-mail ${mailId} failed (the sweep will retry): ${String(err)}`),
      );
    }
    // The author is the caller: no re-read after the commit.
    return { ...comment, author: { id: user.id, name: user.name, role: user.role } };
  }

  async list(user: AuthUser, ticketId: string, q: ListCommentsQueryDto): Promise<Paginated<CommentWithAuthor>> {
    await this.access.findVisibleOrThrow(user, ticketId);
    const where: Prisma.CommentWhereInput = { ticketId, deletedAt: null };
    if (!isStaffRole(user.role)) where.internal = false;
    else if (q.internal !== undefined) where.internal = q.internal;
    const [items, total] = await this.prisma.$transaction([
      this.prisma.comment.findMany({
        where,
        include: { author: AUTHOR_SELECT },
        orderBy: [{ createdAt: q.order ?? 'asc' }, { id: 'asc' }],
        ...pageArgs(q),
      }),
      this.prisma.comment.count({ where }),
    ]);
    return paginated(items, total, q.page, q.pageSize);
  }

  async update(user: AuthUser, ticketId: string, commentId: string, dto: UpdateCommentDto): Promise<CommentWithAuthor> {
    await ticketWriteTx(this.prisma, ticketId, async (tx) => {
      const { ticket, comment } = await this.lockOwnComment(tx, user, ticketId, commentId);
      if (comment.body === dto.body) return;
      const now = this.tickets.now();
      await tx.comment.update({ where: { id: comment.id }, data: { body: dto.body, bodyHtml: null, updatedAt: now } });
      await tx.historyLog.create({
        data: {
          ticketId: ticket.id,
          actorId: user.id,
          action: historyAction(comment.internal, 'edited'),
          field: 'comment',
          oldValue: comment.body,
          newValue: dto.body,
          createdAt: now,
        },
      });
      await this.events.append(tx, {
        type: 'CommentEdited',
        aggregateType: 'Ticket',
        aggregateId: ticket.id,
        actorId: user.id,
        payload: { commentId: comment.id, internal: comment.internal },
      });
    });
    return this.prisma.comment.findUniqueOrThrow({ where: { id: commentId }, include: { author: AUTHOR_SELECT } });
  }

  async remove(user: AuthUser, ticketId: string, commentId: string): Promise<void> {
    await ticketWriteTx(this.prisma, ticketId, async (tx) => {
      const { ticket, comment } = await this.lockOwnComment(tx, user, ticketId, commentId);
      const now = this.tickets.now();
      await tx.comment.update({ where: { id: comment.id }, data: { deletedAt: now } });
      // A deleted reply must not be mailed: its not-yet-sent outbound message is cancelled (the worker skips
      // CANCELLED; a message already being sent cannot be called back).
      await tx.emailMessage.updateMany({
        where: { commentId: comment.id, direction: EmailDirection.OUTBOUND, status: EmailMessageStatus.QUEUED },
        data: { status: EmailMessageStatus.CANCELLED, lastError: 'comment deleted before sending' },
      });
      await tx.historyLog.create({
        data: {
          ticketId: ticket.id,
          actorId: user.id,
          action: historyAction(comment.internal, 'deleted'),
          field: 'comment',
          oldValue: comment.id,
          createdAt: now,
        },
      });
      await this.events.append(tx, {
        type: 'CommentDeleted',
        aggregateType: 'Ticket',
        aggregateId: ticket.id,
        actorId: user.id,
        payload: { commentId: comment.id, internal: comment.internal },
      });
    });
  }

  /** Locks the ticket; the comment must be visible to `user` (404) and theirs unless admin (403). */
  private async lockOwnComment(tx: Tx, user: AuthUser, ticketId: string, commentId: string) {
    const ticket = await lockTicketOrThrow(tx, ticketId);
    this.access.assertVisible(user, ticket);
    assertNotDeleted(ticket);
    const comment = await tx.comment.findFirst({ where: { id: commentId, ticketId, deletedAt: null } });
    if (!comment || (comment.internal && !isStaffRole(user.role))) throw new NotFoundException('Comment not found');
    if (comment.authorId !== user.id && user.role !== UserRole.ADMIN) {
      throw new ForbiddenException('Only the author or an admin can change this comment');
    }
    return { ticket, comment };
  }
}
