// The worker turns the mail the IMAP poller staged (EmailInboundRaw) into tickets: real worker process,
// real PostgreSQL and Redis. Staged rows are enqueued by the worker's own maintenance sweep, with the
// poller's job options (retries with back-off), as after a lost enqueue.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { EMAIL_INBOUND_PROCESS_QUEUE, EMAIL_INBOUND_QUEUE, EMAIL_OUTBOUND_QUEUE, processRawJobId } from '@nixflow/core';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@nixflow/db/testing';
import { REDIS_URL, startWorker, stop, waitFor, type WorkerProcess } from './worker-process.js';

const PREFIX = testQueuePrefix();
const uid = () => randomBytes(5).toString('hex');

let db: TestDatabase;
let prisma: PrismaClient;
let worker: WorkerProcess | undefined;
let queue: Queue;
let uploadDir: string;
let accountId: string;

/** A small multipart message with one attachment, as an IMAP server hands it over. */
function mail(opts: { from: string; messageId: string; subject: string; text: string; attachment: string }): Buffer {
  return Buffer.from(
    [
      `From: Customer <${opts.from}>`,
      'To: support@staged.example',
      `Subject: ${opts.subject}`,
      `Message-ID: ${opts.messageId}`,
      'Date: Mon, 1 Jun 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      opts.text,
      '--b1',
      'Content-Type: text/plain; name="log.txt"',
      'Content-Disposition: attachment; filename="log.txt"',
      '',
      opts.attachment,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

const stage = (source: Buffer) =>
  prisma.emailInboundRaw.create({ data: { accountId, source: new Uint8Array(source) }, select: { id: true } });
const rawRow = (id: string) => prisma.emailInboundRaw.findUnique({ where: { id } });
const jobState = async (rawId: string) => (await queue.getJob(processRawJobId(rawId)))?.getState();

before(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, 2);
  queue = new Queue(EMAIL_INBOUND_PROCESS_QUEUE, { connection: { url: REDIS_URL }, prefix: PREFIX });
  uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-staged-mail-'));
  accountId = (await prisma.emailAccount.create({ data: { address: `support-${uid()}@staged.example` } })).id;
  worker = startWorker({
    DATABASE_URL: db.url,
    QUEUE_PREFIX: PREFIX,
    UPLOAD_DIR: uploadDir,
    EMAIL_MAINTENANCE_INTERVAL_MS: '500',
    EMAIL_QUEUED_GRACE_MS: '300',
  });
});

after(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await queue?.close();
  for (const name of [EMAIL_INBOUND_PROCESS_QUEUE, EMAIL_INBOUND_QUEUE, EMAIL_OUTBOUND_QUEUE]) {
    const q = new Queue(name, { connection: { url: REDIS_URL }, prefix: PREFIX });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  await prisma?.$disconnect();
  await db?.drop();
  if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true });
});

describe('staged inbound mail in the worker', () => {
  let unparseableId: string;

  it('keeps a staged message that is not mail, with its error, and does not retry it', async () => {
    unparseableId = (await stage(Buffer.from('\x00\x01\x02 binary junk, no header block at all\n'))).id;
    await waitFor(
      async () => !!(await rawRow(unparseableId))?.lastError,
      120_000,
      `the unparseable message marked (worker: ${worker!.output()})`,
    );
    const row = await rawRow(unparseableId);
    assert.equal(row!.attempts, 1);
    assert.match(row!.lastError!, /Not an RFC 822 message/);
    // Its job completed (nothing for BullMQ to retry); the sweep skips rows with lastError: checked again
    // at the end of the next test, after many sweeps.
    await waitFor(async () => (await jobState(unparseableId)) === 'completed', 60_000, 'the job completed');
    const job = await queue.getJob(processRawJobId(unparseableId));
    assert.deepEqual(job!.returnvalue, { rawId: unparseableId, skipped: 'unparseable' });
  });

  it('retries a transient failure (a table missing) and processes the message once the schema is back', async () => {
    const customer = `staged-${uid()}@customer.example`;
    const messageId = `<staged-${uid()}@customer.example>`;
    // The pipeline writes the ticket's e-mail thread last: without the table the whole transaction fails.
    await prisma.$executeRawUnsafe('ALTER TABLE "EmailThread" RENAME TO "EmailThread_away"');
    let renamed = true;
    try {
      const rawId = (
        await stage(
          mail({
            from: customer,
            messageId,
            subject: 'VPN drops every hour',
            text: 'Since Monday the VPN drops every hour.',
            attachment: 'tunnel down 10:00, 11:00, 12:00',
          }),
        )
      ).id;
      await waitFor(
        async () => ((await rawRow(rawId))?.attempts ?? 0) >= 1,
        120_000,
        `a failed attempt (worker: ${worker!.output()})`,
      );
      const failed = await rawRow(rawId);
      assert.match(failed!.lastError ?? '', /EmailThread/, 'the error is kept on the row');
      assert.equal(await prisma.ticket.count({ where: { requester: { email: customer } } }), 0, 'rolled back');
      assert.equal(await prisma.user.count({ where: { email: customer } }), 0, 'rolled back');
      assert.equal(fs.readdirSync(uploadDir, { recursive: true }).filter((f) => f.includes('log')).length, 0);
      await waitFor(() => /\[DB-MISMATCH\]/.test(worker!.output()), 60_000, 'the schema mismatch logged');

      await prisma.$executeRawUnsafe('ALTER TABLE "EmailThread_away" RENAME TO "EmailThread"');
      renamed = false;
      // BullMQ's back-off retry (the sweep never re-enqueues a row with lastError) succeeds now.
      const processed = () =>
        prisma.emailMessage.findFirst({ where: { accountId, messageId }, include: { attachments: true } });
      await waitFor(
        async () => (await rawRow(rawId)) === null && (await processed()) !== null,
        180_000,
        `the message processed on a retry (worker: ${worker!.output()})`,
      );
      const message = (await processed())!;
      assert.equal(message.status, 'PROCESSED');
      assert.equal(message.type, 'NEW_TICKET');
      const ticket = await prisma.ticket.findUniqueOrThrow({
        where: { id: message.ticketId! },
        include: { requester: true },
      });
      assert.equal(ticket.subject, 'VPN drops every hour');
      assert.equal(ticket.description, 'Since Monday the VPN drops every hour.');
      assert.equal(ticket.requester.email, customer);
      assert.equal(message.attachments.length, 1);
      const stored = path.join(uploadDir, message.attachments[0]!.storagePath);
      assert.equal(fs.readFileSync(stored, 'utf8'), 'tunnel down 10:00, 11:00, 12:00');
      // The unknown sender was invited by the worker (no account can send mail here: the token alone).
      const tokens = await prisma.passwordToken.findMany({ where: { user: { email: customer } } });
      assert.deepEqual(
        tokens.map((k) => k.purpose),
        ['INVITATION'],
      );
      const job = await queue.getJob(processRawJobId(rawId));
      assert.ok(job!.attemptsMade >= 1, `attempts made: ${job!.attemptsMade}`);
    } finally {
      if (renamed) await prisma.$executeRawUnsafe('ALTER TABLE "EmailThread_away" RENAME TO "EmailThread"');
    }

    // Many sweeps later, the unparseable message was still tried once.
    const kept = await rawRow(unparseableId);
    assert.equal(kept!.attempts, 1);
    assert.equal(await jobState(unparseableId), 'completed');
  });

  it('routes staged mail in the worker: the rule sets the team, the team assigns, history names the rule', async () => {
    const agent = await prisma.user.create({
      data: { email: `agent-${uid()}@staged.example`, name: 'Staged agent', role: 'AGENT' },
    });
    const team = await prisma.team.create({
      data: { name: `Billing ${uid()}`, assignmentMode: 'ROUND_ROBIN', members: { create: { userId: agent.id } } },
    });
    const rule = await prisma.routingRule.create({
      data: {
        name: `Invoices ${uid()}`,
        conditions: { channels: ['EMAIL'], emailAccountIds: [accountId], keywords: ['invoice'] },
        setTeamId: team.id,
        addTags: ['billing'],
      },
    });
    const subject = `Wrong invoice ${uid()}`;
    await stage(
      mail({
        from: `payer-${uid()}@customer.example`,
        messageId: `<staged-${uid()}@customer.example>`,
        subject,
        text: 'The invoice total is wrong.',
        attachment: 'invoice 42',
      }),
    );
    await waitFor(
      async () => !!(await prisma.ticket.findFirst({ where: { subject } })),
      120_000,
      `the routed ticket (worker: ${worker!.output()})`,
    );
    const ticket = await prisma.ticket.findFirstOrThrow({ where: { subject } });
    assert.equal(ticket.teamId, team.id);
    assert.equal(ticket.assigneeId, agent.id);
    assert.deepEqual(ticket.tags, ['billing']);
    const history = await prisma.historyLog.findMany({ where: { ticketId: ticket.id } });
    assert.ok(history.some((h) => h.action === 'routed' && h.newValue === rule.name));
    assert.ok(history.some((h) => h.action === 'auto_assigned'));
  });

  it('exits 0 on SIGTERM', async () => {
    assert.equal(await stop(worker!), 0, worker!.output());
  });
});
