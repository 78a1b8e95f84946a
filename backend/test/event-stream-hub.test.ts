import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { EventStreamHub, type StreamClient } from '../src/events/event-stream.hub.js';

interface TestClient extends StreamClient {
  closed: boolean;
}

function streamClient(userId: string): TestClient {
  return {
    userId,
    role: UserRole.AGENT,
    tokenVersion: 0,
    cursor: null,
    resumeFrom: null,
    closed: false,
    send() {},
    close() {
      this.closed = true;
    },
  };
}

// Unit test of the hub's viewer check: the user query is held open by a gate (a stub stands in for
// Prisma), so that a stream can join while it runs, deterministically. The e2e suite (event-stream.e2e)
// saw this race under load: a stream that opened during the check was closed as if its user were gone.
test('a stream that opens while the viewers are re-checked stays open; a gone user is still cut off', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const active = { role: UserRole.AGENT, isActive: true, deletedAt: null, tokenVersion: 0 };
  const prisma = {
    user: {
      findMany: async ({ where }: { where: { id: { in: string[] } } }) => {
        await gate;
        return where.id.in.filter((id) => id !== 'gone').map((id) => ({ id, ...active }));
      },
    },
  };
  const hub = new EventStreamHub(prisma as never, {} as never);
  const clients = hub['clients'];
  const before = streamClient('before');
  const gone = streamClient('gone');
  clients.add(before);
  clients.add(gone);

  const check = hub['refreshViewers']();
  const joined = streamClient('joined'); // connects while the query runs: not part of its answer
  clients.add(joined);
  release();
  await check;

  assert.equal(gone.closed, true, 'a client whose user no longer exists is closed');
  assert.equal(clients.has(gone), false);
  assert.equal(before.closed, false);
  assert.equal(joined.closed, false, 'the stream that joined during the check was closed');
  assert.equal(clients.has(joined), true);
});
