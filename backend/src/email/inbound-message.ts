import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { normalizeMessageId, parseMessageIdList } from '@nixflow/core';

/** What the pipeline needs from a raw RFC 822 message. */
export interface InboundMessage {
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  fromAddress: string;
  fromName: string | null;
  to: string[];
  cc: string[];
  subject: string;
  textBody: string | null;
  htmlBody: string | null;
  /** Raw header values by lower-case name (first occurrence), unfolded. */
  headerValues: Record<string, string>;
  attachments: { fileName: string; contentType: string; content: Buffer; contentId: string | null }[];
}

export class UnparseableMessageError extends Error {}

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

/** Parses and normalises; throws UnparseableMessageError when there is no usable header block or sender. */
export async function parseInboundMessage(raw: Buffer): Promise<InboundMessage> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  } catch (err) {
    throw new UnparseableMessageError(`Not an RFC 822 message: ${(err as Error).message}`);
  }
  if (parsed.headerLines.length === 0) throw new UnparseableMessageError('Not an RFC 822 message: no headers');
  const from = addresses(parsed.from)[0];
  if (!from) throw new UnparseableMessageError('The message has no From address');
  const values = headerValues(parsed);
  // No Message-ID: derive one from the content so a redelivery is still recognised as a duplicate.
  const messageId = parsed.messageId
    ? normalizeMessageId(parsed.messageId)
    : `<sha256-${createHash('sha256').update(raw).digest('hex')}@nixflow.invalid>`;
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
