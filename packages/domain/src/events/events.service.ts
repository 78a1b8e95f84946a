import { Injectable } from '@nestjs/common';
import { Prisma } from '@nixflow/db/client';
import type { Tx } from '../tx.js';

export interface DomainEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  actorId?: string | null;
  payload?: Record<string, unknown>;
}

/** Safety net: a payload never carries comment or note text (consumers get ids and fetch what they may see). */
const FORBIDDEN_PAYLOAD_KEYS = new Set(['body']);

function safePayload(payload: Record<string, unknown> | undefined): Prisma.InputJsonObject {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload ?? {})) {
    if (!FORBIDDEN_PAYLOAD_KEYS.has(k) && v !== undefined) out[k] = v;
  }
  return JSON.parse(JSON.stringify(out)) as Prisma.InputJsonObject;
}

/** Stateless (no injected dependencies), so scripts such as the seed can `new` it. */
@Injectable()
export class EventsService {
  /** Appends to "EventLog" inside the caller's transaction (same tx as the change). */
  async append(tx: Tx, event: DomainEvent): Promise<void> {
    await this.appendMany(tx, [event]);
  }

  async appendMany(tx: Tx, events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await tx.eventLog.createMany({
      data: events.map((e) => ({
        type: e.type,
        aggregateType: e.aggregateType,
        aggregateId: e.aggregateId,
        actorId: e.actorId ?? null,
        payload: safePayload(e.payload),
      })),
    });
  }
}
