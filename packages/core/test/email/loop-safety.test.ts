import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLoopSafety } from '../../src/index.js';

const human = {
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  fromAddress: 'ann@example.com',
  subject: 'Printer',
};

describe('loop safety', () => {
  it('lets an ordinary message through', () => {
    assert.equal(classifyLoopSafety(human), null);
    assert.equal(classifyLoopSafety({ ...human, headers: { 'Auto-Submitted': 'no' } }), null);
    assert.equal(classifyLoopSafety({ ...human, headers: { 'X-Auto-Response-Suppress': 'DR, RN' } }), null);
    assert.equal(classifyLoopSafety({ ...human, subject: 'Automation question' }), null);
  });
  it('flags auto-replies by header', () => {
    for (const headers of [
      { 'Auto-Submitted': 'auto-replied' },
      { 'auto-submitted': 'auto-generated; owner-email="x@y"' },
      { Precedence: 'bulk' },
      { precedence: 'junk' },
      { PRECEDENCE: 'list' },
      { 'X-Autoreply': 'yes' },
      { 'X-Autorespond': 'Vacation' },
      { 'X-Auto-Response-Suppress': 'All' },
      { 'List-Id': '<news.example.com>' },
    ]) {
      const flag = classifyLoopSafety({ ...human, headers });
      assert.equal(flag?.type, 'AUTO_REPLY', JSON.stringify(headers));
      assert.ok(flag.reason.length > 0);
    }
  });
  it('flags auto-replies by subject', () => {
    for (const subject of ['Out of Office: Printer', 'Automatic reply: hi', 'Auto-Reply: x', 'Abwesenheitsnotiz']) {
      assert.equal(classifyLoopSafety({ ...human, subject })?.type, 'AUTO_REPLY', subject);
    }
  });
  it('flags bounces', () => {
    assert.deepEqual(classifyLoopSafety({ ...human, fromAddress: 'MAILER-DAEMON@mx.example.com' }), {
      type: 'BOUNCE',
      reason: 'sender mailer-daemon@mx.example.com',
    });
    assert.equal(classifyLoopSafety({ ...human, fromAddress: 'postmaster@example.com' })?.type, 'BOUNCE');
    assert.equal(
      classifyLoopSafety({
        ...human,
        headers: { 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="x"' },
      })?.type,
      'BOUNCE',
    );
    assert.equal(classifyLoopSafety({ ...human, headers: { 'Return-Path': '<>' } })?.type, 'BOUNCE');
    assert.equal(classifyLoopSafety({ ...human, headers: { 'Return-Path': '<ann@example.com>' } }), null);
    assert.equal(classifyLoopSafety({ ...human, subject: 'Undelivered Mail Returned to Sender' })?.type, 'BOUNCE');
    // A bounce that is also Auto-Submitted is labelled a bounce.
    assert.equal(
      classifyLoopSafety({
        headers: { 'Auto-Submitted': 'auto-replied' },
        fromAddress: 'mailer-daemon@x.org',
        subject: 'x',
      })?.type,
      'BOUNCE',
    );
  });
});
