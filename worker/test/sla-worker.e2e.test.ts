import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, type TestDatabase } from '@nixflow/db/testing';
import { SLA_MONITOR_QUEUE } from '../src/sla/sla.constants.js';
import { createMetrics, createTicketFixture } from './fixtures.js';

// Compiled to worker/dist/test; the worker entry point sits next to it in worker/dist/src.
const MAIN = path.resolve(import.meta.dirname, '../src/main.js');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PREFIX = `nixflow-test-${randomBytes(5).toString('hex')}`;

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
}

function startWorker(databaseUrl: string): WorkerProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL, SLA_MONITOR_INTERVAL_MS: '500', QUEUE_PREFIX: PREFIX },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return { child, output: () => out };
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** SIGTERM, then the exit code; fails if the process takes longer than `timeoutMs`. */
async function stop(w: WorkerProcess, timeoutMs = 10_000): Promise<number | null> {
  if (w.child.exitCode !== null) return w.child.exitCode;
  const exited = once(w.child, 'exit') as Promise<[number | null, string | null]>;
  w.child.kill('SIGTERM');
  const abort = new AbortController();
  const timer = sleep(timeoutMs, undefined, { signal: abort.signal }).then(() => {
    w.child.kill('SIGKILL');
    throw new Error(`worker did not exit within ${timeoutMs} ms:\n${w.output()}`);
  });
  timer.catch(() => undefined); // the abort below rejects it once the worker has exited
  try {
    const [code] = await Promise.race([exited, timer]);
    return code;
  } finally {
    abort.abort();
  }
}

const workers: WorkerProcess[] = [];
let db: TestDatabase;
let emptyDb: TestDatabase;
let prisma: PrismaClient;

before(async () => {
  db = await createTestDatabase();
  emptyDb = await createTestDatabase({ migrated: false });
  prisma = createPrismaClient(db.url);
});

after(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await prisma?.$disconnect();
  // Remove every BullMQ key of this run's prefix (scheduler included).
  const queue = new Queue(SLA_MONITOR_QUEUE, { connection: { url: REDIS_URL }, prefix: PREFIX });
  await queue.obliterate({ force: true });
  await queue.close();
  await db?.drop();
  await emptyDb?.drop();
});

describe('SLA worker process (real Redis and Postgres)', () => {
  it('two workers breach each due metric exactly once, then exit 0 on SIGTERM', async () => {
    const fx = await createTicketFixture(prisma);
    const a = startWorker(db.url);
    const b = startWorker(db.url);
    workers.push(a, b);
    const dueAt = new Date(Date.now() + 1000);
    const ids = await createMetrics(
      prisma,
      fx,
      Array.from({ length: 20 }, () => ({ dueAt })),
    );

    await waitFor(
      async () => (await prisma.sLABreach.count({ where: { metricId: { in: ids } } })) === ids.length,
      15_000,
      `breaches for ${ids.length} metrics\n${a.output()}\n${b.output()}`,
    );
    // Let several more sweeps run on both workers: nothing may be added.
    await sleep(1500);
    assert.equal(await prisma.sLABreach.count({ where: { metricId: { in: ids } } }), ids.length);
    assert.equal(await prisma.eventLog.count({ where: { type: 'SLABreached', aggregateId: fx.ticketId } }), ids.length);
    assert.equal(
      await prisma.notification.count({ where: { userId: fx.assigneeId, ticketId: fx.ticketId } }),
      ids.length,
    );

    const [codeA, codeB] = await Promise.all([stop(a), stop(b)]);
    assert.equal(codeA, 0, a.output());
    assert.equal(codeB, 0, b.output());
  });

  it('logs [DB-MISMATCH] and keeps running when the SLA tables are missing', async () => {
    const w = startWorker(emptyDb.url);
    workers.push(w);
    await waitFor(() => w.output().includes('[DB-MISMATCH]'), 15_000, `[DB-MISMATCH] log\n${w.output()}`);
    assert.match(w.output(), /run npm run db:migrate/);
    await sleep(1200); // several more ticks: it must not crash
    assert.equal(w.child.exitCode, null, w.output());
    assert.equal(await stop(w), 0, w.output());
  });
});
