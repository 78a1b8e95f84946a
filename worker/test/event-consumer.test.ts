import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Queue } from 'bullmq';
import { EMAIL_OUTBOUND_QUEUE, SEND_NOTIFICATION_JOB, computeDueAt } from '@nixflow/core';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@nixflow/db/testing';
import { consumeEventBatch, type LoggedEvent } from '../src/events/event-log.js';
import { queueEnqueuer, SlaEventConsumer } from '../src/sla/sla-event-consumer.service.js';
import { notifySlaAlerts } from '../src/sla/sla-notifications.js';
import { createMetrics, createTicketFixture } from './fixtures.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
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

/**
 * Events become readable once every transaction older than theirs has finished, cluster-wide
 * (pg_snapshot_xmin), and parallel test files write all the time: so poll instead of asserting after
 * one call.
 */
async function until<T>(attempt: () => Promise<T>, done: (v: T) => boolean, what: string, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await attempt();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const consumerName = () => `test-${randomBytes(4).toString('hex')}`;

/** Appends an event in its own (committed) transaction. */
async function append(type: string, aggregateId = randomUUID(), payload: object = {}): Promise<bigint> {
  const row = await prisma.eventLog.create({ data: { type, aggregateType: 'Test', aggregateId, payload } });
  return row.id;
}

/** Runs one consumer batch, recording the ids it was handed. */
async function consumeInto(name: string, seen: bigint[], batchSize = 100) {
  return consumeEventBatch(prisma, name, batchSize, async (_tx, events: LoggedEvent[]) => {
    seen.push(...events.map((e) => e.id));
    return events.length;
  });
}

describe('event-log consumer (watermark)', () => {
  it('never skips an event whose transaction commits after a later one, and reads in commit-safe order', async () => {
    const name = consumerName();
    const seen: bigint[] = [];
    const marker = await append('Marker');
    await until(
      () => consumeInto(name, seen),
      () => seen.includes(marker),
      'catching up',
    );
    seen.length = 0;

    // Transaction A takes an id first but commits last.
    const a = new pg.Client({ connectionString: db.url });
    await a.connect();
    try {
      await a.query('BEGIN');
      const { rows } = await a.query(
        `INSERT INTO "EventLog" ("type", "aggregateType", "aggregateId") VALUES ('Late', 'Test', 'a') RETURNING "id"`,
      );
      const lateId = BigInt(rows[0].id);
      const earlyId = await append('Early');
      assert.ok(earlyId > lateId);

      // While A runs, the later committed event must not be read either (it would move the watermark past A's).
      const r1 = await consumeInto(name, seen);
      assert.equal(r1.read, 0);
      assert.deepEqual(seen, []);

      await a.query('COMMIT');
      await until(
        () => consumeInto(name, seen),
        () => seen.length >= 2,
        'both events',
      );
      assert.deepEqual(seen, [lateId, earlyId]);
      await consumeInto(name, seen);
      assert.deepEqual(seen, [lateId, earlyId], 'nothing is read twice');
    } finally {
      await a.end();
    }
  });

  it('advances the watermark only with the work: a failing handler leaves it where it was', async () => {
    const name = consumerName();
    const id = await append('Boom');
    let failed = false;
    await until(
      () =>
        consumeEventBatch(prisma, name, 10, async (tx, events) => {
          if (events.some((e) => e.id === id)) {
            await tx.eventConsumer.update({ where: { name }, data: { lastEventId: 999_999n } }); // rolled back too
            throw new Error('handler failed');
          }
          return events.length;
        }).catch((err: Error) => {
          assert.match(err.message, /handler failed/);
          failed = true;
        }),
      () => failed,
      'the failing handler',
    );
    const seen: bigint[] = [];
    await until(
      () => consumeInto(name, seen),
      () => seen.includes(id),
      'the event again',
    );
    assert.deepEqual(
      seen.filter((x) => x >= id),
      [id],
    );
    const row = await prisma.eventConsumer.findUniqueOrThrow({ where: { name } });
    assert.equal(row.lastEventId, id);
  });

  it('a partial result moves the watermark past the handled prefix only', async () => {
    const name = consumerName();
    const ids = [await append('P'), await append('P'), await append('P')];
    // Handle everything up to and including the first P, once all three are visible.
    const first = await until(
      () =>
        consumeEventBatch(prisma, name, 1000, async (_tx, events) => {
          const at = events.map((e) => e.id);
          return ids.every((id) => at.includes(id)) ? at.indexOf(ids[0]!) + 1 : 0;
        }),
      (r) => r.handled > 0,
      'all three events',
    );
    assert.ok(first.read >= 3);
    const seen: bigint[] = [];
    await until(
      () => consumeInto(name, seen),
      () => seen.length >= 2,
      'the rest',
    );
    assert.deepEqual(seen, ids.slice(1));
  });

  it('two consumers of the same name at once: one works, the other returns locked = false', async () => {
    const name = consumerName();
    await append('Slow');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const other = createPrismaClient(db.url);
    try {
      let entered = false;
      let slow!: Promise<{ handled: number }>;
      await until(
        async () => {
          slow = consumeEventBatch(prisma, name, 10, async (_tx, events) => {
            entered = true;
            await gate;
            return events.length;
          });
          // Until it holds the batch, or has returned without seeing the event (snapshot): then try again.
          // Never a second call while this one runs (a fixed 300 ms here started one under load).
          const finished = slow.then(() => true);
          while (!entered && !(await Promise.race([finished, sleep(50).then(() => false)])));
          return entered;
        },
        (v) => v,
        'the first consumer to hold the lock',
      );
      const second = await consumeEventBatch(other, name, 10, async (_tx, events) => events.length);
      assert.equal(second.locked, false);
      release();
      assert.ok((await slow).handled >= 1);
    } finally {
      await other.$disconnect();
    }
  });
});

describe('SLA event handling', () => {
  it('SLA alerts go only to recipients who can still see the ticket (demoted watcher, stranger customer: none)', async () => {
    const fx = await createTicketFixture(prisma);
    const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: fx.ticketId } });
    // The watcher was demoted after they started watching; a stranger customer's row slipped in.
    await prisma.user.update({ where: { id: fx.watcherId }, data: { role: 'CUSTOMER' } });
    const stranger = await prisma.user.create({
      data: { email: `stranger-${randomBytes(4).toString('hex')}@example.test`, name: 'stranger', role: 'CUSTOMER' },
    });
    await prisma.ticketWatcher.createMany({
      data: [
        { ticketId: fx.ticketId, userId: stranger.id },
        { ticketId: fx.ticketId, userId: ticket.requesterId },
      ],
    });
    const metricId = randomUUID();
    const alert = {
      kind: 'SLABreached' as const,
      ticketId: fx.ticketId,
      metricId,
      metricType: 'RESOLUTION',
      dueAt: '2026-01-01T10:00:00.000',
    };
    const result = await prisma.$transaction((tx) => notifySlaAlerts(tx, [alert], null, new Date()));
    assert.equal(result.notifications, 2);
    const notes = await prisma.notification.findMany({ where: { ticketId: fx.ticketId } });
    assert.deepEqual(notes.map((n) => n.userId).sort(), [fx.assigneeId, ticket.requesterId].sort());
  });

  it('SLABreached: one in-app notification per recipient, one email job on email-outbound when SMTP exists', async () => {
    const prefix = testQueuePrefix();
    const queue = new Queue(EMAIL_OUTBOUND_QUEUE, { connection: { url: REDIS_URL }, prefix });
    try {
      const consumer = new SlaEventConsumer(prisma, queueEnqueuer(queue));
      const fx = await createTicketFixture(prisma);
      await prisma.emailAccount.create({
        data: { address: `support-${randomBytes(4).toString('hex')}@example.test`, smtpHost: 'smtp.example.test' },
      });
      const metricId = randomUUID();
      const event = {
        type: 'SLABreached',
        aggregateType: 'Ticket',
        aggregateId: fx.ticketId,
        payload: { metricId, type: 'FIRST_RESPONSE', dueAt: '2026-01-01T10:00:00.000' },
      };
      await prisma.eventLog.create({ data: event });
      await prisma.eventLog.create({ data: event }); // a duplicate event still notifies once
      await until(
        async () => {
          await consumer.run();
          return prisma.notification.count({ where: { ticketId: fx.ticketId } });
        },
        (n) => n >= 2,
        'notifications',
      );
      const notes = await prisma.notification.findMany({ where: { ticketId: fx.ticketId } });
      assert.deepEqual(notes.map((n) => n.userId).sort(), [fx.assigneeId, fx.watcherId].sort());
      assert.ok(notes.every((n) => n.type === 'sla.breached' && n.dedupeKey === `sla-breach:${metricId}`));
      // An event written before the sweep added the zone still gives a notification with Z.
      assert.ok(notes.every((n) => (n.data as { dueAt: string }).dueAt === '2026-01-01T10:00:00.000Z'));
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.name, SEND_NOTIFICATION_JOB);
      const users = await prisma.user.findMany({ where: { id: { in: [fx.assigneeId, fx.watcherId] } } });
      assert.deepEqual(jobs[0]!.data.to, users.map((u) => u.email).sort());
      assert.equal(jobs[0]!.data.ticketId, fx.ticketId);
      assert.match(jobs[0]!.data.subject, /SLA breached: first response/);
      await consumer.run();
      assert.equal((await queue.getJobs(['waiting', 'delayed', 'prioritized'])).length, 1);
    } finally {
      await prisma.emailAccount.deleteMany({ where: { smtpHost: 'smtp.example.test' } });
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('SLAPolicyChanged: recomputes the open metrics in chunks, each committed with the watermark', async () => {
    const consumer = new SlaEventConsumer(prisma, null, { recomputeChunk: 4 });
    const fx = await createTicketFixture(prisma);
    const startedAt = new Date('2026-01-05T10:00:00Z');
    await prisma.slaPolicy.update({ where: { id: fx.policyId }, data: { targets: { NEXT_RESPONSE: { NORMAL: 60 } } } });
    await prisma.slaMetric.createMany({
      data: Array.from({ length: 10 }, (_, i) => ({
        ticketId: fx.ticketId,
        policyId: fx.policyId,
        type: 'NEXT_RESPONSE' as const,
        cycle: i + 1,
        targetMinutes: 60,
        startedAt,
        dueAt: new Date(startedAt.getTime() + 3_600_000),
        warningAt: new Date(startedAt.getTime() + 2_880_000),
        status: i === 9 ? ('MET' as const) : ('ACTIVE' as const),
      })),
    });
    // What PATCH does for a large policy: new version + event, no synchronous recompute.
    const policy = await prisma.slaPolicy.update({
      where: { id: fx.policyId },
      data: { version: { increment: 1 }, targets: { NEXT_RESPONSE: { NORMAL: 600 } } },
    });
    await prisma.eventLog.create({
      data: {
        type: 'SLAPolicyChanged',
        aggregateType: 'SLAPolicy',
        aggregateId: policy.id,
        payload: { policyId: policy.id, version: policy.version },
      },
    });
    let recomputed = 0;
    let batches = 0;
    await until(
      async () => {
        const r = await consumer.run();
        recomputed += r.recomputed;
        batches += r.batches;
        return recomputed;
      },
      (n) => n >= 9,
      'recompute',
    );
    assert.equal(recomputed, 9);
    assert.ok(batches >= 3, `expected ≥ 3 batches (chunks of 4), got ${batches}`);
    const metrics = await prisma.slaMetric.findMany({ where: { ticketId: fx.ticketId }, orderBy: { cycle: 'asc' } });
    const due = computeDueAt({ startedAt, targetMinutes: 600, cal: { timezone: 'UTC', hours: null, holidays: [] } });
    for (const m of metrics.slice(0, 9)) {
      assert.equal(m.targetMinutes, 600);
      assert.equal(m.policyVersion, policy.version);
      assert.deepEqual(m.dueAt, due);
      assert.equal(m.status, 'AT_RISK'); // started long ago: past 80 % of 600 minutes
    }
    assert.equal(metrics[9]!.targetMinutes, 60, 'closed metrics are left alone');
    assert.equal((await consumer.run()).recomputed, 0);
  });

  it('TicketDeleted: cancels the open metrics of a ticket that is still deleted, not of a restored one', async () => {
    const consumer = new SlaEventConsumer(prisma, null);
    const gone = await createTicketFixture(prisma);
    const restored = await createTicketFixture(prisma);
    const due = new Date(Date.now() + 3_600_000);
    const goneIds = await createMetrics(prisma, gone, [{ dueAt: due }, { dueAt: due, status: 'PAUSED' }]);
    const keptIds = await createMetrics(prisma, restored, [{ dueAt: due }]);
    await prisma.ticket.update({ where: { id: gone.ticketId }, data: { deletedAt: new Date() } });
    for (const fx of [gone, restored]) {
      await prisma.eventLog.create({
        data: { type: 'TicketDeleted', aggregateType: 'Ticket', aggregateId: fx.ticketId },
      });
    }
    await until(
      async () => {
        await consumer.run();
        return prisma.slaMetric.count({ where: { id: { in: goneIds }, status: 'CANCELLED' } });
      },
      (n) => n === 2,
      'cancelled metrics',
    );
    assert.equal((await prisma.slaMetric.findUniqueOrThrow({ where: { id: keptIds[0]! } })).status, 'ACTIVE');
  });
});
