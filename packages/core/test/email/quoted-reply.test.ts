import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QUOTE_SCAN_MAX_CHARS, stripQuotedReply, type QuotedReplyStats } from '../../src/index.js';

/** Quote lines that never end in a quote-only tail: the input that made the old stripper quadratic. */
function pathological(bytes: number): string {
  const unit = '> quoted\n';
  return unit.repeat(Math.ceil(bytes / unit.length)) + 'not a quote';
}

function cost(text: string): number {
  const stats: QuotedReplyStats = { charsExamined: 0 };
  stripQuotedReply(text, stats);
  return stats.charsExamined;
}

describe('stripQuotedReply', () => {
  it('keeps the new part above the quote', () => {
    assert.equal(stripQuotedReply('Thanks!\n\nOn Mon, 1 Jan 2024, Support <s@x> wrote:\n> old'), 'Thanks!');
    assert.equal(stripQuotedReply('Thanks!\r\nOn Mon, 1 Jan 2024, Support\r\n<s@x> wrote:\r\n> old'), 'Thanks!');
    assert.equal(stripQuotedReply('Danke\n\nAm 1.1.2024 schrieb Support <s@x>:\n> alt'), 'Danke');
    assert.equal(stripQuotedReply('Yes\n-----Original Message-----\nFrom: x'), 'Yes');
    assert.equal(stripQuotedReply('Fine\n\n> a\n>\n> b\n'), 'Fine');
    assert.equal(stripQuotedReply('> a\nmy answer\n> b\nmore'), '> a\nmy answer\n> b\nmore');
    assert.equal(stripQuotedReply('> only a quote'), '> only a quote');
    assert.equal(stripQuotedReply(null), '');
  });

  it('costs linear work: 100× the input is at most ~100× the steps (the old one was quadratic)', () => {
    const small = cost(pathological(500));
    const large = cost(pathological(50_000));
    assert.ok(small > 0);
    assert.ok(large <= small * 110, `500 B: ${small} steps, 50 KB: ${large} steps`);
  });

  it('looks at a bounded prefix: 10 KB and 1 MB of hostile input cost about the same', () => {
    const tenKb = cost(pathological(QUOTE_SCAN_MAX_CHARS));
    const oneMb = cost(pathological(1024 * 1024));
    assert.ok(oneMb <= tenKb * 1.1, `64 KB: ${tenKb} steps, 1 MB: ${oneMb} steps`);
    const huge = 'x'.repeat(1024 * 1024);
    assert.ok(cost(huge) <= 2 * 500, 'one huge line is examined only up to the attribution line limit');
    // The whole text is still returned when no quote start was found in the scanned part.
    assert.equal(stripQuotedReply(pathological(1024 * 1024)).length, pathological(1024 * 1024).length);
  });
});
