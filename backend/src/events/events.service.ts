// TEMPORARY (email branch): contract stub until the tickets helper's EventsService lands on main.
import { Injectable } from '@nestjs/common';
import type { Prisma } from '@nixflow/db/client';

export interface DomainEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  actorId?: string | null;
  payload?: Record<string, unknown>;
}

@Injectable()
export class EventsService {
  async append(tx: Prisma.TransactionClient, event: DomainEvent): Promise<void> {
    await this.appendMany(tx, [event]);
  }
  async appendMany(tx: Prisma.TransactionClient, events: DomainEvent[]): Promise<void> {
    await tx.eventLog.createMany({
      data: events.map((e) => ({
        type: e.type,
        aggregateType: e.aggregateType,
        aggregateId: e.aggregateId,
        actorId: e.actorId ?? null,
        payload: (e.payload ?? {}) as Prisma.InputJsonValue,
      })),
    });
  }
}
