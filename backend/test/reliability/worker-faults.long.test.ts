import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserRole, createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, type TestDatabase } from '@nixflow/db/testing';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { listRoutes } from './support/openapi-routes.js';
import { ProcessRegistry, WORKER_MAIN, spawnNode, waitFor, type NodeProcess } from './support/processes.js';
import { privateServicesUnavailable, startPrivateRedis, type PrivateRedis } from './support/private-services.js';

// Faults around the SLA worker: kill -9 of every worker in the middle of a monitoring pass, and a Redis
// that goes away and comes back EMPTY (no persistence). The database is the source of truth: every due
// metric is breached exactly once, with exactly one event and one notification per recipient.

const skip = privateServicesUnavailable();
const procs = new ProcessRegistry();
const uid = () => randomBytes(5).toString('hex');
let redis: PrivateRedis | undefined;
let db: TestDatabase | undefined;
let prisma: PrismaClient;

function startWorker(env: Record<string, string> = {}): NodeProcess {
  return procs.track(
    spawnNode(WORKER_MAIN, {
      DATABASE_URL: db!.url,
      REDIS_URL: redis!.url,
      QUEUE_PREFIX: `nixflow-rel-${uid()}`,
      SLA_MONITOR_INTERVAL_MS: '300',
      LOG_LEVEL: 'info',
      ...env,
    }),
  );
}

interface Fixture {
  ticketId: string;
  assigneeId: string;
  watcherId: string;
}

/** One ticket (assignee + watcher) with `count` NEXT_RESPONSE metrics, all due `dueInMs` from now. */
async function dueMetrics(count: number, dueInMs = -60_000): Promise<Fixture> {
  const mk = (role: UserRole, label: string) =>
    prisma.user.create({ data: { email: `${label}-${uid()}@test.nixflow.local`, name: label, role } });
  const [requester, assignee, watcher] = [
    await mk(UserRole.CUSTOMER, 'requester'),
    await mk(UserRole.AGENT, 'assignee'),
    await mk(UserRole.AGENT, 'watcher'),
  ];
  const policy = await prisma.slaPolicy.create({ data: { name: `rel-policy-${uid()}` } });
  const ticket = await prisma.ticket.create({
    data: {
      subject: `reliability ${uid()}`,
      description: 'fault test',
      requesterId: requester.id,
      assigneeId: assignee.id,
      watchers: { create: [{ userId: watcher.id }] },
    },
  });
  const due = new Date(Date.now() + dueInMs).toISOString();
  await prisma.$executeRawUnsafe(
    `INSERT INTO "SLAMetric" ("ticketId", "policyId", "type", "cycle", "targetMinutes", "status", "startedAt", "dueAt", "updatedAt")
     SELECT $1::uuid, $2::uuid, 'NEXT_RESPONSE', g, 60, 'ACTIVE', $3::timestamp(3) - interval '1 hour',
            $3::timestamp(3) + (g || ' milliseconds')::interval, now()
     FROM generate_series(1, $4::int) g`,
    ticket.id,
    policy.id,
    due,
    count,
  );
  return { ticketId: ticket.id, assigneeId: assignee.id, watcherId: watcher.id };
}

interface Tally {
  metrics: number;
  breached: number;
  open: number;
  breaches: number;
  events: number;
  notifications: number;
  /** Metrics whose status and breach row disagree (half-written). */
  inconsistent: number;
  /** Breaches, events or notifications that exist more than once per metric (and user). */
  duplicates: number;
}

async function tally(fx: Fixture): Promise<Tally> {
  const [row] = await prisma.$queryRawUnsafe<Tally[]>(
    `SELECT
       (SELECT count(*)::int FROM "SLAMetric" WHERE "ticketId" = $1::uuid) AS metrics,
       (SELECT count(*)::int FROM "SLAMetric" WHERE "ticketId" = $1::uuid AND status = 'BREACHED') AS breached,
       (SELECT count(*)::int FROM "SLAMetric" WHERE "ticketId" = $1::uuid AND status IN ('ACTIVE', 'AT_RISK')) AS open,
       (SELECT count(*)::int FROM "SLABreach" WHERE "ticketId" = $1::uuid) AS breaches,
       (SELECT count(*)::int FROM "EventLog" WHERE type = 'SLABreached' AND "aggregateId" = $1::text) AS events,
       (SELECT count(*)::int FROM "Notification" WHERE "ticketId" = $1::uuid AND type = 'sla.breached') AS notifications,
       (SELECT count(*)::int FROM "SLAMetric" m LEFT JOIN "SLABreach" b ON b."metricId" = m.id
         WHERE m."ticketId" = $1::uuid AND ((m.status = 'BREACHED') <> (b.id IS NOT NULL))) AS inconsistent,
       (SELECT count(*)::int FROM (
          SELECT payload->>'metricId' FROM "EventLog" WHERE type = 'SLABreached' AND "aggregateId" = $1::text
          GROUP BY 1 HAVING count(*) > 1
          UNION ALL
          SELECT "dedupeKey" FROM "Notification" WHERE "ticketId" = $1::uuid GROUP BY "userId", "dedupeKey" HAVING count(*) > 1
        ) d) AS duplicates`,
    fx.ticketId,
  );
  return row!;
}

function assertExactlyOnce(t: Tally, count: number, label: string): void {
  assert.deepEqual(
    t,
    {
      metrics: count,
      breached: count,
      open: 0,
      breaches: count,
      events: count,
      notifications: 2 * count,
      inconsistent: 0,
      duplicates: 0,
    },
    label,
  );
}

describe('SLA worker faults (private Redis, real worker processes)', { skip, timeout: 420_000 }, () => {
  before(async () => {
    redis = await startPrivateRedis();
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, 4);
  });
  after(async () => {
    await procs.killAll();
    await prisma?.$disconnect().catch(() => undefined);
    await db?.drop().catch(() => undefined);
    await redis?.stop();
  });

  it('kill -9 of all 3 workers mid-pass, then a restart: no breach lost or doubled, nothing half-written', async () => {
    const COUNT = Number(process.env.RELIABILITY_KILL_METRICS || 24_000);
    const fx = await dueMetrics(COUNT);
    const prefix = `nixflow-rel-${uid()}`;
    const workers = [0, 1, 2].map(() => startWorker({ QUEUE_PREFIX: prefix }));
    // Wait until the pass is under way, then crash every worker at once.
    let seen = 0;
    await waitFor(
      async () => {
        seen = (await tally(fx)).breaches;
        return seen > 0;
      },
      60_000,
      () => `the first breaches\n${workers[0]!.output()}`,
      20,
    );
    await Promise.all(workers.map((w) => w.kill9()));
    const crashed = await tally(fx);
    // Only whole batches (one statement each) are ever visible: status, breach, event and notifications agree.
    assert.equal(crashed.inconsistent, 0, JSON.stringify(crashed));
    assert.equal(crashed.duplicates, 0, JSON.stringify(crashed));
    assert.equal(crashed.events, crashed.breaches, JSON.stringify(crashed));
    // Notifications come from the SLA event consumer, after the event: they may lag, never exceed.
    assert.ok(crashed.notifications <= 2 * crashed.breaches, JSON.stringify(crashed));
    assert.ok(crashed.breaches < COUNT, `the workers finished the pass (${COUNT}) before the kill: raise the count`);

    const restarted = [0, 1, 2].map(() => startWorker({ QUEUE_PREFIX: prefix }));
    await waitFor(
      async () => {
        const now = await tally(fx);
        return now.open === 0 && now.notifications >= 2 * COUNT;
      },
      150_000,
      () => `the restarted workers to catch up\n${restarted[0]!.output().slice(-3000)}`,
      250,
    );
    await sleep(1000); // more sweeps on all three: nothing may be added
    assertExactlyOnce(await tally(fx), COUNT, 'after restart');
    for (const w of restarted) assert.equal(await w.stop(), 0, w.output());
    console.log(`# kill -9 at ${crashed.breaches}/${COUNT} breaches; restart completed the rest exactly once`);
  });

  it('Redis stops and comes back empty: the API keeps serving and says degraded, the worker reconnects and catches up', async () => {
    let app: TestApp | undefined;
    try {
      app = await createTestApp({ env: { REDIS_URL: redis!.url } });
      const admin = await app.tokenFor(UserRole.ADMIN);
      const before = await tally(await dueMetrics(50));
      assert.equal(before.breaches, 0);
      const worker = startWorker();
      const first = await dueMetrics(50);
      await waitFor(
        async () => (await tally(first)).open === 0,
        30_000,
        () => `first breaches\n${worker.output()}`,
      );

      assert.equal((await app.http.get('/api/health/ready')).body.status, 'ready');
      await redis!.stop();
      const duringOutage = await dueMetrics(40);
      const ready = await app.http.get('/api/health/ready');
      assert.equal(ready.status, 200, ready.text);
      assert.equal(ready.body.status, 'degraded');
      assert.equal(ready.body.checks.redis.status, 'down');
      // The API keeps serving while Redis is down.
      for (let i = 0; i < 5; i++) {
        const users: { status: number; text: string } = await app.http
          .get('/api/users')
          .set('authorization', `Bearer ${admin}`);
        assert.equal(users.status, 200, users.text);
        const created: { status: number; text: string } = await app.http
          .post('/api/users')
          .set('authorization', `Bearer ${admin}`)
          .send({ email: `redis-down-${uid()}@test.nixflow.local`, name: 'During outage', password: 'Password-123' });
        assert.equal(created.status, 201, created.text);
      }
      // Tickets and replies too (when this build has them): the queue being down must not hang or fail them.
      const routes = new Set(listRoutes(app.app).map((r) => r.key));
      if (routes.has('POST /api/tickets') && routes.has('POST /api/tickets/{id}/comments')) {
        const customer = await app.createUser({ role: UserRole.CUSTOMER });
        const customerToken = await app.login(customer.email, customer.password);
        const agentToken = await app.tokenFor(UserRole.AGENT);
        const started = Date.now();
        const ticket: { status: number; text: string; body: { id: string } } = await app.http
          .post('/api/tickets')
          .set('authorization', `Bearer ${customerToken}`)
          .send({ subject: 'Redis is down', description: 'and so am I' })
          .timeout(10_000);
        assert.equal(ticket.status, 201, ticket.text);
        const reply: { status: number; text: string } = await app.http
          .post(`/api/tickets/${ticket.body.id}/comments`)
          .set('authorization', `Bearer ${agentToken}`)
          .send({ body: 'We are on it' })
          .timeout(10_000);
        assert.equal(reply.status, 201, reply.text);
        const list: { status: number } = await app.http
          .get('/api/tickets')
          .set('authorization', `Bearer ${customerToken}`)
          .timeout(10_000);
        assert.equal(list.status, 200);
        assert.ok(Date.now() - started < 10_000, `ticket writes took ${Date.now() - started} ms without Redis`);
      }
      await sleep(3000); // a few missed ticks
      assert.equal(worker.exited(), false, `the worker died while Redis was down:\n${worker.output()}`);
      assert.equal((await tally(duringOutage)).breaches, 0, 'nothing can be swept without Redis');

      await redis!.start();
      await waitFor(
        async () => {
          const now = await tally(duringOutage);
          return now.open === 0 && now.notifications === 80;
        },
        60_000,
        () => `the worker to catch up after Redis returned\n${worker.output().slice(-4000)}`,
        250,
      );
      assertExactlyOnce(await tally(duringOutage), 40, 'metrics that fell due during the outage');
      assertExactlyOnce(await tally(first), 50, 'metrics breached before the outage');
      assert.equal((await app.http.get('/api/health/ready')).body.status, 'ready');
      assert.equal(await worker.stop(), 0, worker.output());
    } finally {
      await app?.close();
    }
  });
});
