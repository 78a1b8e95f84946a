import { commitHorizon, type PrismaClient } from '@nixflow/db/client';
import type { StreamLogEvent } from '@nixflow/core';
import type { Tx } from '@nixflow/domain';

/** One EventLog row as a consumer sees it. */
export interface LoggedEvent extends StreamLogEvent {
  id: bigint;
  txId: bigint;
}

/**
 * Handles a batch of events inside the consumer's transaction and returns how many of them, from the
 * start, are fully done (the watermark moves past exactly those). Returning fewer than the batch means
 * "continue from the first unfinished event next time"; its partial effects must be idempotent.
 */
export type EventBatchHandler = (tx: Tx, events: LoggedEvent[]) => Promise<number>;

export interface ConsumeResult {
  /** False when another worker holds this consumer right now (nothing was done). */
  locked: boolean;
  read: number;
  handled: number;
}

/**
 * Reads the next batch after the consumer's watermark, hands it to `handle` and advances the watermark,
 * all in ONE transaction, so the effects and the new position commit together (exactly-once effect;
 * a crash rolls both back). Seed 000's analytics_watermarks, made safe against late commits:
 *
 * - Order is (txId, id), txId being the inserting transaction's id, and only events of transactions
 *   below the oldest still-running one of this database (commitHorizon) are read. Ids are handed out at INSERT but
 *   become visible at COMMIT, so "id > watermark" alone would skip an event whose transaction commits
 *   after a later one; behind xmin every transaction has finished, so nothing can still appear there.
 * - The EventConsumer row is locked FOR UPDATE SKIP LOCKED: several workers may call this at once,
 *   exactly one does the work, the others return at once (locked = false).
 */
export async function consumeEventBatch(
  prisma: PrismaClient,
  name: string,
  batchSize: number,
  handle: EventBatchHandler,
): Promise<ConsumeResult> {
  await prisma.$executeRaw`INSERT INTO "EventConsumer" ("name") VALUES (${name}) ON CONFLICT ("name") DO NOTHING`;
  return prisma.$transaction(
    async (tx) => {
      const [position] = await tx.$queryRaw<Array<{ lastTxId: bigint; lastEventId: bigint }>>`
        SELECT "lastTxId", "lastEventId" FROM "EventConsumer" WHERE "name" = ${name} FOR UPDATE SKIP LOCKED`;
      if (!position) return { locked: false, read: 0, handled: 0 };
      // Separate statement on purpose: everything below this xmin had finished before the next statement's
      // snapshot is taken, so all of it is visible there.
      const xmin = await commitHorizon(tx);
      const events = await tx.$queryRaw<LoggedEvent[]>`
        SELECT "id", "txId", "type", "aggregateType", "aggregateId", "actorId", "payload", "createdAt"
        FROM "EventLog"
        WHERE ("txId", "id") > (${position.lastTxId}::bigint, ${position.lastEventId}::bigint)
          AND "txId" < ${xmin}::bigint
        ORDER BY "txId", "id"
        LIMIT ${batchSize}`;
      if (events.length === 0) return { locked: true, read: 0, handled: 0 };
      const handled = Math.max(0, Math.min(events.length, await handle(tx, events)));
      if (handled > 0) {
        const last = events[handled - 1]!;
        await tx.$executeRaw`
          UPDATE "EventConsumer" SET "lastTxId" = ${last.txId}::bigint, "lastEventId" = ${last.id}::bigint,
                 "updatedAt" = now() AT TIME ZONE 'UTC'
          WHERE "name" = ${name}`;
      }
      return { locked: true, read: events.length, handled };
    },
    // A batch is bounded (batchSize events, bounded recompute chunks); the timeout only catches a stuck one.
    { maxWait: 10_000, timeout: 120_000 },
  );
}
