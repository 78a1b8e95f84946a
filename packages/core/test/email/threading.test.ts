import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  composeReferences,
  composeReplySubject,
  decideThreading,
  formatTicketToken,
  MAX_REFERENCES,
  parseMessageIdList,
  parseTicketToken,
  stripReplyPrefixes,
  threadingLookupIds,
  threadingTicketNumber,
} from '../../src/index.js';

describe('reference token', () => {
  it('formats and parses [#N]', () => {
    assert.equal(formatTicketToken(123), '[#123]');
    assert.equal(parseTicketToken('Re: printer broken [#123]'), 123);
    assert.equal(parseTicketToken('[#1] and later [#42]'), 42);
    assert.equal(parseTicketToken('no token #123 [123] [#] [#-4]'), null);
    assert.equal(parseTicketToken(undefined), null);
  });
});

describe('reply subject', () => {
  it('never stacks Re: or tokens', () => {
    assert.equal(composeReplySubject('Printer broken', 7), 'Re: Printer broken [#7]');
    assert.equal(composeReplySubject('Re: RE: Aw: Printer broken [#7]', 7), 'Re: Printer broken [#7]');
    assert.equal(composeReplySubject('Re: [#7] Re: Printer broken [#7]', 7), 'Re: Printer broken [#7]');
    assert.equal(composeReplySubject('Fwd: Re: x', 9), 'Re: x [#9]');
    assert.equal(composeReplySubject('', 3), 'Re: (no subject) [#3]');
  });
  it('keeps words that merely start like a prefix', () => {
    assert.equal(stripReplyPrefixes('Report: Q3'), 'Report: Q3');
    assert.equal(stripReplyPrefixes('Re:Re[2]: hello'), 'hello');
  });
});

describe('message ids and references', () => {
  it('parses lists of ids', () => {
    assert.deepEqual(parseMessageIdList('<a@x> <b@y>\r\n <a@x>'), ['<a@x>', '<b@y>']);
    assert.deepEqual(parseMessageIdList(['<a@x>', '<c@z>']), ['<a@x>', '<c@z>']);
    assert.deepEqual(parseMessageIdList('bare@host'), ['<bare@host>']);
    assert.deepEqual(parseMessageIdList(null), []);
  });
  it('composes References: parent refs then parent, root kept when trimming', () => {
    assert.deepEqual(composeReferences(['<r@x>'], '<p@x>'), ['<r@x>', '<p@x>']);
    assert.deepEqual(composeReferences([], '<p@x>'), ['<p@x>']);
    assert.deepEqual(composeReferences(['<p@x>'], '<p@x>'), ['<p@x>']);
    const many = Array.from({ length: 40 }, (_, i) => `<m${i}@x>`);
    const refs = composeReferences(many, '<last@x>');
    assert.equal(refs.length, MAX_REFERENCES);
    assert.equal(refs[0], '<m0@x>');
    assert.equal(refs.at(-1), '<last@x>');
  });
});

describe('threading decision', () => {
  const h = { inReplyTo: '<p@x>', references: '<root@x> <mid@x> <p@x>', subject: 'Re: hi [#5]' };
  it('lists lookup ids, most specific first', () => {
    assert.deepEqual(threadingLookupIds(h), ['<p@x>', '<mid@x>', '<root@x>']);
    assert.equal(threadingTicketNumber(h), 5);
  });
  it('prefers In-Reply-To, then References newest first, then the subject token', () => {
    assert.deepEqual(decideThreading(h, [{ messageId: '<p@x>', ticketId: 't1' }], 't5'), {
      kind: 'reply',
      ticketId: 't1',
      via: 'in-reply-to',
      parentMessageId: '<p@x>',
    });
    const viaRefs = decideThreading(
      h,
      [
        { messageId: '<root@x>', ticketId: 'tRoot' },
        { messageId: '<mid@x>', ticketId: 'tMid' },
      ],
      't5',
    );
    assert.equal(viaRefs.kind === 'reply' && viaRefs.ticketId, 'tMid');
    assert.deepEqual(decideThreading(h, [], 't5'), { kind: 'reply', ticketId: 't5', via: 'subject-token' });
  });
  it('ignores known messages without a ticket and opens a new ticket otherwise', () => {
    assert.deepEqual(decideThreading(h, [{ messageId: '<p@x>', ticketId: null }], null), { kind: 'new' });
    assert.deepEqual(decideThreading({ subject: 'hello' }, [], null), { kind: 'new' });
  });
});

describe('quoted reply', () => {
  it('keeps only the new part of a reply', async () => {
    const { stripQuotedReply } = await import('../../src/index.js');
    assert.equal(
      stripQuotedReply('Thanks, works now.\n\nOn Mon, 1 Jan 2024, Help <h@x> wrote:\n> old text'),
      'Thanks, works now.',
    );
    assert.equal(stripQuotedReply('Fine.\r\n\r\n> quoted\r\n> more\r\n'), 'Fine.');
    assert.equal(stripQuotedReply('Ok\n-----Original Message-----\nFrom: x'), 'Ok');
    assert.equal(
      stripQuotedReply('Long line\nOn Tue, 2 Jan 2024 at 10:00, Support Team\n<s@x> wrote:\n> q'),
      'Long line',
    );
    assert.equal(stripQuotedReply('> only a quote'), '> only a quote');
    assert.equal(stripQuotedReply('a > b\nkeeps inline >'), 'a > b\nkeeps inline >');
  });
});
