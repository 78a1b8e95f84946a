import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// Proof that a reply comes from the person we mailed: our outbound Message-ID carries an HMAC of
// (ticket, recipient address) under a key derived from EMAIL_SECRET_KEY. Only that recipient received the
// id, so a reply quoting it in In-Reply-To/References from that address is theirs; a From: header alone
// proves nothing. Form: <nf1.<random>.<mac>@domain>.

const PREFIX = 'nf1';
const MAC_BYTES = 16;
const SIGNED_ID_RE = /^<nf1\.([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{22})@[^<>\s]+>$/;

/** The reply-token key: a separate key derived from the e-mail secret key (never the key itself). */
export function deriveReplyTokenKey(emailSecretKey: Buffer): Buffer {
  return createHmac('sha256', emailSecretKey).update('nixflow reply token v1').digest();
}

function mac(key: Buffer, ticketId: string, recipient: string, nonce: string): Buffer {
  return createHmac('sha256', key)
    .update(`${ticketId}\n${recipient.trim().toLowerCase()}\n${nonce}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

/** A Message-ID for mail about `ticketId` sent to `recipient`; `nonce` makes each one unique (e.g. a UUID). */
export function signedMessageId(
  key: Buffer,
  ticketId: string,
  recipient: string,
  nonce: string,
  domain: string,
): string {
  const n = nonce.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64);
  return `<${PREFIX}.${n}.${mac(key, ticketId, recipient, n).toString('base64url')}@${domain || 'nixflow.local'}>`;
}

export function isSignedMessageId(id: string): boolean {
  return SIGNED_ID_RE.test(id);
}

/** True when `id` is one of our signed ids for this ticket and this sender (constant-time comparison). */
export function verifySignedMessageId(key: Buffer, id: string, ticketId: string, sender: string): boolean {
  const m = SIGNED_ID_RE.exec(id);
  if (!m) return false;
  const given = Buffer.from(m[2]!, 'base64url');
  const expected = mac(key, ticketId, sender, m[1]!);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Trace headers a delivery path adds or rewrites; not part of what the sender wrote.
const TRACE_HEADERS = new Set([
  'received',
  'return-path',
  'delivered-to',
  'x-original-to',
  'authentication-results',
  'arc-seal',
  'arc-message-signature',
  'arc-authentication-results',
  'x-spam-status',
  'x-spam-score',
  'x-spam-flag',
  'x-spam-level',
  'x-spam-checker-version',
]);

/**
 * SHA-256 (hex) of a message's canonical form, the same however it arrived (webhook or IMAP): line endings
 * normalised to LF, delivery trace headers left out, trailing whitespace of the message ignored.
 */
export function canonicalMessageDigest(raw: Buffer | string): string {
  const text = (Buffer.isBuffer(raw) ? raw.toString('latin1') : raw).replace(/\r\n?/g, '\n');
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text : text.slice(0, split);
  const body = split === -1 ? '' : text.slice(split + 2);
  const kept: string[] = [];
  let keep = true;
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line)) {
      if (keep) kept.push(line);
      continue;
    }
    const name = line
      .slice(0, Math.max(0, line.indexOf(':')))
      .trim()
      .toLowerCase();
    keep = !TRACE_HEADERS.has(name);
    if (keep) kept.push(line);
  }
  return createHash('sha256')
    .update(kept.join('\n'), 'latin1')
    .update('\n\n')
    .update(body.replace(/\s+$/, ''), 'latin1')
    .digest('hex');
}
