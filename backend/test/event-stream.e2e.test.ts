import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { UserRole } from '@nixflow/db/client';
import { testQueuePrefix } from '@nixflow/db/testing';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { EventStreamHub } from '../src/events/event-stream.hub.js';
import { openSse, type SseClient, type SseFrame } from './support/sse-client.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { actor, auth, createCatchAllPolicy, createSupportWorkflow, type Actor } from './support/ticket-fixtures.js';

interface TicketFrame {
  type: string;
  ticketId: string | null;
  ticketNumber: number | null;
  payload: Record<string, unknown>;
}

const ticketFrame = (f: SseFrame) => (f.event === 'ticket' ? (f.data as TicketFrame) : null);
const isEvent =
  (type: string, ticketId: string, extra: (d: TicketFrame) => boolean = () => true) =>
  (f: SseFrame) => {
    const d = ticketFrame(f);
    return !!d && d.type === type && d.ticketId === ticketId && extra(d);
  };

async function listen(app: INestApplication): Promise<number> {
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as AddressInfo).port;
}

/** Another API instance over the same database and Redis (as a second replica, or a restarted one). */
async function startInstance(): Promise<{ app: INestApplication; port: number }> {
  const app = await NestFactory.create(AppModule, { bodyParser: false, logger: false });
  configureApp(app);
  return { app, port: await listen(app) };
}

describe('live updates: GET /api/events/stream (SSE)', () => {
  let t: TestApp;
  let port: number;
  let admin: Actor;
  let agent: Actor;
  let customer: Actor;
  let other: Actor;
  const streams: SseClient[] = [];
  const open = async (token: string | null, opts: { lastEventId?: string } = {}, at = port) => {
    const s = await openSse(at, token, opts);
    streams.push(s);
    return s;
  };

  before(async () => {
    t = await createTestApp({
      env: {
        // EVENT_STREAM_POLL_MS stays at its default, so that the latency measured below is the shipped one.
        QUEUE_PREFIX: testQueuePrefix(),
        EVENT_STREAM_HEARTBEAT_MS: '300',
        EVENT_STREAM_USER_CHECK_MS: '200',
        EVENT_STREAM_MAX_PER_USER: '3',
      },
    });
    port = await listen(t.app);
    // Notifications are written by the worker's event consumer after the commit: run it, as the worker does.
    t.events.startLoop();
    [admin, agent, customer, other] = await Promise.all([
      actor(t, UserRole.ADMIN),
      actor(t, UserRole.AGENT),
      actor(t, UserRole.CUSTOMER),
      actor(t, UserRole.CUSTOMER),
    ]);
    await createSupportWorkflow(t, admin.token);
    await createCatchAllPolicy(t, admin.token);
  });
  after(async () => {
    for (const s of streams) s.close();
    await t?.close();
  });

  const createTicket = async (who: Actor, subject: string) => {
    const res = await t.http.post('/api/tickets').set(auth(who.token)).send({ subject, description: 'details' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; number: number };
  };
  const comment = async (who: Actor, ticketId: string, body: string, internal = false) => {
    const res = await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(who.token)).send({ body, internal });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string };
  };

  it('delivers by role: staff see every change, customers their own public ones, never an internal note', async () => {
    const agentStream = await open(agent.token);
    const customerStream = await open(customer.token);
    const otherStream = await open(other.token);
    assert.equal(agentStream.status, 200);

    const ticket = await createTicket(customer, 'Printer on fire');
    await agentStream.waitFor(isEvent('TicketCreated', ticket.id), 'agent sees the new ticket');
    const created = await customerStream.waitFor(isEvent('TicketCreated', ticket.id), 'customer sees own ticket');
    assert.equal(ticketFrame(created)!.ticketNumber, ticket.number);

    // The agent watches; a customer reply reaches the agent as a ticket change and as a notification.
    const watch = await t.http
      .post(`/api/tickets/${ticket.id}/watchers`)
      .set(auth(agent.token))
      .send({ userId: agent.id });
    assert.ok([200, 201].includes(watch.status), JSON.stringify(watch.body));
    const sentAt = Date.now();
    const reply = await comment(customer, ticket.id, 'Still burning');
    const seen = await agentStream.waitFor(
      isEvent('CommentAdded', ticket.id, (d) => d.payload.commentId === reply.id),
      'agent sees the reply',
    );
    await agentStream.waitFor(
      (f) => f.event === 'notification' && (f.data as { ticketId: string }).ticketId === ticket.id,
      'agent gets the comment notification',
    );
    // Delivery latency on loopback, POST sent → frame received (#15 asks for 1 s; the machine is shared, so
    // the run reports the figures and asserts only a generous bound).
    const latencies = [seen.at - sentAt];
    for (let i = 0; i < 4; i++) {
      const start = Date.now();
      const c = await comment(customer, ticket.id, `Still burning ${i}`);
      const frame = await agentStream.waitFor(
        isEvent('CommentAdded', ticket.id, (d) => d.payload.commentId === c.id),
        `agent sees reply ${i}`,
      );
      latencies.push(frame.at - start);
    }
    console.log(`# SSE comment delivery latency (ms, default poll interval): ${latencies.join(', ')}`);
    assert.ok(Math.max(...latencies) < 5000, `SSE delivery took ${Math.max(...latencies)} ms`);

    const note = await comment(agent, ticket.id, 'internal: customer is angry', true);
    await agentStream.waitFor(
      isEvent('CommentAdded', ticket.id, (d) => d.payload.commentId === note.id && d.payload.internal === true),
      'staff see the internal note event',
    );
    const publicReply = await comment(agent, ticket.id, 'We are on it');
    await customerStream.waitFor(
      isEvent('CommentAdded', ticket.id, (d) => d.payload.commentId === publicReply.id),
      'customer sees the public reply',
    );
    // Frames arrive in order: by the time the later public reply is there, the note would have been.
    for (const f of customerStream.frames) {
      const text = JSON.stringify(f.data);
      assert.ok(!text.includes(note.id), `customer got a frame about the internal note: ${text}`);
      assert.ok(!text.includes('"internal":true'), `customer frame about internal content: ${text}`);
      assert.ok(!text.includes('angry'));
    }
    // Another customer hears nothing about this ticket (marker: their own ticket arrives after it).
    const own = await createTicket(other, 'My own question');
    await otherStream.waitFor(isEvent('TicketCreated', own.id), 'other customer sees own ticket');
    assert.ok(!otherStream.frames.some((f) => JSON.stringify(f.data).includes(ticket.id)));
  });

  it('a requester change cuts the old requester off at once', async () => {
    const ticket = await createTicket(customer, 'Moving house');
    const oldRequester = await open(customer.token);
    const newRequester = await open(other.token);
    const moved = await t.http
      .patch(`/api/tickets/${ticket.id}`)
      .set(auth(agent.token))
      .send({ requesterId: other.id });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const reply = await comment(agent, ticket.id, 'Reply after the move');
    await newRequester.waitFor(
      isEvent('CommentAdded', ticket.id, (d) => d.payload.commentId === reply.id),
      'new requester sees it',
    );
    const marker = await createTicket(customer, 'marker');
    await oldRequester.waitFor(isEvent('TicketCreated', marker.id), 'old requester marker');
    assert.ok(!oldRequester.frames.some((f) => JSON.stringify(f.data).includes(reply.id)));
  });

  it('resumes from Last-Event-ID on another instance after a restart: nothing missed, nothing repeated', async () => {
    const ticket = await createTicket(customer, 'Resume me');
    const b = await startInstance();
    let c: { app: INestApplication; port: number } | undefined;
    try {
      const onB = await open(agent.token, {}, b.port);
      const c1 = await comment(customer, ticket.id, 'one'); // written through instance A
      await onB.waitFor(
        isEvent('CommentAdded', ticket.id, (d) => d.payload.commentId === c1.id),
        'c1 on B',
      );
      const resumeId = onB.lastEventId;
      assert.ok(resumeId);
      onB.close();
      await b.app.close(); // the instance goes away; the client reconnects elsewhere
      const c2 = await comment(customer, ticket.id, 'two');
      const c3 = await comment(agent, ticket.id, 'three');

      c = await startInstance();
      const resumed = await open(agent.token, { lastEventId: resumeId }, c.port);
      await resumed.waitFor(
        isEvent('CommentAdded', ticket.id, (d) => d.payload.commentId === c3.id),
        'c3 replayed',
      );
      const c4 = await comment(customer, ticket.id, 'four');
      await resumed.waitFor(
        isEvent('CommentAdded', ticket.id, (d) => d.payload.commentId === c4.id),
        'c4 live',
      );
      const ids = resumed.frames
        .map(ticketFrame)
        .filter((d) => d?.type === 'CommentAdded' && d.ticketId === ticket.id)
        .map((d) => d!.payload.commentId);
      assert.deepEqual(ids, [c2.id, c3.id, c4.id]);
    } finally {
      await b.app.close().catch(() => undefined);
      await c?.app.close().catch(() => undefined);
    }
  });

  it('a change committed right after the stream opened reaches it, however slow the first read of the log is', async () => {
    const ticket = await createTicket(customer, 'Opened just now');
    const b = await startInstance(); // no stream on it yet: its hub has no position
    try {
      // The hub's first read of the log head is slow (a loaded database): the change below commits meanwhile.
      const hub = b.app.get(EventStreamHub) as unknown as { head: () => Promise<unknown> };
      const head = hub.head.bind(hub);
      hub.head = async () => {
        await sleep(1_500);
        return head();
      };
      const onB = await open(agent.token, {}, b.port);
      const c = await comment(customer, ticket.id, 'right after you connected');
      await onB.waitFor(
        isEvent('CommentAdded', ticket.id, (d) => d.payload.commentId === c.id),
        'the comment written after the stream opened',
        30_000,
      );
    } finally {
      await b.app.close().catch(() => undefined);
    }
  });

  it('heartbeats keep it alive; logout ends it; no token is 401; too many streams is 429', async () => {
    const u = await actor(t, UserRole.AGENT);
    const s = await open(u.token);
    await s.waitFor((f) => f.event === 'heartbeat', 'a heartbeat');
    assert.ok(s.lastEventId, 'heartbeats carry the position');

    const anon = await open(null);
    assert.equal(anon.status, 401);
    anon.close();

    const more = [await open(u.token), await open(u.token)];
    const refused = await open(u.token);
    assert.equal(refused.status, 429);
    refused.close();

    assert.equal((await t.http.post('/api/auth/logout').set(auth(u.token))).status, 204);
    // An aborted deadline: a pending timer would keep the test process alive for its full length.
    const deadline = new AbortController();
    await Promise.race([
      Promise.all([s.ended, ...more.map((m) => m.ended)]),
      sleep(120_000, undefined, { signal: deadline.signal }).then(() => {
        throw new Error('streams still open after logout');
      }),
    ]).finally(() => deadline.abort());
  });
});
