import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { EMAIL_OUTBOUND_QUEUE } from '@nixflow/core';
import { UserRole } from '@nixflow/db/client';
import {
  buildMessage,
  startSmtpServer,
  startWorker,
  waitFor,
  type CapturedMail,
  type TestSmtpServer,
  type WorkerProcess,
} from './support/email-support.js';
import { createTestApp, uniqueEmail, type TestApp } from './support/test-app.js';

// Password change, reset by mail and invitations, through the real API, worker and an SMTP server.
const SECRET_KEY = randomBytes(32).toString('hex');
const SMTP_AUTH = { user: 'smtp-user', pass: `smtp-secret-${randomBytes(4).toString('hex')}` };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

let t: TestApp;
let smtp: TestSmtpServer;
let worker: WorkerProcess;
let admin: string;

/** The token in the newest mail to `to` with this subject (waits for the worker to send it). */
async function tokenFromMail(to: string, subject: RegExp, after = 0): Promise<string> {
  const mail = await waitFor(
    async () =>
      smtp.received.filter((m: CapturedMail) => m.to.includes(to) && subject.test(m.parsed.subject ?? ''))[after],
    120_000,
    `a mail "${subject}" to ${to} (worker output: ${worker.output()})`,
  );
  const m = /#token=([A-Za-z0-9_-]+)/.exec(mail.parsed.text ?? '');
  assert.ok(m, mail.parsed.text);
  return m[1]!;
}

const login = (email: string, password: string) => t.http.post('/api/auth/login').send({ email, password });

before(async () => {
  t = await createTestApp({
    // Reset and confirm share the login throttle (per IP and address); this file makes many calls.
    env: {
      EMAIL_SECRET_KEY: SECRET_KEY,
      EMAIL_SEND_ATTEMPTS: '3',
      EMAIL_SEND_BACKOFF_MS: '150',
      LOGIN_THROTTLE_LIMIT: '1000',
    },
  });
  smtp = await startSmtpServer(SMTP_AUTH);
  admin = await t.tokenFor(UserRole.ADMIN);
  const res = await t.http
    .post('/api/email/accounts')
    .set(auth(admin))
    .send({
      address: `support-${randomBytes(4).toString('hex')}@example.test`,
      displayName: 'Support',
      smtpHost: '127.0.0.1',
      smtpPort: smtp.port,
      smtpTls: false,
      smtpUser: SMTP_AUTH.user,
      smtpPassword: SMTP_AUTH.pass,
    });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  worker = startWorker({
    DATABASE_URL: t.db.url,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX!,
    EMAIL_SECRET_KEY: SECRET_KEY,
    EMAIL_SEND_ATTEMPTS: '3',
    EMAIL_SEND_BACKOFF_MS: '150',
    EMAIL_MAINTENANCE_INTERVAL_MS: '500',
    EMAIL_QUEUED_GRACE_MS: '300',
  });
});

after(async () => {
  await worker?.stop();
  const q = new Queue(EMAIL_OUTBOUND_QUEUE, {
    connection: { url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' },
    prefix: process.env.QUEUE_PREFIX,
  });
  await q.obliterate({ force: true }).catch(() => undefined);
  await q.close();
  await smtp?.close();
  await t?.close();
});

describe('changing one’s password', () => {
  it('needs the current password and revokes every older access and refresh token', async () => {
    const user = await t.createUser({ role: UserRole.CUSTOMER });
    const first = await login(user.email, user.password);
    assert.equal(first.status, 200);
    const { accessToken, refreshToken } = first.body;

    const wrong = await t.http
      .post('/api/auth/password')
      .set(auth(accessToken))
      .send({ currentPassword: 'not-my-password', newPassword: 'A-new-password-1' });
    assert.equal(wrong.status, 400);
    assert.match(JSON.stringify(wrong.body), /currentPassword/);
    const missing = await t.http.post('/api/auth/password').set(auth(accessToken)).send({ newPassword: 'x' });
    assert.equal(missing.status, 400);
    assert.match(JSON.stringify(missing.body), /currentPassword/);
    const nulled = await t.http
      .post('/api/auth/password')
      .set(auth(accessToken))
      .send({ currentPassword: user.password, newPassword: null });
    assert.equal(nulled.status, 400);
    assert.match(JSON.stringify(nulled.body), /newPassword/);
    assert.equal(
      (await t.http.post('/api/auth/password').send({ currentPassword: 'a', newPassword: 'b' })).status,
      401,
    );

    const ok = await t.http
      .post('/api/auth/password')
      .set(auth(accessToken))
      .send({ currentPassword: user.password, newPassword: 'A-new-password-1' });
    assert.equal(ok.status, 204, JSON.stringify(ok.body));
    assert.equal((await t.http.get('/api/auth/me').set(auth(accessToken))).status, 401, 'old access token');
    assert.equal((await t.http.post('/api/auth/refresh').send({ refreshToken })).status, 401, 'old refresh token');
    assert.equal((await login(user.email, user.password)).status, 401, 'old password');
    assert.equal((await login(user.email, 'A-new-password-1')).status, 200, 'new password');
  });
});

describe('password reset by mail', () => {
  it('answers 202 the same way whether or not the account exists', async () => {
    const user = await t.createUser({ role: UserRole.AGENT });
    const known = await t.http.post('/api/auth/password-reset/request').send({ email: user.email });
    const unknown = await t.http.post('/api/auth/password-reset/request').send({ email: uniqueEmail('nobody') });
    assert.equal(known.status, 202);
    assert.equal(unknown.status, 202);
    assert.deepEqual(known.body, unknown.body);
    assert.equal((await t.http.post('/api/auth/password-reset/request').send({ email: 'not an address' })).status, 400);
    assert.equal((await t.http.post('/api/auth/password-reset/request').send({ email: null })).status, 400);
    await tokenFromMail(user.email, /Reset your nixflow password/);
  });

  it('sets the password once with the mailed token, stores only its hash and revokes all sessions', async () => {
    const user = await t.createUser({ role: UserRole.CUSTOMER });
    const session = (await login(user.email, user.password)).body;
    assert.equal((await t.http.post('/api/auth/password-reset/request').send({ email: user.email })).status, 202);
    const token = await tokenFromMail(user.email, /Reset your nixflow password/);

    const rows = await t.prisma.passwordToken.findMany({ where: { userId: user.id } });
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]!.tokenHash, token);
    assert.match(rows[0]!.tokenHash, /^[0-9a-f]{64}$/);
    const ttl = rows[0]!.expiresAt.getTime() - rows[0]!.createdAt.getTime();
    assert.ok(Math.abs(ttl - 3_600_000) < 5_000, `one hour by default (${ttl} ms)`);

    const short = await t.http.post('/api/auth/password-reset/confirm').send({ token, newPassword: 'short' });
    assert.equal(short.status, 400);
    assert.match(JSON.stringify(short.body), /newPassword/);
    const ok = await t.http.post('/api/auth/password-reset/confirm').send({ token, newPassword: 'Reset-password-42' });
    assert.equal(ok.status, 204, JSON.stringify(ok.body));
    assert.equal((await t.http.get('/api/auth/me').set(auth(session.accessToken))).status, 401);
    assert.equal((await t.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken })).status, 401);
    assert.equal((await login(user.email, 'Reset-password-42')).status, 200);

    const again = await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token, newPassword: 'Another-password-1' });
    assert.equal(again.status, 400, 'single use');
    assert.match(JSON.stringify(again.body), /token/);
    assert.equal((await login(user.email, 'Another-password-1')).status, 401);
  });

  it('refuses an expired token and a forged one', async () => {
    const user = await t.createUser({ role: UserRole.CUSTOMER });
    assert.equal((await t.http.post('/api/auth/password-reset/request').send({ email: user.email })).status, 202);
    const token = await tokenFromMail(user.email, /Reset your nixflow password/);
    await t.prisma.passwordToken.updateMany({
      where: { userId: user.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token, newPassword: 'Expired-pass-1' });
    assert.equal(expired.status, 400);
    assert.match(JSON.stringify(expired.body), /token/);
    assert.equal((await login(user.email, user.password)).status, 200, 'the password did not change');
    const forged = await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token: randomBytes(32).toString('base64url'), newPassword: 'Forged-pass-1' });
    assert.equal(forged.status, 400);
    for (const bad of [null, '', 'x'.repeat(5000), '../../etc/passwd', '🙂'.repeat(30)]) {
      const res = await t.http
        .post('/api/auth/password-reset/confirm')
        .send({ token: bad, newPassword: 'Whatever-pass-1' });
      assert.equal(res.status, 400, `${String(bad).slice(0, 20)}: ${JSON.stringify(res.body)}`);
    }
  });
});

describe('invitations', () => {
  it('mails a customer created from an e-mail a link to choose a password; admins can resend it', async () => {
    const account = await t.prisma.emailAccount.findFirstOrThrow();
    const tokenRes = await t.http.post(`/api/email/accounts/${account.id}/inbound-token`).set(auth(admin));
    assert.equal(tokenRes.status, 200);
    const customer = `new-${randomBytes(4).toString('hex')}@customer.example`;
    const raw = await buildMessage({
      from: customer,
      to: account.address,
      subject: 'Printer broken',
      messageId: `<m-${randomBytes(4).toString('hex')}@customer.example>`,
      text: 'It does not print.',
    });
    const inbound = await t.http
      .post('/api/email/inbound')
      .set('Authorization', `Bearer ${tokenRes.body.token}`)
      .set('Content-Type', 'message/rfc822')
      .send(raw);
    assert.equal(inbound.status, 200, JSON.stringify(inbound.body));
    const first = await tokenFromMail(customer, /Your nixflow support account/);
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email: customer } });
    const invitation = await t.prisma.passwordToken.findFirstOrThrow({ where: { userId: user.id } });
    assert.equal(invitation.purpose, 'INVITATION');
    assert.ok(invitation.expiresAt.getTime() - invitation.createdAt.getTime() > 24 * 3_600_000, 'longer than a reset');

    const resent = await t.http.post(`/api/users/${user.id}/invitation`).set(auth(admin));
    assert.equal(resent.status, 201, JSON.stringify(resent.body));
    assert.deepEqual(resent.body, { queued: true });
    const second = await tokenFromMail(customer, /Your nixflow support account/, 1);
    assert.notEqual(first, second);
    const stale = await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token: first, newPassword: 'Customer-pass-1' });
    assert.equal(stale.status, 400, 'resending revokes the earlier link');
    const ok = await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token: second, newPassword: 'Customer-pass-1' });
    assert.equal(ok.status, 204, JSON.stringify(ok.body));
    assert.equal((await login(customer, 'Customer-pass-1')).status, 200);

    const agent = await t.tokenFor(UserRole.AGENT);
    assert.equal((await t.http.post(`/api/users/${user.id}/invitation`).set(auth(agent))).status, 403);
    assert.equal(
      (await t.http.post(`/api/users/${user.id}/invitation`).set(auth(admin))).status,
      400,
      'has a password now',
    );
    assert.equal(
      (await t.http.post('/api/users/00000000-0000-4000-8000-000000000000/invitation').set(auth(admin))).status,
      404,
    );
  });

  it('an anonymous form submission creates no account and no invitation: its address is unverified', async () => {
    const agent = await t.tokenFor(UserRole.AGENT);
    const form = await t.http
      .post('/api/forms')
      .set(auth(agent))
      .send({ name: 'Contact', allowAnonymous: true, fields: [{ key: 'msg', label: 'Message', type: 'TEXT' }] });
    assert.equal(form.status, 201, JSON.stringify(form.body));
    assert.equal((await t.http.post(`/api/forms/${form.body.id}/publish`).set(auth(agent))).status, 200);
    const email = `form-${randomBytes(4).toString('hex')}@customer.example`;
    const sent = await t.http.post(`/api/forms/${form.body.id}/submissions`).send({ email, answers: { msg: 'Hello' } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    // Anyone can type any address into a public form: inviting it would mail strangers and hand over accounts.
    assert.equal(await t.prisma.user.count({ where: { email } }), 0);
    assert.equal(await t.prisma.passwordToken.count({ where: { user: { email } } }), 0);
  });
});
