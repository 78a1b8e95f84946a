import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BullModule } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import { EMAIL_OUTBOUND_QUEUE } from '@nixflow/core';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@nixflow/db/testing';
import { CLOCK, DomainModule, ManualClock } from '@nixflow/domain';
import { loadWorkerConfig, WORKER_CONFIG } from '../src/config.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { SlaEventConsumerService } from '../src/sla/sla-event-consumer.service.js';
import { SlaSweepService } from '../src/sla/sla-sweep.service.js';
import { createMetrics, createTicketFixture } from './fixtures.js';

const MIN = 60_000;
/** Far from the machine's time, so that only the injected clock can make these deadlines due. */
const T = new Date('2031-01-15T12:00:00.000Z');

/** Service tier: the worker's sweep and event consumer, wired by Nest, read "now" from CLOCK (overridden here). */
describe('worker services read the injected CLOCK', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let moduleRef: TestingModule;
  const clock = new ManualClock();

  before(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, 2);
    const config = loadWorkerConfig({ ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url });
    moduleRef = await Test.createTestingModule({
      imports: [
        BullModule.forRoot({ connection: { url: config.redisUrl }, prefix: testQueuePrefix() }),
        BullModule.registerQueue({ name: EMAIL_OUTBOUND_QUEUE }),
        DomainModule.forRoot({ prisma: { useValue: prisma } }),
      ],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        PrismaService,
        SlaSweepService,
        SlaEventConsumerService,
      ],
    })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    await moduleRef.init();
  });

  after(async () => {
    await moduleRef?.close();
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('the sweep breaches a metric due at T when the clock says T+1 min, not at T-1 min', async () => {
    const fx = await createTicketFixture(prisma);
    const [metricId] = await createMetrics(prisma, fx, [{ dueAt: T }]);
    const sweeper = moduleRef.get(SlaSweepService);

    clock.set(new Date(T.getTime() - MIN));
    assert.equal((await sweeper.sweep()).breached, 0);
    assert.equal((await prisma.slaMetric.findUniqueOrThrow({ where: { id: metricId } })).status, 'ACTIVE');

    const later = clock.set(new Date(T.getTime() + MIN));
    assert.equal((await sweeper.sweep()).breached, 1);
    assert.equal((await prisma.slaMetric.findUniqueOrThrow({ where: { id: metricId } })).status, 'BREACHED');
    const [breach] = await prisma.slaBreach.findMany({ where: { metricId } });
    assert.equal(breach?.detectedAt.toISOString(), later.toISOString());
  });

  it('the event consumer cancels a deleted ticket’s metrics at the clock’s time', async () => {
    const fx = await createTicketFixture(prisma, { deleted: true });
    const [metricId] = await createMetrics(prisma, fx, [{ dueAt: new Date(T.getTime() + 60 * MIN) }]);
    await prisma.eventLog.create({
      data: { type: 'TicketDeleted', aggregateType: 'Ticket', aggregateId: fx.ticketId },
    });
    const at = clock.set('2031-02-01T08:30:00.000Z');
    const consumer = moduleRef.get(SlaEventConsumerService);
    // Events become readable once older transactions in the cluster have finished: poll, generously.
    for (const deadline = Date.now() + 120_000; ;) {
      await consumer.run();
      const metric = await prisma.slaMetric.findUniqueOrThrow({ where: { id: metricId } });
      if (metric.status === 'CANCELLED') {
        assert.equal(metric.updatedAt.toISOString(), at.toISOString());
        return;
      }
      assert.ok(Date.now() < deadline, 'timed out waiting for the event consumer');
      await sleep(50);
    }
  });
});
