import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp } from './support/test-app.js';
import { actor, auth, createTicket, type Actor } from './support/ticket-fixtures.js';

const NO_ID = '00000000-0000-4000-8000-000000000000';

describe('workflows and stages', () => {
  let t: TestApp;
  let admin: Actor;
  let agent: Actor;
  let customer: Actor;

  before(async () => {
    t = await createTestApp();
    [admin, agent, customer] = await Promise.all([
      actor(t, UserRole.ADMIN),
      actor(t, UserRole.AGENT),
      actor(t, UserRole.CUSTOMER),
    ]);
  });
  after(async () => {
    await t?.close();
  });

  const names = (wf: { stages: { name: string; position: number }[] }) =>
    wf.stages.map((s) => `${s.position}:${s.name}`);

  it('roles: staff read, admins write, customers 403, anonymous 401', async () => {
    assert.equal((await t.http.get('/api/workflows')).status, 401);
    assert.equal((await t.http.get('/api/workflows').set(auth(customer.token))).status, 403);
    assert.equal((await t.http.get('/api/workflows').set(auth(agent.token))).status, 200);
    assert.equal((await t.http.post('/api/workflows').set(auth(agent.token)).send({ name: 'x' })).status, 403);
    assert.equal((await t.http.patch(`/api/workflows/${NO_ID}`).set(auth(agent.token)).send({})).status, 403);
    assert.equal((await t.http.delete(`/api/workflows/${NO_ID}`).set(auth(agent.token))).status, 403);
    assert.equal((await t.http.post(`/api/workflows/${NO_ID}/stages`).set(auth(agent.token)).send({})).status, 403);
    assert.equal((await t.http.get(`/api/workflows/${NO_ID}`).set(auth(agent.token))).status, 404);
  });

  it('creates workflows with ordered stages; exactly one default; names unique; bad bodies 400', async () => {
    const first = await t.http
      .post('/api/workflows')
      .set(auth(admin.token))
      .send({
        name: 'First',
        stages: [
          { name: 'Open', status: 'OPEN' },
          { name: 'Done', status: 'RESOLVED' },
        ],
      });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.isDefault, true, 'the first workflow becomes the default');
    assert.deepEqual(names(first.body), ['0:Open', '1:Done']);

    const second = await t.http.post('/api/workflows').set(auth(admin.token)).send({ name: 'Second', isDefault: true });
    assert.equal(second.status, 201);
    const all = await t.http.get('/api/workflows').set(auth(agent.token));
    assert.deepEqual(
      all.body.filter((w: { isDefault: boolean }) => w.isDefault).map((w: { name: string }) => w.name),
      ['Second'],
    );
    const dup = await t.http.post('/api/workflows').set(auth(admin.token)).send({ name: 'First' });
    assert.equal(dup.status, 409);
    const bad = await t.http
      .post('/api/workflows')
      .set(auth(admin.token))
      .send({ name: '', stages: [{ status: 'NOPE' }], extra: true });
    assert.equal(bad.status, 400);
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    for (const f of ['name', 'stages.0.name', 'stages.0.status', 'extra']) assert.ok(fields.includes(f), f);
    const twoInitial = await t.http
      .post('/api/workflows')
      .set(auth(admin.token))
      .send({
        name: 'Two',
        stages: [
          { name: 'a', isInitial: true },
          { name: 'b', isInitial: true },
        ],
      });
    assert.equal(twoInitial.status, 400);

    const unset = await t.http
      .patch(`/api/workflows/${second.body.id}`)
      .set(auth(admin.token))
      .send({ isDefault: false });
    assert.equal(unset.status, 400);
    const back = await t.http
      .patch(`/api/workflows/${first.body.id}`)
      .set(auth(admin.token))
      .send({ isDefault: true, description: 'd' });
    assert.equal(back.status, 200);
    assert.equal(back.body.description, 'd');
    assert.equal((await t.http.get(`/api/workflows/${second.body.id}`).set(auth(agent.token))).body.isDefault, false);

    // New tickets without a workflow use the default's initial stage.
    const ticket = await createTicket(t, customer.token);
    assert.equal(ticket.workflowId, first.body.id);
    assert.equal(ticket.stage?.name, 'Open');
    assert.equal(
      await t.prisma.slaMetric.count({ where: { ticketId: ticket.id } }),
      0,
      'no policy matches: no metrics',
    );
  });

  it('stages: insert at a position, reorder, validate transitions, delete keeps positions dense', async () => {
    const wf = await t.http
      .post('/api/workflows')
      .set(auth(admin.token))
      .send({ name: 'Staged', stages: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] });
    const id = wf.body.id as string;
    const [a, b, c] = wf.body.stages.map((s: { id: string }) => s.id);
    const url = `/api/workflows/${id}/stages`;

    const inserted = await t.http
      .post(url)
      .set(auth(admin.token))
      .send({ name: 'A2', position: 1, status: 'IN_PROGRESS', allowedTransitionIds: [c] });
    assert.equal(inserted.status, 201, JSON.stringify(inserted.body));
    assert.equal(inserted.body.position, 1);
    let got = await t.http.get(`/api/workflows/${id}`).set(auth(agent.token));
    assert.deepEqual(names(got.body), ['0:A', '1:A2', '2:B', '3:C']);

    const moved = await t.http.patch(`${url}/${a}`).set(auth(admin.token)).send({ position: 99, name: 'A!' });
    assert.equal(moved.status, 200);
    got = await t.http.get(`/api/workflows/${id}`).set(auth(agent.token));
    assert.deepEqual(names(got.body), ['0:A2', '1:B', '2:C', '3:A!']);

    const self = await t.http
      .patch(`${url}/${b}`)
      .set(auth(admin.token))
      .send({ allowedTransitionIds: [b] });
    assert.equal(self.status, 400);
    assert.equal(self.body.errors[0].field, 'allowedTransitionIds');
    const other = await t.http.get('/api/workflows').set(auth(agent.token));
    const foreignStage = other.body.find((w: { id: string; stages: unknown[] }) => w.id !== id && w.stages.length)
      .stages[0].id;
    const foreign = await t.http
      .patch(`${url}/${b}`)
      .set(auth(admin.token))
      .send({ allowedTransitionIds: [foreignStage] });
    assert.equal(foreign.status, 400);
    assert.equal(
      (
        await t.http
          .patch(`${url}/${b}`)
          .set(auth(admin.token))
          .send({ allowedTransitionIds: [c, a] })
      ).status,
      200,
    );
    assert.equal(
      (await t.http.patch(`${url}/${b}`).set(auth(admin.token)).send({ name: 'C' })).status,
      409,
      'name taken',
    );
    assert.equal((await t.http.patch(`${url}/${NO_ID}`).set(auth(admin.token)).send({ name: 'Z' })).status, 404);

    const initial = await t.http.patch(`${url}/${c}`).set(auth(admin.token)).send({ isInitial: true, status: null });
    assert.equal(initial.status, 200);
    assert.equal(initial.body.isInitial, true);
    assert.equal(initial.body.status, null);

    assert.equal((await t.http.delete(`${url}/${c}`).set(auth(admin.token))).status, 204);
    got = await t.http.get(`/api/workflows/${id}`).set(auth(agent.token));
    assert.deepEqual(names(got.body), ['0:A2', '1:B', '2:A!']);
    for (const s of got.body.stages) assert.ok(!s.allowedTransitionIds.includes(c), 'no dangling transition');
  });

  it('refuses deleting a stage or workflow in use (409) and the default workflow', async () => {
    const wf = await t.http
      .post('/api/workflows')
      .set(auth(admin.token))
      .send({ name: 'In use', stages: [{ name: 'Only', status: 'OPEN' }, { name: 'Spare' }] });
    const ticket = await createTicket(t, agent.token, { requesterId: customer.id, workflowId: wf.body.id });
    assert.equal(ticket.stageId, wf.body.stages[0].id);

    const stageInUse = await t.http
      .delete(`/api/workflows/${wf.body.id}/stages/${ticket.stageId}`)
      .set(auth(admin.token));
    assert.equal(stageInUse.status, 409);
    assert.match(stageInUse.body.message, /1 ticket/);
    const inUse = await t.http.delete(`/api/workflows/${wf.body.id}`).set(auth(admin.token));
    assert.equal(inUse.status, 409);
    assert.match(inUse.body.message, /1 ticket/);
    // Soft-deleted tickets still count: they can be restored.
    await t.http.delete(`/api/tickets/${ticket.id}`).set(auth(agent.token));
    assert.equal((await t.http.delete(`/api/workflows/${wf.body.id}`).set(auth(admin.token))).status, 409);
    await t.http.delete(`/api/tickets/${ticket.id}?hard=true`).set(auth(admin.token));
    assert.equal((await t.http.delete(`/api/workflows/${wf.body.id}`).set(auth(admin.token))).status, 204);
    assert.equal(await t.prisma.stage.count({ where: { workflowId: wf.body.id } }), 0);

    const def = (await t.http.get('/api/workflows').set(auth(agent.token))).body.find(
      (w: { isDefault: boolean }) => w.isDefault,
    );
    const refused = await t.http.delete(`/api/workflows/${def.id}`).set(auth(admin.token));
    assert.equal(refused.status, 409);
    assert.equal((await t.http.delete(`/api/workflows/${NO_ID}`).set(auth(admin.token))).status, 404);
  });
});
