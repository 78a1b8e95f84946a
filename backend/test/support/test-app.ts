import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { CLOCK, ChangeNotices, type Clock } from '@nixflow/domain';
import supertest from 'supertest';
import { UserRole, createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@nixflow/db/testing';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { hashPassword } from '../../src/auth/password.js';
import { TestEventConsumer } from './event-consumer.js';
import { formatViolations, openApiContractRecorder, type ContractViolation } from './openapi-contract.js';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  password: string;
}

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof supertest>;
  prisma: PrismaClient;
  db: TestDatabase;
  /** The worker's event consumer over this database (notifications follow a write once it ran: drain()). */
  events: TestEventConsumer;
  /** Responses that disagreed with backend/openapi.json so far; close() fails when there are any. */
  contractViolations: ContractViolation[];
  close(): Promise<void>;
  createUser(opts?: { role?: UserRole; email?: string; password?: string; name?: string }): Promise<TestUser>;
  login(email: string, password: string): Promise<string>;
  tokenFor(role: UserRole): Promise<string>;
  /**
   * Resolves once the app has handled the change notices of everything committed so far: configuration
   * written with plain SQL/Prisma (SLA policies, workflows, routing rules) is in effect after it.
   */
  changesSettled(): Promise<void>;
}

export const uniqueEmail = (prefix = 'user'): string =>
  `${prefix}-${randomBytes(5).toString('hex')}@test.nixflow.local`;

/** A Nest app over a fresh clone of the migrated template database (one per test file). */
export async function createTestApp(
  options: {
    migrated?: boolean;
    env?: Record<string, string>;
    checkContract?: boolean;
    /** Replaces the domain's CLOCK (e.g. a ManualClock), as Test.createTestingModule(...).overrideProvider does. */
    clock?: Clock;
  } = {},
): Promise<TestApp> {
  process.env.NODE_ENV ??= 'test';
  process.env.LOG_LEVEL ??= 'silent';
  // Every test file logs in often from 127.0.0.1: the per-IP login limit would get in the way.
  process.env.LOGIN_IP_THROTTLE_LIMIT ??= '100000';
  process.env.NIXFLOW_SKIP_STARTUP_SCHEMA_CHECK ??= '1';
  // Parallel test files share one Redis: each process gets its own BullMQ key prefix.
  process.env.QUEUE_PREFIX ??= testQueuePrefix();
  Object.assign(process.env, options.env ?? {});
  const db = await createTestDatabase({ migrated: options.migrated });
  process.env.DATABASE_URL = db.url;
  let app: INestApplication | undefined;
  const prisma = createPrismaClient(db.url, 3);
  const contractViolations: ContractViolation[] = [];
  try {
    if (options.clock) {
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
        .overrideProvider(CLOCK)
        .useValue(options.clock)
        .compile();
      app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    } else app = await NestFactory.create(AppModule, { bodyParser: false, logger: false });
    // Before everything else, so it sees every response, errors from body parsing included.
    if (options.checkContract !== false) app.use(openApiContractRecorder(contractViolations));
    configureApp(app);
    await app.init();
  } catch (err) {
    await app?.close().catch(() => undefined);
    await prisma.$disconnect().catch(() => undefined);
    await db.drop();
    throw err;
  }
  const nest = app;
  const http = supertest(nest.getHttpServer());
  const events = new TestEventConsumer(prisma);

  const createUser: TestApp['createUser'] = async (opts = {}) => {
    const role = opts.role ?? UserRole.CUSTOMER;
    const password = opts.password ?? `Pw-${randomBytes(6).toString('hex')}`;
    const email = (opts.email ?? uniqueEmail(role.toLowerCase())).toLowerCase();
    const user = await prisma.user.create({
      data: {
        email,
        name: opts.name ?? `Test ${role.toLowerCase()}`,
        role,
        passwordHash: await hashPassword(password),
      },
    });
    return { id: user.id, email, name: user.name, role, password };
  };

  const login: TestApp['login'] = async (email, password) => {
    const res = await http.post('/api/auth/login').send({ email, password });
    if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken as string;
  };

  return {
    app: nest,
    http,
    prisma,
    db,
    events,
    createUser,
    login,
    tokenFor: async (role) => {
      const u = await createUser({ role });
      return login(u.email, u.password);
    },
    contractViolations,
    changesSettled: () => nest.get(ChangeNotices).settled(),
    close: async () => {
      await events.stop();
      await nest.close().catch(() => undefined);
      await prisma.$disconnect().catch(() => undefined);
      await db.drop();
      if (contractViolations.length) throw new Error(formatViolations(contractViolations));
    },
  };
}
