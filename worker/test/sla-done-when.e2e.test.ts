// Issue 4 "Done when", against the real worker process, Redis and PostgreSQL: breach within the
// scheduler interval and exactly once; answered in time → none; paused → none while paused; the event
// consumer processes every event exactly once across a kill -9.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import {
  EMAIL_OUTBOUND_QUEUE,
  EVENT_CONSUMER_QUEUE,
  SLA_MONITOR_QUEUE,
  planSlaOperations,
  type SlaEvent,
  type SlaMetricState,
} from '@nixflow/core';
import { createPrismaClient, type PrismaClient, type SlaPolicy, type Ticket } from '@nixflow/db/client';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@nixflow/db/testing';
import { kill9, REDIS_URL, startWorker, stop, waitFor, type WorkerProcess } from './worker-process.js';

const INTERVAL_MS = 500;
const PREFIX = testQueuePrefix();
const uid = () => randomBytes(5).toString('hex');
const workers: WorkerProcess[] = [];
let db: TestDatabase;
let prisma: PrismaClient;
let policy: SlaPolicy;
let requesterId: string;

const launch = (env: Record<string, string> = {}) => {
  const w = startWorker({
    DATABASE_URL: db.url,
    QUEUE_PREFIX: PREFIX,
    SLA_MONITOR_INTERVAL_MS: String(INTERVAL_MS),
    EVENT_CONSUMER_INTERVAL_MS: '300',
    ...env,
  });
  workers.push(w);
  return w;
};

before(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  // 1-minute first-response target, 24/7, default pause statuses (PENDING_CUSTOMER, ON_HOLD).
  policy = await prisma.slaPolicy.create({
    data: { name: `one-minute-${uid()}`, targets: { FIRST_RESPONSE: { NORMAL: 1 } } },
  });
  requesterId = (await prisma.user.create({ data: { email: `r-${uid()}@example.test`, name: 'Requester' } })).id;
});

after(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await prisma?.$disconnect();
  for (const name of [SLA_MONITOR_QUEUE, EVENT_CONSUMER_QUEUE, EMAIL_OUTBOUND_QUEUE]) {
    const queue = new Queue(name, { connection: { url: REDIS_URL }, prefix: PREFIX });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await db?.drop();
});

/** Applies the core planner the way the API's SlaLifecycleService does: metrics locked, updates status-guarded. */
async function applyEvent(ticket: Ticket, event: SlaEvent, now: Date): Promise<void> {
  await prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT "id" FROM "SLAMetric" WHERE "ticketId" = ${ticket.id}::uuid FOR UPDATE`;
      const rows = await tx.slaMetric.findMany({ where: { ticketId: ticket.id } });
      // A SlaMetric row is a SlaMetricState (plus bookkeeping columns the planner ignores).
      const metrics: SlaMetricState[] = rows;
      for (const op of planSlaOperations({ metrics, ticket, event, now, policy })) {
        if (op.op === 'create') {
          const { op: _op, ...data } = op;
          await tx.slaMetric.create({ data: { ...data, ticketId: ticket.id } });
        } else {
          const seen = metrics.find((m) => m.id === op.id)!;
          await tx.slaMetric.updateMany({ where: { id: op.id, status: seen.status }, data: op.fields });
        }
      }
    },
    // Prisma's 5 s default is too short for a few statements on a loaded machine.
    { timeout: 60_000 },
  );
}

/** A ticket whose 1-minute first-response clock started `agoMs` ago (no fake clock: the start is back-dated). */
async function ticketStartedAgo(agoMs: number): Promise<Ticket> {
  const ticket = await prisma.ticket.create({ data: { subject: `t-${uid()}`, description: 'x', requesterId } });
  await applyEvent(ticket, { kind: 'created' }, new Date(Date.now() - agoMs));
  return ticket;
}

const frMetric = (ticketId: string) =>
  prisma.slaMetric.findFirstOrThrow({ where: { ticketId, type: 'FIRST_RESPONSE' } });

describe('SLA worker: issue 4 "Done when" (real worker, Redis, PostgreSQL)', () => {
  it('due → exactly one breach within the interval; answered in time → none; paused → none while paused', async () => {
    const w = launch();
    try {
      await dueAnsweredPaused(w);
    } finally {
      assert.equal(await stop(w), 0, w.output());
    }
  });

  it('event consumer: kill -9 mid-run and restart → every event processed exactly once, watermark at the end', async () => {
    await killNineAndRestart();
  });
});

async function dueAnsweredPaused(w: WorkerProcess): Promise<void> {
  // Measure detection with the worker up and sweeping, not its boot time.
  await waitFor(() => /SLA sweep: /.test(w.output()), 120_000, `the first sweep\n${w.output()}`);
  // Due in ~15 s (60 s target, started 45 s ago): room for the set-up below on a loaded machine.
  const late = await ticketStartedAgo(45_000);
  const answered = await ticketStartedAgo(45_000);
  let paused = await ticketStartedAgo(45_000);
  await applyEvent(answered, { kind: 'agentPublicReply' }, new Date());
  paused = await prisma.ticket.update({ where: { id: paused.id }, data: { status: 'PENDING_CUSTOMER' } });
  await applyEvent(paused, { kind: 'statusChanged', from: 'OPEN', to: 'PENDING_CUSTOMER' }, new Date());
  const lateMetric = await frMetric(late.id);
  assert.ok(['ACTIVE', 'AT_RISK'].includes(lateMetric.status), lateMetric.status);
  assert.ok(lateMetric.dueAt.getTime() > Date.now(), 'the metric is not due yet when the worker starts');
  assert.equal((await frMetric(answered.id)).status, 'MET');
  assert.equal((await frMetric(paused.id)).status, 'PAUSED');

  await waitFor(
    async () => (await prisma.slaBreach.count({ where: { ticketId: late.id } })) > 0,
    120_000,
    `the breach\n${w.output()}`,
  );
  const [breach] = await prisma.slaBreach.findMany({ where: { ticketId: late.id } });
  assert.equal(breach!.breachedAt.getTime(), lateMetric.dueAt.getTime());
  const delay = breach!.detectedAt.getTime() - lateMetric.dueAt.getTime();
  assert.ok(delay >= 0 && delay <= INTERVAL_MS + 1000, `detected ${delay} ms after due (interval ${INTERVAL_MS})`);

  // Many more sweeps, well past every original deadline.
  await sleep(6 * INTERVAL_MS);
  assert.equal(await prisma.slaBreach.count({ where: { ticketId: late.id } }), 1);
  assert.equal(await prisma.slaBreach.count({ where: { ticketId: answered.id } }), 0);
  assert.equal(await prisma.slaBreach.count({ where: { ticketId: paused.id } }), 0);
  assert.equal((await frMetric(paused.id)).status, 'PAUSED');
  assert.equal(await prisma.eventLog.count({ where: { type: 'SLABreached', aggregateId: late.id } }), 1);

  // Resume: the deadline moves by the paused time, and the breach comes at the new deadline, not before.
  const before = await frMetric(paused.id);
  const resumedAt = new Date();
  paused = await prisma.ticket.update({ where: { id: paused.id }, data: { status: 'OPEN' } });
  await applyEvent(paused, { kind: 'statusChanged', from: 'PENDING_CUSTOMER', to: 'OPEN' }, resumedAt);
  const resumed = await frMetric(paused.id);
  assert.ok(resumed.dueAt.getTime() > before.dueAt.getTime());
  assert.equal(
    resumed.dueAt.getTime() - before.dueAt.getTime(),
    resumed.pausedBusinessSeconds * 1000,
    'due date moved by exactly the paused time',
  );
  if (resumed.dueAt.getTime() > Date.now()) {
    await waitFor(
      async () => (await prisma.slaBreach.count({ where: { ticketId: paused.id } })) > 0,
      120_000,
      'the breach after resume',
    );
    const [b] = await prisma.slaBreach.findMany({ where: { ticketId: paused.id } });
    assert.equal(b!.breachedAt.getTime(), resumed.dueAt.getTime());
    assert.ok(b!.detectedAt.getTime() >= resumed.dueAt.getTime());
  }
}

async function killNineAndRestart(): Promise<void> {
  const EVENTS = 20_000;
  const [assignee, watcher] = await Promise.all(
    ['assignee', 'watcher'].map((n) =>
      prisma.user.create({ data: { email: `${n}-${uid()}@example.test`, name: n, role: 'AGENT' } }),
    ),
  );
  const ticket = await prisma.ticket.create({
    data: {
      subject: 'kill -9',
      description: 'x',
      requesterId,
      assigneeId: assignee!.id,
      watchers: { create: [{ userId: watcher!.id }] },
    },
  });
  // Test-only witness: a BEFORE INSERT trigger counts every notification insert attempt, including
  // the ones ON CONFLICT DO NOTHING drops. It is transactional, so an attempt by a transaction that
  // kill -9 cut off vanishes with it; a second processing of an event would leave extra attempts.
  await prisma.$executeRawUnsafe(`CREATE TABLE "_test_attempts" ("dedupeKey" text NOT NULL)`);
  await prisma.$executeRawUnsafe(`
      CREATE FUNCTION "_test_count_attempt"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO "_test_attempts" VALUES (NEW."dedupeKey"); RETURN NEW; END $$`);
  await prisma.$executeRawUnsafe(`
      CREATE TRIGGER "_test_count_attempt" BEFORE INSERT ON "Notification"
      FOR EACH ROW EXECUTE FUNCTION "_test_count_attempt"()`);
  await prisma.$executeRaw`
      INSERT INTO "EventLog" ("type", "aggregateType", "aggregateId", "payload")
      SELECT 'SLAAtRisk', 'Ticket', ${ticket.id},
             jsonb_build_object('metricId', gen_random_uuid(), 'type', 'FIRST_RESPONSE', 'dueAt', '2030-01-01T00:00:00')
      FROM generate_series(1, ${EVENTS})`;
  const [{ lastId }] = await prisma.$queryRaw<Array<{ lastId: bigint }>>`SELECT max("id") AS "lastId" FROM "EventLog"`;
  const watermark = async () => (await prisma.eventConsumer.findUnique({ where: { name: 'sla' } }))?.lastEventId ?? 0n;
  const start = await watermark();

  const first = launch({ EVENT_CONSUMER_BATCH_SIZE: '100' });
  await waitFor(async () => (await watermark()) > start, 120_000, `consumer progress\n${first.output()}`);
  await kill9(first);
  const cut = await watermark();
  assert.ok(cut < lastId, `killed mid-run (watermark ${cut} of ${lastId})`);

  const second = launch({ EVENT_CONSUMER_BATCH_SIZE: '100' });
  await waitFor(async () => (await watermark()) >= lastId, 600_000, `the consumer to finish\n${second.output()}`);
  const notes = await prisma.notification.count({ where: { ticketId: ticket.id, type: 'sla.at_risk' } });
  const [{ attempts, distinct }] = await prisma.$queryRaw<Array<{ attempts: number; distinct: number }>>`
      SELECT count(*)::int AS "attempts", count(DISTINCT "dedupeKey")::int AS "distinct" FROM "_test_attempts"`;
  assert.equal(notes, 2 * EVENTS);
  assert.equal(distinct, EVENTS);
  assert.equal(attempts, 2 * EVENTS, 'each event was processed by exactly one committed transaction');
  assert.equal(await stop(second), 0, second.output());
}
