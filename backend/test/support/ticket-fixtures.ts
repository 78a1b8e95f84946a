import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import type { TestApp, TestUser } from './test-app.js';

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface Actor extends TestUser {
  token: string;
}

export async function actor(t: TestApp, role: UserRole): Promise<Actor> {
  const user = await t.createUser({ role });
  return { ...user, token: await t.login(user.email, user.password) };
}

export interface SupportWorkflow {
  id: string;
  stage: Record<'new' | 'work' | 'waiting' | 'resolved' | 'closed', string>;
}

/**
 * New (OPEN, initial) → In progress | Resolved | Closed; In progress → Waiting | Resolved;
 * Waiting (PENDING_CUSTOMER) → In progress; Resolved → In progress | Closed; Closed → (any: empty list).
 */
export async function createSupportWorkflow(
  t: TestApp,
  adminToken: string,
  name = 'Support',
): Promise<SupportWorkflow> {
  const res = await t.http
    .post('/api/workflows')
    .set(auth(adminToken))
    .send({
      name,
      isDefault: true,
      stages: [
        { name: 'New', status: 'OPEN', isInitial: true },
        { name: 'In progress', status: 'IN_PROGRESS' },
        { name: 'Waiting', status: 'PENDING_CUSTOMER' },
        { name: 'Resolved', status: 'RESOLVED' },
        { name: 'Closed', status: 'CLOSED' },
      ],
    });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const ids = (res.body.stages as { id: string }[]).map((s) => s.id);
  const [n, w, p, r, c] = ids;
  const next: [string, string[]][] = [
    [n, [w, r, c]],
    [w, [p, r]],
    [p, [w]],
    [r, [w, c]],
  ];
  for (const [id, allowed] of next) {
    const patch = await t.http
      .patch(`/api/workflows/${res.body.id}/stages/${id}`)
      .set(auth(adminToken))
      .send({ allowedTransitionIds: allowed });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
  }
  return { id: res.body.id, stage: { new: n, work: w, waiting: p, resolved: r, closed: c } };
}

/** A 24/7 policy matching every ticket (FIRST_RESPONSE, NEXT_RESPONSE, RESOLUTION for all priorities). */
export async function createCatchAllPolicy(t: TestApp, adminToken: string): Promise<string> {
  const all = (m: number) => ({ LOW: m, NORMAL: m, HIGH: m, URGENT: m });
  const res = await t.http
    .post('/api/sla/policies')
    .set(auth(adminToken))
    .send({
      name: 'Catch-all 24/7',
      position: 100,
      targets: { FIRST_RESPONSE: all(60), NEXT_RESPONSE: all(120), RESOLUTION: all(960) },
      calendar: { timezone: 'UTC', businessHours: null, holidays: [] },
    });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/** The JSON of a ticket as the API returns it (fields the tests read). */
export interface TicketJson {
  id: string;
  number: number;
  status: string;
  channel: string;
  requesterId: string;
  assigneeId: string | null;
  workflowId: string | null;
  stageId: string | null;
  stage: { id: string; name: string } | null;
  tags: string[];
  version: number;
  [field: string]: unknown;
}

export async function createTicket(t: TestApp, token: string, body: Record<string, unknown> = {}): Promise<TicketJson> {
  const res = await t.http
    .post('/api/tickets')
    .set(auth(token))
    .send({ subject: 'Printer on fire', description: 'It is really on fire.', ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}
