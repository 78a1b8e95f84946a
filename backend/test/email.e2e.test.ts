import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import {
  decryptSecret,
  EMAIL_INBOUND_QUEUE,
  EMAIL_OUTBOUND_QUEUE,
  resolveEmailSecretKey,
  sendReplyJobId,
} from '@nixflow/core';
import { UserRole } from '@nixflow/db/client';
import { EmailOutboundService } from '../src/email/email-outbound.service.js';
import { EmailQueuesService } from '../src/email/email-queues.service.js';
import { CommentsService } from '@nixflow/domain';
import {
  buildMessage,
  startSmtpServer,
  startWorker,
  waitFor,
  type TestSmtpServer,
  type WorkerProcess,
} from './support/email-support.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { packageDir } from '../src/common/package-dir.js';

const FIXTURES = path.join(packageDir(import.meta.dirname), 'test/fixtures/email');
const SECRET_KEY = randomBytes(32).toString('hex');
const SMTP_AUTH = { user: 'smtp-user', pass: `smtp-secret-${randomBytes(4).toString('hex')}` };
const IMAP_PASS = `imap-secret-${randomBytes(4).toString('hex')}`;
const MAX_INBOUND = 200_000;
const uid = () => randomBytes(5).toString('hex');

let t: TestApp;
let smtp: TestSmtpServer;
let worker: WorkerProcess | undefined;
let admin: string;
let agentToken: string;
let agent: { id: string; role: UserRole };
let accountId: string;
let inboundToken: string;
let uploadDir: string;
const ACCOUNT = `support-${uid()}@example.test`;

const post = (raw: Buffer | string, token = inboundToken) =>
  t.http
    .post('/api/email/inbound')
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'message/rfc822')
    .send(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));

before(async () => {
  uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-email-'));
  t = await createTestApp({
    env: {
      EMAIL_SECRET_KEY: SECRET_KEY,
      UPLOAD_DIR: uploadDir,
      EMAIL_INBOUND_MAX_BYTES: String(MAX_INBOUND),
      EMAIL_MAX_NEW_TICKETS_PER_SENDER_PER_HOUR: '3',
      EMAIL_SEND_ATTEMPTS: '3',
      EMAIL_SEND_BACKOFF_MS: '150',
      EMAIL_CONNECT_TIMEOUT_MS: '3000',
    },
  });
  smtp = await startSmtpServer(SMTP_AUTH);
  admin = await t.tokenFor(UserRole.ADMIN);
  const a = await t.createUser({ role: UserRole.AGENT });
  agent = { id: a.id, role: a.role };
  agentToken = await t.login(a.email, a.password);
});

after(async () => {
  await worker?.stop();
  for (const name of [EMAIL_OUTBOUND_QUEUE, EMAIL_INBOUND_QUEUE]) {
    const q = new Queue(name, {
      connection: { url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' },
      prefix: process.env.QUEUE_PREFIX,
    });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  await smtp?.close();
  await t?.close();
  fs.rmSync(uploadDir, { recursive: true, force: true });
});

describe('email accounts', () => {
  it('admins create accounts; passwords are encrypted at rest and never returned', async () => {
    const res = await t.http.post('/api/email/accounts').set('Authorization', `Bearer ${admin}`).send({
      address: ACCOUNT.toUpperCase(),
      displayName: 'Example Support',
      imapHost: '127.0.0.1',
      imapPort: 1,
      imapTls: false,
      imapUser: 'imap-user',
      imapPassword: IMAP_PASS,
      smtpHost: '127.0.0.1',
      smtpPort: smtp.port,
      smtpTls: false,
      smtpUser: SMTP_AUTH.user,
      smtpPassword: SMTP_AUTH.pass,
      defaultPriority: 'HIGH',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    accountId = res.body.id;
    assert.equal(res.body.address, ACCOUNT);
    assert.equal(res.body.hasImapPassword, true);
    assert.equal(res.body.hasSmtpPassword, true);
    assert.equal(res.body.hasInboundToken, false);
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes(IMAP_PASS) && !text.includes(SMTP_AUTH.pass) && !/PasswordEnc|TokenHash/.test(text));

    const row = await t.prisma.emailAccount.findUniqueOrThrow({ where: { id: accountId } });
    assert.ok(row.imapPasswordEnc && !row.imapPasswordEnc.includes(IMAP_PASS));
    assert.equal(decryptSecret(row.imapPasswordEnc, resolveEmailSecretKey(SECRET_KEY).key), IMAP_PASS);
    assert.equal(decryptSecret(row.smtpPasswordEnc!, resolveEmailSecretKey(SECRET_KEY).key), SMTP_AUTH.pass);

    const list = await t.http.get('/api/email/accounts').set('Authorization', `Bearer ${admin}`);
    assert.equal(list.status, 200);
    assert.ok(!JSON.stringify(list.body).includes(SMTP_AUTH.pass));
  });

  it('is admin only and validates input', async () => {
    assert.equal((await t.http.get('/api/email/accounts').set('Authorization', `Bearer ${agentToken}`)).status, 403);
    const bad = await t.http
      .post('/api/email/accounts')
      .set('Authorization', `Bearer ${admin}`)
      .send({ address: 'not-an-address', imapPort: 70000, bogus: 1 });
    assert.equal(bad.status, 400);
    const text = JSON.stringify(bad.body);
    for (const field of ['address', 'imapPort', 'bogus']) assert.ok(text.includes(field), `${field} in ${text}`);
    const dup = await t.http
      .post('/api/email/accounts')
      .set('Authorization', `Bearer ${admin}`)
      .send({ address: ACCOUNT });
    assert.equal(dup.status, 409);
  });

  it('PATCH keeps, replaces or clears a password', async () => {
    const keep = await t.http
      .patch(`/api/email/accounts/${accountId}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ displayName: 'Support Team' });
    assert.equal(keep.status, 200);
    assert.equal(keep.body.displayName, 'Support Team');
    assert.equal(keep.body.hasImapPassword, true);
    const other = await t.http
      .post('/api/email/accounts')
      .set('Authorization', `Bearer ${admin}`)
      .send({ address: `x-${uid()}@example.test`, smtpPassword: 'p' });
    const cleared = await t.http
      .patch(`/api/email/accounts/${other.body.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ smtpPassword: null, isActive: false });
    assert.equal(cleared.body.hasSmtpPassword, false);
    assert.equal(
      (await t.http.delete(`/api/email/accounts/${other.body.id}`).set('Authorization', `Bearer ${admin}`)).status,
      204,
    );
  });

  it('the connection test says which side failed and why', async () => {
    const res = await t.http.post(`/api/email/accounts/${accountId}/test`).set('Authorization', `Bearer ${admin}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.ok, false);
    assert.equal(res.body.smtp.ok, true, JSON.stringify(res.body.smtp));
    assert.equal(res.body.imap.ok, false);
    assert.match(res.body.imap.error, /ECONNREFUSED|connect|refused/i);
    const row = await t.prisma.emailAccount.findUniqueOrThrow({ where: { id: accountId } });
    assert.match(row.lastError ?? '', /^IMAP: /);
  });

  it('rotates the inbound token: shown once, stored as SHA-256', async () => {
    const res = await t.http
      .post(`/api/email/accounts/${accountId}/inbound-token`)
      .set('Authorization', `Bearer ${admin}`);
    assert.equal(res.status, 200);
    inboundToken = res.body.token;
    assert.ok(inboundToken.length >= 40);
    const row = await t.prisma.emailAccount.findUniqueOrThrow({ where: { id: accountId } });
    assert.match(row.inboundTokenHash!, /^[0-9a-f]{64}$/);
    const get = await t.http.get(`/api/email/accounts/${accountId}`).set('Authorization', `Bearer ${admin}`);
    assert.equal(get.body.hasInboundToken, true);
    assert.ok(!JSON.stringify(get.body).includes(inboundToken));
  });
});

describe('inbound mail', () => {
  const customer = `ann-${uid()}@customer.example`;
  let firstMessageId: string;
  let ticketId: string;
  let ticketNumber: number;

  it('rejects bad tokens, non-mail bodies and oversized messages', async () => {
    const raw = await buildMessage({ from: customer, to: ACCOUNT, subject: 'x', text: 'y' });
    assert.equal((await t.http.post('/api/email/inbound').set('Content-Type', 'message/rfc822').send(raw)).status, 401);
    assert.equal((await post(raw, 'wrong-token')).status, 401);
    const viaHeader = await t.http
      .post('/api/email/inbound')
      .set('X-Nixflow-Inbound-Token', 'wrong')
      .set('Content-Type', 'text/plain')
      .send('x');
    assert.equal(viaHeader.status, 401);
    const garbage = await post('this is not a mail message at all');
    assert.equal(garbage.status, 400, JSON.stringify(garbage.body));
    const big = await post(
      await buildMessage({ from: customer, to: ACCOUNT, subject: 'big', text: 'x'.repeat(MAX_INBOUND + 10) }),
    );
    assert.equal(big.status, 413);
  });

  it('a new mail opens a ticket for a new customer, with its attachment', async () => {
    firstMessageId = `<first-${uid()}@customer.example>`;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3000)]);
    const raw = await buildMessage({
      from: { name: 'Ann Customer', address: customer },
      to: ACCOUNT,
      subject: 'Printer on fire',
      messageId: firstMessageId,
      text: 'The printer in room 4 is on fire.',
      html: '<p>The printer in <b>room 4</b> is on fire.</p><script>alert(1)</script>',
      attachments: [{ filename: 'photo evidence.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const res = await post(raw);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.duplicate, false);
    assert.equal(res.body.status, 'PROCESSED');
    assert.equal(res.body.type, 'NEW_TICKET');
    ticketId = res.body.ticketId;
    ticketNumber = res.body.ticketNumber;

    const ticket = await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticketId }, include: { requester: true } });
    assert.equal(ticket.subject, 'Printer on fire');
    assert.equal(ticket.channel, 'EMAIL');
    assert.equal(ticket.priority, 'HIGH');
    assert.match(ticket.description, /on fire/);
    assert.equal(ticket.requester.email, customer);
    assert.equal(ticket.requester.role, 'CUSTOMER');
    assert.equal(ticket.requester.name, 'Ann Customer');
    assert.equal(ticket.requester.passwordHash, null);

    const msg = await t.prisma.emailMessage.findUniqueOrThrow({
      where: { id: res.body.emailMessageId },
      include: { attachments: true, thread: true },
    });
    assert.equal(msg.messageId, firstMessageId);
    assert.equal(msg.direction, 'INBOUND');
    assert.equal(msg.thread?.ticketId, ticketId);
    assert.ok(msg.htmlBody?.includes('<b>room 4</b>'));
    assert.ok(!msg.htmlBody?.includes('script'));
    assert.equal(msg.attachments.length, 1);
    const att = msg.attachments[0]!;
    assert.equal(att.fileName, 'photo evidence.pdf');
    assert.equal(att.contentType, 'application/pdf');
    assert.equal(att.sizeBytes, pdf.length);
    assert.deepEqual(fs.readFileSync(path.join(uploadDir, att.storagePath)), pdf);
  });

  it('a duplicate Message-ID is ignored', async () => {
    const raw = await buildMessage({
      from: customer,
      to: ACCOUNT,
      subject: 'Printer on fire',
      messageId: firstMessageId,
      text: 'again',
    });
    const before = await Promise.all([
      t.prisma.ticket.count(),
      t.prisma.emailMessage.count(),
      t.prisma.comment.count(),
    ]);
    const res = await post(raw);
    assert.equal(res.status, 200);
    assert.equal(res.body.duplicate, true);
    assert.equal(res.body.ticketId, ticketId);
    assert.deepEqual(
      await Promise.all([t.prisma.ticket.count(), t.prisma.emailMessage.count(), t.prisma.comment.count()]),
      before,
    );
  });

  it('a reply by In-Reply-To alone, without proof of the sender, is FLAGGED on the ticket and posts nothing', async () => {
    const raw = await buildMessage({
      from: customer,
      to: ACCOUNT,
      subject: 'Re: Printer on fire',
      messageId: `<reply-${uid()}@customer.example>`,
      inReplyTo: firstMessageId,
      references: [firstMessageId],
      text: 'It is getting worse.\n\nOn Mon, 1 Jan 2024, Support <s@x> wrote:\n> earlier',
    });
    const comments = await t.prisma.comment.count({ where: { ticketId } });
    const res = await post(raw);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.status, res.body.type, res.body.ticketId], ['FLAGGED', 'REPLY', ticketId]);
    assert.equal(res.body.commentId, null);
    assert.match(res.body.flagReason, /unverified sender/);
    assert.equal(await t.prisma.comment.count({ where: { ticketId } }), comments);
    assert.equal(await t.prisma.ticket.count({ where: { requester: { email: customer } } }), 1);
  });

  it('a bare [#N] subject token from the requester, without proof, is FLAGGED on the ticket', async () => {
    const raw = await buildMessage({
      from: customer,
      to: ACCOUNT,
      subject: `Regarding [#${ticketNumber}] the printer`,
      text: 'Still broken.',
    });
    const res = await post(raw);
    assert.deepEqual([res.body.status, res.body.type, res.body.ticketId], ['FLAGGED', 'REPLY', ticketId]);
    assert.equal(res.body.commentId, null);
  });

  it("a stranger's [#N] subject token opens a ticket of their own, not a comment on someone else's", async () => {
    const stranger = `bob-${uid()}@customer.example`;
    const raw = await buildMessage({
      from: stranger,
      to: ACCOUNT,
      subject: `Regarding [#${ticketNumber}] the printer`,
      text: 'Same problem here.',
    });
    const res = await post(raw);
    assert.equal(res.body.type, 'NEW_TICKET');
    assert.notEqual(res.body.ticketId, ticketId);
    assert.equal(await t.prisma.comment.count({ where: { ticketId, author: { email: stranger } } }), 0);
  });

  it('an auto-reply and a bounce open nothing and are stored FLAGGED', async () => {
    const before = await t.prisma.ticket.count();
    const auto = await post(fs.readFileSync(path.join(FIXTURES, 'auto-reply.eml')));
    assert.equal(auto.status, 200, JSON.stringify(auto.body));
    assert.deepEqual([auto.body.status, auto.body.type, auto.body.ticketId], ['FLAGGED', 'AUTO_REPLY', null]);
    assert.match(auto.body.flagReason, /Auto-Submitted/);
    const bounce = await post(fs.readFileSync(path.join(FIXTURES, 'bounce.eml')));
    assert.deepEqual([bounce.body.status, bounce.body.type, bounce.body.ticketId], ['FLAGGED', 'BOUNCE', null]);
    assert.match(bounce.body.flagReason, /mailer-daemon/);
    // Even though the bounce quotes a [#N] subject, nothing lands on a ticket.
    assert.equal(await t.prisma.ticket.count(), before);
    assert.equal(await t.prisma.user.count({ where: { email: { contains: 'mailer-daemon' } } }), 0);
    const stored = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id: bounce.body.emailMessageId } });
    assert.equal(stored.headers && (stored.headers as Record<string, string>)['return-path'], '<>');
  });

  it('limits new tickets per sender per hour', async () => {
    const sender = `flood-${uid()}@customer.example`;
    const results = [];
    for (let i = 0; i < 4; i++) {
      results.push(
        (await post(await buildMessage({ from: sender, to: ACCOUNT, subject: `spam ${i}`, text: 'x' }))).body,
      );
    }
    assert.deepEqual(
      results.map((r) => r.status),
      ['PROCESSED', 'PROCESSED', 'PROCESSED', 'FLAGGED'],
    );
    assert.equal(results[3].flagReason, 'rate-limited');
    assert.equal(results[3].ticketId, null);
  });
});

describe('outbound replies (worker + SMTP)', () => {
  const customer = `carl-${uid()}@customer.example`;

  async function openTicket(from: string) {
    const messageId = `<open-${uid()}@customer.example>`;
    const res = await post(
      await buildMessage({
        from,
        to: ACCOUNT,
        subject: 'VPN down',
        messageId,
        references: [`<root-${uid()}@customer.example>`],
        text: 'VPN does not connect',
      }),
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { ticketId: res.body.ticketId as string, number: res.body.ticketNumber as number, messageId };
  }

  async function agentReply(ticketId: string, body: string): Promise<string> {
    const comments = t.app.get(CommentsService);
    const outbound = t.app.get(EmailOutboundService);
    const id = await t.prisma.$transaction(async (tx) => {
      const ticket = await tx.ticket.findUniqueOrThrow({ where: { id: ticketId } });
      const comment = await comments.addInTx(tx, ticket, { body }, agent);
      return outbound.queueReplyForComment(tx, ticketId, comment.id);
    });
    assert.ok(id, 'an outbound message was queued');
    await outbound.enqueue(id);
    return id;
  }

  before(() => {
    worker = startWorker({
      DATABASE_URL: t.db.url,
      QUEUE_PREFIX: process.env.QUEUE_PREFIX!,
      EMAIL_SECRET_KEY: SECRET_KEY,
      EMAIL_SEND_ATTEMPTS: '3',
      EMAIL_SEND_BACKOFF_MS: '150',
      EMAIL_MAINTENANCE_INTERVAL_MS: '400',
      EMAIL_QUEUED_GRACE_MS: '300',
      EMAIL_CONNECT_TIMEOUT_MS: '3000',
    });
  });

  it('an agent reply goes out with In-Reply-To, References, the token and the account as sender', async () => {
    const opened = await openTicket(customer);
    const id = await agentReply(opened.ticketId, 'Please restart the router.');
    const sent = await waitFor(
      async () => {
        const m = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id } });
        return m.status === 'SENT' && m;
      },
      // The worker (concurrency 1) first sends the invitations queued for the new senders of earlier tests.
      90_000,
      `message SENT (worker output: ${worker!.output()})`,
    );
    assert.ok(sent.sentAt);
    const mail = smtp.received.find((m) => m.parsed.messageId === sent.messageId);
    assert.ok(mail, 'the SMTP server received it');
    assert.deepEqual(mail.to, [customer]);
    assert.equal(mail.parsed.inReplyTo, opened.messageId);
    const refs = ([] as string[]).concat(mail.parsed.references ?? []);
    assert.equal(refs.at(-1), opened.messageId);
    assert.equal(refs.length, 2);
    assert.equal(mail.parsed.subject, `Re: VPN down [#${opened.number}]`);
    assert.equal(mail.parsed.from?.value[0]?.address, ACCOUNT);
    assert.equal(mail.parsed.from?.value[0]?.name, 'Support Team');
    assert.match(mail.parsed.text ?? '', /restart the router/);

    const list = await t.http
      .get(`/api/email/messages?ticketId=${opened.ticketId}`)
      .set('Authorization', `Bearer ${agentToken}`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((m: { direction: string; status: string }) => `${m.direction}:${m.status}`),
      ['INBOUND:PROCESSED', 'OUTBOUND:SENT'],
    );
    const customerToken = await t.tokenFor(UserRole.CUSTOMER);
    assert.equal(
      (
        await t.http
          .get(`/api/email/messages?ticketId=${opened.ticketId}`)
          .set('Authorization', `Bearer ${customerToken}`)
      ).status,
      403,
    );

    // The customer's answer to our mail threads by its In-Reply-To.
    const answer = await post(
      await buildMessage({
        from: customer,
        to: ACCOUNT,
        subject: mail.parsed.subject,
        inReplyTo: sent.messageId,
        text: 'Done, works.',
      }),
    );
    assert.equal(answer.body.ticketId, opened.ticketId);
    // Our Message-ID is signed for (ticket, customer): the reply proves its sender and posts.
    assert.equal(answer.body.status, 'PROCESSED', JSON.stringify(answer.body));
    assert.ok(answer.body.commentId);
  });

  it('a customer reply by mail restarts NEXT_RESPONSE (SLA hooks)', async () => {
    await t.prisma.slaPolicy.create({
      data: {
        name: `email-sla-${uid()}`,
        conditions: { channels: ['EMAIL'] },
        targets: { FIRST_RESPONSE: { HIGH: 60 }, NEXT_RESPONSE: { HIGH: 120 } },
      },
    });
    await t.changesSettled();
    const from = `erin-${uid()}@customer.example`;
    const opened = await openTicket(from);
    const id = await agentReply(opened.ticketId, 'Try again now?');
    const out = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id } });
    const nextBefore = await t.prisma.slaMetric.count({
      where: { ticketId: opened.ticketId, type: 'NEXT_RESPONSE', status: 'ACTIVE' },
    });
    const answer = await post(
      await buildMessage({ from, to: ACCOUNT, subject: out.subject, inReplyTo: out.messageId, text: 'Still broken.' }),
    );
    assert.equal(answer.body.type, 'REPLY');
    const next = await t.prisma.slaMetric.findMany({
      where: { ticketId: opened.ticketId, type: 'NEXT_RESPONSE', status: 'ACTIVE' },
    });
    assert.equal(nextBefore, 0);
    assert.equal(next.length, 1);
    assert.equal(next[0]!.targetMinutes, 120);
  });

  it('internal notes and customer comments are not mailed', async () => {
    const opened = await openTicket(`dora-${uid()}@customer.example`);
    const comments = t.app.get(CommentsService);
    const outbound = t.app.get(EmailOutboundService);
    const ids = await t.prisma.$transaction(async (tx) => {
      const ticket = await tx.ticket.findUniqueOrThrow({ where: { id: opened.ticketId } });
      const note = await comments.addInTx(tx, ticket, { body: 'secret', internal: true }, agent);
      const own = await comments.addInTx(
        tx,
        ticket,
        { body: 'me' },
        { id: ticket.requesterId, role: UserRole.CUSTOMER },
      );
      return [
        await outbound.queueReplyForComment(tx, ticket.id, note.id),
        await outbound.queueReplyForComment(tx, ticket.id, own.id),
      ];
    });
    assert.deepEqual(ids, [null, null]);
  });

  it('a staff reply over HTTP is mailed when the ticket has a thread on an active account, and only then', async () => {
    // The comment's own statement answers "active thread?" (the mailer's probe is skipped): each answer here.
    const requester = await t.createUser({ role: UserRole.CUSTOMER });
    const webTicket = async () => {
      const res = await t.http
        .post('/api/tickets')
        .set('Authorization', `Bearer ${agentToken}`)
        .send({ requesterId: requester.id, subject: `Web ${uid()}`, description: 'd' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const reply = async (ticketId: string, body: Record<string, unknown> = {}) => {
      const res = await t.http
        .post(`/api/tickets/${ticketId}/comments`)
        .set('Authorization', `Bearer ${agentToken}`)
        .send({ body: `Reply ${uid()}`, ...body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return t.prisma.emailMessage.findMany({ where: { commentId: res.body.id as string, direction: 'OUTBOUND' } });
    };
    const threaded = await webTicket();
    await t.prisma.emailThread.create({ data: { accountId, ticketId: threaded, subject: 'Web' } });
    const inactive = await t.prisma.emailAccount.create({
      data: { address: `off-${uid()}@example.test`, isActive: false, smtpHost: '127.0.0.1' },
    });
    const inactiveThread = await webTicket();
    await t.prisma.emailThread.create({ data: { accountId: inactive.id, ticketId: inactiveThread, subject: 'Web' } });
    const opened = await openTicket(`erin-${uid()}@customer.example`);

    assert.equal((await reply(await webTicket())).length, 0, 'no thread: not mailed');
    assert.equal((await reply(inactiveThread)).length, 0, 'thread on an inactive account: not mailed');
    assert.equal((await reply(threaded, { internal: true })).length, 0, 'internal note: not mailed');
    const [onEmailTicket] = await reply(opened.ticketId);
    assert.ok(onEmailTicket, 'e-mail ticket: mailed');
    const [mail] = await reply(threaded);
    assert.ok(mail, 'web ticket with an active thread: mailed');
    assert.equal(mail.accountId, accountId);
    await waitFor(
      async () => (await t.prisma.emailMessage.findUniqueOrThrow({ where: { id: mail.id } })).status === 'SENT',
      90_000,
      `message SENT (worker output: ${worker!.output()})`,
    );
  });

  it('a rejected send is retried with backoff and then marked FAILED with the last error', async () => {
    const opened = await openTicket(`reject-${uid()}@customer.example`);
    const id = await agentReply(opened.ticketId, 'This will bounce.');
    const failed = await waitFor(
      async () => {
        const m = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id } });
        return m.status === 'FAILED' && m;
      },
      120_000,
      `message FAILED (worker output: ${worker!.output()})`,
    );
    assert.equal(failed.attempts, 3);
    assert.match(failed.lastError ?? '', /550/);
    const viaApi = await t.http.get(`/api/email/messages/${id}`).set('Authorization', `Bearer ${agentToken}`);
    assert.equal(viaApi.body.status, 'FAILED');
    assert.equal(viaApi.body.attempts, 3);
    assert.ok(await t.prisma.eventLog.findFirst({ where: { type: 'EmailFailed', aggregateId: id } }));
  });

  it('send-notification goes out through the first active SMTP account, marked Auto-Submitted', async () => {
    const to = `watcher-${uid()}@example.test`;
    await t.app
      .get(EmailQueuesService)
      .enqueueNotification({ to: [to], subject: 'SLA breached on #1', text: 'Details' });
    const mail = await waitFor(
      async () => smtp.received.find((m) => m.to.includes(to)),
      120_000,
      `the notification (worker output: ${worker!.output()})`,
    );
    assert.equal(mail.parsed.subject, 'SLA breached on #1');
    assert.equal(mail.parsed.headers.get('auto-submitted'), 'auto-generated');
    assert.equal(mail.parsed.from?.value[0]?.address, ACCOUNT);
  });

  it('a QUEUED message whose job was lost is picked up by the sweep', async () => {
    const opened = await openTicket(customer);
    const id = await t.prisma.$transaction(async (tx) => {
      const ticket = await tx.ticket.findUniqueOrThrow({ where: { id: opened.ticketId } });
      const comment = await t.app.get(CommentsService).addInTx(tx, ticket, { body: 'Sent without a job.' }, agent);
      return t.app.get(EmailOutboundService).queueReplyForComment(tx, ticket.id, comment.id);
    });
    assert.ok(id);
    await waitFor(
      async () => (await t.prisma.emailMessage.findUniqueOrThrow({ where: { id } })).status === 'SENT',
      120_000,
      `sweep to send the message (worker output: ${worker!.output()})`,
    );
  });

  it('a reply whose comment was deleted before sending is CANCELLED and never sent, even when its job runs', async () => {
    const opened = await openTicket(`fay-${uid()}@customer.example`);
    const id = await t.prisma.$transaction(async (tx) => {
      const ticket = await tx.ticket.findUniqueOrThrow({ where: { id: opened.ticketId } });
      const comment = await t.app.get(CommentsService).addInTx(tx, ticket, { body: 'Oops, wrong ticket.' }, agent);
      return t.app.get(EmailOutboundService).queueReplyForComment(tx, ticket.id, comment.id);
    });
    assert.ok(id);
    const row = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id } });
    const del = await t.http
      .delete(`/api/tickets/${opened.ticketId}/comments/${row.commentId}`)
      .set('Authorization', `Bearer ${agentToken}`);
    assert.equal(del.status, 204, JSON.stringify(del.body));
    assert.equal((await t.prisma.emailMessage.findUniqueOrThrow({ where: { id } })).status, 'CANCELLED');
    // The job still runs (it was enqueued before the delete, or the sweep re-enqueues): the worker skips it.
    await t.app.get(EmailOutboundService).enqueue(id);
    const q = new Queue(EMAIL_OUTBOUND_QUEUE, {
      connection: { url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' },
      prefix: process.env.QUEUE_PREFIX,
    });
    try {
      const job = await waitFor(
        async () => {
          // finishedOn and returnvalue are read together with the job, so they are consistent.
          const j = await q.getJob(sendReplyJobId(id));
          return j && j.finishedOn ? j : null;
        },
        120_000,
        `the send job to complete (worker output: ${worker!.output()})`,
      );
      assert.equal(job.returnvalue, 'cancelled');
    } finally {
      await q.close();
    }
    const after = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id } });
    assert.deepEqual([after.status, after.sentAt, after.attempts], ['CANCELLED', null, 0]);
    assert.ok(!smtp.received.some((m) => m.parsed.messageId === row.messageId), 'never reached the SMTP server');
  });
});
