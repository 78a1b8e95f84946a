import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  EmailDirection,
  EmailMessageStatus,
  EmailMessageType,
  Prisma,
  TicketChannel,
  UserRole,
  type EmailAccount,
  type User,
} from '@nixflow/db/client';
import {
  baseSubject,
  classifyLoopSafety,
  decideThreading,
  stripQuotedReply,
  threadingLookupIds,
  threadingTicketNumber,
  type LoopSafetyFlag,
} from '@nixflow/core';
import { removeStoredFile, storeFile, type StoredFile } from '../common/attachment-storage.js';
import { AccountService } from '../auth/account.service.js';
import { EventsService } from '../events/events.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { CommentsService } from '../tickets/comments.service.js';
import { TicketsService } from '../tickets/tickets.service.js';
import type { InboundResultDto } from './dto/email-message.dto.js';
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';
import { keptHeaders, parseInboundMessage, type InboundMessage } from './inbound-message.js';

type Tx = Prisma.TransactionClient;

const HOUR_MS = 3_600_000;

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

/**
 * The one inbound pipeline (webhook and IMAP): parse, deduplicate by Message-ID, store the message and
 * its attachments, flag loops, then thread onto an existing ticket or open a new one — one transaction
 * per message, so a crash never leaves a ticket without its message or the reverse.
 */
@Injectable()
export class EmailInboundService {
  private readonly logger = new Logger(EmailInboundService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly tickets: TicketsService,
    private readonly comments: CommentsService,
    private readonly events: EventsService,
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    private readonly accounts: AccountService,
  ) {}

  /** Throws UnparseableMessageError for input that is not a mail message. */
  async ingest(account: EmailAccount, raw: Buffer): Promise<InboundResultDto> {
    const msg = await parseInboundMessage(raw);
    const existing = await this.findDuplicate(account.id, msg.messageId);
    if (existing) return existing;

    const id = randomUUID();
    const files: (StoredFile & { contentType: string; sizeBytes: number; contentId: string | null })[] = [];
    try {
      for (const a of msg.attachments) {
        const stored = await storeFile(['email', account.id, id], a.fileName, a.content);
        files.push({ ...stored, contentType: a.contentType, sizeBytes: a.content.length, contentId: a.contentId });
      }
      for (let attempt = 1; ; attempt++) {
        try {
          const invitations: (string | null)[] = [];
          const result = await this.prisma.$transaction((tx) => this.store(tx, account, msg, id, files, invitations), {
            timeout: 20_000,
          });
          for (const mail of invitations) await this.accounts.enqueue(mail);
          return result;
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          // A concurrent delivery of the same message won the race; or a new sender was created concurrently.
          const dup = await this.findDuplicate(account.id, msg.messageId);
          if (dup) {
            await Promise.all(files.map((f) => removeStoredFile(f.storagePath)));
            return dup;
          }
          if (attempt >= 3) throw err;
        }
      }
    } catch (err) {
      await Promise.all(files.map((f) => removeStoredFile(f.storagePath).catch(() => undefined)));
      throw err;
    }
  }

  private async findDuplicate(accountId: string, messageId: string): Promise<InboundResultDto | null> {
    const row = await this.prisma.emailMessage.findUnique({
      where: { accountId_messageId: { accountId, messageId } },
      include: { ticket: { select: { number: true } } },
    });
    if (!row) return null;
    return {
      duplicate: true,
      emailMessageId: row.id,
      status: row.status,
      type: row.type,
      ticketId: row.ticketId,
      ticketNumber: row.ticket?.number ?? null,
      commentId: row.commentId,
      flagReason: row.flagReason,
    };
  }

  private async store(
    tx: Tx,
    account: EmailAccount,
    msg: InboundMessage,
    id: string,
    files: {
      storagePath: string;
      fileName: string;
      contentType: string;
      sizeBytes: number;
      contentId: string | null;
    }[],
    /** Out: invitation mails queued for a new sender, to enqueue after the commit. */
    invitations: (string | null)[] = [],
  ): Promise<InboundResultDto> {
    const now = new Date();
    let flag: LoopSafetyFlag | { type: 'NEW_TICKET'; reason: string } | null = classifyLoopSafety({
      headers: msg.headerValues,
      fromAddress: msg.fromAddress,
      subject: msg.subject,
    });
    // Never answer ourselves: mail from one of our own addresses would loop.
    if (!flag && (await tx.emailAccount.count({ where: { address: msg.fromAddress } })) > 0)
      flag = { type: 'AUTO_REPLY', reason: `sent from our own address ${msg.fromAddress}` };

    let type: EmailMessageType = flag ? (flag.type as EmailMessageType) : EmailMessageType.NEW_TICKET;
    let ticketId: string | null = null;
    let ticketNumber: number | null = null;
    let commentId: string | null = null;
    let threadId: string | null = null;

    if (!flag) {
      const decision = await this.decide(tx, account.id, msg);
      const sender = await this.senderUser(tx, msg, invitations);
      if (!sender.isActive || sender.deletedAt) {
        flag = { type: 'NEW_TICKET', reason: 'sender account is deactivated' };
      } else if (decision.kind === 'reply') {
        const ticket = await tx.ticket.findUniqueOrThrow({ where: { id: decision.ticketId } });
        const comment = await this.comments.addInTx(
          tx,
          ticket,
          { body: stripQuotedReply(msg.textBody) || '(empty message)', internal: false, channel: TicketChannel.EMAIL },
          { id: sender.id, role: sender.role },
        );
        type = EmailMessageType.REPLY;
        ticketId = ticket.id;
        ticketNumber = ticket.number;
        commentId = comment.id;
        threadId = await this.threadFor(tx, account.id, ticket.id, ticket.subject);
      } else if (await this.overRateLimit(tx, msg.fromAddress, now)) {
        flag = { type: 'NEW_TICKET', reason: 'rate-limited' };
      } else {
        const ticket = await this.tickets.createInTx(
          tx,
          {
            subject: baseSubject(msg.subject) || '(no subject)',
            description: msg.textBody?.trim() || '(empty message)',
            priority: account.defaultPriority,
            channel: TicketChannel.EMAIL,
            requesterId: sender.id,
            workflowId: account.defaultWorkflowId,
          },
          { id: sender.id, role: sender.role },
        );
        ticketId = ticket.id;
        ticketNumber = ticket.number;
        const thread = await tx.emailThread.create({
          data: { accountId: account.id, ticketId: ticket.id, subject: ticket.subject, lastMessageAt: now },
        });
        threadId = thread.id;
      }
    }
    if (flag) type = flag.type as EmailMessageType;

    const status = flag ? EmailMessageStatus.FLAGGED : EmailMessageStatus.PROCESSED;
    await tx.emailMessage.create({
      data: {
        id,
        accountId: account.id,
        threadId,
        ticketId,
        commentId,
        messageId: msg.messageId,
        inReplyTo: msg.inReplyTo,
        references: msg.references,
        direction: EmailDirection.INBOUND,
        type,
        status,
        fromAddress: msg.fromAddress,
        fromName: msg.fromName,
        to: msg.to,
        cc: msg.cc,
        subject: msg.subject,
        textBody: msg.textBody,
        htmlBody: msg.htmlBody,
        headers: keptHeaders(msg.headerValues),
        flagReason: flag?.reason ?? null,
        receivedAt: now,
        attachments: {
          create: files.map(({ storagePath, fileName, contentType, sizeBytes, contentId }) => ({
            storagePath,
            fileName,
            contentType,
            sizeBytes,
            contentId,
          })),
        },
      },
    });
    if (threadId) await tx.emailThread.update({ where: { id: threadId }, data: { lastMessageAt: now } });
    await this.events.append(tx, {
      type: 'EmailReceived',
      aggregateType: 'EmailMessage',
      aggregateId: id,
      payload: { accountId: account.id, ticketId, commentId, type, status, flagReason: flag?.reason ?? null },
    });
    if (flag) this.logger.log(`email ${msg.messageId} flagged: ${flag.reason}`);
    return {
      duplicate: false,
      emailMessageId: id,
      status,
      type,
      ticketId,
      ticketNumber,
      commentId,
      flagReason: flag?.reason ?? null,
    };
  }

  private async decide(tx: Tx, accountId: string, msg: InboundMessage) {
    const headers = { inReplyTo: msg.inReplyTo, references: msg.references, subject: msg.subject };
    const ids = threadingLookupIds(headers);
    const known = ids.length
      ? await tx.emailMessage.findMany({
          where: { accountId, messageId: { in: ids }, ticket: { deletedAt: null } },
          select: { messageId: true, ticketId: true },
        })
      : [];
    const number = threadingTicketNumber(headers);
    // A guessed `[#N]` must not let a stranger comment on someone else's ticket: the token threads only
    // mail from the requester, a watcher or active staff; anyone else opens a ticket of their own.
    const tokenTicket = number === null ? null : await this.tokenTicketFor(tx, number, msg.fromAddress);
    return decideThreading(headers, known, tokenTicket?.id ?? null);
  }

  private async tokenTicketFor(tx: Tx, number: number, fromAddress: string): Promise<{ id: string } | null> {
    const sender = await tx.user.findUnique({
      where: { email: fromAddress },
      select: { role: true, isActive: true, deletedAt: true },
    });
    const staff = !!sender && sender.role !== UserRole.CUSTOMER && sender.isActive && !sender.deletedAt;
    return tx.ticket.findFirst({
      where: {
        number,
        deletedAt: null,
        ...(staff
          ? {}
          : { OR: [{ requester: { email: fromAddress } }, { watchers: { some: { user: { email: fromAddress } } } }] }),
      },
      select: { id: true },
    });
  }

  /** The sender's user; unknown senders become customers without a password (they can reset one later). */
  private async senderUser(tx: Tx, msg: InboundMessage, invitations: (string | null)[]): Promise<User> {
    const found = await tx.user.findUnique({ where: { email: msg.fromAddress } });
    if (found) return found;
    const created = await tx.user.create({
      data: {
        email: msg.fromAddress,
        name: (msg.fromName || msg.fromAddress.split('@')[0] || msg.fromAddress).slice(0, 200),
        role: UserRole.CUSTOMER,
        passwordHash: null,
      },
    });
    // An invitation to choose a password, so the customer can follow the ticket online.
    invitations.push(await this.accounts.inviteInTx(tx, created));
    return created;
  }

  private async overRateLimit(tx: Tx, fromAddress: string, now: Date): Promise<boolean> {
    const opened = await tx.emailMessage.count({
      where: {
        fromAddress,
        direction: EmailDirection.INBOUND,
        type: EmailMessageType.NEW_TICKET,
        status: EmailMessageStatus.PROCESSED,
        createdAt: { gte: new Date(now.getTime() - HOUR_MS) },
      },
    });
    return opened >= this.config.newTicketsPerSenderPerHour;
  }

  private async threadFor(tx: Tx, accountId: string, ticketId: string, subject: string): Promise<string> {
    const thread = await tx.emailThread.findFirst({
      where: { accountId, ticketId },
      orderBy: { lastMessageAt: 'desc' },
    });
    if (thread) return thread.id;
    return (await tx.emailThread.create({ data: { accountId, ticketId, subject } })).id;
  }
}
