import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { ProcessRegistry, startBackend } from './support/processes.js';

// Security properties that are not about one role on one route: headers, CORS, login throttling,
// upload paths, what customers can see, and what the logs contain.

const ALLOWED_ORIGIN = 'https://helpdesk.example.test';
const uid = () => randomBytes(5).toString('hex');

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .flatMap((e) => (e.isFile() ? [path.join(e.parentPath, e.name)] : []));
}

describe('security', { timeout: 180_000 }, () => {
  let t: TestApp;
  let tmp: string;
  let uploadDir: string;
  let agent: string;
  let customerA: TestUser;
  let customerB: TestUser;
  let tokenA: string;
  let tokenB: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-sec-'));
    uploadDir = path.join(tmp, 'uploads');
    t = await createTestApp({
      env: { CORS_ORIGINS: ALLOWED_ORIGIN, LOGIN_THROTTLE_LIMIT: '5', UPLOAD_DIR: uploadDir },
    });
    agent = await t.tokenFor(UserRole.AGENT);
    customerA = await t.createUser({ role: UserRole.CUSTOMER });
    customerB = await t.createUser({ role: UserRole.CUSTOMER });
    tokenA = await t.login(customerA.email, customerA.password);
    tokenB = await t.login(customerB.email, customerB.password);
  });
  after(async () => {
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sends helmet headers on answers and errors, and hides the framework', async () => {
    for (const res of [
      await t.http.get('/api/health'),
      await t.http.get('/api/nope'),
      await t.http.get('/api/users'),
    ]) {
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.ok(res.headers['x-frame-options'], 'x-frame-options');
      assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/);
      assert.match(String(res.headers['content-security-policy']), /default-src/);
      assert.ok(res.headers['referrer-policy'], 'referrer-policy');
      assert.equal(res.headers['x-powered-by'], undefined);
    }
  });

  it('CORS echoes the configured origin only', async () => {
    const ok = await t.http
      .options('/api/auth/login')
      .set('Origin', ALLOWED_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,authorization');
    assert.ok(ok.status < 300, String(ok.status));
    assert.equal(ok.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    assert.equal(ok.headers['access-control-allow-credentials'], 'true');
    const evil = await t.http
      .options('/api/auth/login')
      .set('Origin', 'https://evil.example.test')
      .set('Access-Control-Request-Method', 'POST');
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    const simple = await t.http.get('/api/health').set('Origin', 'https://evil.example.test');
    assert.equal(simple.headers['access-control-allow-origin'], undefined);
    assert.equal(
      (await t.http.get('/api/health').set('Origin', ALLOWED_ORIGIN)).headers['access-control-allow-origin'],
      ALLOWED_ORIGIN,
    );
  });

  it('throttles login attempts per address and e-mail, also for the right password', async () => {
    const victim = await t.createUser({ role: UserRole.ADMIN });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await t.http.post('/api/auth/login').send({ email: victim.email, password: `wrong-${i}` })).status,
      );
    }
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.equal(statuses[5], 429);
    // Throttled means throttled: the right password does not get through either, in any letter case.
    const right = await t.http
      .post('/api/auth/login')
      .send({ email: victim.email.toUpperCase(), password: victim.password });
    assert.equal(right.status, 429, right.text);
    assert.match(right.body.message, /Too many login attempts/);
    // Another account from the same address is not locked out by it.
    const other = await t.createUser({ role: UserRole.AGENT });
    assert.equal(
      (await t.http.post('/api/auth/login').send({ email: other.email, password: other.password })).status,
      200,
    );
  });

  it('keeps uploaded files inside their directory whatever the file name says', async () => {
    const created = await t.http
      .post('/api/kb/articles')
      .set('authorization', `Bearer ${agent}`)
      .send({ title: `Traversal ${uid()}`, body: 'body', status: 'PUBLISHED' });
    assert.equal(created.status, 201, created.text);
    const articleId = created.body.id as string;
    const names = [
      '../../../../evil-1.txt',
      '..\\..\\..\\evil-2.txt',
      '/etc/evil-3.txt',
      'a/../../../evil-4.txt',
      '....//....//evil-5.txt',
      '%2e%2e%2fevil-6.txt',
      '..',
      '.',
      '.htaccess',
      'C:\\Windows\\evil-7.txt',
      'evil\u202egnp.txt',
      `${'../'.repeat(50)}evil-8.txt`,
    ];
    for (const [i, filename] of names.entries()) {
      const res = await t.http
        .post(`/api/kb/articles/${articleId}/attachments`)
        .set('authorization', `Bearer ${agent}`)
        .attach('file', Buffer.from(`content ${i}`), { filename, contentType: 'text/plain' });
      assert.ok(res.status === 201 || res.status === 400, `${filename}: ${res.status} ${res.text}`);
      if (res.status === 201) {
        assert.doesNotMatch(res.body.fileName, /[/\\]|^\.\.?$|^\./, `stored name ${res.body.fileName}`);
        const dl = await t.http
          .get(`/api/kb/articles/${articleId}/attachments/${res.body.id}`)
          .set('authorization', `Bearer ${tokenA}`);
        assert.equal(dl.status, 200);
        assert.equal(Buffer.isBuffer(dl.body) ? dl.body.toString() : dl.text, `content ${i}`);
        assert.doesNotMatch(String(dl.headers['content-disposition']), /filename="[^"]*[/\\]/);
      }
    }
    const inside = path.join(uploadDir, 'kb', articleId) + path.sep;
    const files = listFiles(tmp);
    assert.ok(files.length > 0);
    for (const f of files) assert.ok(f.startsWith(inside), `file outside its article directory: ${f}`);
    assert.deepEqual(
      listFiles(path.resolve(uploadDir, '..', '..')).filter((f) => /evil-\d/.test(f) && !f.startsWith(inside)),
      [],
    );
  });

  it("never shows a customer another customer's ticket data or unpublished articles", async () => {
    const ticketOfA = await t.prisma.ticket.create({
      data: { subject: 'printer on fire', description: 'the printer is on fire', requesterId: customerA.id },
    });
    const draft = await t.http
      .post('/api/kb/articles')
      .set('authorization', `Bearer ${agent}`)
      .send({ title: 'Printer fire internal runbook', body: 'printer fire secret escalation', status: 'DRAFT' });
    assert.equal(draft.status, 201, draft.text);

    for (const p of [`/api/tickets/${ticketOfA.id}/sla`, `/api/tickets/${ticketOfA.id}/suggested-articles`]) {
      const other = await t.http.get(p).set('authorization', `Bearer ${tokenB}`);
      assert.equal(other.status, 404, `${p} as another customer: ${other.status}`);
      const own = await t.http.get(p).set('authorization', `Bearer ${tokenA}`);
      assert.equal(own.status, 200, `${p} as the requester: ${own.status} ${own.text}`);
      assert.doesNotMatch(own.text, new RegExp(draft.body.id), `${p} shows a draft article to a customer`);
    }
    const draftId = draft.body.id as string;
    for (const token of [tokenA, undefined]) {
      const as = (r: ReturnType<typeof t.http.get>) => (token ? r.set('authorization', `Bearer ${token}`) : r);
      for (const p of [
        `/api/kb/articles/${draftId}`,
        `/api/kb/articles/${draft.body.slug}`,
        `/api/kb/articles/${draftId}/versions`,
        `/api/kb/articles/${draftId}/attachments`,
      ]) {
        // 404 (not visible) or, for staff-only routes, 401/403: never the draft itself.
        const res = await as(t.http.get(p));
        assert.ok([401, 403, 404].includes(res.status), `${p} as ${token ? 'customer' : 'anonymous'}: ${res.status}`);
        assert.ok(!res.text.includes('secret escalation'), p);
      }
      for (const p of [
        '/api/kb/articles?pageSize=100',
        '/api/kb/articles?status=DRAFT',
        '/api/kb/search?q=printer%20fire',
      ])
        assert.doesNotMatch((await as(t.http.get(p))).text, new RegExp(draftId), `${p} lists a draft`);
    }
  });

  it('never writes passwords or tokens to the log (real process, debug logging)', async () => {
    const procs = new ProcessRegistry();
    try {
      const api = procs.track(
        await startBackend({ DATABASE_URL: t.db.url, LOG_LEVEL: 'trace', LOGIN_THROTTLE_LIMIT: '1000' }),
      );
      const admin = await t.createUser({ role: UserRole.ADMIN });
      const post = (p: string, body: unknown, token?: string) =>
        fetch(`${api.baseUrl}${p}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        });
      const wrongPassword = `Wrong-${uid()}-Secret`;
      assert.equal((await post('/api/auth/login', { email: admin.email, password: wrongPassword })).status, 401);
      const login = (await (
        await post('/api/auth/login', { email: admin.email, password: admin.password })
      ).json()) as {
        accessToken: string;
        refreshToken: string;
      };
      const newPassword = `New-User-${uid()}-Secret`;
      const created = await post(
        '/api/users',
        { email: `logged-${uid()}@test.nixflow.local`, name: 'Logged', password: newPassword },
        login.accessToken,
      );
      assert.equal(created.status, 201);
      const bad = await post(
        '/api/users',
        { email: 'not-an-email', name: 'x', password: newPassword },
        login.accessToken,
      );
      assert.equal(bad.status, 400);
      const refreshed = await post('/api/auth/refresh', { refreshToken: login.refreshToken });
      assert.equal(refreshed.status, 200);
      // Mail account passwords: stored encrypted, never returned, never logged (also on a validation error).
      const imapPassword = `Imap-${uid()}-Secret`;
      const smtpPassword = `Smtp-${uid()}-Secret`;
      const account = await post(
        '/api/email/accounts',
        {
          address: `support-${uid()}@nixflow.example`,
          imapHost: 'imap.invalid',
          imapUser: 'support',
          imapPassword,
          smtpHost: 'smtp.invalid',
          smtpUser: 'support',
          smtpPassword,
        },
        login.accessToken,
      );
      const accountText = await account.text();
      assert.equal(account.status, 201, accountText);
      assert.ok(!accountText.includes(imapPassword) && !accountText.includes(smtpPassword), 'password returned');
      const badAccount = await post('/api/email/accounts', { address: 'nope', imapPassword }, login.accessToken);
      assert.equal(badAccount.status, 400);
      const inbound = await post(
        `/api/email/accounts/${(JSON.parse(accountText) as { id: string }).id}/inbound-token`,
        {},
        login.accessToken,
      );
      const inboundToken = ((await inbound.json()) as { token: string }).token;
      await api.stop();
      const out = api.output();
      assert.ok(out.length > 1000 && /request completed|"req"/.test(out), 'the log captured requests');
      const stored = await t.prisma.emailAccount.findFirstOrThrow({ where: { imapUser: 'support' } });
      assert.ok(!JSON.stringify(stored).includes(imapPassword), 'mail password stored in clear');
      for (const secret of [
        admin.password,
        wrongPassword,
        newPassword,
        login.accessToken,
        login.refreshToken,
        imapPassword,
        smtpPassword,
        inboundToken,
      ]) {
        assert.ok(!out.includes(secret), `a secret appears in the log: ${secret.slice(0, 12)}…`);
      }
      assert.doesNotMatch(out, /\$2[aby]\$\d\d\$/, 'a password hash appears in the log');
    } finally {
      await procs.killAll();
    }
  });
});
