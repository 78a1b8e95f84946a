import { Inject, Injectable } from '@nestjs/common';
import { PasswordTokenPurpose, UserRole, type User } from '@nixflow/db/client';
import { CLOCK, type Clock } from '../clock.js';
import type { Tx } from '../tx.js';
import { ACCOUNT_MAIL_OPTIONS, type AccountMailOptions } from './account-mail.tokens.js';
import { issuePasswordToken } from './password-tokens.js';
import { SystemMailService } from './system-mail.service.js';

/**
 * Invites a customer without a password (created from mail or a form, or re-invited by an admin) to choose
 * one: an INVITATION token and a system mail with the link, queued in the caller's transaction. The API
 * and the worker (whose inbound mail creates customers) share it, so the mail is the same from both.
 */
@Injectable()
export class CustomerInvitationService {
  constructor(
    private readonly mail: SystemMailService,
    @Inject(ACCOUNT_MAIL_OPTIONS) private readonly config: AccountMailOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The queued message's id, to enqueue after the commit; null when nothing was queued. */
  async inviteInTx(
    tx: Tx,
    user: Pick<User, 'id' | 'email' | 'name' | 'role' | 'passwordHash'>,
    now = this.clock.now(),
  ): Promise<string | null> {
    if (user.role !== UserRole.CUSTOMER || user.passwordHash) return null;
    const ttlMs = this.config.invitationTtlMs;
    const token = await issuePasswordToken(tx, user.id, PasswordTokenPurpose.INVITATION, ttlMs, now);
    const days = Math.max(1, Math.round(ttlMs / 86_400_000));
    const url = this.config.publicUrl;
    return this.mail.queueInTx(tx, {
      to: user.email,
      subject: 'Your nixflow support account',
      text: [
        `Hello ${user.name},`,
        '',
        'We opened a support account for you, so you can follow your requests online.',
        `Choose a password within ${days} day(s) with this link (it works once):`,
        '',
        `${url}/reset-password#token=${token}`,
        '',
        `(or POST ${url}/api/auth/password-reset/confirm with {"token":"${token}","newPassword":"…"})`,
      ].join('\n'),
    });
  }

  /** After the commit of inviteInTx. */
  enqueue(emailMessageId: string | null): Promise<void> {
    return this.mail.enqueue(emailMessageId);
  }
}
