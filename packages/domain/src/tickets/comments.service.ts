import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
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
import { isStaffRole, statusAfterCustomerReply, type SlaMetricState } from '@nixflow/core';
import { pageArgs, paginated, type Paginated } from '../common/page.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { EventsService } from '../events/events.service.js';
import { SlaLifecycleService } from '../sla/sla-lifecycle.service.js';
import { lockedMetricColumns, lockedMetricsOf, lockTicketMetricsQuery, toState } from '../sla/sla-metric-store.js';
import { PRISMA } from '../tokens.js';
import { TICKET_REPLY_MAILER, type TicketReplyMailer } from './ticket-reply-mailer.js';
import type {
  DomainUser as AuthUser,
  CreateCommentInput,
  ListCommentsQuery,
  UpdateCommentInput,
} from './ticket-inputs.js';
import { TicketAccessService } from './ticket-access.service.js';
import { ticketWriteTx, assertNotDeleted, lockTicketOrThrow, type Actor, type Tx } from './ticket-tx.js';
import { TicketsService } from './tickets.service.js';

export interface NewCommentInput {
  body: string;
  internal?: boolean;
  channel?: TicketChannel;
}

const AUTHOR_SELECT = { select: { id: true, name: true, role: true } } as const;
export type CommentWithAuthor = Prisma.CommentGetPayload<{ include: { author: typeof AUTHOR_SELECT } }>;

const historyAction = (internal: boolean, what: 'added' | 'edited' | 'deleted') =>
  internal ? `internal_note_${what}` : `comment_${what}`;

/** A new comment, and what the same statement learnt for the SLA hook and the reply mailer. */
interface InsertedComment {
  comment: Comment;
  /** All the ticket's metrics, locked (empty when `lockMetrics` was false). */
  metrics: SlaMetricState[];
  /** Whether the ticket has a thread on an active e-mail account (null when not asked). */
  hasActiveEmailThread: boolean | null;
}

/**
 * The rows of a new comment in ONE statement (a round trip each cost more than the work): the comment,
 * the ticket's updatedAt (and firstRespondedAt on a first staff response), its HistoryLog row and its
 * CommentAdded event (ids only in the payload, as EventsService.append writes it; the assignee for the
 * notification fan-out, which the event consumer does after the commit: notifyTicketEvents).
 * The same statement locks the ticket's SLA metrics for the SLA hook (`lockMetrics`; after the ticket row,
 * which the caller locked first: the lock order of every other writer) and answers the reply mailer's
 * question whether the ticket has an active e-mail thread (`probeThread`).
 */
async function insertCommentRows(
  tx: Tx,
  c: {
    ticketId: string;
    author: Actor;
    assigneeId: string | null;
    body: string;
    internal: boolean;
    channel: TicketChannel;
    firstResponse: boolean;
    now: Date;
    lockMetrics: boolean;
    probeThread: boolean;
  },
): Promise<InsertedComment> {
  const now = c.now.toISOString();
  const rows = await tx.$queryRaw<(Comment & { metrics: unknown; hasActiveEmailThread: boolean | null })[]>`
    WITH m AS (${lockTicketMetricsQuery(c.ticketId, c.lockMetrics)}
    ), c AS (
      INSERT INTO "Comment" ("ticketId", "authorId", "body", "internal", "channel", "createdAt", "updatedAt")
      VALUES (${c.ticketId}::uuid, ${c.author.id}::uuid, ${c.body}, ${c.internal}, ${c.channel}::"TicketChannel",
              ${now}::timestamp(3), ${now}::timestamp(3))
      RETURNING *
    ), t AS (
      UPDATE "Ticket" SET "updatedAt" = ${now}::timestamp(3),
             "firstRespondedAt" = CASE WHEN ${c.firstResponse} THEN ${now}::timestamp(3) ELSE "firstRespondedAt" END
      WHERE "id" = ${c.ticketId}::uuid
    ), h AS (
      INSERT INTO "HistoryLog" ("ticketId", "actorId", "action", "field", "newValue", "createdAt")
      SELECT c."ticketId", c."authorId", ${historyAction(c.internal, 'added')}, 'comment', c."id"::text, ${now}::timestamp(3)
      FROM c
    ), e AS (
      INSERT INTO "EventLog" ("type", "aggregateType", "aggregateId", "actorId", "payload", "createdAt")
      SELECT 'CommentAdded', 'Ticket', c."ticketId"::text, c."authorId"::text,
             jsonb_build_object('commentId', c."id", 'internal', c."internal", 'authorId', c."authorId",
                                'authorRole', ${c.author.role}::text, 'assigneeId', ${c.assigneeId}::uuid),
             ${now}::timestamp(3)
      FROM c
    )
    SELECT "id", "ticketId", "authorId", "body", "bodyHtml", "internal", "channel", "createdAt", "updatedAt", "deletedAt",
           ${lockedMetricColumns('m')} AS "metrics",
           CASE WHEN ${c.probeThread} THEN EXISTS (
             SELECT 1 FROM "EmailThread" th JOIN "EmailAccount" a ON a."id" = th."accountId"
             WHERE th."ticketId" = ${c.ticketId}::uuid AND a."isActive") END AS "hasActiveEmailThread"
    FROM c`;
  const { metrics, hasActiveEmailThread, ...comment } = rows[0]!;
  return { comment, metrics: lockedMetricsOf(metrics).map(toState), hasActiveEmailThread };
}

@Injectable()
export class CommentsService {
  private readonly logger = new Logger(CommentsService.name);

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly sla: SlaLifecycleService,
    private readonly events: EventsService,
    private readonly tickets: TicketsService,
    private readonly access: TicketAccessService,
    /** Mails staff public replies on e-mail tickets (absent in scripts such as the seed). */
    @Optional() @Inject(TICKET_REPLY_MAILER) private readonly emailOutbound?: TicketReplyMailer,
  ) {}

  /**
   * Adds a comment in the caller's transaction: HistoryLog, CommentAdded event, SLA hooks (the watchers'
   * notifications follow from the event, in the worker's event consumer). Locks the ticket row, so
   * concurrent comments on one ticket apply one after another.
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
    return (await this.addWithFacts(tx, ticket, input, author, opts)).comment;
  }

  /** addInTx, with whether the ticket has an active e-mail thread (asked for a staff public reply only). */
  private async addWithFacts(
    tx: Tx,
    ticket: Ticket,
    input: NewCommentInput,
    author: Actor,
    opts: { locked?: boolean },
  ): Promise<{ comment: Comment; hasActiveEmailThread: boolean | null }> {
    let current = opts.locked ? ticket : await lockTicketOrThrow(tx, ticket.id);
    if (current.deletedAt) throw new NotFoundError('ticket_not_found', 'Ticket not found');
    const internal = input.internal ?? false;
    const staff = isStaffRole(author.role);
    if (internal && !staff) throw new ForbiddenError('internal_note_forbidden', 'Customers cannot post internal notes');
    const now = this.tickets.now();

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
    const inserted = await insertCommentRows(tx, {
      ticketId: current.id,
      author,
      assigneeId: current.assigneeId,
      body: input.body,
      internal,
      channel: input.channel ?? TicketChannel.WEB,
      firstResponse,
      now,
      // Only a public comment moves SLA clocks; only a staff public reply may be mailed.
      lockMetrics: !internal,
      probeThread: !internal && staff,
    });
    const { comment } = inserted;
    // The row is locked by this transaction: its new state is known without reading it back.
    current = { ...current, updatedAt: now, firstRespondedAt: firstResponse ? now : current.firstRespondedAt };

    await this.sla.onCommentAdded(tx, current, comment, author.role, inserted.metrics);
    return { comment, hasActiveEmailThread: inserted.hasActiveEmailThread };
  }

  // ─────────────────────────────── HTTP-facing operations ───────────────────────────────

  async add(
    user: AuthUser,
    ticketId: string,
    dto: CreateCommentInput,
    // teams (#23): a macro's field changes, in the comment's transaction on the locked ticket.
    opts: { beforeAdd?: (tx: Tx, ticket: Ticket) => Promise<Ticket> } = {},
  ): Promise<CommentWithAuthor> {
    if (dto.internal && user.role === UserRole.CUSTOMER) {
      throw new ForbiddenError('internal_note_forbidden', 'Customers cannot post internal notes');
    }
    const { comment, mailId } = await ticketWriteTx(this.prisma, ticketId, async (tx) => {
      const locked = await lockTicketOrThrow(tx, ticketId);
      this.access.assertVisible(user, locked);
      assertNotDeleted(locked);
      const ticket = opts.beforeAdd ? await opts.beforeAdd(tx, locked) : locked;
      const { comment: added, hasActiveEmailThread } = await this.addWithFacts(
        tx,
        ticket,
        { body: dto.body, internal: dto.internal },
        user,
        { locked: true },
      );
      // Same transaction: the outbound EmailMessage exists iff the comment does. Only a staff public reply
      // to someone else's ticket can be mailed (queueReplyForComment checks it again).
      const mailable = !added.internal && isStaffRole(user.role) && ticket.requesterId !== user.id;
      const queued = mailable
        ? ((await this.emailOutbound?.queueReplyForComment(tx, ticketId, added.id, {
            comment: added,
            authorRole: user.role,
            ticket,
            ...(hasActiveEmailThread !== null ? { hasActiveEmailThread } : {}),
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

  async list(user: AuthUser, ticketId: string, q: ListCommentsQuery): Promise<Paginated<CommentWithAuthor>> {
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

  async update(
    user: AuthUser,
    ticketId: string,
    commentId: string,
    dto: UpdateCommentInput,
  ): Promise<CommentWithAuthor> {
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
    if (!comment || (comment.internal && !isStaffRole(user.role)))
      throw new NotFoundError('comment_not_found', 'Comment not found');
    if (comment.authorId !== user.id && user.role !== UserRole.ADMIN) {
      throw new ForbiddenError('comment_not_own', 'Only the author or an admin can change this comment');
    }
    return { ticket, comment };
  }
}
