import { Injectable, NotFoundException } from '@nestjs/common';
import { EmailMessageStatus, UserRole } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { TicketAccessService } from '@nixflow/domain';

/**
 * Downloads of stored e-mail attachments (inline images included). Staff may open any; a customer only those
 * of a processed message on a ticket they may see (their own) whose comment, if any, is public and not
 * deleted. Everything else is a 404 (no existence leak).
 */
@Injectable()
export class EmailAttachmentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: TicketAccessService,
  ) {}

  async open(user: AuthUser, id: string) {
    const attachment = await this.prisma.emailAttachment.findUnique({
      where: { id },
      include: {
        message: {
          select: {
            status: true,
            ticket: { select: { requesterId: true, deletedAt: true } },
            comment: { select: { internal: true, deletedAt: true } },
          },
        },
      },
    });
    if (!attachment || !this.maySee(user, attachment.message)) throw new NotFoundException('Attachment not found');
    return { attachment };
  }

  private maySee(
    user: AuthUser,
    message: {
      status: EmailMessageStatus;
      ticket: { requesterId: string; deletedAt: Date | null } | null;
      comment: { internal: boolean; deletedAt: Date | null } | null;
    },
  ): boolean {
    if (user.role !== UserRole.CUSTOMER) return true;
    if (message.status !== EmailMessageStatus.PROCESSED || !message.ticket) return false;
    if (message.comment && (message.comment.internal || message.comment.deletedAt)) return false;
    return this.access.canSee(user, message.ticket);
  }
}
