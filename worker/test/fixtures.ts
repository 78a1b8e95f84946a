import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@nixflow/db/client';

const uid = (): string => randomBytes(6).toString('hex');

export interface TicketFixture {
  ticketId: string;
  policyId: string;
  assigneeId: string;
  watcherId: string;
}

/** A requester, an assignee, a watcher, an SLA policy and one ticket, all with unique names. */
export async function createTicketFixture(
  prisma: PrismaClient,
  opts: { deleted?: boolean } = {},
): Promise<TicketFixture> {
  const user = (role: 'AGENT' | 'CUSTOMER', label: string) =>
    prisma.user.create({ data: { email: `${label}-${uid()}@example.test`, name: `${label} ${uid()}`, role } });
  const [requester, assignee, watcher] = await Promise.all([
    user('CUSTOMER', 'requester'),
    user('AGENT', 'assignee'),
    user('AGENT', 'watcher'),
  ]);
  const policy = await prisma.slaPolicy.create({ data: { name: `policy-${uid()}` } });
  const ticket = await prisma.ticket.create({
    data: {
      subject: `SLA test ${uid()}`,
      description: 'fixture',
      requesterId: requester.id,
      assigneeId: assignee.id,
      deletedAt: opts.deleted ? new Date() : null,
      watchers: { create: [{ userId: watcher.id }] },
    },
  });
  return { ticketId: ticket.id, policyId: policy.id, assigneeId: assignee.id, watcherId: watcher.id };
}

export interface MetricSpec {
  dueAt: Date;
  warningAt?: Date | null;
  status?: 'ACTIVE' | 'PAUSED' | 'AT_RISK';
}

/** Inserts metrics on one ticket (NEXT_RESPONSE, one cycle each, so the unique key holds). Returns ids in order. */
export async function createMetrics(prisma: PrismaClient, fx: TicketFixture, specs: MetricSpec[]): Promise<string[]> {
  const rows = await prisma.slaMetric.createManyAndReturn({
    data: specs.map((s, i) => ({
      ticketId: fx.ticketId,
      policyId: fx.policyId,
      type: 'NEXT_RESPONSE' as const,
      cycle: i + 1,
      targetMinutes: 60,
      status: s.status ?? 'ACTIVE',
      startedAt: new Date(s.dueAt.getTime() - 3_600_000),
      dueAt: s.dueAt,
      warningAt: s.warningAt ?? null,
    })),
    select: { id: true, cycle: true },
  });
  return rows.sort((a, b) => a.cycle - b.cycle).map((r) => r.id);
}
