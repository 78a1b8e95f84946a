import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { ImapFlow } from 'imapflow';
import { EMAIL_INBOUND_PROCESS_QUEUE, EMAIL_INBOUND_QUEUE, EMAIL_OUTBOUND_QUEUE } from '@nixflow/core';
import { UserRole } from '@nixflow/db/client';
import { findDovecot, startDovecot, type Dovecot } from './support/dovecot.js';
import {
  buildMessage,
  startSmtpServer,
  startWorker,
  waitFor,
  type TestSmtpServer,
  type WorkerProcess,
} from './support/email-support.js';
import { createTestApp, type TestApp } from './support/test-app.js';

// The IMAP path end to end: messages APPENDed to a real Dovecot folder are fetched by the real worker
// (UIDVALIDITY/UID tracking, staging) and turned into tickets by the same worker (@nixflow/domain's inbound
// pipeline): the API only configures the account and shows the result.
const DOVECOT = findDovecot();
const skip = DOVECOT
  ? false
  : 'dovecot is not installed: apt-get install -y dovecot-imapd (the IMAP end-to-end test needs a real IMAP server)';

const uid = () => randomBytes(5).toString('hex');
const FOLDER = 'Support';
const ACCOUNT = `imap-support-${uid()}@example.test`;
const SMTP_AUTH = { user: 'smtp-user', pass: `smtp-${uid()}` };
// The worker's link base for invitations (the API's own default would be http://127.0.0.1:<PORT>).
const PUBLIC_URL = 'https://help.nixflow.test';

let dovecot: Dovecot;
let t: TestApp;
let worker: WorkerProcess;
let imap: ImapFlow;
let accountId: string;
let uploadDir: string;
let smtp: TestSmtpServer;

async function imapClient(): Promise<ImapFlow> {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

const processed = () =>
  t.prisma.emailMessage.findMany({ where: { accountId, direction: 'INBOUND' }, orderBy: { createdAt: 'asc' } });

describe('IMAP polling (dovecot)', { skip }, () => {
  const first = `<imap-first-${uid()}@customer.example>`;
  const second = `<imap-second-${uid()}@customer.example>`;
  const customer = `imap-${uid()}@customer.example`;
  let firstTicketId: string;

  before(async () => {
    dovecot = await startDovecot(DOVECOT!, 'support', `pw-${uid()}`);
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-email-imap-'));
    t = await createTestApp({ env: { UPLOAD_DIR: uploadDir, EMAIL_CONNECT_TIMEOUT_MS: '5000' } });
    imap = await imapClient();
    await imap.mailboxCreate(FOLDER);
    const admin = await t.tokenFor(UserRole.ADMIN);
    const res = await t.http.post('/api/email/accounts').set('Authorization', `Bearer ${admin}`).send({
      address: ACCOUNT,
      imapHost: '127.0.0.1',
      imapPort: dovecot.port,
      imapTls: false,
      imapUser: dovecot.user,
      imapPassword: dovecot.password,
      imapFolder: FOLDER,
      pollIntervalSeconds: 2,
      trustedAuthservId: 'mx.nixflow.test',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    accountId = res.body.id;
    const test = await t.http.post(`/api/email/accounts/${accountId}/test`).set('Authorization', `Bearer ${admin}`);
    assert.equal(test.body.imap.ok, true, JSON.stringify(test.body));
    assert.equal(test.body.smtp.configured, false);
    // A second account sends the system mail (invitations): the oldest active one with SMTP.
    smtp = await startSmtpServer(SMTP_AUTH);
    const sender = await t.http
      .post('/api/email/accounts')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        address: `imap-system-${uid()}@example.test`,
        smtpHost: '127.0.0.1',
        smtpPort: smtp.port,
        smtpTls: false,
        smtpUser: SMTP_AUTH.user,
        smtpPassword: SMTP_AUTH.pass,
      });
    assert.equal(sender.status, 201, JSON.stringify(sender.body));
  });

  after(async () => {
    await worker?.stop();
    for (const name of [EMAIL_OUTBOUND_QUEUE, EMAIL_INBOUND_QUEUE, EMAIL_INBOUND_PROCESS_QUEUE]) {
      const q = new Queue(name, {
        connection: { url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' },
        prefix: process.env.QUEUE_PREFIX,
      });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await imap?.logout().catch(() => undefined);
    await smtp?.close();
    await t?.close();
    await dovecot?.stop();
    if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  it('fetches new messages once and opens tickets (with attachments)', async () => {
    await imap.append(
      FOLDER,
      await buildMessage({
        from: customer,
        to: ACCOUNT,
        subject: 'Disk full',
        messageId: first,
        text: 'Server disk is full',
        attachments: [{ filename: 'df.txt', content: 'Filesystem 100%' }],
      }),
    );
    await imap.append(
      FOLDER,
      await buildMessage({
        from: customer,
        to: ACCOUNT,
        subject: 'Mouse broken',
        messageId: second,
        text: 'Left button',
      }),
    );
    worker = startWorker({
      DATABASE_URL: t.db.url,
      QUEUE_PREFIX: process.env.QUEUE_PREFIX!,
      UPLOAD_DIR: uploadDir,
      APP_PUBLIC_URL: PUBLIC_URL,
      EMAIL_MAINTENANCE_INTERVAL_MS: '500',
      EMAIL_QUEUED_GRACE_MS: '300',
      EMAIL_SEND_BACKOFF_MS: '150',
    });
    const rows = await waitFor(
      async () => {
        const r = await processed();
        return r.length === 2 && r.every((m) => m.status === 'PROCESSED') && r;
      },
      120_000,
      `two messages processed (worker: ${worker.output()})`,
    );
    const byId = new Map(rows.map((m) => [m.messageId, m]));
    firstTicketId = byId.get(first)!.ticketId!;
    assert.ok(firstTicketId && byId.get(second)!.ticketId && firstTicketId !== byId.get(second)!.ticketId);
    const att = await t.prisma.emailAttachment.findMany({ where: { messageId: byId.get(first)!.id } });
    assert.equal(att.length, 1);
    assert.equal(fs.readFileSync(path.join(uploadDir, att[0]!.storagePath), 'utf8'), 'Filesystem 100%');
    const account = await t.prisma.emailAccount.findUniqueOrThrow({ where: { id: accountId } });
    assert.equal(account.imapLastUid, 2n);
    assert.ok(account.imapUidValidity);
    assert.equal(await t.prisma.emailInboundRaw.count(), 0, 'staged rows are deleted once processed');
    // The customer's words, as the ticket says them.
    const ticket = await t.prisma.ticket.findUniqueOrThrow({ where: { id: firstTicketId } });
    assert.equal(ticket.subject, 'Disk full');
    assert.equal(ticket.description, 'Server disk is full');
    assert.equal(ticket.channel, 'EMAIL');
  });

  it('invites the unknown sender: the worker queues the mail, its link sets a password', async () => {
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email: customer } });
    assert.equal(user.role, 'CUSTOMER');
    assert.equal(user.passwordHash, null);
    const tokens = await t.prisma.passwordToken.findMany({ where: { userId: user.id } });
    assert.deepEqual(
      tokens.map((k) => k.purpose),
      ['INVITATION'],
      'one invitation, though two mails came from them',
    );
    const mail = await waitFor(
      async () => smtp.received.find((m) => m.to.includes(customer)),
      120_000,
      `the invitation sent (worker: ${worker.output()})`,
    );
    assert.equal(mail.parsed.subject, 'Your nixflow support account');
    const link = new RegExp(`${PUBLIC_URL.replaceAll('.', '\\.')}/reset-password#token=([A-Za-z0-9_-]+)`).exec(
      mail.parsed.text ?? '',
    );
    assert.ok(link, mail.parsed.text);
    const confirmed = await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token: link[1], newPassword: 'Imap-customer-1' });
    assert.equal(confirmed.status, 204, JSON.stringify(confirmed.body));
    const login = await t.http.post('/api/auth/login').send({ email: customer, password: 'Imap-customer-1' });
    assert.equal(login.status, 200, JSON.stringify(login.body));
  });

  it('keeps polling without refetching; a reply lands on its ticket', async () => {
    const polledBefore = (await t.prisma.emailAccount.findUniqueOrThrow({ where: { id: accountId } })).lastPolledAt!;
    await imap.append(
      FOLDER,
      await buildMessage({
        from: customer,
        to: ACCOUNT,
        subject: 'Re: Disk full',
        inReplyTo: first,
        references: [first],
        // The account's receiving server vouches for the sender (a reply to the customer's own message
        // proves nothing by itself); a forged header below it from the same id would not count.
        headers: { 'Authentication-Results': 'mx.nixflow.test; dmarc=pass header.from=customer.example' },
        text: 'Now it is at 99%',
      }),
    );
    const reply = await waitFor(
      async () => (await processed()).find((m) => m.type === 'REPLY'),
      120_000,
      `the reply processed (worker: ${worker.output()})`,
    );
    assert.equal(reply.ticketId, firstTicketId);
    // Wait for at least one more poll after the reply: nothing new may appear.
    await waitFor(
      async () => {
        const a = await t.prisma.emailAccount.findUniqueOrThrow({ where: { id: accountId } });
        return a.lastPolledAt! > new Date(reply.createdAt.getTime() + 100) && a.lastPolledAt! > polledBefore;
      },
      120_000,
      'another poll',
    );
    assert.equal((await processed()).length, 3);
    assert.equal((await t.prisma.emailAccount.findUniqueOrThrow({ where: { id: accountId } })).imapLastUid, 3n);
    assert.equal(await t.prisma.comment.count({ where: { ticketId: firstTicketId } }), 1);
  });

  it('a UIDVALIDITY change refetches the folder; known messages are not stored twice', async () => {
    const before = await t.prisma.emailAccount.findUniqueOrThrow({ where: { id: accountId } });
    const ticketsBefore = await t.prisma.ticket.count();
    // Recreating the folder gives it a new UIDVALIDITY and renumbers the messages from 1.
    await imap.mailboxDelete(FOLDER);
    await imap.mailboxCreate(FOLDER);
    await imap.append(
      FOLDER,
      await buildMessage({
        from: customer,
        to: ACCOUNT,
        subject: 'Disk full',
        messageId: first,
        text: 'Server disk is full',
      }),
    );
    await imap.append(
      FOLDER,
      await buildMessage({
        from: customer,
        to: ACCOUNT,
        subject: 'Keyboard',
        messageId: `<imap-third-${uid()}@customer.example>`,
        text: 'Sticky keys',
      }),
    );
    await waitFor(
      async () => (await processed()).length === 4,
      120_000,
      `the new message processed (worker: ${worker.output()})`,
    );
    const after = await t.prisma.emailAccount.findUniqueOrThrow({ where: { id: accountId } });
    assert.notEqual(after.imapUidValidity, before.imapUidValidity);
    assert.equal(after.imapLastUid, 2n);
    assert.equal(await t.prisma.ticket.count(), ticketsBefore + 1);
    assert.equal(await t.prisma.emailMessage.count({ where: { accountId, messageId: first } }), 1);
    assert.equal(after.lastError, null);
  });
  it('a reply that does not prove its sender is flagged on its ticket, not added to it', async () => {
    const comments = await t.prisma.comment.count({ where: { ticketId: firstTicketId } });
    const forged = `<imap-forged-${uid()}@customer.example>`;
    await imap.append(
      FOLDER,
      await buildMessage({
        from: customer,
        to: ACCOUNT,
        subject: 'Re: Disk full',
        messageId: forged,
        inReplyTo: first,
        references: [first],
        // Not the account's trusted receiving server: proves nothing.
        headers: { 'Authentication-Results': 'mx.attacker.test; dmarc=pass header.from=customer.example' },
        text: 'Please delete everything',
      }),
    );
    const flagged = await waitFor(
      async () => (await processed()).find((m) => m.messageId === forged),
      120_000,
      `the forged reply processed (worker: ${worker.output()})`,
    );
    assert.equal(flagged.status, 'FLAGGED');
    assert.equal(flagged.type, 'REPLY');
    assert.equal(flagged.ticketId, firstTicketId);
    assert.equal(flagged.commentId, null);
    assert.match(flagged.flagReason ?? '', /unverified sender/);
    assert.equal(await t.prisma.comment.count({ where: { ticketId: firstTicketId } }), comments);
  });
});
