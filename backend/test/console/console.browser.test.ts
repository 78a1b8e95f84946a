// The operator console in a real browser: Debian's chromium driven by playwright-core against a real API
// (template-cloned database, Redis) that serves the built console (web/dist) at `/`. Screenshots of every
// screen go to web/test-results/screenshots/; axe-core must find no serious or critical violation.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const SHOTS = path.join(ROOT, 'web/test-results/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WAIT = { timeout: 30_000 };

const consoleBuilt = fs.existsSync(path.join(ROOT, 'web/dist/index.html'));
const skip = !consoleBuilt
  ? 'web/dist is missing: run npm run build'
  : !fs.existsSync(CHROMIUM)
    ? `${CHROMIUM} is missing (apt-get install chromium)`
    : false;

// Runs in the page (the test's own TypeScript has no DOM types).
const backgroundOf = (el: unknown): string =>
  (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el)
    .backgroundColor;

/** Runs in the page: the last elements that reach past the viewport's right edge (what makes it scroll sideways). */
const WIDER_THAN_VIEWPORT = `[...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-3).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))`;

/** The policy preview, or the editor's error message when the API refused the draft. */
async function previewShown(page: Page): Promise<void> {
  await page.locator('[data-testid=preview], .editor [role=alert]').first().waitFor(WAIT);
  const alert = page.locator('.editor [role=alert]');
  if (await alert.count()) assert.fail(`preview refused: ${await alert.first().innerText()}`);
}

describe('operator console in chromium', { skip }, () => {
  let t: TestApp;
  let base: string;
  let context: BrowserContext;
  let userDataDir: string;
  let admin: TestUser;
  let agent: TestUser;
  let customer: TestUser;
  let adminToken: string;
  let customerToken: string;
  let policyId: string;
  const cspViolations: string[] = [];
  const axeFindings: Record<string, string[]> = {};

  const api = async (token: string, method: 'get' | 'post' | 'patch', url: string, body?: object) => {
    const res = await t.http[method](url).set('Authorization', `Bearer ${token}`).send(body);
    assert.ok(res.status < 300, `${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  async function newPage(width = 1440, height = 900): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    page.on('console', (msg) => {
      if (/Content.Security.Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    return page;
  }

  async function signIn(page: Page, user: TestUser): Promise<void> {
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
  }

  /** Screenshot + axe: no serious or critical violation on this screen. */
  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    await page.evaluate(AXE_SOURCE);
    const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`)) as {
      id: string;
      impact: string;
      targets: string[];
    }[];
    axeFindings[name] = violations.map((v) => `${v.impact} ${v.id}`);
    const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(blocking, [], `${name}: axe found serious/critical violations`);
  }

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.createUser({ role: UserRole.ADMIN, name: 'Ada Admin' });
    agent = await t.createUser({ role: UserRole.AGENT, name: 'Alan Agent' });
    customer = await t.createUser({ role: UserRole.CUSTOMER, name: 'Cleo Customer' });
    adminToken = await t.login(admin.email, admin.password);
    customerToken = await t.login(customer.email, customer.password);
    const policy = await api(adminToken, 'post', '/api/sla/policies', {
      name: 'Standard',
      position: 10, // after the business-hours policy a later test adds for LOW tickets
      targets: { FIRST_RESPONSE: { NORMAL: 60, HIGH: 30 }, RESOLUTION: { NORMAL: 480 } },
    });
    policyId = policy.id;
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    console.log(`axe findings per screen (none serious or critical): ${JSON.stringify(axeFindings)}`);
    console.log(`screenshots: ${SHOTS}`);
    await t?.close();
  });

  test('the API serves the console: index.html uncached, hashed assets immutable, SPA routes, /api untouched', async () => {
    const index = await fetch(`${base}/queue`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('cache-control') ?? '', /no-cache/);
    assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, 'index.html loads a hashed script');
    const js = await fetch(`${base}${asset}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${base}/assets/missing-chunk.js`)).status, 404);
    const apiMiss = await fetch(`${base}/api/no-such-route`);
    assert.equal(apiMiss.status, 404);
    assert.match(apiMiss.headers.get('content-type') ?? '', /json/);
    assert.equal((await fetch(`${base}/api/docs-json`)).status, 200);
  });

  let ticketId: string;
  let ticketNumber: number;
  let agentPage: Page;

  test('an agent signs in and a ticket a customer creates appears in the queue live', async () => {
    agentPage = await newPage();
    await signIn(agentPage, agent);
    await agentPage.getByRole('heading', { name: 'Queue' }).waitFor(WAIT);
    await agentPage.locator('[data-testid=queue-count][data-count="0"]').waitFor(WAIT);
    await check(agentPage, 'queue-empty');
    const created = await api(customerToken, 'post', '/api/tickets', {
      subject: 'Printer on fire',
      description: 'It started smoking after the update.',
    });
    ticketId = created.id;
    ticketNumber = created.number;
    const row = agentPage.locator(`[data-ticket="${ticketNumber}"]`);
    await row.waitFor(WAIT); // over SSE, no reload
    await row.locator('.sla.running').waitFor(WAIT);
    await check(agentPage, 'queue');
  });

  test('the agent replies and the first-response metric turns met; an internal note looks different', async () => {
    await agentPage.getByRole('link', { name: 'Printer on fire' }).click();
    await agentPage.getByRole('heading', { name: `#${ticketNumber} Printer on fire` }).waitFor(WAIT);
    await agentPage.locator('tr[data-metric=FIRST_RESPONSE][data-status=ACTIVE]').waitFor(WAIT);
    await agentPage.getByLabel('Reply', { exact: true }).fill('We are sending a technician.');
    await agentPage.getByRole('button', { name: 'Send reply' }).click();
    await agentPage.locator('tr[data-metric=FIRST_RESPONSE][data-status=MET]').waitFor(WAIT);
    await agentPage.getByLabel('Internal note', { exact: true }).check();
    await agentPage.getByLabel('Internal note (customers never see it)').fill('VIP account: escalate if needed.');
    await agentPage.getByRole('button', { name: 'Add note' }).click();
    const note = agentPage.locator('.comment.internal', { hasText: 'VIP account' });
    await note.waitFor(WAIT);
    const reply = agentPage.locator('.comment', { hasText: 'sending a technician' });
    assert.notEqual(await note.evaluate(backgroundOf), await reply.evaluate(backgroundOf));
    await agentPage.getByRole('button', { name: 'Watch' }).click();
    await agentPage.getByRole('button', { name: 'Stop watching' }).waitFor(WAIT);
    await check(agentPage, 'ticket');
  });

  test('a customer sees the reply but never the internal note (phone width)', async () => {
    const page = await newPage(375, 812);
    await signIn(page, customer);
    await page.getByRole('heading', { name: 'My tickets' }).waitFor(WAIT);
    await check(page, 'customer-tickets-375');
    await page.getByRole('link', { name: `#${ticketNumber} Printer on fire` }).click();
    await page.locator('.comment', { hasText: 'sending a technician' }).waitFor(WAIT);
    await page.locator('tr[data-metric=FIRST_RESPONSE]').first().waitFor(WAIT);
    assert.doesNotMatch(await page.content(), /VIP account/);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    const widest = await page.evaluate(WIDER_THAN_VIEWPORT);
    assert.ok(
      Number(overflow) <= 1,
      `ticket view scrolls sideways at 375 px (${overflow} px): ${JSON.stringify(widest)}`,
    );
    await check(page, 'customer-ticket-375');
    await page.close();
  });

  test('an admin edits a policy through the preview (optimistic concurrency)', async () => {
    const page = await newPage();
    await signIn(page, admin);
    await page.goto(`${base}/sla/policies/${policyId}`);
    await page.getByRole('heading', { name: 'Edit Standard (version 1)' }).waitFor(WAIT);
    const save = page.getByRole('button', { name: 'Save policy' });
    assert.equal(await save.isDisabled(), true, 'saving waits for a preview');
    await page.getByLabel('Resolution Normal minutes').fill('240');
    await page.getByLabel('Around the clock (24/7)').uncheck();
    await page.getByRole('button', { name: 'Add an interval' }).click();
    await page.getByRole('button', { name: 'Preview changes' }).click();
    await previewShown(page);
    assert.match(await page.getByTestId('preview').innerText(), /Printer on fire/);
    await check(page, 'policy-editor-preview');
    await save.click();
    await page.getByRole('heading', { name: 'Edit Standard (version 2)' }).waitFor(WAIT);
    const stored = await api(adminToken, 'get', `/api/sla/policies/${policyId}`);
    assert.equal(stored.version, 2);
    assert.equal(stored.targets.RESOLUTION.NORMAL, 240);
    assert.equal(stored.calendar.businessHours.length, 2);
    // A stale version is refused: the editor says so instead of overwriting.
    await api(adminToken, 'patch', `/api/sla/policies/${policyId}`, { version: 2, warningThresholdPercent: 70 });
    await page.getByRole('button', { name: 'Preview changes' }).click();
    await previewShown(page);
    await save.click();
    await page.getByText('Someone else changed this policy meanwhile').waitFor(WAIT);
    await page.close();
  });

  test('breaches list with acknowledge', async () => {
    const [metric] = await t.prisma.slaMetric.findMany({ where: { ticketId, type: 'RESOLUTION' } });
    const past = new Date(Date.now() - 60_000);
    await t.prisma.slaMetric.update({ where: { id: metric!.id }, data: { status: 'BREACHED', breachedAt: past } });
    const breach = await t.prisma.slaBreach.create({
      data: { ticketId, metricId: metric!.id, policyId, type: 'RESOLUTION', dueAt: past, breachedAt: past },
    });
    await agentPage.goto(`${base}/breaches`);
    const row = agentPage.locator(`tr[data-breach="${breach.id}"]`);
    await row.waitFor(WAIT);
    await check(agentPage, 'breaches');
    await row.getByRole('button', { name: /Acknowledge/ }).click();
    await row.waitFor({ state: 'detached', ...WAIT });
    const stored = await t.prisma.slaBreach.findUniqueOrThrow({ where: { id: breach.id } });
    assert.equal(stored.acknowledgedById, agent.id);
    await agentPage.goto(`${base}/dashboard`);
    await agentPage.getByTestId('at-risk').waitFor(WAIT);
    await agentPage.locator('.uplot').first().waitFor(WAIT);
    // Compliance per policy and target over time: the breached resolution metric is a point on its line.
    const trend = agentPage.getByTestId('compliance-trend');
    await trend.waitFor(WAIT);
    assert.match(String(await trend.getAttribute('aria-label')), /Standard · Resolution/);
    await check(agentPage, 'dashboard');
  });

  test('a form submission (conditional field, file upload) becomes a ticket', async () => {
    const form = await api(adminToken, 'post', '/api/forms', {
      name: 'Refund request',
      ticketDefaults: { subjectTemplate: 'Refund for {{order_number}}' },
      fields: [
        { key: 'order_number', label: 'Order number', type: 'TEXT', required: true },
        {
          key: 'reason',
          label: 'Reason',
          type: 'SELECT',
          required: true,
          options: [
            { label: 'Damaged', value: 'damaged' },
            { label: 'Other', value: 'other' },
          ],
        },
        {
          key: 'details',
          label: 'Tell us more',
          type: 'TEXTAREA',
          required: true,
          visibleWhen: { field: 'reason', equals: 'other' },
        },
        { key: 'receipt', label: 'Receipt', type: 'FILE', validation: { fileTypes: ['.txt', 'image/*'], maxFiles: 1 } },
      ],
    });
    await api(adminToken, 'post', `/api/forms/${form.id}/publish`);
    const page = await newPage(375, 812);
    await signIn(page, customer);
    await page.goto(`${base}/my/new`);
    await page.getByLabel('What do you need help with?').selectOption({ label: 'Refund request' });
    await page.getByLabel('Order number (required)').fill('A-1001');
    assert.equal(await page.getByLabel('Tell us more (required)').count(), 0, 'hidden until reason = other');
    await page.getByLabel('Reason (required)').selectOption('other');
    await page.getByLabel('Tell us more (required)').fill('Arrived twice.');
    await page
      .getByLabel('Receipt')
      .setInputFiles({ name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('paid 20 EUR') });
    await check(page, 'new-ticket-form-375');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('heading', { name: /Refund for A-1001/ }).waitFor(WAIT);
    const ticket = await t.prisma.ticket.findFirstOrThrow({ where: { formId: form.id } });
    assert.equal(ticket.requesterId, customer.id);
    const submission = await t.prisma.formSubmission.findFirstOrThrow({
      where: { ticketId: ticket.id },
      include: { attachments: true },
    });
    assert.equal(submission.attachments.length, 1);
    await page.close();
  });

  test('the help center finds an article despite a typo; the editor shows versions', async () => {
    const article = await api(adminToken, 'post', '/api/kb/articles', {
      title: 'How to reset your password',
      body: 'Open **Settings**, choose *Security*, then reset the password.',
      status: 'PUBLISHED',
    });
    const page = await newPage();
    await page.goto(`${base}/kb`);
    await page.getByLabel('Search articles').fill('pasword');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'How to reset your password' }).waitFor(WAIT);
    await check(page, 'kb-portal-search');
    await page.getByRole('link', { name: 'How to reset your password' }).click();
    await page.locator('.markdown strong', { hasText: 'Settings' }).waitFor(WAIT);
    await check(page, 'kb-article');
    await agentPage.goto(`${base}/kb-editor/${article.id}`);
    await agentPage
      .getByLabel('Body (markdown)')
      .fill('Open **Settings** <img src=x onerror=alert(1)>, then reset it.');
    assert.equal(await agentPage.locator('.markdown img').count(), 0, 'the live preview never renders raw HTML');
    await agentPage.getByRole('button', { name: /^Save/ }).click();
    await agentPage
      .getByRole('button', { name: /Restore/ })
      .first()
      .waitFor(WAIT);
    await check(agentPage, 'kb-editor');
    await page.close();
  });

  test('on a business-hours clock the queue shows the countdown paused outside business hours', async () => {
    // Open only on the weekday three days from today (UTC): now is outside business hours, whatever the date.
    const day = (new Date().getUTCDay() + 3) % 7;
    const closed = await api(adminToken, 'post', '/api/sla/policies', {
      name: 'Closed today',
      position: 0,
      conditions: { priorities: ['LOW'] },
      targets: { FIRST_RESPONSE: { LOW: 60 } },
      calendar: { timezone: 'UTC', businessHours: [{ day, start: '09:00', end: '17:00' }], holidays: [] },
    });
    const ticket = await api(adminToken, 'post', '/api/tickets', {
      subject: 'Printer out of paper',
      description: 'Low priority.',
      priority: 'LOW',
      requesterId: customer.id,
    });
    // The SLA attaches just after the ticket is created (policy cache): wait for it.
    const deadline = Date.now() + 30_000;
    let applied: string | null = ticket.slaPolicyId;
    while (applied !== closed.id && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      applied = (await api(adminToken, 'get', `/api/tickets/${ticket.id}`)).slaPolicyId;
    }
    assert.equal(applied, closed.id, 'the business-hours policy applies');
    await agentPage.goto(`${base}/queue`);
    const row = agentPage.locator(`[data-ticket="${ticket.number}"]`);
    await row.waitFor(WAIT);
    await row
      .locator('.sla.paused', { hasText: 'outside business hours' })
      .waitFor(WAIT)
      .catch(async (err: Error) => assert.fail(`${err.message}\nthe row shows: ${await row.innerText()}`));
    // The 24/7 policy's ticket keeps counting down.
    await agentPage.locator(`[data-ticket="${ticketNumber}"] .sla:not(.paused)`).waitFor(WAIT);
    await check(agentPage, 'queue-outside-business-hours');
  });

  test('every staff screen and the help center work at phone width (375 px): no sideways scroll, axe clean', async () => {
    const page = await newPage(375, 812);
    await signIn(page, admin);
    const screens: [string, string, string][] = [
      ['queue-375', '/queue', 'Queue'],
      ['ticket-375', `/tickets/${ticketId}`, `#${ticketNumber} Printer on fire`],
      ['breaches-375', '/breaches', 'Breaches'],
      ['dashboard-375', '/dashboard', 'SLA dashboard'],
      ['policy-editor-375', `/sla/policies/${policyId}`, 'Edit Standard'],
      ['kb-editor-375', '/kb-editor', 'Knowledge base'],
      ['kb-portal-375', '/kb', 'Help center'],
    ];
    for (const [name, url, heading] of screens) {
      await page.goto(`${base}${url}`);
      await page.getByRole('heading', { name: heading }).first().waitFor(WAIT);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      const widest = Number(overflow) > 1 ? await page.evaluate(WIDER_THAN_VIEWPORT) : [];
      assert.ok(
        Number(overflow) <= 1,
        `${name}: scrolls sideways at 375 px (${overflow} px): ${JSON.stringify(widest)}`,
      );
      await check(page, name);
    }
    await page.close();
  });

  test('the queue renders 10,000 open tickets (virtualised) and signing out revokes the tokens', async () => {
    await t.prisma.$executeRawUnsafe(
      `INSERT INTO "Ticket" (subject, description, status, priority, channel, "requesterId", "slaNextDueAt", "updatedAt")
       SELECT 'Bulk ticket ' || g, 'Seeded for the queue measurement', 'OPEN'::"TicketStatus", 'NORMAL'::"TicketPriority",
              'WEB'::"TicketChannel", $1::uuid, now() + make_interval(mins => g), now()
       FROM generate_series(1, 10000) AS g`,
      customer.id,
    );
    const started = Date.now();
    await agentPage.goto(`${base}/queue`);
    // Polled from here: waitForFunction evaluates a string in the page, which the CSP forbids.
    const deadline = Date.now() + 180_000;
    const count = agentPage.getByTestId('queue-count');
    while (Number(await count.getAttribute('data-count')) < 10_000) {
      assert.ok(Date.now() < deadline, 'the queue did not load 10,000 tickets within 3 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
    const loadMs = Date.now() - started;
    // The measure ends after the paint that follows the data: wait for it too.
    const measured = `performance.getEntriesByName('queue:render').at(-1)?.duration ?? -1`;
    while (Number(await agentPage.evaluate(measured)) < 0) {
      assert.ok(Date.now() < deadline, 'no queue:render measure');
      await new Promise((r) => setTimeout(r, 100));
    }
    const renderMs = Number(await agentPage.evaluate(measured));
    const rows = await agentPage.locator('.queue-row').count();
    assert.ok(rows > 0 && rows < 200, `virtualised: ${rows} rows in the DOM`);
    await agentPage.locator('.queue').evaluate((el: { scrollTop: number; scrollHeight: number }) => {
      el.scrollTop = el.scrollHeight;
    });
    await agentPage.getByText('Bulk ticket 10000', { exact: true }).waitFor(WAIT);
    console.log(
      `queue with ${await count.getAttribute('data-count')} open tickets: rendered ${renderMs.toFixed(1)} ms after the data arrived ` +
        `(performance measure queue:render); all pages loaded in ${loadMs} ms; ${rows} rows in the DOM`,
    );
    await check(agentPage, 'queue-10000');

    const tokens = JSON.parse(String(await agentPage.evaluate(`sessionStorage.getItem('nixflow.tokens')`)));
    await agentPage.getByRole('button', { name: 'Sign out' }).click();
    await agentPage.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await check(agentPage, 'sign-in');
    const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${tokens.accessToken}`);
    assert.equal(me.status, 401, 'the access token is revoked');
    const refresh = await t.http.post('/api/auth/refresh').send({ refreshToken: tokens.refreshToken });
    assert.equal(refresh.status, 401, 'the refresh token is revoked');
  });

  test('no Content-Security-Policy violation on any screen', () => {
    assert.deepEqual(cspViolations, []);
  });
});
