import { randomUUID } from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import mimeTypes from 'mime-types';
import {
  attachmentDisplayName,
  bareContentId,
  canonicalMessageDigest,
  decodeUuencodedPart,
  enrichedToText,
  extractUuencodedFiles,
  normalizeMessageId,
  parseMessageIdList,
  rewriteCidReferences,
} from '@nixflow/core';
import { ValidationError } from '../errors.js';
import { emailAttachmentUrl, htmlToPlainText, sanitiseEmailHtml } from './email-html.js';
import { normaliseLegacyCharsets } from './legacy-charset.js';

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
  /** The words of the message: text/plain, else derived from the HTML or text/enriched body. */
  textBody: string | null;
  /** Sanitised HTML; inline images point at their stored attachment (emailAttachmentUrl). */
  htmlBody: string | null;
  /** Raw header values by lower-case name (first occurrence), unfolded. */
  headerValues: Record<string, string>;
  /** Every Authentication-Results value, topmost first (headerValues keeps only the first). */
  authenticationResults: string[];
  attachments: InboundAttachment[];
}

export interface InboundAttachment {
  /** Pre-assigned EmailAttachment id, so the HTML can reference inline images before the rows exist. */
  id: string;
  /** The original name (NFC, decoded), or one derived from the part (subject.eml, part-2.pdf). */
  fileName: string;
  contentType: string;
  content: Buffer;
  /** Without angle brackets. */
  contentId: string | null;
  /** An image the HTML body shows (referenced by cid:). */
  inline: boolean;
}

/** Input that is not a mail message: retrying cannot help (a validation error, so never retried). */
export class UnparseableMessageError extends ValidationError {
  constructor(message: string) {
    super('unparseable_message', message);
  }
}

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

/** Subject of an attached message (message/rfc822), read from its header block only. */
async function attachedSubject(content: Buffer): Promise<string | null> {
  const end = content.indexOf('\r\n\r\n') >= 0 ? content.indexOf('\r\n\r\n') : content.indexOf('\n\n');
  const head = end >= 0 ? content.subarray(0, end) : content.subarray(0, 64 * 1024);
  try {
    const parsed = await simpleParser(Buffer.concat([normaliseLegacyCharsets(head), Buffer.from('\r\n\r\n')]), {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
    });
    return parsed.subject?.trim() || null;
  } catch {
    return null;
  }
}

function isUuencoded(a: Attachment): boolean {
  return /^x-uue(ncode)?$|^uuencode$/i.test(String(a.headers.get('content-transfer-encoding') ?? '').trim());
}

/** Every part a customer sent becomes an attachment (inline images included); nothing is dropped. */
async function collectAttachments(parsed: ParsedMail, html: string | null): Promise<InboundAttachment[]> {
  const out: InboundAttachment[] = [];
  for (const a of parsed.attachments) {
    let contentType = (a.contentType || 'application/octet-stream').toLowerCase();
    let content = a.content;
    let fileName: string | undefined = a.filename;
    if (isUuencoded(a)) {
      const file = decodeUuencodedPart(content.toString('latin1'));
      if (file) {
        content = file.content;
        fileName ||= file.fileName;
        if (contentType === 'application/octet-stream') contentType = mimeTypes.lookup(file.fileName) || contentType;
      }
    }
    const isMessage = contentType === 'message/rfc822' || contentType === 'message/global';
    const contentId = a.contentId ? bareContentId(a.contentId) : null;
    out.push({
      id: randomUUID(),
      fileName: attachmentDisplayName({
        fileName,
        contentType,
        partId: (a as Attachment & { partId?: string }).partId ?? null,
        extension: mimeTypes.extension(contentType) || (contentType.startsWith('text/') ? 'txt' : null),
        attachedSubject: isMessage ? await attachedSubject(content) : null,
      }),
      contentType,
      content,
      contentId,
      inline: !!contentId && !!html && html.toLowerCase().includes(`cid:${contentId.toLowerCase()}`),
    });
  }
  return out;
}

/** text/enriched bodies arrive as attachments from the parser; the first unnamed one is the body. */
function enrichedBody(parsed: ParsedMail): { text: string; part: Attachment } | null {
  const part = parsed.attachments.find(
    (a) => a.contentType?.toLowerCase() === 'text/enriched' && !a.filename && a.contentDisposition !== 'attachment',
  );
  return part ? { text: enrichedToText(part.content.toString('utf8')), part } : null;
}

/**
 * Parses and normalises; throws UnparseableMessageError when there is no usable header block or sender.
 * The raw bytes stay a Buffer throughout: legacy 8-bit headers are decoded from their charset (declared, else
 * detected) before parsing.
 */
export async function parseInboundMessage(raw: Buffer): Promise<InboundMessage> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(normaliseLegacyCharsets(raw), {
      skipImageLinks: true,
      skipTextToHtml: true,
      skipHtmlToText: true,
    });
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

  const rawHtml = typeof parsed.html === 'string' && parsed.html.trim() ? parsed.html : null;
  const enriched = enrichedBody(parsed);
  const attachments = (await collectAttachments(parsed, rawHtml)).filter(
    (_, i) => parsed.attachments[i] !== enriched?.part,
  );
  // Old clients paste uuencoded files into the text body; they become attachments.
  const plain = extractUuencodedFiles(parsed.text ?? '');
  for (const f of plain.files)
    attachments.push({
      id: randomUUID(),
      fileName: attachmentDisplayName({
        fileName: f.fileName,
        contentType: mimeTypes.lookup(f.fileName) || 'application/octet-stream',
        partId: null,
        extension: null,
      }),
      contentType: (mimeTypes.lookup(f.fileName) || 'application/octet-stream').toLowerCase(),
      content: f.content,
      contentId: null,
      inline: false,
    });

  let html: string | null = null;
  if (rawHtml) {
    const urls = new Map(attachments.filter((a) => a.inline).map((a) => [a.contentId!, emailAttachmentUrl(a.id)]));
    html = sanitiseEmailHtml(rewriteCidReferences(rawHtml, urls), new Set(urls.values())).trim() || null;
  }
  // Never "(empty message)" when the sender wrote something: text/plain, else the HTML's words, else enriched.
  const text = plain.text.trim()
    ? plain.text
    : (html && htmlToPlainText(html)) || (enriched?.text.trim() ? enriched.text : null);

  return storableText({
    messageId,
    inReplyTo: parseMessageIdList(parsed.inReplyTo)[0] ?? null,
    references: parseMessageIdList(parsed.references),
    fromAddress: from.address,
    fromName: from.name,
    to: addresses(parsed.to).map((a) => a.address),
    cc: addresses(parsed.cc).map((a) => a.address),
    subject: (parsed.subject ?? '').trim(),
    textBody: text || null,
    htmlBody: html,
    headerValues: values,
    attachments,
    authenticationResults: parsed.headerLines
      .filter((h) => h.key === 'authentication-results')
      .map((h) =>
        h.line
          .slice(h.line.indexOf(':') + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      ),
  });
}
