import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@nixflow/db/testing';
import { EVENT_CONSUMER_QUEUE, SLA_MONITOR_QUEUE } from '@nixflow/core';
import { createMetrics, createTicketFixture } from './fixtures.js';
import { REDIS_URL, startWorker as startProcess, stop, waitFor, type WorkerProcess } from './worker-process.js';

const PREFIX = testQueuePrefix();
// A second prefix = a second, independent scheduler: sweeps and consumer runs of the two workers then
// really overlap, instead of BullMQ handing each scheduled job to just one of them.
const PREFIX_B = `${PREFIX}-b`;
const startWorker = (databaseUrl: string, prefix = PREFIX) =>
  startProcess({ DATABASE_URL: databaseUrl, SLA_MONITOR_INTERVAL_MS: '500', QUEUE_PREFIX: prefix });

const workers: WorkerProcess[] = [];
let db: TestDatabase;
let emptyDb: TestDatabase;
let prisma: PrismaClient;

before(async () => {
  db = await createTestDatabase();
  emptyDb = await createTestDatabase({ migrated: false });
  prisma = createPrismaClient(db.url);
});

after(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await prisma?.$disconnect();
  // Remove every BullMQ key of this run's prefix (scheduler included).
  for (const prefix of [PREFIX, PREFIX_B]) {
    for (const name of [SLA_MONITOR_QUEUE, EVENT_CONSUMER_QUEUE]) {
      const queue = new Queue(name, { connection: { url: REDIS_URL }, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }
  await db?.drop();
  await emptyDb?.drop();
});

describe('SLA worker process (real Redis and Postgres)', () => {
  it('two workers (independent schedulers) breach each due metric exactly once, notify once, exit 0 on SIGTERM', async () => {
    const fx = await createTicketFixture(prisma);
    const a = startWorker(db.url);
    const b = startWorker(db.url, PREFIX_B);
    workers.push(a, b);
    const dueAt = new Date(Date.now() + 1000);
    const ids = await createMetrics(
      prisma,
      fx,
      Array.from({ length: 20 }, () => ({ dueAt })),
    );

    await waitFor(
      async () => (await prisma.slaBreach.count({ where: { metricId: { in: ids } } })) === ids.length,
      120_000,
      `breaches for ${ids.length} metrics\n${a.output()}\n${b.output()}`,
    );
    // Both are sweeping the same database (each on its own schedule).
    await waitFor(
      () => /SLA sweep: /.test(a.output()) && /SLA sweep: /.test(b.output()),
      120_000,
      `sweeps by both workers\n${a.output()}\n${b.output()}`,
    );
    // Let several more sweeps run on both workers: nothing may be added.
    await sleep(1500);
    assert.equal(await prisma.slaBreach.count({ where: { metricId: { in: ids } } }), ids.length);
    assert.equal(await prisma.eventLog.count({ where: { type: 'SLABreached', aggregateId: fx.ticketId } }), ids.length);
    // Notifications follow through the event consumer (SLABreached events), once per metric and user.
    const notes = () => prisma.notification.count({ where: { userId: fx.assigneeId, ticketId: fx.ticketId } });
    await waitFor(async () => (await notes()) >= ids.length, 120_000, 'notifications');
    await sleep(1000);
    assert.equal(await notes(), ids.length);

    const [codeA, codeB] = await Promise.all([stop(a), stop(b)]);
    assert.equal(codeA, 0, a.output());
    assert.equal(codeB, 0, b.output());
  });

  it('logs [DB-MISMATCH] and keeps running when the SLA tables are missing', async () => {
    const w = startWorker(emptyDb.url);
    workers.push(w);
    await waitFor(() => w.output().includes('[DB-MISMATCH]'), 120_000, `[DB-MISMATCH] log\n${w.output()}`);
    assert.match(w.output(), /run npm run db:migrate/);
    await sleep(1200); // several more ticks: it must not crash
    assert.equal(w.child.exitCode, null, w.output());
    assert.equal(await stop(w), 0, w.output());
  });
});
