import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CUSTOMER_STREAM_EVENT_TYPES,
  comparePositions,
  decodeStreamCursor,
  encodeStreamCursor,
  streamEventFor,
  type StreamLogEvent,
  type StreamRole,
} from '../../src/index.js';

const event = (type: string, payload: Record<string, unknown> = {}, aggregateType = 'Ticket'): StreamLogEvent => ({
  type,
  aggregateType,
  aggregateId: 't1',
  actorId: 'agent-1',
  payload,
  createdAt: new Date('2026-12-03T10:00:00.000Z'),
});
const ticket = { requesterId: 'cust-1', deletedAt: null, number: 7 };
const customer = { id: 'cust-1', role: 'CUSTOMER' as const };

describe('live-update visibility', () => {
  it('customers get their own public changes, stripped to the allowed keys, with a UTC timestamp', () => {
    const d = streamEventFor(
      customer,
      event('CommentAdded', { commentId: 'c1', internal: false, authorRole: 'AGENT' }),
      ticket,
    );
    assert.deepEqual(d, {
      type: 'CommentAdded',
      ticketId: 't1',
      ticketNumber: 7,
      actorId: null,
      payload: { commentId: 'c1' },
      at: '2026-12-03T10:00:00.000Z',
    });
  });

  it('customers never get internal notes, nor comment events without an explicit public flag', () => {
    for (const type of ['CommentAdded', 'CommentEdited', 'CommentDeleted']) {
      assert.equal(streamEventFor(customer, event(type, { commentId: 'c', internal: true }), ticket), null);
      assert.equal(streamEventFor(customer, event(type, { commentId: 'c' }), ticket), null);
    }
  });

  it("customers never get other customers' tickets, deleted tickets, staff-only types or non-ticket events", () => {
    assert.equal(streamEventFor(customer, event('TicketCreated'), { ...ticket, requesterId: 'cust-2' }), null);
    assert.equal(streamEventFor(customer, event('TicketCreated'), { ...ticket, deletedAt: new Date() }), null);
    assert.equal(streamEventFor(customer, event('TicketAssigned', { to: 'a' }), ticket), null);
    assert.equal(streamEventFor(customer, event('SLAPolicyChanged', {}, 'SLAPolicy'), undefined), null);
    assert.equal(streamEventFor(customer, event('TicketCreated'), undefined), null);
  });

  it('staff see every live ticket; only admins see deleted ones', () => {
    const deleted = { ...ticket, deletedAt: new Date() };
    assert.ok(streamEventFor({ id: 'a', role: 'AGENT' }, event('CommentAdded', { internal: true }), ticket));
    assert.equal(streamEventFor({ id: 'a', role: 'AGENT' }, event('TicketUpdated'), deleted), null);
    assert.ok(streamEventFor({ id: 'x', role: 'ADMIN' }, event('TicketDeleted'), deleted));
  });

  it('property: whatever the event, a customer frame is about their own ticket and names no internal content', () => {
    const roles: StreamRole[] = ['CUSTOMER'];
    fc.assert(
      fc.property(
        fc.constantFrom(...CUSTOMER_STREAM_EVENT_TYPES, 'TicketAssigned', 'WatcherAdded', 'EmailReceived', 'X'),
        fc.dictionary(
          fc.constantFrom('commentId', 'internal', 'authorRole', 'from', 'to', 'version', 'secret'),
          fc.jsonValue(),
        ),
        fc.constantFrom('cust-1', 'cust-2'),
        fc.constantFrom(...roles),
        (type, payload, requesterId, role) => {
          const d = streamEventFor({ id: 'cust-1', role }, event(type, payload), { ...ticket, requesterId });
          if (!d) return;
          assert.equal(requesterId, 'cust-1');
          assert.ok(!('internal' in d.payload) && !('secret' in d.payload) && !('authorRole' in d.payload));
          if (type.startsWith('Comment')) assert.equal(payload.internal, false);
        },
      ),
    );
  });
});

describe('stream cursor', () => {
  it('round-trips and orders positions', () => {
    const c = { events: { txId: 12n, seq: 3n }, notifications: { txId: 9n, seq: 44n } };
    assert.deepEqual(decodeStreamCursor(encodeStreamCursor(c)), c);
    assert.equal(comparePositions({ txId: 1n, seq: 9n }, { txId: 2n, seq: 1n }), -1);
    assert.equal(comparePositions({ txId: 2n, seq: 2n }, { txId: 2n, seq: 1n }), 1);
  });

  it('anything else in Last-Event-ID means "start live"', () => {
    for (const bad of [undefined, '', 'abc', '1.2-3', '1.2-3.4-5', '-1.2-3.4', `${'9'.repeat(20)}.1-1.1`]) {
      assert.equal(decodeStreamCursor(bad), null, String(bad));
    }
  });
});
