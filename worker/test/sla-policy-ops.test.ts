import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { EMAIL_OUTBOUND_QUEUE, nextBusinessStart, policyCalendar } from '@nixflow/core';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@nixflow/db/testing';
import { queueEnqueuer, SlaEventConsumer } from '../src/sla/sla-event-consumer.service.js';
import { notifySlaAlerts, type SlaAlert } from '../src/sla/sla-notifications.js';
import { SLA_POLICY_RETIRED } from '@nixflow/domain';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const MIN = 60_000;
const uid = () => randomBytes(4).toString('hex');
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

async function user(role: 'AGENT' | 'CUSTOMER') {
  return prisma.user.create({ data: { email: `${role.toLowerCase()}-${uid()}@example.test`, name: uid(), role } });
}

describe('SLA policy retirement (worker re-evaluation)', () => {
  it('a deactivated policy’s open tickets move to the policy that matches now, start its clocks, or are cancelled', async () => {
    const tag = `retire-${uid()}`;
    const requester = await user('CUSTOMER');
    const retired = await prisma.slaPolicy.create({
      data: {
        name: `retired ${tag}`,
        position: 0,
        conditions: { tags: [tag] },
        targets: { RESOLUTION: { NORMAL: 60 } },
      },
    });
    const next = await prisma.slaPolicy.create({
      data: { name: `next ${tag}`, position: 5, conditions: { tags: [tag] }, targets: { RESOLUTION: { NORMAL: 600 } } },
    });
    const ticket = (tags: string[]) =>
      prisma.ticket.create({
        data: { subject: 's', description: 'd', requesterId: requester.id, tags, slaPolicyId: retired.id },
      });
    const moved = await ticket([tag]);
    const started = await ticket([tag]); // had no clocks under the retired policy
    const orphan = await ticket([`nothing-matches-${uid()}`]);
    const startedAt = new Date(Date.now() - 10 * MIN);
    for (const t of [moved, orphan]) {
      await prisma.slaMetric.create({
        data: {
          ticketId: t.id,
          policyId: retired.id,
          type: 'RESOLUTION',
          targetMinutes: 60,
          startedAt,
          dueAt: new Date(startedAt.getTime() + 60 * MIN),
          warningAt: new Date(startedAt.getTime() + 48 * MIN),
        },
      });
    }
    await prisma.$transaction([
      prisma.slaPolicy.update({ where: { id: retired.id }, data: { isActive: false, version: { increment: 1 } } }),
      prisma.eventLog.create({
        data: {
          type: SLA_POLICY_RETIRED,
          aggregateType: 'SLAPolicy',
          aggregateId: retired.id,
          payload: { policyId: retired.id },
        },
      }),
    ]);

    // Events become readable once older transactions in the cluster have finished: poll.
    const consumer = new SlaEventConsumer(prisma, null);
    for (const deadline = Date.now() + 60_000; ;) {
      await consumer.run();
      const rows = await prisma.ticket.findMany({ where: { id: { in: [moved.id, started.id, orphan.id] } } });
      if (rows.every((r) => r.slaPolicyId !== retired.id)) break;
      if (Date.now() > deadline) throw new Error('timed out waiting for the re-evaluation');
      await sleep(50);
    }

    const movedMetric = await prisma.slaMetric.findFirstOrThrow({ where: { ticketId: moved.id } });
    assert.equal(movedMetric.policyId, next.id);
    assert.equal(movedMetric.status, 'ACTIVE');
    // Same start: the time already spent counts against the new target.
    assert.equal(movedMetric.dueAt.getTime(), startedAt.getTime() + 600 * MIN);
    const movedTicket = await prisma.ticket.findUniqueOrThrow({ where: { id: moved.id } });
    assert.equal(movedTicket.slaPolicyId, next.id);
    assert.equal(movedTicket.slaNextDueAt?.getTime(), movedMetric.dueAt.getTime());

    const startedTicket = await prisma.ticket.findUniqueOrThrow({ where: { id: started.id } });
    assert.equal(startedTicket.slaPolicyId, next.id);
    const startedMetrics = await prisma.slaMetric.findMany({ where: { ticketId: started.id } });
    assert.deepEqual(
      startedMetrics.map((m) => [m.type, m.status, m.policyId]),
      [['RESOLUTION', 'ACTIVE', next.id]],
    );
    assert.equal(startedTicket.slaNextDueAt?.getTime(), startedMetrics[0]!.dueAt.getTime());

    const orphanTicket = await prisma.ticket.findUniqueOrThrow({ where: { id: orphan.id } });
    assert.equal(orphanTicket.slaPolicyId, null);
    assert.equal(orphanTicket.slaNextDueAt, null);
    assert.equal((await prisma.slaMetric.findFirstOrThrow({ where: { ticketId: orphan.id } })).status, 'CANCELLED');
  });
});

describe('business-hours-only SLA mails (zammad#4432)', () => {
  it('holds the mail back until the next business minute; in-app notifications and other policies are not delayed', async () => {
    const prefix = testQueuePrefix();
    const queue = new Queue(EMAIL_OUTBOUND_QUEUE, { connection: { url: REDIS_URL }, prefix });
    try {
      const now = new Date();
      // Open one hour, two days from now (UTC): now is outside business hours.
      const day = (now.getUTCDay() + 2) % 7;
      const calendar = { timezone: 'UTC', businessHours: [{ day, start: '00:00', end: '01:00' }], holidays: [] };
      const quiet = await prisma.slaPolicy.create({
        data: {
          name: `quiet ${uid()}`,
          isActive: false,
          targets: { RESOLUTION: { NORMAL: 60 } },
          notifyDuringBusinessHoursOnly: true,
          ...calendar,
        },
      });
      const loud = await prisma.slaPolicy.create({
        data: { name: `loud ${uid()}`, isActive: false, targets: { RESOLUTION: { NORMAL: 60 } }, ...calendar },
      });
      await prisma.emailAccount.create({
        data: { address: `support-${uid()}@example.test`, smtpHost: 'smtp.example.test' },
      });
      const requester = await user('CUSTOMER');
      const assignee = await user('AGENT');
      const alerts: SlaAlert[] = [];
      for (const policy of [quiet, loud]) {
        const ticket = await prisma.ticket.create({
          data: { subject: 's', description: 'd', requesterId: requester.id, assigneeId: assignee.id },
        });
        const metric = await prisma.slaMetric.create({
          data: {
            ticketId: ticket.id,
            policyId: policy.id,
            type: 'RESOLUTION',
            targetMinutes: 60,
            startedAt: new Date(now.getTime() - 2 * 60 * MIN),
            dueAt: new Date(now.getTime() - MIN),
            status: 'BREACHED',
            breachedAt: new Date(now.getTime() - MIN),
          },
        });
        alerts.push({
          kind: 'SLABreached' as const,
          ticketId: ticket.id,
          metricId: metric.id,
          metricType: 'RESOLUTION',
          dueAt: metric.dueAt.toISOString(),
        });
      }
      const r = await prisma.$transaction((tx) => notifySlaAlerts(tx, alerts, queueEnqueuer(queue), now));
      assert.deepEqual(r, { notifications: 2, emails: 2 });
      // The in-app notifications exist now, for both.
      assert.equal(await prisma.notification.count({ where: { userId: assignee.id } }), 2);

      const quietJob = await queue.getJob(`sla-SLABreached-${alerts[0]!.metricId}`);
      const loudJob = await queue.getJob(`sla-SLABreached-${alerts[1]!.metricId}`);
      assert.ok(quietJob && loudJob);
      const expected = nextBusinessStart(now, policyCalendar(calendar)).getTime() - now.getTime();
      assert.ok(expected > 0);
      assert.equal(quietJob.opts.delay, expected);
      assert.equal(await quietJob.isDelayed(), true);
      assert.ok(!loudJob.opts.delay);
      assert.equal(await loudJob.isDelayed(), false);
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
  });
});
