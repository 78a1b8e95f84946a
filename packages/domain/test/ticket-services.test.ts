import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { createPrismaClient, UserRole, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, type TestDatabase } from '@nixflow/db/testing';
import {
  CLOCK,
  CommentsService,
  ConflictError,
  DomainModule,
  ManualClock,
  NotFoundError,
  recomputePolicyChunk,
  SlaLifecycleService,
  TicketAccessService,
  TicketDeletionService,
  TicketsService,
  type DomainUser,
} from '../src/index.js';

/** Service tier: the domain providers over a real template-cloned database, no HTTP. */
describe('domain services (tickets, comments, SLA) over PostgreSQL', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let close: () => Promise<void>;
  const clock = new ManualClock();
  let tickets: TicketsService;
  let comments: CommentsService;
  let deletion: TicketDeletionService;
  let access: TicketAccessService;
  let lifecycle: SlaLifecycleService;
  let customer: DomainUser;
  let agent: DomainUser;
  let admin: DomainUser;
  let policyId: string;
  const tag = `svc-${randomBytes(3).toString('hex')}`;

  const user = async (role: UserRole): Promise<DomainUser> => {
    const u = await prisma.user.create({
      data: { email: `${role.toLowerCase()}-${randomBytes(5).toString('hex')}@test.nixflow.local`, name: role, role },
    });
    return { id: u.id, role: u.role, name: u.name };
  };
  const metrics = (ticketId: string) =>
    prisma.slaMetric.findMany({ where: { ticketId }, orderBy: [{ type: 'asc' }, { cycle: 'asc' }] });

  before(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, 3);
    const moduleRef = await Test.createTestingModule({
      imports: [DomainModule.forRoot({ prisma: { useValue: prisma } })],
    })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    close = () => moduleRef.close();
    tickets = moduleRef.get(TicketsService);
    comments = moduleRef.get(CommentsService);
    deletion = moduleRef.get(TicketDeletionService);
    access = moduleRef.get(TicketAccessService);
    lifecycle = moduleRef.get(SlaLifecycleService);
    [customer, agent, admin] = [await user(UserRole.CUSTOMER), await user(UserRole.AGENT), await user(UserRole.ADMIN)];
    // First in evaluation order, 24/7, only for this file's tickets (by tag).
    const policy = await prisma.slaPolicy.create({
      data: {
        name: `service tier ${tag}`,
        position: -100,
        conditions: { tags: [tag] },
        targets: { FIRST_RESPONSE: { NORMAL: 60 }, RESOLUTION: { NORMAL: 240 } },
      },
    });
    policyId = policy.id;
  });

  after(async () => {
    await close?.();
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('ticket create + agent comment: SLA metrics on the injected clock, first response met, events in the same transactions', async () => {
    clock.set('2026-03-02T10:00:00.000Z');
    const ticket = await tickets.create(agent, {
      subject: 'Printer on fire',
      description: 'Smoke',
      requesterId: customer.id,
      tags: [tag],
    });
    assert.equal(ticket.createdAt.toISOString(), '2026-03-02T10:00:00.000Z');
    let rows = await metrics(ticket.id);
    assert.deepEqual(
      rows.map((m) => [m.type, m.status, m.startedAt.toISOString(), m.dueAt.toISOString()]),
      [
        ['FIRST_RESPONSE', 'ACTIVE', '2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z'],
        ['RESOLUTION', 'ACTIVE', '2026-03-02T10:00:00.000Z', '2026-03-02T14:00:00.000Z'],
      ],
    );
    const row = await prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    assert.equal(row.slaPolicyId, policyId);
    assert.equal(row.slaNextDueAt?.toISOString(), '2026-03-02T11:00:00.000Z');

    clock.set('2026-03-02T10:30:00.000Z');
    await comments.add(agent, ticket.id, { body: 'On our way with a bucket.' });
    rows = await metrics(ticket.id);
    const first = rows.find((m) => m.type === 'FIRST_RESPONSE')!;
    assert.equal(first.status, 'MET');
    assert.equal(first.completedAt?.toISOString(), '2026-03-02T10:30:00.000Z');
    const events = await prisma.eventLog.findMany({ where: { aggregateId: ticket.id }, orderBy: { id: 'asc' } });
    const types = events.map((e) => e.type);
    assert.ok(types.includes('TicketCreated'), types.join());
    assert.ok(types.includes('CommentAdded'), types.join());
    // Safety net of the events writer: no comment text in a payload.
    assert.ok(events.every((e) => !('body' in ((e.payload as Record<string, unknown>) ?? {}))));
  });

  it('one SLA recompute for both processes: the API hook and the worker chunk retarget open metrics alike', async () => {
    clock.set('2026-03-03T08:00:00.000Z');
    const a = await tickets.create(agent, { subject: 'A', description: 'x', requesterId: customer.id, tags: [tag] });
    const b = await tickets.create(agent, { subject: 'B', description: 'x', requesterId: customer.id, tags: [tag] });
    // The policy's first response target doubles (what a PATCH does: new targets, version + 1).
    const policy = await prisma.slaPolicy.update({
      where: { id: policyId },
      data: { targets: { FIRST_RESPONSE: { NORMAL: 120 }, RESOLUTION: { NORMAL: 240 } }, version: { increment: 1 } },
    });
    clock.set('2026-03-03T08:10:00.000Z');
    // The API's path (a small policy, in the PATCH transaction)…
    await prisma.$transaction((tx) => lifecycle.onPolicyChanged(tx, policy));
    // …leaves nothing for the worker's chunked path, which converges on the same version.
    const again = await prisma.$transaction((tx) => recomputePolicyChunk(tx, policyId, clock.now()));
    assert.deepEqual(again, { done: true, changed: 0 });
    for (const t of [a, b]) {
      const first = (await metrics(t.id)).find((m) => m.type === 'FIRST_RESPONSE')!;
      assert.equal(first.policyVersion, policy.version);
      assert.equal(first.targetMinutes, 120);
      assert.equal(first.dueAt.toISOString(), '2026-03-03T10:00:00.000Z');
      const row = await prisma.ticket.findUniqueOrThrow({ where: { id: t.id } });
      assert.equal(row.slaNextDueAt?.toISOString(), '2026-03-03T10:00:00.000Z');
    }
  });

  it('a deleted ticket: NotFound for whoever cannot see it, Conflict for an admin write (restore first)', async () => {
    clock.set('2026-03-04T09:00:00.000Z');
    const ticket = await tickets.create(customer, { subject: 'Gone soon', description: 'x' });
    await deletion.softDelete(agent, ticket.id);
    await assert.rejects(access.findVisibleOrThrow(agent, ticket.id), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.code, 'ticket_not_found');
      assert.equal(err.kind, 'not_found');
      return true;
    });
    await assert.rejects(comments.add(customer, ticket.id, { body: 'hello?' }), NotFoundError);
    await assert.rejects(tickets.update(admin, ticket.id, { subject: 'x' }), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.equal(err.code, 'ticket_deleted');
      return true;
    });
    const open = await prisma.slaMetric.count({
      where: { ticketId: ticket.id, status: { in: ['ACTIVE', 'AT_RISK', 'PAUSED'] } },
    });
    assert.equal(open, 0);
  });
});
