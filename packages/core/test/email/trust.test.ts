import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  canonicalMessageDigest,
  classifyLoopSafety,
  deriveReplyTokenKey,
  parseDeliveryReport,
  parseProviderNotification,
  senderAuthentication,
  signedMessageId,
  verifySignedMessageId,
} from '../../src/index.js';

describe('signed reply Message-IDs', () => {
  const key = deriveReplyTokenKey(randomBytes(32));
  const id = signedMessageId(key, 'ticket-1', 'Ann@Example.com', 'nonce-123', 'help.example');

  it('verify for the same ticket and recipient (address case ignored) only', () => {
    assert.match(id, /^<nf1\.nonce-123\.[A-Za-z0-9_-]{22}@help\.example>$/);
    assert.equal(verifySignedMessageId(key, id, 'ticket-1', 'ann@example.com'), true);
    assert.equal(verifySignedMessageId(key, id, 'ticket-2', 'ann@example.com'), false);
    assert.equal(verifySignedMessageId(key, id, 'ticket-1', 'eve@example.com'), false);
    assert.equal(verifySignedMessageId(deriveReplyTokenKey(randomBytes(32)), id, 'ticket-1', 'ann@example.com'), false);
    assert.equal(
      verifySignedMessageId(key, id.replace('nonce-123', 'nonce-124'), 'ticket-1', 'ann@example.com'),
      false,
    );
    assert.equal(verifySignedMessageId(key, '<plain@help.example>', 'ticket-1', 'ann@example.com'), false);
  });
});

describe('Authentication-Results', () => {
  const pass =
    'mx.example.com; dkim=pass header.d=customer.example; dmarc=pass (p=reject) header.from=customer.example';
  it('believes only the topmost header of the trusted authserv-id', () => {
    assert.equal(senderAuthentication([pass], 'mx.example.com', 'ann@customer.example').verified, true);
    assert.equal(senderAuthentication([pass], null, 'ann@customer.example').verified, false);
    assert.equal(senderAuthentication([pass], 'mx.other.com', 'ann@customer.example').verified, false);
    const failOnTop = 'mx.example.com; dmarc=fail header.from=customer.example';
    assert.equal(senderAuthentication([failOnTop, pass], 'mx.example.com', 'ann@customer.example').verified, false);
    assert.equal(
      senderAuthentication(['evil.example; dmarc=pass', pass], 'mx.example.com', 'ann@customer.example').verified,
      true,
    );
  });
  it('requires the verdict to be about the From domain', () => {
    assert.equal(senderAuthentication([pass], 'mx.example.com', 'ann@attacker.example').verified, false);
    const dkimOnly = 'mx.example.com (comment; with semicolon); dkim=pass header.d=customer.example';
    assert.equal(senderAuthentication([dkimOnly], 'mx.example.com', 'ann@mail.customer.example').verified, true);
    const dkimOther = 'mx.example.com; dkim=pass header.d=attacker.example; dmarc=none';
    assert.equal(senderAuthentication([dkimOther], 'mx.example.com', 'ann@customer.example').verified, false);
  });
});

describe('delivery reports', () => {
  it('reads the failed recipient block and the original Message-ID', () => {
    const r = parseDeliveryReport({
      deliveryStatus:
        'Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; a@x.example\r\nAction: delivered\r\nStatus: 2.0.0\r\n\r\n' +
        'Final-Recipient: rfc822; b@x.example\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550\r\n  user unknown\r\n',
      originalHeaders: ['From: s@help.example\nMessage-ID: <orig@help.example>\n'],
    });
    assert.deepEqual(r, {
      originalMessageIds: ['<orig@help.example>'],
      status: '5.1.1',
      diagnostic: 'smtp; 550 user unknown',
      recipient: 'b@x.example',
    });
  });
  it('reads SES notifications, also wrapped in an SNS envelope, and ignores other JSON', () => {
    const ses = {
      notificationType: 'Bounce',
      bounce: { bouncedRecipients: [{ emailAddress: 'b@x.example', status: '5.1.1', diagnosticCode: 'smtp; 550' }] },
      mail: { commonHeaders: { messageId: '<orig@help.example>' } },
    };
    const wrapped = JSON.stringify({ Type: 'Notification', Message: JSON.stringify(ses) });
    for (const body of [JSON.stringify(ses), wrapped]) {
      const n = parseProviderNotification(body);
      assert.equal(n?.type, 'Bounce');
      assert.deepEqual(n?.report.originalMessageIds, ['<orig@help.example>']);
      assert.equal(n?.report.status, '5.1.1');
    }
    assert.equal(parseProviderNotification('{"hello":1}'), null);
    assert.equal(parseProviderNotification('{not json'), null);
    assert.equal(classifyLoopSafety({ headers: {}, fromAddress: 'n@sns.example', textBody: wrapped })?.type, 'BOUNCE');
  });
  it('classifies ARF reports as complaints', () => {
    const flag = classifyLoopSafety({
      headers: { 'Content-Type': 'multipart/report; report-type=feedback-report; boundary="b"' },
      fromAddress: 'abuse@isp.example',
    });
    assert.equal(flag?.type, 'COMPLAINT');
  });
});

describe('canonical message digest', () => {
  it('ignores line endings, trace headers and trailing whitespace, not the content', () => {
    const lf = 'From: a@x\nSubject: s\n\nbody\n';
    const crlf = 'Received: from mx\r\n\tby imap\r\nReturn-Path: <a@x>\r\nFrom: a@x\r\nSubject: s\r\n\r\nbody\r\n\r\n';
    assert.equal(canonicalMessageDigest(lf), canonicalMessageDigest(Buffer.from(crlf)));
    assert.notEqual(canonicalMessageDigest(lf), canonicalMessageDigest('From: a@x\nSubject: t\n\nbody\n'));
    assert.notEqual(canonicalMessageDigest(lf), canonicalMessageDigest('From: a@x\nSubject: s\n\nbody2\n'));
  });
});
