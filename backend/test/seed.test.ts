import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, type TestDatabase } from '@nixflow/db/testing';
import { isDatabaseEmpty, seedDemoData } from '../src/seed/seed.js';
import { verifyPassword } from '../src/auth/password.js';

describe('seed', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  before(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, 2);
  });
  after(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('seeds demo data idempotently', async () => {
    assert.equal(await isDatabaseEmpty(prisma), true);
    const opts = { adminEmail: 'Admin@nixflow.local', adminPassword: 'Admin-Password-1' };
    const first = await seedDemoData(prisma, opts);
    assert.equal(first.ticketsCreated, 6);
    assert.equal(first.articlesCreated, 3);
    const second = await seedDemoData(prisma, opts);
    assert.equal(second.ticketsCreated, 0);
    assert.equal(second.articlesCreated, 0);
    // Knowledge base, a form, and SLA metrics in every state the dashboard shows (the worker sweeps the due ones).
    assert.equal(await prisma.knowledgeArticle.count({ where: { status: 'PUBLISHED' } }), 3);
    assert.ok((await prisma.knowledgeWord.findUnique({ where: { word: 'toner' } }))!.publishedArticles >= 1);
    const form = await prisma.customForm.findFirstOrThrow({ where: { name: 'Hardware request' } });
    assert.equal(form.status, 'PUBLISHED');
    assert.equal(await prisma.customForm.count(), 1);
    const now = new Date();
    assert.ok(await prisma.slaMetric.count({ where: { status: 'MET' } }), 'a met SLA');
    assert.ok(
      await prisma.slaMetric.count({ where: { status: 'ACTIVE', dueAt: { lt: now } } }),
      'an overdue SLA (breached by the worker)',
    );
    assert.ok(
      await prisma.slaMetric.count({ where: { status: 'ACTIVE', warningAt: { lt: now }, dueAt: { gt: now } } }),
      'an SLA at risk (marked by the worker)',
    );
    assert.equal(await isDatabaseEmpty(prisma), false);
    assert.equal(await prisma.user.count(), 5);
    assert.equal(await prisma.ticket.count(), 6);
    assert.equal(await prisma.slaPolicy.count(), 2);
    const admin = await prisma.user.findUniqueOrThrow({ where: { email: 'admin@nixflow.local' } });
    assert.equal(admin.role, 'ADMIN');
    assert.ok(await verifyPassword('Admin-Password-1', admin.passwordHash!));
    const stages = await prisma.stage.findMany({
      where: { workflow: { name: 'Support' } },
      orderBy: { position: 'asc' },
    });
    assert.deepEqual(
      stages.map((s) => [s.name, s.status, s.isInitial]),
      [
        ['New', 'OPEN', true],
        ['In progress', 'IN_PROGRESS', false],
        ['Waiting on customer', 'PENDING_CUSTOMER', false],
        ['Resolved', 'RESOLVED', false],
        ['Closed', 'CLOSED', false],
      ],
    );
    const ids = new Set(stages.map((s) => s.id));
    for (const s of stages) {
      assert.ok(s.allowedTransitionIds.length > 0);
      assert.ok(s.allowedTransitionIds.every((id) => ids.has(id) && id !== s.id));
    }
    const urgent = await prisma.slaPolicy.findUniqueOrThrow({ where: { name: 'Urgent 24/7' } });
    assert.equal(urgent.businessHours, null);
    assert.ok((await prisma.comment.count()) >= 6);
    // Demo tickets go through the ticket services: history, events and SLA metrics exist like for real ones.
    assert.equal(await prisma.eventLog.count({ where: { type: 'TicketCreated' } }), 6);
    assert.equal(await prisma.eventLog.count({ where: { type: 'CommentAdded' } }), await prisma.comment.count());
    assert.ok((await prisma.slaMetric.count()) > 0);
    assert.equal(await prisma.historyLog.count({ where: { action: 'created' } }), 6);
    const byStage = await prisma.ticket.findMany({ include: { stage: true } });
    for (const t of byStage) assert.equal(t.status, t.stage?.status, `${t.subject}: status follows its stage`);
    const answered = await prisma.ticket.findFirstOrThrow({ where: { subject: 'Cannot log in to the portal' } });
    assert.ok(answered.firstRespondedAt, 'the agent reply stamped firstRespondedAt');
    const escalated = await prisma.ticket.findFirstOrThrow({ where: { subject: 'Production API returns 500 errors' } });
    assert.equal(escalated.firstRespondedAt, null, 'an internal note is not a first response');
  });
});
