import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp } from './support/test-app.js';
import { actor, auth, createTicket, type Actor } from './support/ticket-fixtures.js';

// #15: where the document says a field is nullable, PATCH `null` clears it (and the next GET agrees).
// The null sweep (reliability/bad-input) proves no 500 and a 400 elsewhere; this proves the clearing.
describe('null clears a nullable field', () => {
  let t: TestApp;
  let admin: Actor;
  const uid = () => randomBytes(4).toString('hex');

  before(async () => {
    t = await createTestApp();
    admin = await actor(t, UserRole.ADMIN);
  });
  after(async () => {
    await t?.close();
  });

  const post = async (url: string, body: Record<string, unknown>) => {
    const res = await t.http.post(url).set(auth(admin.token)).send(body);
    assert.equal(res.status, 201, `${url} ${res.text}`);
    return res.body as Record<string, unknown> & { id: string };
  };
  const get = async (url: string) => {
    const res = await t.http.get(url).set(auth(admin.token));
    assert.equal(res.status, 200, `${url} ${res.text}`);
    return res.body as Record<string, unknown>;
  };
  /** PATCH each field to null, then read the resource back: the field is null both times. */
  const clears = async (url: string, fields: string[], read = () => get(url)) => {
    const res = await t.http
      .patch(url)
      .set(auth(admin.token))
      .send(Object.fromEntries(fields.map((f) => [f, null])));
    assert.equal(res.status, 200, `${url} ${res.text}`);
    const after = await read();
    for (const f of fields) {
      assert.equal(res.body[f], null, `${url}: ${f} in the PATCH answer`);
      assert.equal(after[f], null, `${url}: ${f} read back`);
    }
  };

  it('tickets: assignee and team', async () => {
    const team = await post('/api/teams', { name: `Team ${uid()}` });
    const ticket = await createTicket(t, admin.token, { assigneeId: admin.id, teamId: team.id });
    assert.equal(ticket.assigneeId, admin.id);
    await clears(`/api/tickets/${ticket.id}`, ['assigneeId', 'teamId']);
  });

  it('descriptions: SLA policy, team, form, workflow, KB category (and its parent)', async () => {
    const policy = await post('/api/sla/policies', {
      name: `Policy ${uid()}`,
      description: 'to be cleared',
      targets: { FIRST_RESPONSE: { URGENT: 30 } },
    });
    await clears(`/api/sla/policies/${policy.id}`, ['description']);
    const team = await post('/api/teams', { name: `Team ${uid()}`, description: 'to be cleared' });
    await clears(`/api/teams/${team.id}`, ['description']);
    const form = await post('/api/forms', { name: `Form ${uid()}`, description: 'to be cleared' });
    await clears(`/api/forms/${form.id}`, ['description']);
    const workflow = await post('/api/workflows', {
      name: `Workflow ${uid()}`,
      description: 'to be cleared',
      stages: [{ name: 'New', status: 'OPEN', isInitial: true }],
    });
    await clears(`/api/workflows/${workflow.id}`, ['description']);
    const parent = await post('/api/kb/categories', { name: `Parent ${uid()}` });
    const child = await post('/api/kb/categories', {
      name: `Child ${uid()}`,
      description: 'to be cleared',
      parentId: parent.id,
    });
    // Categories are read as a list (there is no GET of one).
    await clears(`/api/kb/categories/${child.id}`, ['description', 'parentId'], async () => {
      const list = (await get('/api/kb/categories')) as unknown as { id: string }[];
      const found = list.find((c) => c.id === child.id);
      assert.ok(found, 'the category is listed');
      return found;
    });
  });

  it('routing rules and macros: the actions they may drop', async () => {
    const team = await post('/api/teams', { name: `Team ${uid()}` });
    const rule = await post('/api/routing-rules', {
      name: `Rule ${uid()}`,
      conditions: { keywords: [`kw${uid()}`] },
      setTeamId: team.id,
      setPriority: 'HIGH',
      addTags: ['kept'],
    });
    await clears(`/api/routing-rules/${rule.id}`, ['setTeamId', 'setPriority']);
    const macro = await post('/api/macros', {
      name: `Macro ${uid()}`,
      body: 'Hello {{requester.name}}',
      scope: 'SHARED',
      setTeamId: team.id,
      setPriority: 'LOW',
      setStatus: 'PENDING_CUSTOMER',
    });
    await clears(`/api/macros/${macro.id}`, ['setTeamId', 'setPriority', 'setStatus']);
  });
});
