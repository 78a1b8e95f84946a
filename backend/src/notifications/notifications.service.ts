import { Injectable, NotFoundException } from '@nestjs/common';
import type { Notification, Prisma } from '@nixflow/db/client';
import { pageArgs, paginated, type Paginated } from '../common/pagination.js';
import { ValidationFailedException } from '../common/validation.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ListNotificationsQueryDto, NotificationDto } from './dto/notification.dto.js';

const toDto = (n: Notification): NotificationDto => ({
  id: n.id,
  userId: n.userId,
  ticketId: n.ticketId,
  type: n.type,
  title: n.title,
  body: n.body,
  data: n.data,
  readAt: n.readAt,
  snoozedUntil: n.snoozedUntil,
  createdAt: n.createdAt,
});

/** In-app notifications of the current user (SLA alerts from the worker, and others). Nobody sees another's. */
@Injectable()
export class NotificationsService {
  constructor(private readonly prisma: PrismaService) {}

  async list(userId: string, q: ListNotificationsQueryDto): Promise<Paginated<NotificationDto>> {
    const where: Prisma.NotificationWhereInput = { userId };
    if (q.unread !== undefined) where.readAt = q.unread ? null : { not: null };
    if (!q.includeSnoozed) where.OR = [{ snoozedUntil: null }, { snoozedUntil: { lte: new Date() } }];
    const [items, total] = await this.prisma.$transaction([
      this.prisma.notification.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...pageArgs(q) }),
      this.prisma.notification.count({ where }),
    ]);
    return paginated(items.map(toDto), total, q.page, q.pageSize);
  }

  /** Idempotent: the first read time is kept. */
  async markRead(userId: string, id: string): Promise<NotificationDto> {
    await this.prisma.notification.updateMany({ where: { id, userId, readAt: null }, data: { readAt: new Date() } });
    return toDto(await this.own(userId, id));
  }

  async markAllRead(userId: string): Promise<{ updated: number }> {
    const res = await this.prisma.notification.updateMany({
      where: { userId, readAt: null },
      data: { readAt: new Date() },
    });
    return { updated: res.count };
  }

  async snooze(userId: string, id: string, until: Date): Promise<NotificationDto> {
    if (until.getTime() <= Date.now()) {
      throw new ValidationFailedException([{ field: 'until', messages: ['until must be in the future'] }]);
    }
    await this.own(userId, id);
    return toDto(await this.prisma.notification.update({ where: { id }, data: { snoozedUntil: until } }));
  }

  private async own(userId: string, id: string): Promise<Notification> {
    const n = await this.prisma.notification.findFirst({ where: { id, userId } });
    if (!n) throw new NotFoundException('Notification not found');
    return n;
  }
}
