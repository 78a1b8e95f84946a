import { Injectable, NotFoundException } from '@nestjs/common';
import type { Notification, Prisma } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { fieldError } from '../common/field-error.js';
import { pageArgs, paginated, type Paginated } from '../common/pagination.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ListNotificationsQueryDto } from './dto/notifications.dto.js';

/** A user's own notifications only; snoozed ones stay hidden until snoozedUntil. */
@Injectable()
export class NotificationsService {
  constructor(private readonly prisma: PrismaService) {}

  async list(user: AuthUser, q: ListNotificationsQueryDto): Promise<Paginated<Notification>> {
    const now = new Date();
    const where: Prisma.NotificationWhereInput = {
      userId: user.id,
      OR: [{ snoozedUntil: null }, { snoozedUntil: { lte: now } }],
      ...(q.unread ? { readAt: null } : {}),
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.notification.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...pageArgs(q) }),
      this.prisma.notification.count({ where }),
    ]);
    return paginated(items, total, q.page, q.pageSize);
  }

  /** Idempotent: the first read time is kept. */
  async markRead(user: AuthUser, id: string): Promise<Notification> {
    await this.prisma.notification.updateMany({
      where: { id, userId: user.id, readAt: null },
      data: { readAt: new Date() },
    });
    return this.own(user, id);
  }

  async markAllRead(user: AuthUser): Promise<{ updated: number }> {
    const res = await this.prisma.notification.updateMany({
      where: { userId: user.id, readAt: null },
      data: { readAt: new Date() },
    });
    return { updated: res.count };
  }

  async snooze(user: AuthUser, id: string, until: Date): Promise<Notification> {
    if (until.getTime() <= Date.now()) throw fieldError('until', 'until must be in the future');
    const res = await this.prisma.notification.updateMany({
      where: { id, userId: user.id },
      data: { snoozedUntil: until },
    });
    if (res.count === 0) throw new NotFoundException('Notification not found');
    return this.own(user, id);
  }

  private async own(user: AuthUser, id: string): Promise<Notification> {
    const n = await this.prisma.notification.findFirst({ where: { id, userId: user.id } });
    if (!n) throw new NotFoundException('Notification not found');
    return n;
  }
}
