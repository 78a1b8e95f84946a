import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, type TestDatabase } from '@nixflow/db/testing';
import { SlaEventConsumer } from '../src/sla/sla-event-consumer.service.js';
import { SlaSweeper } from '../src/sla/sla-sweep.service.js';
import { createMetrics, createTicketFixture } from './fixtures.js';

const MIN = 60_000;
let db: TestDatabase;
let prisma: PrismaClient;

before(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
});
after(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

describe('SlaSweeper against a real database', () => {
  // Notifications come from the SLABreached / SLAAtRisk events, through the event consumer.
  // Events become readable once all older transactions in the cluster have finished, so poll.
  const consumeUntil = async (check: () => Promise<boolean>) => {
    const consumer = new SlaEventConsumer(prisma, null);
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      await consumer.run();
      if (await check()) return;
      await sleep(50);
    }
    throw new Error('timed out waiting for the event consumer');
  };

  it('breaches an overdue metric exactly once, with one event; the consumer notifies assignee and watcher', async () => {
    const now = new Date();
    const fx = await createTicketFixture(prisma);
    const dueAt = new Date(now.getTime() - 5 * MIN);
    const [metricId] = await createMetrics(prisma, fx, [{ dueAt, warningAt: new Date(dueAt.getTime() - MIN) }]);
    const sweeper = new SlaSweeper(prisma);

    const first = await sweeper.sweep(now);
    assert.ok(first.breached >= 1);
    await sweeper.sweep(now);
    await sweeper.sweep(new Date(now.getTime() + MIN));

    const breaches = await prisma.slaBreach.findMany({ where: { metricId } });
    assert.equal(breaches.length, 1);
    assert.equal(breaches[0]!.breachedAt.getTime(), dueAt.getTime());
    assert.equal(breaches[0]!.detectedAt.getTime(), now.getTime());
    const metric = await prisma.slaMetric.findUniqueOrThrow({ where: { id: metricId } });
    assert.equal(metric.status, 'BREACHED');
    assert.equal(metric.breachedAt?.getTime(), dueAt.getTime());

    const events = await prisma.eventLog.findMany({ where: { type: 'SLABreached', aggregateId: fx.ticketId } });
    assert.equal(events.length, 1);
    assert.equal((events[0]!.payload as { metricId: string; breachId: string }).metricId, metricId);
    assert.equal((events[0]!.payload as { breachId: string }).breachId, breaches[0]!.id);
    // ISO 8601 with Z, not the zone-less text jsonb_build_object makes of a timestamp(3) column.
    assert.equal((events[0]!.payload as { dueAt: string }).dueAt, dueAt.toISOString());

    assert.equal(await prisma.notification.count({ where: { dedupeKey: `sla-breach:${metricId}` } }), 0);
    await consumeUntil(
      async () => (await prisma.notification.count({ where: { dedupeKey: `sla-breach:${metricId}` } })) >= 2,
    );
    await consumeUntil(async () => true);
    const notes = await prisma.notification.findMany({ where: { dedupeKey: `sla-breach:${metricId}` } });
    assert.deepEqual(notes.map((n) => n.userId).sort(), [fx.assigneeId, fx.watcherId].sort());
    assert.ok(notes.every((n) => (n.data as { dueAt: string }).dueAt === dueAt.toISOString()));
  });

  it('leaves a metric that is not yet due alone', async () => {
    const now = new Date();
    const fx = await createTicketFixture(prisma);
    const [metricId] = await createMetrics(prisma, fx, [
      { dueAt: new Date(now.getTime() + 60 * MIN), warningAt: new Date(now.getTime() + 30 * MIN) },
    ]);
    await new SlaSweeper(prisma).sweep(now);
    assert.equal(await prisma.slaBreach.count({ where: { metricId } }), 0);
    assert.equal((await prisma.slaMetric.findUniqueOrThrow({ where: { id: metricId } })).status, 'ACTIVE');
  });

  it('marks a metric at its warning point AT_RISK once, with an event and a notification', async () => {
    const now = new Date();
    const fx = await createTicketFixture(prisma);
    const [metricId] = await createMetrics(prisma, fx, [{ dueAt: new Date(now.getTime() + 10 * MIN), warningAt: now }]);
    const sweeper = new SlaSweeper(prisma);
    await sweeper.sweep(now);
    await sweeper.sweep(now);
    assert.equal((await prisma.slaMetric.findUniqueOrThrow({ where: { id: metricId } })).status, 'AT_RISK');
    assert.equal(await prisma.slaBreach.count({ where: { metricId } }), 0);
    assert.equal(await prisma.eventLog.count({ where: { type: 'SLAAtRisk', aggregateId: fx.ticketId } }), 1);
    await consumeUntil(
      async () => (await prisma.notification.count({ where: { dedupeKey: `sla-at-risk:${metricId}` } })) >= 2,
    );
    assert.equal(
      await prisma.notification.count({ where: { userId: fx.assigneeId, dedupeKey: `sla-at-risk:${metricId}` } }),
      1,
    );
  });

  it('never breaches a PAUSED metric, even past due', async () => {
    const now = new Date();
    const fx = await createTicketFixture(prisma);
    const [metricId] = await createMetrics(prisma, fx, [{ dueAt: new Date(now.getTime() - MIN), status: 'PAUSED' }]);
    await new SlaSweeper(prisma).sweep(now);
    assert.equal(await prisma.slaBreach.count({ where: { metricId } }), 0);
    assert.equal((await prisma.slaMetric.findUniqueOrThrow({ where: { id: metricId } })).status, 'PAUSED');
  });

  it('cancels, rather than breaches, overdue metrics of a soft-deleted ticket', async () => {
    const now = new Date();
    const fx = await createTicketFixture(prisma, { deleted: true });
    const [metricId] = await createMetrics(prisma, fx, [{ dueAt: new Date(now.getTime() - MIN) }]);
    await new SlaSweeper(prisma).sweep(now);
    assert.equal(await prisma.slaBreach.count({ where: { metricId } }), 0);
    assert.equal((await prisma.slaMetric.findUniqueOrThrow({ where: { id: metricId } })).status, 'CANCELLED');
  });

  it('splits 300 due metrics across 3 concurrent sweepers with no duplicates', async () => {
    const now = new Date();
    const fx = await createTicketFixture(prisma);
    const ids = await createMetrics(
      prisma,
      fx,
      Array.from({ length: 300 }, (_, i) => ({ dueAt: new Date(now.getTime() - (i + 1) * 1000) })),
    );
    const clients = [0, 1, 2].map(() => createPrismaClient(db.url));
    try {
      // Small batches force several interleaved batches per sweeper.
      const results = await Promise.all(clients.map((c) => new SlaSweeper(c, 40).sweep(now)));
      const total = results.reduce((sum, r) => sum + r.breached, 0);
      // Another sweeper may have skipped rows locked by its peers; a follow-up sweep must find nothing left.
      const rest = await new SlaSweeper(prisma).sweep(now);
      assert.equal(total + rest.breached, 300);
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
    }
    assert.equal(await prisma.slaBreach.count({ where: { metricId: { in: ids } } }), 300);
    assert.equal(await prisma.slaMetric.count({ where: { id: { in: ids }, status: 'BREACHED' } }), 300);
    assert.equal(await prisma.eventLog.count({ where: { type: 'SLABreached', aggregateId: fx.ticketId } }), 300);
    await consumeUntil(
      async () => (await prisma.notification.count({ where: { userId: fx.assigneeId, ticketId: fx.ticketId } })) >= 300,
    );
    assert.equal(await prisma.notification.count({ where: { userId: fx.assigneeId, ticketId: fx.ticketId } }), 300);
  });
});
