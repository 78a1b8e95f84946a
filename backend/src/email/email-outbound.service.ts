import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  EmailDirection,
  EmailMessageStatus,
  EmailMessageType,
  TicketChannel,
  UserRole,
  type Prisma,
} from '@nixflow/db/client';
import { composeReferences, composeReplySubject } from '@nixflow/core';
import { PrismaService } from '../prisma/prisma.service.js';
import { EmailQueuesService } from './email-queues.service.js';

type Tx = Prisma.TransactionClient;

/** `<uuid@domain-of-the-account>`: unique, and recognisable as ours when the customer replies. */
export function newMessageId(accountAddress: string): string {
  const domain = accountAddress.split('@')[1] || 'nixflow.local';
  return `<${randomUUID()}@${domain}>`;
}

/**
 * Turns an agent's public comment on an email ticket into an OUTBOUND EmailMessage (QUEUED), written in the
 * comment's transaction; the worker sends it. Call enqueue() after the commit (the worker's sweep also
 * picks up QUEUED messages, so a Redis outage at commit time loses nothing).
 */
@Injectable()
export class EmailOutboundService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queues: EmailQueuesService,
  ) {}

  /** The queued message's id, or null when the comment is not to be mailed (internal, customer's own, no account). */
  async queueReplyForComment(tx: Tx, ticketId: string, commentId: string): Promise<string | null> {
    const comment = await tx.comment.findUnique({ where: { id: commentId }, include: { author: true } });
    if (!comment || comment.ticketId !== ticketId || comment.internal || comment.deletedAt) return null;
    if (comment.author.role === UserRole.CUSTOMER) return null;
    const ticket = await tx.ticket.findUnique({ where: { id: ticketId }, include: { requester: true } });
    if (!ticket || ticket.deletedAt || !ticket.requester.email) return null;
    if (comment.authorId === ticket.requesterId) return null;

    const thread = await tx.emailThread.findFirst({
      where: { ticketId, account: { isActive: true } },
      orderBy: { lastMessageAt: 'desc' },
      include: { account: true },
    });
    if (!thread && ticket.channel !== TicketChannel.EMAIL) return null;
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
        messageId: newMessageId(account.address),
        inReplyTo: parent?.messageId ?? null,
        references: parent ? composeReferences(parent.references, parent.messageId) : [],
        direction: EmailDirection.OUTBOUND,
        type: EmailMessageType.OUTBOUND_REPLY,
        status: EmailMessageStatus.QUEUED,
        fromAddress: account.address,
        fromName: account.displayName,
        to: [ticket.requester.email],
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
