import { Inject, Injectable, Logger, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { PasswordTokenPurpose, UserRole } from '@nixflow/db/client';
import { CustomerInvitationService, issuePasswordToken, sha256Hex, SystemMailService } from '@nixflow/domain';
import { ValidationFailedException } from '../common/validation.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { ACCOUNT_CONFIG, type AccountConfig } from './account-config.js';
import { hashPassword, verifyPassword } from './password.js';
import { UserAuthCache } from './user-auth-cache.js';

/** A new reset token for the same user is not mailed within this time (no mail bombing by request). */
const RESET_RESEND_MS = 60_000;

const INVALID_TOKEN = 'The link is invalid, expired or was already used';

/**
 * Accounts that can log in: changing one's password, password reset by mail, invitations for customers
 * created from mail or forms (the invitation itself is @nixflow/domain's, which the worker uses too). Tokens are 256 random bits, stored as SHA-256, single use, expiring; setting a
 * password through any of these bumps tokenVersion, so every access and refresh token issued before stops
 * working.
 */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly mail: SystemMailService,
    private readonly invitations: CustomerInvitationService,
    @Inject(ACCOUNT_CONFIG) private readonly config: AccountConfig,
    private readonly authCache: UserAuthCache,
  ) {}

  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.prisma.user.findUnique({ where: { id: userId } });
    if (!user || !user.passwordHash || !(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new ValidationFailedException([{ field: 'currentPassword', messages: ['currentPassword is wrong'] }]);
    }
    if (currentPassword === newPassword) {
      throw new ValidationFailedException([
        { field: 'newPassword', messages: ['newPassword must differ from the current one'] },
      ]);
    }
    const passwordHash = await hashPassword(newPassword);
    await this.prisma.$transaction(async (tx) => {
      // Guarded by the hash just verified: a concurrent change wins once, the other gets 401.
      const res = await tx.user.updateMany({
        where: { id: userId, passwordHash: user.passwordHash },
        data: { passwordHash, tokenVersion: { increment: 1 } },
      });
      if (res.count !== 1) throw new UnauthorizedException('The password was changed meanwhile');
      await tx.passwordToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: new Date() } });
    });
    this.authCache.forget(userId);
  }

  /**
   * Mails a reset link when the address belongs to an active account; does nothing visible otherwise.
   * The controller answers 202 at once and runs this afterwards, so the response cannot tell them apart.
   */
  async requestReset(email: string, now = new Date()): Promise<void> {
    const user = await this.prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
    if (!user || user.deletedAt || !user.isActive) return;
    const recent = await this.prisma.passwordToken.findFirst({
      where: {
        userId: user.id,
        purpose: PasswordTokenPurpose.PASSWORD_RESET,
        createdAt: { gt: new Date(now.getTime() - RESET_RESEND_MS) },
      },
      select: { id: true },
    });
    if (recent) return;
    const messageId = await this.prisma.$transaction(async (tx) => {
      const purpose = PasswordTokenPurpose.PASSWORD_RESET;
      const token = await issuePasswordToken(tx, user.id, purpose, this.config.resetTtlMs, now);
      const minutes = Math.round(this.config.resetTtlMs / 60_000);
      return this.mail.queueInTx(tx, {
        to: user.email,
        subject: 'Reset your nixflow password',
        text: [
          `Hello ${user.name},`,
          '',
          'Someone (hopefully you) asked to reset the password of your nixflow account.',
          `Set a new password within ${minutes} minutes, once, with this link:`,
          '',
          `${this.config.publicUrl}/reset-password#token=${token}`,
          '',
          `(or POST ${this.config.publicUrl}/api/auth/password-reset/confirm with {"token":"${token}","newPassword":"…"})`,
          '',
          'If you did not ask for this, ignore this mail: your password stays as it is.',
        ].join('\n'),
      });
    });
    await this.mail.enqueue(messageId);
  }

  /** Redeems a reset or invitation token: sets the password, revokes every session and every other token. */
  async confirm(token: string, newPassword: string, now = new Date()): Promise<void> {
    const passwordHash = await hashPassword(newPassword);
    const userId = await this.prisma.$transaction(async (tx) => {
      // One statement: two concurrent redemptions of the same token cannot both succeed.
      const [used] = await tx.$queryRaw<{ userId: string }[]>`
        UPDATE "PasswordToken" SET "usedAt" = ${now}
        WHERE "tokenHash" = ${sha256Hex(token)} AND "usedAt" IS NULL AND "expiresAt" > ${now}
        RETURNING "userId"`;
      if (!used) throw new ValidationFailedException([{ field: 'token', messages: [INVALID_TOKEN] }]);
      const res = await tx.user.updateMany({
        where: { id: used.userId, deletedAt: null, isActive: true },
        data: { passwordHash, tokenVersion: { increment: 1 } },
      });
      if (res.count !== 1) throw new ValidationFailedException([{ field: 'token', messages: [INVALID_TOKEN] }]);
      await tx.passwordToken.updateMany({ where: { userId: used.userId, usedAt: null }, data: { usedAt: now } });
      return used.userId;
    });
    this.authCache.forget(userId);
  }

  /** Admin: (re)send the invitation; earlier invitation links stop working. */
  async resendInvitation(userId: string): Promise<{ queued: boolean }> {
    const messageId = await this.prisma.$transaction(async (tx) => {
      const user = await tx.user.findFirst({ where: { id: userId, deletedAt: null } });
      if (!user) throw new NotFoundException('User not found');
      if (user.role !== UserRole.CUSTOMER || user.passwordHash || !user.isActive) {
        throw new ValidationFailedException([
          { field: 'id', messages: ['only an active customer without a password can be invited'] },
        ]);
      }
      await tx.passwordToken.updateMany({
        where: { userId, purpose: PasswordTokenPurpose.INVITATION, usedAt: null },
        data: { usedAt: new Date() },
      });
      return this.invitations.inviteInTx(tx, user);
    });
    await this.mail.enqueue(messageId);
    return { queued: messageId !== null };
  }

  /** For the controller's fire-and-forget reset request. */
  logFailure(what: string, err: unknown): void {
    this.logger.error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
