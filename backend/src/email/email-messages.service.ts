import { Injectable, NotFoundException } from '@nestjs/common';
import type { Prisma } from '@nixflow/db/client';
import { paginated, pageArgs, type Paginated } from '../common/pagination.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { emailAttachmentUrl } from '@nixflow/domain';
import type { EmailMessageDto, ListEmailMessagesQueryDto } from './dto/email-message.dto.js';

const MESSAGE_SELECT = {
  id: true,
  accountId: true,
  threadId: true,
  ticketId: true,
  commentId: true,
  messageId: true,
  inReplyTo: true,
  references: true,
  direction: true,
  type: true,
  status: true,
  fromAddress: true,
  fromName: true,
  to: true,
  cc: true,
  subject: true,
  textBody: true,
  htmlBody: true,
  flagReason: true,
  attempts: true,
  lastError: true,
  receivedAt: true,
  sentAt: true,
  releasedAt: true,
  createdAt: true,
  updatedAt: true,
  attachments: {
    select: { id: true, fileName: true, contentType: true, sizeBytes: true, contentId: true, inline: true },
    orderBy: { createdAt: 'asc' },
  },
} as const;

type MessageRow = Prisma.EmailMessageGetPayload<{ select: typeof MESSAGE_SELECT }>;

function withUrls(row: MessageRow): EmailMessageDto {
  return { ...row, attachments: row.attachments.map((a) => ({ ...a, url: emailAttachmentUrl(a.id) })) };
}

/** Read side: what came in and went out for a ticket (agents), or the intake queue across accounts (admins). */
@Injectable()
export class EmailMessagesService {
  constructor(private readonly prisma: PrismaService) {}

  async list(q: ListEmailMessagesQueryDto): Promise<Paginated<EmailMessageDto>> {
    const where = { ticketId: q.ticketId, status: q.status, type: q.type };
    const [items, total] = await Promise.all([
      this.prisma.emailMessage.findMany({
        where,
        select: MESSAGE_SELECT,
        // A ticket's conversation reads oldest first; the intake queue shows the newest first.
        orderBy: q.ticketId ? [{ createdAt: 'asc' }, { id: 'asc' }] : [{ createdAt: 'desc' }, { id: 'desc' }],
        ...pageArgs(q),
      }),
      this.prisma.emailMessage.count({ where }),
    ]);
    return paginated(items.map(withUrls), total, q.page, q.pageSize);
  }

  async get(id: string): Promise<EmailMessageDto> {
    const row = await this.prisma.emailMessage.findUnique({ where: { id }, select: MESSAGE_SELECT });
    if (!row) throw new NotFoundException('Email message not found');
    return withUrls(row);
  }
}
