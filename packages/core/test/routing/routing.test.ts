import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  chooseAssignee,
  firstMatchingRule,
  renderMacro,
  routingMatches,
  unknownPlaceholders,
  type AssignmentCandidate,
  type RoutingFacts,
} from '../../src/index.js';

const facts = (over: Partial<RoutingFacts> = {}): RoutingFacts => ({
  channel: 'EMAIL',
  emailAccountId: 'acc-1',
  formId: null,
  priority: 'NORMAL',
  tags: [],
  requesterEmail: 'Jo@Mail.Example.com',
  subject: 'Refund for order 42',
  description: 'Please send my money back',
  ...over,
});

describe('routing rules', () => {
  it('no condition matches everything; each given condition must hold', () => {
    assert.ok(routingMatches({}, facts()));
    assert.ok(routingMatches({ channels: ['EMAIL'], emailAccountIds: ['acc-1'] }, facts()));
    assert.ok(!routingMatches({ channels: ['WEB'] }, facts()));
    assert.ok(!routingMatches({ channels: ['EMAIL'], formIds: ['f'] }, facts()));
    assert.ok(routingMatches({ priorities: [] }, facts()), 'an empty list is no condition');
  });

  it('requester domains match the domain or a subdomain, case-insensitively', () => {
    assert.ok(routingMatches({ requesterDomains: ['example.com'] }, facts()));
    assert.ok(routingMatches({ requesterDomains: ['@MAIL.example.com'] }, facts()));
    assert.ok(!routingMatches({ requesterDomains: ['ample.com'] }, facts()));
    assert.ok(!routingMatches({ requesterDomains: ['example.com'] }, facts({ requesterEmail: null })));
  });

  it('keywords look in subject and description; tags overlap', () => {
    assert.ok(routingMatches({ keywords: ['REFUND'] }, facts()));
    assert.ok(routingMatches({ keywords: ['money back'] }, facts()));
    assert.ok(!routingMatches({ keywords: ['invoice'] }, facts()));
    assert.ok(routingMatches({ tags: ['VIP', 'x'] }, facts({ tags: ['vip'] })));
    assert.ok(!routingMatches({ tags: ['vip'] }, facts()));
  });

  it('the first active rule by position fires', () => {
    const rules = [
      { id: 'c', position: 2, isActive: true, conditions: {} },
      { id: 'a', position: 1, isActive: false, conditions: {} },
      { id: 'b', position: 1, isActive: true, conditions: { channels: ['WEB'] } },
      { id: 'd', position: 1, isActive: true, conditions: { keywords: ['refund'] } },
    ];
    assert.equal(firstMatchingRule(rules, facts())?.id, 'd');
    assert.equal(firstMatchingRule(rules, facts({ subject: 'x', description: 'y' }))?.id, 'c');
    assert.equal(firstMatchingRule(rules.slice(1, 3), facts()), null);
  });
});

const cand = (
  userId: string,
  openTickets = 0,
  capacity: number | null = null,
  available = true,
): AssignmentCandidate => ({
  userId,
  openTickets,
  capacity,
  available,
});

describe('chooseAssignee', () => {
  it('round-robin takes the next member after the last one, skipping full and away members', () => {
    const base = { mode: 'ROUND_ROBIN' as const, withinBusinessHours: true };
    const candidates = [cand('b'), cand('a'), cand('c')];
    assert.equal(chooseAssignee({ ...base, candidates, lastAssignedUserId: null }), 'a');
    assert.equal(chooseAssignee({ ...base, candidates, lastAssignedUserId: 'a' }), 'b');
    assert.equal(chooseAssignee({ ...base, candidates, lastAssignedUserId: 'c' }), 'a');
    assert.equal(chooseAssignee({ ...base, candidates, lastAssignedUserId: 'gone' }), 'a');
    const busy = [cand('a'), cand('b', 2, 2), cand('c', 0, null, false)];
    assert.equal(chooseAssignee({ ...base, candidates: busy, lastAssignedUserId: 'a' }), 'a');
  });

  it('least-open takes the member with fewest open tickets; nobody outside hours or in mode NONE', () => {
    const candidates = [cand('a', 3), cand('b', 1), cand('c', 1)];
    const input = { mode: 'LEAST_OPEN' as const, candidates, lastAssignedUserId: 'b', withinBusinessHours: true };
    assert.equal(chooseAssignee(input), 'c');
    assert.equal(chooseAssignee({ ...input, withinBusinessHours: false }), null);
    assert.equal(chooseAssignee({ ...input, mode: 'NONE' }), null);
  });

  it('never chooses an unavailable or full member (property)', () => {
    const candidate = fc.record({
      userId: fc.uuid(),
      openTickets: fc.nat(10),
      capacity: fc.option(fc.nat(10), { nil: null }),
      available: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(candidate, { selector: (c) => c.userId, maxLength: 8 }),
        fc.constantFrom('ROUND_ROBIN' as const, 'LEAST_OPEN' as const),
        fc.option(fc.uuid(), { nil: null }),
        (candidates, mode, last) => {
          const chosen = chooseAssignee({ mode, candidates, lastAssignedUserId: last, withinBusinessHours: true });
          const eligible = candidates.filter((c) => c.available && (c.capacity === null || c.openTickets < c.capacity));
          if (eligible.length === 0) return chosen === null;
          const c = eligible.find((e) => e.userId === chosen);
          if (!c) return false;
          return mode === 'ROUND_ROBIN' || eligible.every((e) => e.openTickets >= c.openTickets);
        },
      ),
    );
  });
});

describe('macro placeholders', () => {
  const context = {
    requesterName: 'Ana {{ticket.number}}',
    requesterEmail: 'ana@example.com',
    ticketNumber: 42,
    ticketSubject: 'Printer',
    agentName: 'Bo',
  };

  it('replaces known placeholders once and leaves unknown ones', () => {
    assert.equal(
      renderMacro('Hi {{ requester.name }}, #{{ticket.number}} {{Agent.Name}} {{nope}}', context),
      'Hi Ana {{ticket.number}}, #42 Bo {{nope}}',
    );
    assert.deepEqual(unknownPlaceholders('{{nope}} {{ticket.number}} {{nope}}'), ['nope']);
  });
});
