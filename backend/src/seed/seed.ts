import { type PrismaClient, SLABreachType, TicketPriority, TicketStatus, UserRole } from '@nixflow/db/client';
import type { CreateFormDto } from '../forms/dto/form.dto.js';
import { FormAnswersValidator } from '../forms/form-answers.validator.js';
import { FormsService } from '../forms/forms.service.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { NestFactory } from '@nestjs/core';
import { CommentsService, DomainModule, TICKET_TX_OPTIONS, TicketsService, lockTicketOrThrow } from '@nixflow/domain';

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
  articlesCreated: number;
  forms: string[];
}

const DEMO_ARTICLES = [
  {
    slug: 'reset-your-password',
    title: 'Reset your password',
    excerpt: 'Forgot it? Get a reset link by mail.',
    body: 'Use **Forgot password** on the login page and enter your e-mail address. You get a link that works once, for one hour. Choose a new password: every device you were signed in on signs out.',
  },
  {
    slug: 'replace-the-printer-toner',
    title: 'Replace the printer toner',
    excerpt: 'Streaks or faint pages mean the toner cartridge is nearly empty.',
    body: 'Open the front cover of the printer, pull out the old toner cartridge, shake the new cartridge gently and push it in until it clicks. Print a test page.',
  },
  {
    slug: 'export-your-tickets',
    title: 'Export your tickets',
    excerpt: 'A CSV of every ticket, for reports.',
    body: 'Agents can export the ticket list as CSV from the dashboard: filter first, then choose Export. Large exports arrive by e-mail.',
  },
];

const DEMO_FORM: CreateFormDto = {
  name: 'Hardware request',
  description: 'Ask for a new laptop, screen or phone.',
  allowAnonymous: true,
  fields: [
    {
      key: 'item',
      label: 'What do you need?',
      type: 'SELECT',
      required: true,
      options: ['Laptop', 'Screen', 'Phone'].map((o) => ({ value: o.toLowerCase(), label: o })),
    },
    { key: 'reason', label: 'Why?', type: 'TEXTAREA', required: true, validation: { maxLength: 2000 } },
    { key: 'neededBy', label: 'Needed by', type: 'DATE' },
  ],
} as unknown as CreateFormDto;

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
    await prisma.slaPolicy.upsert({
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
  // Through the domain's ticket services (the same module the API and the worker use), so demo tickets
  // carry history, events and SLA metrics like real ones. The context borrows `prisma`: closing it leaves
  // the client open.
  const domain = await NestFactory.createApplicationContext(DomainModule.forRoot({ prisma: { useValue: prisma } }), {
    logger: false,
  });
  const tickets = domain.get(TicketsService);
  const comments = domain.get(CommentsService);
  try {
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
  } finally {
    await domain.close();
  }

  const articlesCreated = await seedArticles(prisma, agent1.id);
  const forms = await seedForm(prisma);
  await spreadSlaStates(prisma);

  return {
    articlesCreated,
    forms,
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

/** Published knowledge-base articles (with their first version), once each. */
async function seedArticles(prisma: PrismaClient, authorId: string): Promise<number> {
  let created = 0;
  for (const a of DEMO_ARTICLES) {
    if (await prisma.knowledgeArticle.findUnique({ where: { slug: a.slug } })) continue;
    await prisma.knowledgeArticle.create({
      data: {
        ...a,
        authorId,
        status: 'PUBLISHED',
        publishedAt: new Date(),
        versions: { create: { version: 1, title: a.title, body: a.body, excerpt: a.excerpt, authorId } },
      },
    });
    created++;
  }
  return created;
}

/** A published form that opens tickets, through FormsService (same checks as the API). */
async function seedForm(prisma: PrismaClient): Promise<string[]> {
  const existing = await prisma.customForm.findFirst({ where: { name: DEMO_FORM.name, deletedAt: null } });
  if (!existing) {
    const forms = new FormsService(prisma as never, new FormAnswersValidator());
    const form = await forms.create(DEMO_FORM);
    await forms.publish(form.id);
  }
  return [DEMO_FORM.name];
}

/**
 * The dashboard shows every SLA state: "Cannot log in" met its first response (the agent answered), the
 * outage's first response is overdue and "Invoice for March" is close to its due time. The worker's sweep
 * turns the last two into BREACHED and AT_RISK (with events and notifications) within seconds of starting.
 */
async function spreadSlaStates(prisma: PrismaClient): Promise<void> {
  const now = Date.now();
  const minutes = (n: number) => new Date(now + n * 60_000);
  const firstResponse = (subject: string) =>
    prisma.slaMetric.findFirst({
      where: { type: SLABreachType.FIRST_RESPONSE, status: 'ACTIVE', ticket: { subject } },
    });
  const overdue = await firstResponse('Production API returns 500 errors');
  if (overdue) {
    await prisma.slaMetric.update({
      where: { id: overdue.id },
      data: { startedAt: minutes(-90), dueAt: minutes(-60), warningAt: minutes(-66) },
    });
  }
  const close = await firstResponse('Invoice for March is missing');
  if (close) {
    await prisma.slaMetric.update({
      where: { id: close.id },
      data: { startedAt: minutes(-200), dueAt: minutes(40), warningAt: minutes(-10), pausedAt: null },
    });
  }
}
