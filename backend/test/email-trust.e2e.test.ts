// E-mail trust and intake (#13 items 2, 5, 9; #14 items 3, 6, 7): who a mail may act as, bounces and
// automated mail, the staff intake queue, message identity, and the connection test's password handling.
// Fixtures in test/fixtures/email/trust are modelled on what Postfix, Exchange, Gmail, SES and ARF
// reporters send; {{PLACEHOLDERS}} are filled per test (our outbound Message-IDs are random).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { UserRole } from '@nixflow/db/client';
import { buildMessage } from './support/email-support.js';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';
import { packageDir } from '../src/common/package-dir.js';

const FIXTURES = path.join(packageDir(import.meta.dirname), 'test/fixtures/email/trust');
const TRUSTED_AUTHSERV = 'mx1.example.test';
const uid = () => randomBytes(5).toString('hex');
const ACCOUNT = `help-${uid()}@example.test`;

let t: TestApp;
let admin: string;
let agent: TestUser;
let agentToken: string;
let customer: TestUser;
let customerToken: string;
let accountId: string;
let inboundToken: string;
let uploadDir: string;

function fixture(name: string, vars: Record<string, string | number> = {}): Buffer {
  let text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  for (const [k, v] of Object.entries({ ACCOUNT, UID: uid(), ...vars })) text = text.replaceAll(`{{${k}}}`, String(v));
  assert.doesNotMatch(text, /\{\{[A-Z_]+\}\}/, `${name}: every placeholder filled`);
  return Buffer.from(text);
}

const post = (raw: Buffer) =>
  t.http
    .post('/api/email/inbound')
    .set('Authorization', `Bearer ${inboundToken}`)
    .set('Content-Type', 'message/rfc822')
    .send(raw);

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A ticket opened by mail from `from`. */
async function openTicket(from: string): Promise<{ id: string; number: number }> {
  const res = await post(await buildMessage({ from, to: ACCOUNT, subject: 'VPN down', text: 'VPN does not connect' }));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, 'PROCESSED', JSON.stringify(res.body));
  return { id: res.body.ticketId, number: res.body.ticketNumber };
}

/** An agent's public reply through the API; returns the comment and its queued outbound message. */
async function agentReply(ticketId: string, body = 'Please restart the router.') {
  const res = await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(agentToken)).send({ body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const out = await t.prisma.emailMessage.findFirstOrThrow({
    where: { commentId: res.body.id, direction: 'OUTBOUND' },
  });
  return { commentId: res.body.id as string, out };
}

before(async () => {
  uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-email-trust-'));
  t = await createTestApp({
    env: {
      EMAIL_SECRET_KEY: randomBytes(32).toString('hex'),
      UPLOAD_DIR: uploadDir,
      EMAIL_CONNECT_TIMEOUT_MS: '1500',
      EMAIL_MAX_NEW_TICKETS_PER_SENDER_PER_HOUR: '50',
    },
  });
  admin = await t.tokenFor(UserRole.ADMIN);
  agent = await t.createUser({ role: UserRole.AGENT });
  agentToken = await t.login(agent.email, agent.password);
  customer = await t.createUser({ role: UserRole.CUSTOMER });
  customerToken = await t.login(customer.email, customer.password);
  const acc = await t.http
    .post('/api/email/accounts')
    .set(auth(admin))
    .send({ address: ACCOUNT, displayName: 'Support Team', trustedAuthservId: 'MX1.Example.Test' });
  assert.equal(acc.status, 201, JSON.stringify(acc.body));
  assert.equal(acc.body.trustedAuthservId, TRUSTED_AUTHSERV);
  accountId = acc.body.id;
  inboundToken = (await t.http.post(`/api/email/accounts/${accountId}/inbound-token`).set(auth(admin))).body.token;
});

after(async () => {
  await t?.close();
  fs.rmSync(uploadDir, { recursive: true, force: true });
});

describe('sender proof (#13 item 2)', () => {
  it('a spoofed agent From with [#N] is FLAGGED on the ticket: no comment, no first response', async () => {
    const ticket = await openTicket(customer.email);
    const res = await post(fixture('spoofed-agent.eml', { AGENT: agent.email, TICKET_NUMBER: ticket.number }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      [res.body.status, res.body.type, res.body.ticketId, res.body.commentId],
      ['FLAGGED', 'REPLY', ticket.id, null],
    );
    assert.match(res.body.flagReason, /unverified sender/);
    assert.equal(await t.prisma.comment.count({ where: { ticketId: ticket.id } }), 0);
    const row = await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    assert.equal(row.firstRespondedAt, null);

    // Without a ticket token it does not open a ticket as the agent either.
    const fresh = await post(await buildMessage({ from: agent.email, to: ACCOUNT, subject: 'Urgent', text: 'x' }));
    assert.deepEqual([fresh.body.status, fresh.body.ticketId], ['FLAGGED', null]);
    assert.match(fresh.body.flagReason, /unverified staff sender/);
  });

  it('a reply quoting our signed Message-ID proves its recipient; anyone else quoting it does not', async () => {
    const ticket = await openTicket(customer.email);
    const { out } = await agentReply(ticket.id);
    assert.match(out.messageId, /^<nf1\./);
    const vars = { ACCOUNT, TICKET_NUMBER: ticket.number, ORIGINAL_MESSAGE_ID: out.messageId };

    const ok = await post(fixture('signed-reply.eml', { ...vars, FROM: customer.email }));
    assert.deepEqual([ok.body.status, ok.body.type, ok.body.ticketId], ['PROCESSED', 'REPLY', ticket.id]);
    const comment = await t.prisma.comment.findUniqueOrThrow({
      where: { id: ok.body.commentId },
      include: { author: true },
    });
    assert.equal(comment.author.email, customer.email);
    assert.equal(comment.body, 'Thanks, that fixed it.');

    // The agent's address (staff!) and a stranger's, with the same reference: not proven.
    for (const from of [agent.email, `eve-${uid()}@customer.example`]) {
      const res = await post(fixture('signed-reply.eml', { ...vars, FROM: from }));
      assert.deepEqual([res.body.status, res.body.ticketId, res.body.commentId], ['FLAGGED', ticket.id, null], from);
    }
    // A tampered signature is no reference of ours at all.
    const forged = out.messageId.replace(/\.([A-Za-z0-9_-]{22})@/, '.AAAAAAAAAAAAAAAAAAAAAA@');
    const res = await post(fixture('signed-reply.eml', { ...vars, FROM: customer.email, ORIGINAL_MESSAGE_ID: forged }));
    assert.equal(res.body.status, 'FLAGGED');
    assert.equal(await t.prisma.comment.count({ where: { ticketId: ticket.id } }), 2);
  });

  it('Authentication-Results count only from the trusted authserv-id, and only its topmost header', async () => {
    const ticket = await openTicket(customer.email);
    const domain = agent.email.split('@')[1]!;
    const send = (top: string, result: string, lower: string) =>
      post(
        fixture('authentication-results.eml', {
          FROM: agent.email,
          FROM_DOMAIN: domain,
          TICKET_NUMBER: ticket.number,
          AUTHSERV_TOP: top,
          TOP_RESULT: result,
          AUTHSERV_LOWER: lower,
          BODY: 'Answered by mail.',
        }),
      );
    // Someone else's server, and our server's failing verdict above a forged "pass" in its name.
    const untrusted = await send('mx.attacker.example', 'pass', 'relay.example');
    assert.deepEqual([untrusted.body.status, untrusted.body.commentId], ['FLAGGED', null]);
    assert.match(untrusted.body.flagReason, /no Authentication-Results from mx1\.example\.test/);
    const forgedBelow = await send(TRUSTED_AUTHSERV, 'fail', TRUSTED_AUTHSERV);
    assert.deepEqual([forgedBelow.body.status, forgedBelow.body.commentId], ['FLAGGED', null]);
    assert.equal((await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).firstRespondedAt, null);

    const trusted = await send(TRUSTED_AUTHSERV, 'pass', 'relay.example');
    assert.deepEqual([trusted.body.status, trusted.body.type], ['PROCESSED', 'REPLY'], JSON.stringify(trusted.body));
    const comment = await t.prisma.comment.findUniqueOrThrow({
      where: { id: trusted.body.commentId },
      include: { author: true },
    });
    assert.equal(comment.author.id, agent.id);
    assert.ok((await t.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).firstRespondedAt);
  });
});

describe('staff intake (#14 item 6)', () => {
  it('admins release a flagged message into the normal pipeline once; a second release is 409', async () => {
    const ticket = await openTicket(customer.email);
    const flagged = await post(
      await buildMessage({ from: customer.email, to: ACCOUNT, subject: `Re: [#${ticket.number}]`, text: 'Any news?' }),
    );
    assert.equal(flagged.body.status, 'FLAGGED');
    const id = flagged.body.emailMessageId;
    assert.equal((await t.http.post(`/api/email/messages/${id}/release`).set(auth(agentToken))).status, 403);
    const released = await t.http.post(`/api/email/messages/${id}/release`).set(auth(admin));
    assert.equal(released.status, 200, JSON.stringify(released.body));
    assert.deepEqual(
      [released.body.status, released.body.type, released.body.ticketId],
      ['PROCESSED', 'REPLY', ticket.id],
    );
    const comment = await t.prisma.comment.findUniqueOrThrow({
      where: { id: released.body.commentId },
      include: { author: true },
    });
    assert.equal(comment.author.email, customer.email);
    assert.equal(comment.body, 'Any news?');
    const again = await t.http.post(`/api/email/messages/${id}/release`).set(auth(admin));
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(await t.prisma.comment.count({ where: { ticketId: ticket.id } }), 1);
    const row = await t.http.get(`/api/email/messages/${id}`).set(auth(admin));
    assert.ok(row.body.releasedAt);
    assert.equal((await t.http.post(`/api/email/messages/${randomUUIDLike()}/release`).set(auth(admin))).status, 404);
  });

  it('lists messages without ticketId by status and type, paged, for admins only', async () => {
    const loop = await post(fixture('x-loop.eml'));
    assert.equal(loop.body.type, 'AUTO_REPLY');
    const list = await t.http.get('/api/email/messages?status=FLAGGED&type=AUTO_REPLY&pageSize=100').set(auth(admin));
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.ok(list.body.items.some((m: { id: string }) => m.id === loop.body.emailMessageId));
    assert.ok(
      list.body.items.every((m: { status: string; type: string }) => m.status === 'FLAGGED' && m.type === 'AUTO_REPLY'),
    );
    const page = await t.http.get('/api/email/messages?status=FLAGGED&pageSize=1&page=1').set(auth(admin));
    assert.equal(page.body.items.length, 1);
    assert.ok(page.body.total > 1);
    const agentAll = await t.http.get('/api/email/messages').set(auth(agentToken));
    assert.equal(agentAll.status, 400);
    assert.match(agentAll.body.message ?? JSON.stringify(agentAll.body), /ticketId/);
    const bad = await t.http.get('/api/email/messages?status=NOPE').set(auth(admin));
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /status/);
  });
});

function randomUUIDLike(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

describe('bounces and automated mail (#14 item 3)', () => {
  for (const name of [
    'dsn-postfix.eml',
    'dsn-exchange.eml',
    'dsn-gmail.eml',
    'ses-bounce.eml',
    'bounce-empty-from.eml',
  ]) {
    it(`${name}: stored FLAGGED BOUNCE, linked to our message and its ticket, which becomes FAILED`, async () => {
      const recipient = `gone-${uid()}@customer.example`;
      const ticket = await openTicket(recipient);
      const { out } = await agentReply(ticket.id);
      const tickets = await t.prisma.ticket.count();
      const res = await post(
        fixture(name, { RECIPIENT: recipient, TICKET_NUMBER: ticket.number, ORIGINAL_MESSAGE_ID: out.messageId }),
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.status, res.body.type, res.body.ticketId], ['FLAGGED', 'BOUNCE', ticket.id]);
      assert.equal(res.body.commentId, null);
      assert.equal(await t.prisma.ticket.count(), tickets);
      const failed = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id: out.id } });
      assert.equal(failed.status, 'FAILED');
      assert.match(failed.lastError ?? '', /^Bounced: /);
      if (name !== 'bounce-empty-from.eml') assert.match(failed.lastError ?? '', /Status: 5\.1\.1|550/);
      // Staff see it with the ticket's mail.
      const list = await t.http.get(`/api/email/messages?ticketId=${ticket.id}`).set(auth(agentToken));
      assert.deepEqual(
        list.body.items.map((m: { type: string; status: string }) => `${m.type}:${m.status}`),
        ['NEW_TICKET:PROCESSED', 'OUTBOUND_REPLY:FAILED', 'BOUNCE:FLAGGED'],
      );
    });
  }

  it('the Exchange and Gmail DSNs carry their diagnostic into lastError', async () => {
    const recipient = `gone-${uid()}@customer.example`;
    const ticket = await openTicket(recipient);
    const { out } = await agentReply(ticket.id);
    await post(
      fixture('dsn-exchange.eml', {
        RECIPIENT: recipient,
        TICKET_NUMBER: ticket.number,
        ORIGINAL_MESSAGE_ID: out.messageId,
      }),
    );
    const failed = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id: out.id } });
    assert.match(
      failed.lastError ?? '',
      /Status: 5\.1\.10; Diagnostic-Code: smtp;550 5\.1\.10 RESOLVER\.ADR\.RecipientNotFound/,
    );
  });

  it('an ARF report is a COMPLAINT; X-Loop, list-manager and [AUTO GENERATED] mail are AUTO_REPLY; none opens a ticket', async () => {
    const ticket = await openTicket(`zed-${uid()}@customer.example`);
    const { out } = await agentReply(ticket.id);
    const tickets = await t.prisma.ticket.count();
    const vars = { RECIPIENT: 'x@customer.example', TICKET_NUMBER: ticket.number, ORIGINAL_MESSAGE_ID: out.messageId };
    const arf = await post(fixture('arf-complaint.eml', vars));
    assert.deepEqual([arf.body.status, arf.body.type, arf.body.ticketId], ['FLAGGED', 'COMPLAINT', ticket.id]);
    assert.equal((await t.prisma.emailMessage.findUniqueOrThrow({ where: { id: out.id } })).status, 'QUEUED');
    for (const [name, reason] of [
      ['x-loop.eml', /X-Loop/],
      ['list-manager-error.eml', /mailing-list manager/],
      ['auto-generated-notice.eml', /automated notice/],
    ] as const) {
      const res = await post(fixture(name));
      assert.deepEqual(
        [res.status, res.body.status, res.body.type, res.body.ticketId],
        [200, 'FLAGGED', 'AUTO_REPLY', null],
        name,
      );
      assert.match(res.body.flagReason, reason);
    }
    assert.equal(await t.prisma.ticket.count(), tickets);
  });

  it('a message without any usable sender is stored FLAGGED with the reason, not rejected', async () => {
    const raw = `To: ${ACCOUNT}\r\nSubject: hello\r\nMessage-ID: <nofrom-${uid()}@x.example>\r\n\r\nwho am I\r\n`;
    const res = await post(Buffer.from(raw));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.status, res.body.ticketId], ['FLAGGED', null]);
    assert.match(res.body.flagReason, /no usable sender/);
  });
});

describe('message identity (#14 item 7)', () => {
  it('a reused Message-ID with another sender or subject is a new message; a true redelivery is a duplicate', async () => {
    const messageId = `<reused-${uid()}@client.example>`;
    const first = await post(
      await buildMessage({ from: `a-${uid()}@x.example`, to: ACCOUNT, subject: 'One', messageId, text: '1' }),
    );
    const other = await post(
      await buildMessage({ from: `b-${uid()}@x.example`, to: ACCOUNT, subject: 'Two', messageId, text: '2' }),
    );
    assert.equal(other.body.duplicate, false);
    assert.notEqual(other.body.emailMessageId, first.body.emailMessageId);
    assert.notEqual(other.body.ticketId, first.body.ticketId);
    const stored = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id: other.body.emailMessageId } });
    assert.equal((stored.headers as Record<string, string>)['message-id'], messageId);
    const again = await post(
      await buildMessage({ from: `a-${uid()}@x.example`, to: ACCOUNT, subject: 'One', messageId, text: '1' }),
    );
    assert.equal(again.body.duplicate, false, 'another sender again: new');
    const redelivered = await post(
      Buffer.from(
        `From: ${stored.fromAddress}\r\nTo: ${ACCOUNT}\r\nSubject: Two\r\nMessage-ID: ${messageId}\r\n\r\n2\r\n`,
      ),
    );
    assert.deepEqual([redelivered.body.duplicate, redelivered.body.emailMessageId], [true, other.body.emailMessageId]);
  });

  it('without a Message-ID the derived id ignores line endings and delivery trace headers (webhook = IMAP)', async () => {
    const from = `noid-${uid()}@x.example`;
    const lf = `From: ${from}\nTo: ${ACCOUNT}\nSubject: no id\nDate: Thu, 3 Dec 2026 10:00:00 +0000\n\nbody line\n`;
    const first = await post(Buffer.from(lf));
    assert.equal(first.body.duplicate, false);
    // As an IMAP server stores it: CRLF, with Return-Path / Delivered-To / Received added on top.
    const imap =
      `Return-Path: <${from}>\r\nDelivered-To: ${ACCOUNT}\r\nReceived: from mx by imap; Thu, 3 Dec 2026 10:00:01 +0000\r\n` +
      lf.replace(/\n/g, '\r\n') +
      '\r\n';
    const second = await post(Buffer.from(imap));
    assert.deepEqual([second.body.duplicate, second.body.emailMessageId], [true, first.body.emailMessageId]);
  });
});

describe('mail account secrets and the connection test (#13 item 5)', () => {
  it('changing host, port, user or TLS without a new password clears the stored one, and says so', async () => {
    const created = await t.http
      .post('/api/email/accounts')
      .set(auth(admin))
      .send({
        address: `x-${uid()}@example.test`,
        smtpHost: 'smtp.example.test',
        smtpPassword: 'p1',
        imapHost: 'imap.example.test',
        imapPassword: 'p2',
      });
    const id = created.body.id;
    const patch = (body: object) => t.http.patch(`/api/email/accounts/${id}`).set(auth(admin)).send(body);
    const keep = await patch({ displayName: 'x', smtpHost: 'smtp.example.test' });
    assert.deepEqual(
      [keep.body.hasSmtpPassword, keep.body.hasImapPassword, keep.body.clearedPasswords],
      [true, true, []],
    );
    const withNew = await patch({ smtpHost: 'smtp2.example.test', smtpPassword: 'p3' });
    assert.deepEqual([withNew.body.hasSmtpPassword, withNew.body.clearedPasswords], [true, []]);
    const moved = await patch({ smtpPort: 2525 });
    assert.deepEqual(
      [moved.body.hasSmtpPassword, moved.body.hasImapPassword, moved.body.clearedPasswords],
      [false, true, ['smtp']],
    );
    const imapUser = await patch({ imapUser: 'someone-else' });
    assert.deepEqual([imapUser.body.hasImapPassword, imapUser.body.clearedPasswords], [false, ['imap']]);
    assert.equal((await t.http.delete(`/api/email/accounts/${id}`).set(auth(admin))).status, 204);
  });

  it('PATCH host + test never sends the stored password to the new host', async () => {
    const attempts: string[] = [];
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: true,
      logger: false,
      onAuth(a, _s, cb) {
        attempts.push(a.password ?? '');
        cb(new Error('Invalid username or password'));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    try {
      const secret = `stored-secret-${uid()}`;
      const created = await t.http
        .post('/api/email/accounts')
        .set(auth(admin))
        .send({
          address: `y-${uid()}@example.test`,
          smtpHost: 'smtp.example.test',
          smtpUser: 'u',
          smtpPassword: secret,
          smtpTls: false,
        });
      const id = created.body.id;
      await t.http.patch(`/api/email/accounts/${id}`).set(auth(admin)).send({ smtpHost: '127.0.0.1', smtpPort: port });
      const res = await t.http.post(`/api/email/accounts/${id}/test`).set(auth(admin));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(!attempts.includes(secret), 'the stored password was not sent');
      await t.http.delete(`/api/email/accounts/${id}`).set(auth(admin));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a closed port and a silent (timing out) host get the same answer', async () => {
    // A port that was free a moment ago (closed), and a server that accepts but never greets (filtered-like).
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    try {
      const results = [];
      for (const port of [closedPort, silentPort]) {
        const created = await t.http
          .post('/api/email/accounts')
          .set(auth(admin))
          .send({ address: `z-${uid()}@example.test`, smtpHost: '127.0.0.1', smtpPort: port, smtpTls: false });
        const res = await t.http.post(`/api/email/accounts/${created.body.id}/test`).set(auth(admin));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        results.push(res.body.smtp);
        await t.http.delete(`/api/email/accounts/${created.body.id}`).set(auth(admin));
      }
      assert.deepEqual(results[0], results[1]);
      assert.deepEqual(results[0], { configured: true, ok: false, error: 'could not connect', durationMs: 1500 });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('public replies: delete and edit (#13 item 9)', () => {
  it('deleting a public reply cancels its queued mail', async () => {
    const ticket = await openTicket(`del-${uid()}@customer.example`);
    const { commentId, out } = await agentReply(ticket.id, 'Sent by mistake');
    assert.equal(out.status, 'QUEUED');
    const del = await t.http.delete(`/api/tickets/${ticket.id}/comments/${commentId}`).set(auth(agentToken));
    assert.equal(del.status, 204);
    const after = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id: out.id } });
    assert.equal(after.status, 'CANCELLED');
  });

  it("customers do not see an edited comment's earlier text in the ticket history; staff do", async () => {
    const ticket = await openTicket(customer.email);
    const { commentId } = await agentReply(ticket.id, 'The admin password is hunter2');
    const edit = await t.http
      .patch(`/api/tickets/${ticket.id}/comments/${commentId}`)
      .set(auth(agentToken))
      .send({ body: 'Please reset your password.' });
    assert.equal(edit.status, 200, JSON.stringify(edit.body));
    const history = async (token: string) => {
      const res = await t.http.get(`/api/tickets/${ticket.id}/history?pageSize=100`).set(auth(token));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.items.find((h: { action: string }) => h.action === 'comment_edited');
    };
    const forCustomer = await history(customerToken);
    assert.equal(forCustomer.oldValue, null);
    assert.equal(forCustomer.newValue, 'Please reset your password.');
    assert.doesNotMatch(JSON.stringify(forCustomer), /hunter2/);
    assert.equal((await history(agentToken)).oldValue, 'The admin password is hunter2');
  });
});
