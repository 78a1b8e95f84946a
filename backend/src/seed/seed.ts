import { type PrismaClient, TicketPriority, TicketStatus, UserRole } from '@nixflow/db/client';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { createTicketServices } from '../tickets/standalone.js';
import { TICKET_TX_OPTIONS, lockTicketOrThrow } from '../tickets/ticket-tx.js';

export interface SeedOptions {
  adminEmail: string;
  adminPassword: string;
}

export interface SeedReport {
  users: string[];
  workflow: string;
  stages: string[];
  slaPolicies: string[];
  ticketsCreated: number;
}

export const DEMO_AGENT_PASSWORD = 'Agent-Password-123';
export const DEMO_CUSTOMER_PASSWORD = 'Customer-Password-123';

/** True when the database holds no users (first start). */
export async function isDatabaseEmpty(prisma: Pick<PrismaClient, 'user'>): Promise<boolean> {
  return (await prisma.user.count()) === 0;
}

async function upsertUser(
  prisma: PrismaClient,
  email: string,
  name: string,
  role: UserRole,
  password: string,
): Promise<{ id: string; role: UserRole }> {
  const existing = await prisma.user.findUnique({ where: { email } });
  if (existing) {
    // Idempotent: keep the row, only repair a missing/different password for demo accounts.
    if (!existing.passwordHash || !(await verifyPassword(password, existing.passwordHash))) {
      await prisma.user.update({ where: { id: existing.id }, data: { passwordHash: await hashPassword(password) } });
    }
    return existing;
  }
  return prisma.user.create({ data: { email, name, role, passwordHash: await hashPassword(password) } });
}

const STAGES: { name: string; status: TicketStatus; isInitial?: boolean; next: string[] }[] = [
  {
    name: 'New',
    status: TicketStatus.OPEN,
    isInitial: true,
    next: ['In progress', 'Waiting on customer', 'Resolved', 'Closed'],
  },
  { name: 'In progress', status: TicketStatus.IN_PROGRESS, next: ['Waiting on customer', 'Resolved', 'Closed'] },
  { name: 'Waiting on customer', status: TicketStatus.PENDING_CUSTOMER, next: ['In progress', 'Resolved', 'Closed'] },
  { name: 'Resolved', status: TicketStatus.RESOLVED, next: ['In progress', 'Closed'] },
  { name: 'Closed', status: TicketStatus.CLOSED, next: ['In progress'] },
];

const WEEKDAYS_9_TO_5 = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));

export async function seedDemoData(prisma: PrismaClient, options: SeedOptions): Promise<SeedReport> {
  await upsertUser(prisma, options.adminEmail.toLowerCase(), 'Administrator', UserRole.ADMIN, options.adminPassword);
  const agent1 = await upsertUser(prisma, 'agent1@nixflow.local', 'Alice Agent', UserRole.AGENT, DEMO_AGENT_PASSWORD);
  const agent2 = await upsertUser(prisma, 'agent2@nixflow.local', 'Bob Agent', UserRole.AGENT, DEMO_AGENT_PASSWORD);
  const customer1 = await upsertUser(
    prisma,
    'customer1@nixflow.local',
    'Carol Customer',
    UserRole.CUSTOMER,
    DEMO_CUSTOMER_PASSWORD,
  );
  const customer2 = await upsertUser(
    prisma,
    'customer2@nixflow.local',
    'Dave Customer',
    UserRole.CUSTOMER,
    DEMO_CUSTOMER_PASSWORD,
  );

  const hasDefault = (await prisma.workflow.count({ where: { isDefault: true, NOT: { name: 'Support' } } })) > 0;
  const workflow = await prisma.workflow.upsert({
    where: { name: 'Support' },
    update: {},
    create: { name: 'Support', description: 'Default support workflow', isDefault: !hasDefault },
  });
  const stageIds = new Map<string, string>();
  for (const [position, s] of STAGES.entries()) {
    const stage = await prisma.stage.upsert({
      where: { workflowId_name: { workflowId: workflow.id, name: s.name } },
      update: {},
      create: { workflowId: workflow.id, name: s.name, position, status: s.status, isInitial: s.isInitial ?? false },
    });
    stageIds.set(s.name, stage.id);
  }
  for (const s of STAGES) {
    const id = stageIds.get(s.name)!;
    const current = await prisma.stage.findUniqueOrThrow({ where: { id } });
    if (current.allowedTransitionIds.length === 0) {
      await prisma.stage.update({ where: { id }, data: { allowedTransitionIds: s.next.map((n) => stageIds.get(n)!) } });
    }
  }

  const policies = [
    {
      name: 'Standard business hours',
      description: 'Mon–Fri 09:00–17:00 Europe/London',
      position: 10,
      conditions: { priorities: ['LOW', 'NORMAL', 'HIGH'] },
      targets: {
        FIRST_RESPONSE: { LOW: 480, NORMAL: 240, HIGH: 60 },
        NEXT_RESPONSE: { LOW: 960, NORMAL: 480, HIGH: 120 },
        RESOLUTION: { LOW: 4800, NORMAL: 2400, HIGH: 960 },
      },
      timezone: 'Europe/London',
      businessHours: WEEKDAYS_9_TO_5,
      holidays: [
        { date: '2026-12-25', name: 'Christmas Day' },
        { date: '2026-12-28', name: 'Boxing Day (substitute)' },
      ],
    },
    {
      name: 'Urgent 24/7',
      description: 'Round the clock for URGENT tickets',
      position: 0,
      conditions: { priorities: ['URGENT'] },
      targets: { FIRST_RESPONSE: { URGENT: 30 }, NEXT_RESPONSE: { URGENT: 60 }, RESOLUTION: { URGENT: 480 } },
      timezone: 'UTC',
      businessHours: null,
      holidays: [],
    },
  ];
  for (const p of policies) {
    const { businessHours, ...rest } = p;
    await prisma.sLAPolicy.upsert({
      where: { name: p.name },
      update: {},
      create: { ...rest, ...(businessHours ? { businessHours } : {}) },
    });
  }

  let ticketsCreated = 0;
  const demo: {
    subject: string;
    description: string;
    priority: TicketPriority;
    stage: string;
    requester: { id: string; role: UserRole };
    assignee?: { id: string; role: UserRole };
    tags: string[];
    comments: { author: { id: string; role: UserRole }; body: string; internal?: boolean }[];
  }[] = [
    {
      subject: 'Cannot log in to the portal',
      description: 'I reset my password but the login page still says invalid credentials.',
      priority: TicketPriority.HIGH,
      stage: 'In progress',
      requester: customer1,
      assignee: agent1,
      tags: ['login'],
      comments: [
        { author: agent1, body: 'Thanks, we are looking into it. Which browser are you using?' },
        { author: customer1, body: 'Firefox, latest version.' },
      ],
    },
    {
      subject: 'Invoice for March is missing',
      description: 'The March invoice does not appear in the billing section.',
      priority: TicketPriority.NORMAL,
      stage: 'New',
      requester: customer2,
      tags: ['billing'],
      comments: [],
    },
    {
      subject: 'Production API returns 500 errors',
      description: 'All calls to /orders fail since 08:10 UTC.',
      priority: TicketPriority.URGENT,
      stage: 'In progress',
      requester: customer1,
      assignee: agent2,
      tags: ['api', 'outage'],
      comments: [{ author: agent2, body: 'Escalated to engineering.', internal: true }],
    },
    {
      subject: 'How do I export my data?',
      description: 'Is there a CSV export of all tickets?',
      priority: TicketPriority.LOW,
      stage: 'Waiting on customer',
      requester: customer2,
      assignee: agent1,
      tags: ['question'],
      comments: [{ author: agent1, body: 'Which data exactly do you need: tickets or users?' }],
    },
    {
      subject: 'Feature request: dark mode',
      description: 'It would be great to have a dark theme.',
      priority: TicketPriority.LOW,
      stage: 'Resolved',
      requester: customer1,
      assignee: agent2,
      tags: ['feature-request'],
      comments: [{ author: agent2, body: 'Added to the roadmap, thanks!' }],
    },
    {
      subject: 'Change of billing address',
      description: 'Please update our billing address to 1 Example Street, London.',
      priority: TicketPriority.NORMAL,
      stage: 'Closed',
      requester: customer2,
      assignee: agent1,
      tags: ['billing'],
      comments: [{ author: agent1, body: 'Done, the next invoice will use the new address.' }],
    },
  ];
  // Through the ticket services, so demo tickets carry history, events and SLA metrics like real ones.
  const { tickets, comments } = createTicketServices(prisma);
  for (const t of demo) {
    const exists = await prisma.ticket.findFirst({ where: { subject: t.subject, requesterId: t.requester.id } });
    if (exists) continue;
    await prisma.$transaction(async (tx) => {
      const requester = { id: t.requester.id, role: t.requester.role };
      const created = await tickets.createInTx(
        tx,
        {
          subject: t.subject,
          description: t.description,
          priority: t.priority,
          requesterId: t.requester.id,
          assigneeId: t.assignee?.id ?? null,
          workflowId: workflow.id,
          tags: t.tags,
        },
        requester,
      );
      for (const c of t.comments) {
        await comments.addInTx(
          tx,
          created,
          { body: c.body, internal: c.internal },
          { id: c.author.id, role: c.author.role },
        );
      }
      const stageId = stageIds.get(t.stage)!;
      const current = await lockTicketOrThrow(tx, created.id);
      if (current.stageId !== stageId) {
        const agent = t.assignee ?? agent1;
        await tickets.updateLockedInTx(
          tx,
          current,
          { stageId },
          { id: agent.id, role: agent.role },
          {
            enforceTransitions: false,
          },
        );
      }
    }, TICKET_TX_OPTIONS);
    ticketsCreated++;
  }

  return {
    users: [
      options.adminEmail.toLowerCase(),
      'agent1@nixflow.local',
      'agent2@nixflow.local',
      'customer1@nixflow.local',
      'customer2@nixflow.local',
    ],
    workflow: workflow.name,
    stages: STAGES.map((s) => s.name),
    slaPolicies: policies.map((p) => p.name),
    ticketsCreated,
  };
}
