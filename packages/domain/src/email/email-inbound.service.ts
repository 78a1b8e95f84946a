import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  EmailDirection,
  EmailMessageStatus,
  EmailMessageType,
  Prisma,
  TicketChannel,
  UserRole,
  type EmailAccount,
  type PrismaClient,
  type User,
} from '@nixflow/db/client';
import {
  baseSubject,
  canSeeTicket,
  classifyLoopSafety,
  decideThreading,
  deriveReplyTokenKey,
  parseDeliveryReport,
  parseProviderNotification,
  senderAuthentication,
  stripQuotedReply,
  threadingLookupIds,
  threadingTicketNumber,
  verifySignedMessageId,
  type LoopSafetyFlag,
  type ThreadingDecision,
} from '@nixflow/core';
import { AttachmentFiles, type StoredFile } from '@nixflow/storage';
import { lockRowOrThrow } from '../common/row-lock.js';
import { CLOCK, type Clock } from '../clock.js';
import { ConflictError } from '../errors.js';
import { EventsService } from '../events/events.service.js';
import { CommentsService } from '../tickets/comments.service.js';
import { TicketsService } from '../tickets/tickets.service.js';
import { PRISMA } from '../tokens.js';
import type { Tx } from '../tx.js';
import { CustomerInvitationService } from '../accounts/customer-invitations.service.js';
import { INBOUND_MAIL_OPTIONS, type InboundMailOptions, type InboundResult } from './inbound-mail.tokens.js';
import { keptHeaders, parseInboundMessage, type InboundMessage } from './inbound-message.js';

type StoredEmailFile = StoredFile & {
  id: string;
  contentType: string;
  sizeBytes: number;
  contentId: string | null;
  inline: boolean;
};

const HOUR_MS = 3_600_000;

/** Why a message was stored FLAGGED instead of acting (loop safety, trust, rate limit). */
type Flag = LoopSafetyFlag | { type: 'NEW_TICKET' | 'REPLY'; reason: string };

/** What the threading/trust step needs of a message (a parsed one, or a stored one being released). */
type RouteInput = Pick<
  InboundMessage,
  | 'fromAddress'
  | 'fromName'
  | 'subject'
  | 'textBody'
  | 'htmlBody'
  | 'inReplyTo'
  | 'references'
  | 'authenticationResults'
>;

interface RouteOutcome {
  flag: Flag | null;
  type: EmailMessageType;
  ticketId: string | null;
  ticketNumber: number | null;
  commentId: string | null;
  threadId: string | null;
}

const REPORT_PART_TYPES = new Set(['text/rfc822-headers', 'message/rfc822', 'message/rfc822-headers']);

/** The id a message gets when its Message-ID is already taken by a message with other content (#14 item 7). */
function distinctMessageId(msg: Pick<InboundMessage, 'messageId' | 'fromAddress' | 'subject'>): string {
  const h = createHash('sha256').update(`${msg.messageId}\n${msg.fromAddress}\n${msg.subject}`).digest('hex');
  return `<nfdup-${h.slice(0, 32)}@nixflow.invalid>`;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

/**
 * The one inbound pipeline (the API's webhook and release; the worker's consumer of the messages staged
 * from IMAP): parse, deduplicate by Message-ID, store the message and its attachments, flag loops, then
 * thread onto an existing ticket or open a new one — one transaction per message, so a crash never leaves
 * a ticket without its message or the reverse.
 */
@Injectable()
export class EmailInboundService {
  private readonly logger = new Logger(EmailInboundService.name);

  private readonly replyTokenKey: Buffer;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly tickets: TicketsService,
    private readonly comments: CommentsService,
    private readonly events: EventsService,
    @Inject(INBOUND_MAIL_OPTIONS) private readonly config: InboundMailOptions,
    private readonly accounts: CustomerInvitationService,
    private readonly storage: AttachmentFiles,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.replyTokenKey = deriveReplyTokenKey(config.secretKey);
  }

  /** Throws UnparseableMessageError for input that is not a mail message. */
  async ingest(account: EmailAccount, raw: Buffer): Promise<InboundResult> {
    const msg = await parseInboundMessage(raw);
    const existing = await this.findDuplicate(account.id, msg);
    if (existing) return existing;

    const id = randomUUID();
    const files: StoredEmailFile[] = [];
    try {
      for (const a of msg.attachments) {
        const stored = await this.storage.storeFile(['email', account.id, id], a.fileName, a.content, a.contentType);
        files.push({
          ...stored,
          id: a.id,
          contentType: a.contentType,
          sizeBytes: a.content.length,
          contentId: a.contentId,
          inline: a.inline,
        });
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
          const dup = await this.findDuplicate(account.id, msg);
          if (dup) {
            await Promise.all(files.map((f) => this.storage.remove(f.storagePath)));
            return dup;
          }
          if (attempt >= 3) throw err;
        }
      }
    } catch (err) {
      await Promise.all(files.map((f) => this.storage.remove(f.storagePath).catch(() => undefined)));
      throw err;
    }
  }

  /**
   * The stored message this one is a redelivery of: same Message-ID, same sender and subject. A Message-ID
   * reused with other content is a different message: it is given an id of its own (msg.messageId changes;
   * the header value stays in `headers`).
   */
  private async findDuplicate(accountId: string, msg: InboundMessage): Promise<InboundResult | null> {
    const row = await this.findByMessageId(accountId, msg.messageId);
    if (!row) return null;
    if (row.direction === EmailDirection.INBOUND && row.fromAddress === msg.fromAddress && row.subject === msg.subject)
      return toResult(row, true);
    msg.messageId = distinctMessageId(msg);
    const again = await this.findByMessageId(accountId, msg.messageId);
    return again ? toResult(again, true) : null;
  }

  private findByMessageId(accountId: string, messageId: string) {
    return this.prisma.emailMessage.findUnique({
      where: { accountId_messageId: { accountId, messageId } },
      include: { ticket: { select: { number: true } } },
    });
  }

  private async store(
    tx: Tx,
    account: EmailAccount,
    msg: InboundMessage,
    id: string,
    files: StoredEmailFile[],
    /** Out: invitation mails queued for a new sender, to enqueue after the commit. */
    invitations: (string | null)[] = [],
  ): Promise<InboundResult> {
    const now = this.clock.now();
    let flag: Flag | null = classifyLoopSafety({
      headers: msg.headerValues,
      fromAddress: msg.fromAddress,
      subject: msg.subject,
      textBody: msg.textBody,
    });
    if (!flag && !msg.fromAddress)
      flag = { type: 'NEW_TICKET', reason: 'no usable sender address (From missing or empty)' };
    // Never answer ourselves: mail from one of our own addresses would loop.
    if (!flag && (await tx.emailAccount.count({ where: { address: msg.fromAddress } })) > 0)
      flag = { type: 'AUTO_REPLY', reason: `sent from our own address ${msg.fromAddress}` };

    let outcome: RouteOutcome = {
      flag,
      type: flag ? (flag.type as EmailMessageType) : EmailMessageType.NEW_TICKET,
      ticketId: null,
      ticketNumber: null,
      commentId: null,
      threadId: null,
    };
    if (flag && (flag.type === 'BOUNCE' || flag.type === 'COMPLAINT')) {
      const linked = await this.linkReport(tx, account.id, msg, flag);
      if (linked) outcome = { ...outcome, ...linked, flag: { ...flag, reason: `${flag.reason}; ${linked.note}` } };
    }
    if (!flag)
      outcome = await this.route(tx, account, msg, now, { released: false, linkedTicketId: null, invitations });
    flag = outcome.flag;

    const status = flag ? EmailMessageStatus.FLAGGED : EmailMessageStatus.PROCESSED;
    await tx.emailMessage.create({
      data: {
        id,
        accountId: account.id,
        threadId: outcome.threadId,
        ticketId: outcome.ticketId,
        commentId: outcome.commentId,
        messageId: msg.messageId,
        inReplyTo: msg.inReplyTo,
        references: msg.references,
        direction: EmailDirection.INBOUND,
        type: outcome.type,
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
          create: files.map(({ id, storagePath, fileName, contentType, sizeBytes, contentId, inline }) => ({
            id,
            storagePath,
            fileName,
            contentType,
            sizeBytes,
            contentId,
            inline,
          })),
        },
      },
    });
    if (outcome.threadId)
      await tx.emailThread.update({ where: { id: outcome.threadId }, data: { lastMessageAt: now } });
    await this.events.append(tx, {
      type: 'EmailReceived',
      aggregateType: 'EmailMessage',
      aggregateId: id,
      payload: {
        accountId: account.id,
        ticketId: outcome.ticketId,
        commentId: outcome.commentId,
        type: outcome.type,
        status,
        flagReason: flag?.reason ?? null,
      },
    });
    if (flag) this.logger.log(`email ${msg.messageId} flagged: ${flag.reason}`);
    return {
      duplicate: false,
      emailMessageId: id,
      status,
      type: outcome.type,
      ticketId: outcome.ticketId,
      ticketNumber: outcome.ticketNumber,
      commentId: outcome.commentId,
      flagReason: flag?.reason ?? null,
    };
  }

  /**
   * Trust and threading. A sender is proven by a reply quoting our Message-ID signed for (ticket, this
   * address), or by a DMARC/DKIM pass in the topmost Authentication-Results of the account's trusted
   * receiving server; `released`: staff vouched for it. Unproven mail never acts as staff and never lands
   * on an existing ticket (no comment, no SLA effect): it is FLAGGED, linked to the ticket it names.
   */
  private async route(
    tx: Tx,
    account: EmailAccount,
    msg: RouteInput,
    now: Date,
    opts: { released: boolean; linkedTicketId: string | null; invitations: (string | null)[] },
  ): Promise<RouteOutcome> {
    const flagged = (type: 'NEW_TICKET' | 'REPLY', reason: string, ticket?: { id: string; number: number } | null) => ({
      flag: { type, reason },
      type: type as EmailMessageType,
      ticketId: ticket?.id ?? null,
      ticketNumber: ticket?.number ?? null,
      commentId: null,
      threadId: null,
    });
    const existing = await tx.user.findUnique({ where: { email: msg.fromAddress } });
    if (existing && (!existing.isActive || existing.deletedAt))
      return flagged('NEW_TICKET', 'sender account is deactivated');
    const staff = !!existing && existing.role !== UserRole.CUSTOMER;

    const headers = { inReplyTo: msg.inReplyTo, references: msg.references, subject: msg.subject };
    const ids = threadingLookupIds(headers);
    const known = ids.length
      ? await tx.emailMessage.findMany({
          where: { accountId: account.id, messageId: { in: ids }, ticket: { deletedAt: null } },
          select: { messageId: true, ticketId: true, direction: true },
        })
      : [];
    const signed = known.find(
      (k) =>
        k.ticketId &&
        k.direction === EmailDirection.OUTBOUND &&
        verifySignedMessageId(this.replyTokenKey, k.messageId, k.ticketId, msg.fromAddress),
    );
    let decision: ThreadingDecision;
    let verified = opts.released;
    let why = opts.released ? 'released by staff' : '';
    if (signed) {
      decision = { kind: 'reply', ticketId: signed.ticketId!, via: 'references', parentMessageId: signed.messageId };
      verified = true;
    } else if (opts.linkedTicketId) {
      decision = { kind: 'reply', ticketId: opts.linkedTicketId, via: 'references' };
    } else {
      const number = threadingTicketNumber(headers);
      const tokenTicket = number === null ? null : await this.tokenTicketFor(tx, number, msg.fromAddress);
      decision = decideThreading(headers, known, tokenTicket?.id ?? null);
    }
    if (!verified) {
      const auth = senderAuthentication(msg.authenticationResults, account.trustedAuthservId, msg.fromAddress);
      verified = auth.verified;
      why = auth.reason;
    }
    if (!verified && decision.kind === 'reply') {
      const ticket = await tx.ticket.findUnique({
        where: { id: decision.ticketId },
        select: { id: true, number: true },
      });
      return flagged(
        'REPLY',
        `unverified sender ${msg.fromAddress}: not a reply to our signed message for this address, and ${why}` +
          ` (matched ticket by ${decision.via === 'subject-token' ? 'subject token' : 'reply headers'})`,
        ticket,
      );
    }
    if (!verified && staff)
      return flagged('NEW_TICKET', `unverified staff sender ${msg.fromAddress}: a From header proves nothing (${why})`);

    const sender = existing ?? (await this.createCustomer(tx, msg, opts.invitations));
    // Threading onto a ticket needs the API's visibility (canSeeTicket): a former requester's reply to an
    // old mail, signed or not, opens a ticket of their own instead of commenting on someone else's.
    const replyTo =
      decision.kind === 'reply' ? await tx.ticket.findUniqueOrThrow({ where: { id: decision.ticketId } }) : null;
    if (replyTo && canSeeTicket(sender, replyTo)) {
      const ticket = replyTo;
      const comment = await this.comments.addInTx(
        tx,
        ticket,
        { body: stripQuotedReply(msg.textBody) || '(empty message)', internal: false, channel: TicketChannel.EMAIL },
        { id: sender.id, role: sender.role },
      );
      if (msg.htmlBody) await tx.comment.update({ where: { id: comment.id }, data: { bodyHtml: msg.htmlBody } });
      return {
        flag: null,
        type: EmailMessageType.REPLY,
        ticketId: ticket.id,
        ticketNumber: ticket.number,
        commentId: comment.id,
        threadId: await this.threadFor(tx, account.id, ticket.id, ticket.subject),
      };
    }
    if (!opts.released && (await this.overRateLimit(tx, msg.fromAddress, now)))
      return flagged('NEW_TICKET', 'rate-limited');
    const ticket = await this.tickets.createInTx(
      tx,
      {
        subject: baseSubject(msg.subject) || '(no subject)',
        description: msg.textBody?.trim() || '(empty message)',
        priority: account.defaultPriority,
        channel: TicketChannel.EMAIL,
        requesterId: sender.id,
        workflowId: account.defaultWorkflowId,
        emailAccountId: account.id, // teams (#23): routing rules may name the account
      },
      { id: sender.id, role: sender.role },
    );
    if (msg.htmlBody) await tx.ticket.update({ where: { id: ticket.id }, data: { descriptionHtml: msg.htmlBody } });
    const thread = await tx.emailThread.create({
      data: { accountId: account.id, ticketId: ticket.id, subject: ticket.subject, lastMessageAt: now },
    });
    return {
      flag: null,
      type: EmailMessageType.NEW_TICKET,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      commentId: null,
      threadId: thread.id,
    };
  }

  /**
   * A bounce or complaint about one of our outbound messages (named in the DSN's delivery-status or original
   * headers, an SES notification, or In-Reply-To/References): link it to that message's ticket; a bounce
   * marks the outbound message FAILED with the diagnostic.
   */
  private async linkReport(
    tx: Tx,
    accountId: string,
    msg: InboundMessage,
    flag: LoopSafetyFlag,
  ): Promise<{ ticketId: string | null; ticketNumber: number | null; note: string } | null> {
    const text = (a: InboundMessage['attachments'][number]) => a.content.subarray(0, 64 * 1024).toString('utf8');
    const report =
      parseProviderNotification(msg.textBody)?.report ??
      parseDeliveryReport({
        deliveryStatus: [
          msg.textBody ?? '',
          ...msg.attachments.filter((a) => a.contentType === 'message/delivery-status').map(text),
        ].join('\n\n'),
        originalHeaders: msg.attachments.filter((a) => REPORT_PART_TYPES.has(a.contentType)).map(text),
      });
    const ids = [
      ...new Set([...report.originalMessageIds, ...(msg.inReplyTo ? [msg.inReplyTo] : []), ...msg.references]),
    ];
    if (ids.length === 0) return null;
    const original = await tx.emailMessage.findFirst({
      where: { accountId, direction: EmailDirection.OUTBOUND, messageId: { in: ids } },
      include: { ticket: { select: { number: true } } },
    });
    if (!original) return null;
    if (flag.type === 'BOUNCE') {
      const diagnostic =
        [
          report.status ? `Status: ${report.status}` : null,
          report.diagnostic ? `Diagnostic-Code: ${report.diagnostic}` : null,
          report.recipient ? `recipient ${report.recipient}` : null,
        ]
          .filter(Boolean)
          .join('; ') || flag.reason;
      await tx.emailMessage.update({
        where: { id: original.id },
        data: { status: EmailMessageStatus.FAILED, lastError: `Bounced: ${diagnostic}`.slice(0, 2000) },
      });
      await this.events.append(tx, {
        type: 'EmailFailed',
        aggregateType: 'EmailMessage',
        aggregateId: original.id,
        payload: { ticketId: original.ticketId, lastError: `Bounced: ${diagnostic}`.slice(0, 2000) },
      });
    }
    return {
      ticketId: original.ticketId,
      ticketNumber: original.ticket?.number ?? null,
      note: `about our message ${original.messageId}`,
    };
  }

  /**
   * Staff vouch for a FLAGGED inbound message: it goes through the normal pipeline as a proven sender
   * (comment on the ticket it was linked to or names, else a new ticket; no rate limit). 409 when it is
   * not a flagged inbound message, has no sender, or was released already.
   */
  async release(id: string, actorId: string): Promise<InboundResult> {
    const invitations: (string | null)[] = [];
    const now = this.clock.now();
    const result = await this.prisma.$transaction(
      async (tx) => {
        await lockRowOrThrow(tx, 'EmailMessage', id);
        const row = await tx.emailMessage.findUniqueOrThrow({ where: { id }, include: { account: true } });
        if (row.releasedAt) throw new ConflictError('email_already_released', 'This message was already released');
        if (row.direction !== EmailDirection.INBOUND || row.status !== EmailMessageStatus.FLAGGED)
          throw new ConflictError('email_not_flagged', 'Only FLAGGED inbound messages can be released');
        if (!row.fromAddress)
          throw new ConflictError('email_no_sender', 'The message has no sender address to act for');
        const outcome = await this.route(
          tx,
          row.account,
          {
            fromAddress: row.fromAddress,
            fromName: row.fromName,
            subject: row.subject,
            textBody: row.textBody,
            htmlBody: row.htmlBody,
            inReplyTo: row.inReplyTo,
            references: row.references,
            authenticationResults: [],
          },
          now,
          { released: true, linkedTicketId: row.ticketId, invitations },
        );
        if (outcome.flag) throw new ConflictError('email_release_refused', `Cannot release: ${outcome.flag.reason}`);
        const updated = await tx.emailMessage.update({
          where: { id },
          data: {
            status: EmailMessageStatus.PROCESSED,
            type: outcome.type,
            ticketId: outcome.ticketId,
            commentId: outcome.commentId,
            threadId: outcome.threadId,
            releasedAt: now,
            releasedById: actorId,
          },
          include: { ticket: { select: { number: true } } },
        });
        await this.events.append(tx, {
          type: 'EmailReleased',
          aggregateType: 'EmailMessage',
          aggregateId: id,
          actorId,
          payload: { ticketId: outcome.ticketId, commentId: outcome.commentId, type: outcome.type },
        });
        return toResult(updated, false);
      },
      { timeout: 20_000 },
    );
    for (const mail of invitations) await this.accounts.enqueue(mail);
    return result;
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

  /** Unknown senders become customers without a password, invited to choose one (queued after the commit). */
  private async createCustomer(
    tx: Tx,
    msg: Pick<RouteInput, 'fromAddress' | 'fromName'>,
    invitations: (string | null)[],
  ): Promise<User> {
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

function toResult(
  row: {
    id: string;
    status: EmailMessageStatus;
    type: EmailMessageType;
    ticketId: string | null;
    commentId: string | null;
    flagReason: string | null;
    ticket: { number: number } | null;
  },
  duplicate: boolean,
): InboundResult {
  return {
    duplicate,
    emailMessageId: row.id,
    status: row.status,
    type: row.type,
    ticketId: row.ticketId,
    ticketNumber: row.ticket?.number ?? null,
    commentId: row.commentId,
    flagReason: row.flagReason,
  };
}
