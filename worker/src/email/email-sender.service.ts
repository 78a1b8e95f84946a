import { Inject, Injectable, Logger } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type { EmailAccount, Prisma } from '@nixflow/db/client';
import { CLOCK, type Clock, type Tx } from '@nixflow/domain';
import { decryptSecret, type SendNotificationJobData } from '@nixflow/core';
import { PrismaService } from '../prisma/prisma.service.js';
import { EMAIL_WORKER_CONFIG, type EmailWorkerConfig } from './email-worker.config.js';

export type SendOutcome = 'sent' | 'already-sent' | 'cancelled' | 'missing' | 'retrying' | 'failed';

function errorText(err: unknown): string {
  const e = err as { response?: string; message?: string; responseCode?: number };
  return (e?.response || e?.message || String(err)).slice(0, 2000);
}

/** Sends outbound EmailMessages over their account's SMTP and records QUEUED → SENDING → SENT / FAILED. */
@Injectable()
export class EmailSenderService {
  private readonly logger = new Logger(EmailSenderService.name);

  constructor(
    private readonly prisma: PrismaService,
    @Inject(EMAIL_WORKER_CONFIG) private readonly config: EmailWorkerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private transport(a: EmailAccount) {
    if (!a.smtpHost) throw new Error(`account ${a.address} has no SMTP server configured`);
    const pass = a.smtpPasswordEnc ? decryptSecret(a.smtpPasswordEnc, this.config.secretKey) : null;
    const ms = this.config.connectTimeoutMs;
    return nodemailer.createTransport({
      host: a.smtpHost,
      port: a.smtpPort ?? (a.smtpTls ? 465 : 587),
      secure: a.smtpTls,
      auth: a.smtpUser || pass ? { user: a.smtpUser ?? a.address, pass: pass ?? '' } : undefined,
      connectionTimeout: ms,
      greetingTimeout: ms,
      socketTimeout: ms * 3,
    });
  }

  /**
   * One attempt. On error: back to QUEUED with lastError while attempts remain (the caller rethrows so
   * BullMQ retries with backoff), FAILED on the last attempt.
   */
  async sendReply(emailMessageId: string, isLastAttempt: boolean): Promise<SendOutcome> {
    const db = this.prisma.client;
    const msg = await db.emailMessage.findUnique({
      where: { id: emailMessageId },
      include: { account: true, ticket: true },
    });
    if (!msg || msg.direction !== 'OUTBOUND') return 'missing';
    if (msg.status === 'SENT') return 'already-sent';
    if (msg.status === 'CANCELLED') return 'cancelled';
    // Claimed only if still sendable: the comment may have been deleted (CANCELLED) since it was read.
    const claimed = await db.emailMessage.updateMany({
      where: { id: msg.id, status: { notIn: ['SENT', 'CANCELLED'] } },
      data: { status: 'SENDING', attempts: { increment: 1 } },
    });
    if (claimed.count === 0) return 'cancelled';
    const transport = (() => {
      try {
        return this.transport(msg.account);
      } catch (err) {
        return err as Error;
      }
    })();
    try {
      if (transport instanceof Error) throw transport;
      await transport.sendMail({
        from: { name: msg.fromName ?? msg.account.displayName ?? '', address: msg.fromAddress },
        to: msg.to,
        cc: msg.cc.length ? msg.cc : undefined,
        subject: msg.subject,
        text: msg.textBody ?? '',
        messageId: msg.messageId,
        inReplyTo: msg.inReplyTo ?? undefined,
        references: msg.references.length ? msg.references : undefined,
        headers: msg.ticket ? { 'X-Nixflow-Ticket': String(msg.ticket.number) } : undefined,
      });
    } catch (err) {
      const lastError = errorText(err);
      await db.$transaction(async (tx) => {
        await tx.emailMessage.update({
          where: { id: msg.id },
          data: { status: isLastAttempt ? 'FAILED' : 'QUEUED', lastError },
        });
        if (isLastAttempt) await this.event(tx, 'EmailFailed', msg.id, { ticketId: msg.ticketId, lastError });
      });
      this.logger.warn(`sending ${msg.messageId} failed${isLastAttempt ? ' (giving up)' : ''}: ${lastError}`);
      if (isLastAttempt) return 'failed';
      throw err;
    } finally {
      if (!(transport instanceof Error)) transport.close();
    }
    await db.$transaction(async (tx) => {
      await tx.emailMessage.update({
        where: { id: msg.id },
        data: { status: 'SENT', sentAt: this.clock.now(), lastError: null },
      });
      await this.event(tx, 'EmailSent', msg.id, { ticketId: msg.ticketId, commentId: msg.commentId });
    });
    return 'sent';
  }

  /** Sent through the first active account with SMTP; no account: a log line and nothing else. */
  async sendNotification(data: SendNotificationJobData): Promise<'sent' | 'no-account'> {
    const account = await this.prisma.client.emailAccount.findFirst({
      where: { isActive: true, smtpHost: { not: null } },
      orderBy: { createdAt: 'asc' },
    });
    if (!account) {
      this.logger.log(`notification "${data.subject}" not mailed: no active email account with SMTP`);
      return 'no-account';
    }
    const transport = this.transport(account);
    try {
      await transport.sendMail({
        from: { name: account.displayName ?? '', address: account.address },
        to: data.to,
        subject: data.subject,
        text: data.text,
        // Machine-generated: well-behaved auto-responders must not answer it (RFC 3834).
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } finally {
      transport.close();
    }
    return 'sent';
  }

  private async event(tx: Tx, type: string, id: string, payload: Record<string, unknown>) {
    await tx.eventLog.create({
      data: { type, aggregateType: 'EmailMessage', aggregateId: id, payload: payload as Prisma.InputJsonValue },
    });
  }
}
