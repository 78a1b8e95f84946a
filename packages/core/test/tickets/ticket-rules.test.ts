import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  canSeeTicket,
  customerMayChangeStatus,
  initialStage,
  normalizeTags,
  notificationRecipients,
  stageFollowingStatus,
  stageTransitionAllowed,
  statusAfterCustomerReply,
  statusTimestamps,
} from '../../src/index.js';

const stage = (id: string, position: number, status: string | null, next: string[] = [], isInitial = false) => ({
  id,
  name: id,
  position,
  status,
  allowedTransitionIds: next,
  isInitial,
});

describe('ticket rules', () => {
  const now = new Date('2026-01-02T03:04:05Z');
  const earlier = new Date('2026-01-01T00:00:00Z');

  it('statusTimestamps stamps resolve/close and clears both on reopen', () => {
    assert.deepEqual(statusTimestamps('RESOLVED', now), { resolvedAt: now, closedAt: null });
    assert.deepEqual(statusTimestamps('RESOLVED', now, { resolvedAt: earlier }), {
      resolvedAt: earlier,
      closedAt: null,
    });
    assert.deepEqual(statusTimestamps('CLOSED', now), { resolvedAt: now, closedAt: now });
    assert.deepEqual(statusTimestamps('CLOSED', now, { resolvedAt: earlier }), { resolvedAt: earlier, closedAt: now });
    for (const s of ['OPEN', 'IN_PROGRESS', 'PENDING_CUSTOMER', 'ON_HOLD']) {
      assert.deepEqual(statusTimestamps(s, now, { resolvedAt: earlier, closedAt: earlier }), {
        resolvedAt: null,
        closedAt: null,
      });
    }
  });

  it('customers may only close, or reopen what is resolved, closed or waiting on them', () => {
    for (const from of ['OPEN', 'IN_PROGRESS', 'PENDING_CUSTOMER', 'ON_HOLD', 'RESOLVED']) {
      assert.equal(customerMayChangeStatus(from, 'CLOSED'), true, from);
    }
    assert.equal(customerMayChangeStatus('RESOLVED', 'OPEN'), true);
    assert.equal(customerMayChangeStatus('CLOSED', 'OPEN'), true);
    assert.equal(customerMayChangeStatus('PENDING_CUSTOMER', 'OPEN'), true);
    assert.equal(customerMayChangeStatus('ON_HOLD', 'OPEN'), false);
    assert.equal(customerMayChangeStatus('OPEN', 'IN_PROGRESS'), false);
    assert.equal(customerMayChangeStatus('OPEN', 'RESOLVED'), false);
    assert.equal(customerMayChangeStatus('OPEN', 'OPEN'), true);
  });

  it('a customer reply reopens RESOLVED and PENDING_CUSTOMER only', () => {
    assert.equal(statusAfterCustomerReply('RESOLVED'), 'OPEN');
    assert.equal(statusAfterCustomerReply('PENDING_CUSTOMER'), 'OPEN');
    for (const s of ['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'CLOSED']) assert.equal(statusAfterCustomerReply(s), null);
  });

  it('stage transitions: empty list = any, staying put always allowed', () => {
    assert.equal(stageTransitionAllowed(null, 'b'), true);
    assert.equal(stageTransitionAllowed(stage('a', 0, null), 'b'), true);
    assert.equal(stageTransitionAllowed(stage('a', 0, null, ['c']), 'b'), false);
    assert.equal(stageTransitionAllowed(stage('a', 0, null, ['c']), 'c'), true);
    assert.equal(stageTransitionAllowed(stage('a', 0, null, ['c']), 'a'), true);
  });

  it('the stage follows a status change only when the current stage pins another status', () => {
    const stages = [
      stage('new', 0, 'OPEN'),
      stage('work', 1, 'IN_PROGRESS'),
      stage('triage', 2, 'OPEN'),
      stage('free', 3, null),
    ];
    assert.equal(stageFollowingStatus(stages, stages[1], 'OPEN')?.id, 'new');
    assert.equal(stageFollowingStatus(stages, stages[0], 'OPEN')?.id, 'new');
    assert.equal(stageFollowingStatus(stages, stages[3], 'OPEN')?.id, 'free');
    assert.equal(stageFollowingStatus(stages, stages[1], 'ON_HOLD')?.id, 'work', 'no stage pins ON_HOLD');
    assert.equal(stageFollowingStatus(stages, null, 'OPEN'), null);
  });

  it('initialStage prefers the flagged stage, else the first by position', () => {
    assert.equal(initialStage([stage('b', 1, null), stage('a', 0, null)])?.id, 'a');
    assert.equal(initialStage([stage('b', 1, null, [], true), stage('a', 0, null)])?.id, 'b');
    assert.equal(initialStage([]), null);
  });

  it('normalizeTags trims, lower-cases, de-duplicates', () => {
    assert.deepEqual(normalizeTags([' VPN ', 'vpn', 'Billing', '  ']), ['vpn', 'billing']);
    assert.deepEqual(normalizeTags(undefined), []);
  });

  it('notificationRecipients: never the actor, once each, staff only for internal changes', () => {
    const agent = { id: 'a', role: 'AGENT' };
    const admin = { id: 'd', role: 'ADMIN' };
    const customer = { id: 'c', role: 'CUSTOMER' };
    assert.deepEqual(notificationRecipients([agent, customer, agent, null, admin], 'd', false), ['a', 'c']);
    assert.deepEqual(notificationRecipients([agent, customer, admin], 'a', true), ['d']);
    assert.deepEqual(notificationRecipients([customer], null, false), ['c']);
  });
});

describe('canSeeTicket', () => {
  const live = { requesterId: 'c1', deletedAt: null };
  const deleted = { requesterId: 'c1', deletedAt: new Date() };
  it('staff see live tickets, customers only the ones they currently request, deleted ones only admins', () => {
    assert.equal(canSeeTicket({ id: 'a', role: 'AGENT' }, live), true);
    assert.equal(canSeeTicket({ id: 'c1', role: 'CUSTOMER' }, live), true);
    assert.equal(canSeeTicket({ id: 'c2', role: 'CUSTOMER' }, live), false);
    assert.equal(canSeeTicket({ id: 'a', role: 'AGENT' }, deleted), false);
    assert.equal(canSeeTicket({ id: 'x', role: 'ADMIN' }, deleted), true);
  });
  it('an inactive or deleted account sees nothing; no user sees nothing', () => {
    assert.equal(canSeeTicket({ id: 'a', role: 'ADMIN', isActive: false }, live), false);
    assert.equal(canSeeTicket({ id: 'c1', role: 'CUSTOMER', deletedAt: new Date() }, live), false);
    assert.equal(canSeeTicket(null, live), false);
  });
});
