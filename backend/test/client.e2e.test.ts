import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { UserRole } from '@nixflow/db/client';
import { createNixflowClient, NixflowAuthError } from '@nixflow/client';
import { helpdeskTour } from '@nixflow/client/examples/helpdesk-tour';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';

// The typed client (packages/client) against the real API: a breaking change of the document breaks
// the build of these calls, and a response that disagrees with it fails the contract check.

describe('typed client (@nixflow/client)', () => {
  let t: TestApp;
  let baseUrl: string;
  let admin: TestUser;

  before(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    admin = await t.createUser({ role: UserRole.ADMIN });
  });
  after(async () => {
    await t?.close();
  });

  it('runs the example: policies, tickets, comments, breaches and a KB page', async () => {
    const lines: string[] = [];
    const result = await helpdeskTour(baseUrl, admin.email, admin.password, (l) => lines.push(l));
    assert.ok(lines.some((l) => l.startsWith('signed in as')));
    const policy = await t.prisma.slaPolicy.findUniqueOrThrow({ where: { id: result.policyId } });
    assert.equal(policy.description, null);
    assert.equal(policy.warningThresholdPercent, 75);
    const ticket = await t.prisma.ticket.findUniqueOrThrow({ where: { id: result.ticketId } });
    assert.equal(ticket.priority, 'HIGH');
    assert.equal(result.breaches, 0);
    const article = await t.prisma.knowledgeArticle.findUniqueOrThrow({ where: { id: result.articleId } });
    assert.equal(article.status, 'PUBLISHED');
    assert.ok(
      lines.some((l) => /^1 article\(s\) on page 1: Printer fires \d+ \(v1, 0 tags\)$/.test(l)),
      lines.join('\n'),
    );
  });

  it('refreshes an expired access token once and retries the request', async () => {
    const client = createNixflowClient({ baseUrl });
    const first = await client.login(admin.email, admin.password);
    const seen: string[] = [];
    const tampered = createNixflowClient({
      baseUrl,
      tokens: { ...first, accessToken: `${first.accessToken}x` },
      onTokens: (tk) => seen.push(tk?.accessToken ?? 'none'),
    });
    const me = await tampered.api.GET('/api/auth/me');
    assert.equal(me.response.status, 200);
    assert.equal(me.data?.email, admin.email);
    assert.equal(seen.length, 1, 'one refresh');
    assert.notEqual(tampered.tokens?.accessToken, `${first.accessToken}x`);
  });

  it('gives up after one refresh, and reports bad credentials', async () => {
    const client = createNixflowClient({
      baseUrl,
      tokens: {
        accessToken: 'nope',
        refreshToken: 'nope',
        expiresIn: '15m',
        user: { id: admin.id, email: admin.email, name: admin.name, role: admin.role },
      },
    });
    const res = await client.api.GET('/api/tickets');
    assert.equal(res.response.status, 401);
    assert.equal(res.error?.statusCode, 401);
    await assert.rejects(
      client.login(admin.email, 'wrong-password'),
      (err) => err instanceof NixflowAuthError && err.status === 401,
    );
  });

  it('signs out: the old tokens stop working', async () => {
    const client = createNixflowClient({ baseUrl });
    const tokens = await client.login(admin.email, admin.password);
    await client.logout();
    assert.equal(client.tokens, undefined);
    const again = createNixflowClient({ baseUrl, tokens });
    const res = await again.api.GET('/api/auth/me');
    assert.equal(res.response.status, 401);
  });
});
