import { Injectable } from '@nestjs/common';
import type { Prisma } from '@nixflow/db/client';
import { PrismaService } from '../prisma/prisma.service.js';
import type { EventPageDto, ListEventsQueryDto } from './dto/events.dto.js';

@Injectable()
export class EventFeedService {
  constructor(private readonly prisma: PrismaService) {}

  /** Admin feed, paged by id (ids are strings: they are bigints). */
  async list(q: ListEventsQueryDto): Promise<EventPageDto> {
    const where: Prisma.EventLogWhereInput = { id: { gt: BigInt(q.after ?? '0') } };
    if (q.type) where.type = q.type;
    if (q.aggregateType) where.aggregateType = q.aggregateType;
    if (q.aggregateId) where.aggregateId = q.aggregateId;
    const rows = await this.prisma.eventLog.findMany({ where, orderBy: { id: 'asc' }, take: q.limit });
    const items = rows.map((r) => ({
      id: r.id.toString(),
      txId: r.txId.toString(),
      type: r.type,
      aggregateType: r.aggregateType,
      aggregateId: r.aggregateId,
      actorId: r.actorId,
      payload: r.payload as Record<string, unknown>,
      createdAt: r.createdAt,
    }));
    return { items, nextAfter: items.length ? items[items.length - 1].id : (q.after ?? '0') };
  }
}
