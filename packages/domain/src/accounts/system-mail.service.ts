import { Inject, Injectable, Logger } from '@nestjs/common';
import { EmailDirection, EmailMessageStatus, EmailMessageType, type EmailAccount } from '@nixflow/db/client';
import { newMessageId } from '../email/message-id.js';
import type { Tx } from '../tx.js';
import {
  ACCOUNT_MAIL_OPTIONS,
  OUTBOUND_MAIL_QUEUE,
  type AccountMailOptions,
  type OutboundMailQueue,
} from './account-mail.tokens.js';

export interface SystemMail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Mail from the system to one user, without a ticket (password reset, invitation). It goes the way agent
 * replies go: an OUTBOUND EmailMessage (QUEUED) written in the caller's transaction, sent by the worker's
 * `email-outbound` queue with retries and back-off (and picked up by its sweep when the enqueue is lost).
 * Sender: the account SYSTEM_MAIL_ACCOUNT_ID names, else the oldest active account with SMTP.
 */
@Injectable()
export class SystemMailService {
  private readonly logger = new Logger(SystemMailService.name);

  constructor(
    @Inject(OUTBOUND_MAIL_QUEUE) private readonly queue: OutboundMailQueue,
    @Inject(ACCOUNT_MAIL_OPTIONS) private readonly config: AccountMailOptions,
  ) {}

  private async account(tx: Tx): Promise<EmailAccount | null> {
    if (this.config.systemMailAccountId) {
      const named = await tx.emailAccount.findFirst({
        where: { id: this.config.systemMailAccountId, isActive: true, smtpHost: { not: null } },
      });
      if (named) return named;
      this.logger.warn('SYSTEM_MAIL_ACCOUNT_ID names no active email account with SMTP: using the default one');
    }
    return tx.emailAccount.findFirst({
      where: { isActive: true, smtpHost: { not: null } },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** The queued message's id, or null when no account can send mail (logged, without the content). */
  async queueInTx(tx: Tx, mail: SystemMail): Promise<string | null> {
    const account = await this.account(tx);
    if (!account) {
      this.logger.warn(`"${mail.subject}" not mailed: no active email account with SMTP (see README, Email)`);
      return null;
    }
    const row = await tx.emailMessage.create({
      data: {
        accountId: account.id,
        messageId: newMessageId(account.address),
        direction: EmailDirection.OUTBOUND,
        type: EmailMessageType.NOTIFICATION,
        status: EmailMessageStatus.QUEUED,
        fromAddress: account.address,
        fromName: account.displayName,
        to: [mail.to],
        subject: mail.subject,
        textBody: mail.text,
      },
      select: { id: true },
    });
    return row.id;
  }

  /** After the commit. A Redis failure is only logged: the worker's sweep sends QUEUED mail anyway. */
  async enqueue(emailMessageId: string | null): Promise<void> {
    if (!emailMessageId) return;
    try {
      await this.queue.enqueueSendReply(emailMessageId);
    } catch (err) {
      this.logger.warn(`system mail ${emailMessageId} left to the worker's sweep: ${(err as Error).message}`);
    }
  }
}
