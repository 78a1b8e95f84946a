import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EmailDirection, EmailMessageStatus, EmailMessageType, TicketChannel, UserRole } from '@nixflow/db/client';
import { composeReferences, composeReplySubject, deriveReplyTokenKey, signedMessageId } from '@nixflow/core';
import type { KnownReplyContext, TicketReplyMailer } from '@nixflow/domain';
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { EmailQueuesService } from './email-queues.service.js';
import type { Tx } from '@nixflow/domain';

export type { KnownReplyContext } from '@nixflow/domain';

/**
 * A Message-ID signed for (ticket, recipient): a reply quoting it in In-Reply-To/References from that
 * recipient proves the sender (see reply-proof in @nixflow/core); a From header alone does not.
 */
export function newSignedMessageId(key: Buffer, accountAddress: string, ticketId: string, recipient: string): string {
  return signedMessageId(key, ticketId, recipient, randomUUID(), accountAddress.split('@')[1] || 'nixflow.local');
}

/**
 * Turns an agent's public comment on an email ticket into an OUTBOUND EmailMessage (QUEUED), written in the
 * comment's transaction; the worker sends it. Call enqueue() after the commit (the worker's sweep also
 * picks up QUEUED messages, so a Redis outage at commit time loses nothing).
 */
@Injectable()
export class EmailOutboundService implements TicketReplyMailer {
  private readonly replyTokenKey: Buffer;

  constructor(
    private readonly prisma: PrismaService,
    private readonly queues: EmailQueuesService,
    @Inject(EMAIL_CONFIG) config: EmailConfig,
  ) {
    this.replyTokenKey = deriveReplyTokenKey(config.secretKey);
  }

  /**
   * The queued message's id, or null when the comment is not to be mailed (internal, customer's own, no account).
   * `known`: rows the caller already holds in this transaction (the new comment, its author's role, the locked
   * ticket), so that they are not read again.
   */
  async queueReplyForComment(
    tx: Tx,
    ticketId: string,
    commentId: string,
    known?: KnownReplyContext,
  ): Promise<string | null> {
    let comment: KnownReplyContext['comment'] | null = known?.comment ?? null;
    let authorRole = known?.authorRole;
    if (!known) {
      const row = await tx.comment.findUnique({
        where: { id: commentId },
        select: {
          id: true,
          ticketId: true,
          authorId: true,
          body: true,
          internal: true,
          deletedAt: true,
          author: { select: { role: true } },
        },
      });
      comment = row;
      authorRole = row?.author.role;
    }
    if (
      !comment ||
      comment.id !== commentId ||
      comment.ticketId !== ticketId ||
      comment.internal ||
      comment.deletedAt
    ) {
      return null;
    }
    if (authorRole === UserRole.CUSTOMER) return null;
    const ticket =
      known?.ticket ??
      (await tx.ticket.findUnique({
        where: { id: ticketId },
        select: { id: true, number: true, subject: true, channel: true, requesterId: true, deletedAt: true },
      }));
    if (!ticket || ticket.id !== ticketId || ticket.deletedAt) return null;
    if (comment.authorId === ticket.requesterId) return null;

    const threadWhere = { ticketId, account: { isActive: true } };
    // A web ticket is mailed only once it has a thread: one cheap probe first (the include below costs
    // Prisma two statements, on every staff reply to every web ticket), unless the caller already knows.
    const hasThread =
      known?.hasActiveEmailThread ??
      (ticket.channel === TicketChannel.EMAIL ||
        !!(await tx.emailThread.findFirst({ where: threadWhere, select: { id: true } })));
    const thread = hasThread
      ? await tx.emailThread.findFirst({
          where: threadWhere,
          orderBy: { lastMessageAt: 'desc' },
          include: { account: true },
        })
      : null;
    if (!thread && ticket.channel !== TicketChannel.EMAIL) return null;
    const requester = await tx.user.findUnique({ where: { id: ticket.requesterId }, select: { email: true } });
    if (!requester?.email) return null;
    const account =
      thread?.account ??
      (await tx.emailAccount.findFirst({
        where: { isActive: true, smtpHost: { not: null } },
        orderBy: { createdAt: 'asc' },
      }));
    if (!account) return null;

    // Answer the customer's latest message, so their client files it in the same conversation.
    const parent = thread
      ? await tx.emailMessage.findFirst({
          where: { threadId: thread.id },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        })
      : null;
    const threadId =
      thread?.id ??
      (await tx.emailThread.create({ data: { accountId: account.id, ticketId, subject: ticket.subject } })).id;
    const now = new Date();
    const row = await tx.emailMessage.create({
      data: {
        accountId: account.id,
        threadId,
        ticketId,
        commentId,
        messageId: newSignedMessageId(this.replyTokenKey, account.address, ticketId, requester.email),
        inReplyTo: parent?.messageId ?? null,
        references: parent ? composeReferences(parent.references, parent.messageId) : [],
        direction: EmailDirection.OUTBOUND,
        type: EmailMessageType.OUTBOUND_REPLY,
        status: EmailMessageStatus.QUEUED,
        fromAddress: account.address,
        fromName: account.displayName,
        to: [requester.email],
        subject: composeReplySubject(thread?.subject ?? ticket.subject, ticket.number),
        textBody: comment.body,
      },
    });
    await tx.emailThread.update({ where: { id: threadId }, data: { lastMessageAt: now } });
    return row.id;
  }

  /** After the commit: hand the message to the worker. */
  async enqueue(emailMessageId: string): Promise<void> {
    await this.queues.enqueueSendReply(emailMessageId);
  }

  /** Convenience for callers outside a transaction: queue and enqueue in one go. */
  async replyForComment(ticketId: string, commentId: string): Promise<string | null> {
    const id = await this.prisma.$transaction((tx) => this.queueReplyForComment(tx, ticketId, commentId));
    if (id) await this.enqueue(id);
    return id;
  }
}
