import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '@nixflow/db/client';
import { packageDir } from '../../src/common/package-dir.js';

// The worker is another workspace: its compiled consumer, loaded by path (compiled to backend/dist/test/support).
const CONSUMER_MODULE = path.resolve(
  packageDir(import.meta.dirname),
  '../worker/dist/src/sla/sla-event-consumer.service.js',
);

interface WorkerConsumer {
  run(): Promise<{ events: number }>;
}
interface ConsumerModule {
  SLA_EVENT_CONSUMER: string;
  SlaEventConsumer: new (prisma: PrismaClient, enqueueEmails: null) => WorkerConsumer;
}

/**
 * The worker's real event consumer (notification fan-out, SLA side) over a test's database, in the test
 * process: `drain()` waits until every event committed before the call is consumed; `startLoop()` keeps
 * it running, as the worker does, for tests that watch a live stream. Not a fake: the same class the
 * worker's job runs, on the same watermark, so a real worker process running beside it is harmless.
 */
export class TestEventConsumer {
  private consumer: Promise<{ mod: ConsumerModule; consumer: WorkerConsumer }> | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly prisma: PrismaClient) {}

  private load() {
    this.consumer ??= (import(pathToFileURL(CONSUMER_MODULE).href) as Promise<ConsumerModule>).then((mod) => ({
      mod,
      consumer: new mod.SlaEventConsumer(this.prisma, null),
    }));
    return this.consumer;
  }

  /** Runs the consumer until its watermark has passed the last event committed before this call. */
  async drain(deadlineMs = 120_000): Promise<void> {
    const { mod, consumer } = await this.load();
    const [head] = await this.prisma.$queryRaw<Array<{ txId: bigint; id: bigint }>>`
      SELECT "txId", "id" FROM "EventLog" ORDER BY "txId" DESC, "id" DESC LIMIT 1`;
    if (!head) return;
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      await consumer.run();
      const [pos] = await this.prisma.$queryRaw<Array<{ caughtUp: boolean }>>`
        SELECT ("lastTxId", "lastEventId") >= (${head.txId}::bigint, ${head.id}::bigint) AS "caughtUp"
        FROM "EventConsumer" WHERE "name" = ${mod.SLA_EVENT_CONSUMER}`;
      if (pos?.caughtUp) return;
      // Events are readable once every older transaction of this database has finished (commit horizon).
      if (Date.now() > deadline) throw new Error(`event consumer did not reach event ${head.id} in ${deadlineMs} ms`);
      await sleep(20);
    }
  }

  /** Runs the consumer every `everyMs` until stop() (as the worker's repeating job does). */
  startLoop(everyMs = 50): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = (async () => {
      const { consumer } = await this.load();
      while (!this.stopping) {
        await consumer.run().catch(() => undefined); // a failed run is retried on the next tick, as in the worker
        await sleep(everyMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    this.loop = null;
  }
}
