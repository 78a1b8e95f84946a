// TEMPORARY stand-in written by helper `forms` against CONTRACTS.md; replaced by the `tickets` helper's file at merge.
import { Injectable } from '@nestjs/common';
import { Prisma } from '@nixflow/db/client';

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
    if (!events.length) return;
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
