import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, type LoggerService } from '@nestjs/common';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { EMAIL_INBOUND_QUEUE, IMAP_POLL_JOB } from '@nixflow/core';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@nixflow/db/testing';
import { ConflictError, ForbiddenError, NotFoundError, SchemaMismatchError, ValidationError } from '@nixflow/domain';
import { EmailInboundProcessor } from '../src/email/email-inbound.processor.js';
import { classifyJobFailure } from '../src/queues/job-failure.js';

// Retry by kind, against real Redis and a real BullMQ queue and worker, through a real processor
// (EmailInboundProcessor; only its poller is replaced, so that each job fails the way the test says)
// and with errors raised by a real database: a permanent error runs once and fails for good, a transient
// or schema-mismatch error runs again.

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
let db: TestDatabase;
let prisma: PrismaClient;
let unreachable: PrismaClient;

/** Nest log lines, captured (the processor logs through Nest's Logger). */
const lines: Array<{ level: string; message: string }> = [];
const capture: LoggerService = {
  log: (m: unknown) => lines.push({ level: 'log', message: String(m) }),
  warn: (m: unknown) => lines.push({ level: 'warn', message: String(m) }),
  error: (m: unknown) => lines.push({ level: 'error', message: String(m) }),
  debug: () => undefined,
  verbose: () => undefined,
};

before(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  // Nothing listens on port 1: connecting fails at once, as during a database outage.
  unreachable = createPrismaClient('postgresql://postgres@127.0.0.1:1/nixflow');
  Logger.overrideLogger(capture);
});
after(async () => {
  Logger.overrideLogger(false);
  await unreachable?.$disconnect().catch(() => undefined);
  await prisma?.$disconnect();
  await db?.drop();
});

async function thrown(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

/** Real errors from the database, one per kind the worker tells apart. */
const dbErrors = {
  recordGone: () => thrown(() => prisma.ticket.update({ where: { id: randomUUID() }, data: { subject: 'x' } })),
  tableMissing: () => thrown(() => prisma.$queryRawUnsafe('SELECT 1 FROM "TableFromAFutureMigration"')),
  unreachable: () => thrown(() => unreachable.user.count()),
};

describe('classifyJobFailure', () => {
  it('domain kinds: not_found, validation, forbidden, conflict are permanent; schema_mismatch is retried', () => {
    assert.deepEqual(classifyJobFailure(new NotFoundError('t', 'gone')), { kind: 'permanent', reason: 'not_found' });
    assert.equal(classifyJobFailure(new ValidationError('v', 'bad', 'field')).kind, 'permanent');
    assert.equal(classifyJobFailure(new ForbiddenError('f', 'no')).kind, 'permanent');
    assert.equal(classifyJobFailure(new ConflictError('c', 'taken')).kind, 'permanent');
    assert.equal(classifyJobFailure(new SchemaMismatchError('s', 'behind')).kind, 'schema_mismatch');
    assert.equal(classifyJobFailure(new UnrecoverableError('stop')).kind, 'permanent');
    assert.deepEqual(classifyJobFailure(new Error('socket hang up')), { kind: 'transient', reason: 'unknown' });
  });
  it('database errors, as the database raises them', async () => {
    assert.deepEqual(classifyJobFailure(await dbErrors.recordGone()), { kind: 'permanent', reason: 'not_found' });
    assert.equal(classifyJobFailure(await dbErrors.tableMissing()).kind, 'schema_mismatch');
    assert.deepEqual(classifyJobFailure(await dbErrors.unreachable()), { kind: 'transient', reason: 'unavailable' });
    // A serialization conflict asks to be retried, unlike a unique-key conflict.
    const p2034 = Object.assign(new Error('write conflict'), { name: 'PrismaClientKnownRequestError', code: 'P2034' });
    assert.equal(classifyJobFailure(p2034).kind, 'transient');
  });
});

describe('a real BullMQ worker running EmailInboundProcessor', () => {
  const prefix = testQueuePrefix();
  const connection = { url: REDIS_URL };
  let queue: Queue;
  let worker: Worker;
  /** Runs per scenario, and what each run throws (from the second run on: nothing, unless `always`). */
  const runs = new Map<string, number>();
  const scenarios = new Map<string, { error: () => Promise<unknown>; always?: boolean }>();

  before(async () => {
    queue = new Queue(EMAIL_INBOUND_QUEUE, { connection, prefix });
    const poller = {
      poll: async (scenario: string) => {
        const n = (runs.get(scenario) ?? 0) + 1;
        runs.set(scenario, n);
        const s = scenarios.get(scenario)!;
        if (n === 1 || s.always) throw await s.error();
        return { polled: scenario };
      },
    };
    const processor = new EmailInboundProcessor(poller as never, {} as never);
    worker = new Worker(EMAIL_INBOUND_QUEUE, (job: Job) => processor.process(job), {
      connection,
      prefix,
      concurrency: 1,
    });
  });
  after(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
  });

  async function run(scenario: string, error: () => Promise<unknown>, always = false) {
    scenarios.set(scenario, { error, always });
    const job = await queue.add(
      IMAP_POLL_JOB,
      { accountId: scenario },
      { attempts: 3, backoff: { type: 'fixed', delay: 20 } },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await queue.getJobState(job.id!);
      if (state === 'completed' || state === 'failed') {
        const done = (await queue.getJob(job.id!))!;
        return {
          id: job.id!,
          state,
          runs: runs.get(scenario) ?? 0,
          attemptsMade: done.attemptsMade,
          reason: done.failedReason,
        };
      }
      if (Date.now() > deadline) throw new Error(`job ${scenario} still ${state} after 60 s`);
      await sleep(20);
    }
  }

  it('a permanent domain error runs once, fails without retry, and is logged once at warn with id and kind', async () => {
    const r = await run('domain-not-found', async () => new NotFoundError('account_not_found', 'Account gone'));
    assert.equal(r.state, 'failed');
    assert.equal(r.runs, 1, 'attempts: 3, yet no second run');
    assert.match(r.reason ?? '', /^not_found: Account gone/);
    const logged = lines.filter((l) => l.message.includes(`job ${r.id} `));
    assert.deepEqual(
      logged.map((l) => l.level),
      ['warn'],
    );
    assert.match(
      logged[0]!.message,
      new RegExp(`^${EMAIL_INBOUND_QUEUE}/${IMAP_POLL_JOB} job ${r.id} failed for good \\(not_found\\), not retried`),
    );
  });

  it('a permanent database error (record gone, P2025) runs once too', async () => {
    const r = await run('db-record-gone', dbErrors.recordGone);
    assert.equal(r.state, 'failed');
    assert.equal(r.runs, 1);
  });

  it('a connection error is transient: it runs again, and the job completes', async () => {
    const r = await run('db-unreachable', dbErrors.unreachable);
    assert.equal(r.state, 'completed');
    assert.equal(r.runs, 2);
  });

  it('an unknown error is retried until BullMQ’s attempts run out', async () => {
    const r = await run('unknown', async () => new Error('socket hang up'), true);
    assert.equal(r.state, 'failed');
    assert.equal(r.runs, 3);
    assert.equal(r.attemptsMade, 3);
  });

  it('a schema mismatch is logged with [DB-MISMATCH] and retried (the migration may be applied meanwhile)', async () => {
    const r = await run('db-table-missing', dbErrors.tableMissing);
    assert.equal(r.state, 'completed');
    assert.equal(r.runs, 2);
    const logged = lines.filter((l) => l.message.includes(`job ${r.id},`));
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.level, 'error');
    assert.match(
      logged[0]!.message,
      /^\[DB-MISMATCH\] table "TableFromAFutureMigration" is missing.*retried with back-off/,
    );
  });
});
