import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { canonicalMessageDigest, normalizeMessageId, parseMessageIdList } from '@nixflow/core';

/** What the pipeline needs from a raw RFC 822 message. */
export interface InboundMessage {
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  /** '' when the message has no usable sender (bounces: `From: MAILER-DAEMON <>`); the pipeline flags it. */
  fromAddress: string;
  fromName: string | null;
  to: string[];
  cc: string[];
  subject: string;
  textBody: string | null;
  htmlBody: string | null;
  /** Raw header values by lower-case name (first occurrence), unfolded. */
  headerValues: Record<string, string>;
  /** Every Authentication-Results value, topmost first (headerValues keeps only the first). */
  authenticationResults: string[];
  attachments: { fileName: string; contentType: string; content: Buffer; contentId: string | null }[];
}

export class UnparseableMessageError extends Error {}

const MESSAGE_HEADERS = new Set(['from', 'sender', 'to', 'subject', 'date', 'message-id', 'received', 'return-path']);

// Headers kept on EmailMessage.headers: what threading and loop safety looked at, for audit.
const KEPT_HEADERS = [
  'message-id',
  'in-reply-to',
  'references',
  'date',
  'return-path',
  'content-type',
  'auto-submitted',
  'precedence',
  'x-autoreply',
  'x-autorespond',
  'x-auto-response-suppress',
  'x-failed-recipients',
  'list-id',
  'x-loop',
  'authentication-results',
];

function addresses(a: AddressObject | AddressObject[] | undefined): { address: string; name: string | null }[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list
    .flatMap((o) => o.value)
    .flatMap((v) => (v.group ? v.group : [v]))
    .filter((v) => v.address)
    .map((v) => ({ address: v.address!.trim().toLowerCase(), name: v.name?.trim() || null }));
}

function headerValues(parsed: ParsedMail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (key in out) continue;
    const colon = line.indexOf(':');
    out[key.toLowerCase()] = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }
  return out;
}

export function keptHeaders(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(KEPT_HEADERS.filter((k) => k in values).map((k) => [k, values[k]!.slice(0, 2000)]));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Mail is kept, not refused, for text PostgreSQL cannot store: NUL characters are dropped and lone
 * surrogates replaced (U+FFFD) in every string of the parsed message. Attachment bytes are left alone.
 */
export function storableText<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map((v) => storableText(v)) as T;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableText(v)])) as T;
  }
  return value;
}

/** Parses and normalises; throws UnparseableMessageError when there is no usable header block. */
export async function parseInboundMessage(raw: Buffer): Promise<InboundMessage> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  } catch (err) {
    throw new UnparseableMessageError(`Not an RFC 822 message: ${(err as Error).message}`);
  }
  // A message without any of these is not mail (a sender-less one still is: it is stored and flagged).
  if (!parsed.headerLines.some((h) => MESSAGE_HEADERS.has(h.key)))
    throw new UnparseableMessageError('Not an RFC 822 message: no headers');
  const from = addresses(parsed.from)[0] ?? { address: '', name: null };
  const values = headerValues(parsed);
  // No Message-ID: derive one from the canonical content, so a redelivery (webhook or IMAP alike) is recognised.
  const messageId = parsed.messageId
    ? normalizeMessageId(parsed.messageId)
    : `<sha256-${canonicalMessageDigest(raw)}@nixflow.invalid>`;
  const html = typeof parsed.html === 'string' && parsed.html.trim() ? sanitizeHtml(parsed.html) : null;
  return storableText({
    messageId,
    inReplyTo: parseMessageIdList(parsed.inReplyTo)[0] ?? null,
    references: parseMessageIdList(parsed.references),
    fromAddress: from.address,
    fromName: from.name,
    to: addresses(parsed.to).map((a) => a.address),
    cc: addresses(parsed.cc).map((a) => a.address),
    subject: (parsed.subject ?? '').trim(),
    textBody: parsed.text?.trim() ? parsed.text : null,
    htmlBody: html,
    headerValues: values,
    authenticationResults: parsed.headerLines
      .filter((h) => h.key === 'authentication-results')
      .map((h) =>
        h.line
          .slice(h.line.indexOf(':') + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      ),
    attachments: parsed.attachments
      .filter((a) => a.contentDisposition === 'attachment' || !a.related)
      .map((a) => ({
        fileName: a.filename || 'attachment',
        contentType: (a.contentType || 'application/octet-stream').toLowerCase(),
        content: a.content,
        contentId: a.contentId ?? null,
      })),
  });
}
