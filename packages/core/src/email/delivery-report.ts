import { normalizeMessageId } from './message-ids.js';

/** What a bounce says about one of our messages. */
export interface DeliveryReport {
  /** Message-IDs of the original (bounced) message, as far as the report names them. */
  originalMessageIds: string[];
  /** RFC 3463 status, e.g. "5.1.1". */
  status: string | null;
  diagnostic: string | null;
  recipient: string | null;
}

const MAX_SCAN = 256 * 1024;

function unfold(text: string): string {
  return text
    .slice(0, MAX_SCAN)
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]+/g, ' ');
}

function field(text: string, name: string): string | null {
  const m = new RegExp(`^${name}:[ \\t]*(.{1,2000})$`, 'im').exec(text);
  return m ? m[1]!.trim() : null;
}

function messageIdsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:Original-|X-Original-)?Message-ID:[ \t]*(<[^<>\s]{1,500}>)/gim))
    out.push(normalizeMessageId(m[1]!));
  return out;
}

/** SES/SNS bounce or complaint notification (JSON in the body, possibly wrapped in an SNS envelope). */
export function parseProviderNotification(
  body: string | null | undefined,
): { type: 'Bounce' | 'Complaint'; report: DeliveryReport } | null {
  const text = (body ?? '').trim();
  if (!text.startsWith('{') || text.length > MAX_SCAN) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
    const inner = (json as { Message?: unknown }).Message;
    if (typeof inner === 'string' && inner.trim().startsWith('{')) json = JSON.parse(inner);
  } catch {
    return null;
  }
  const n = json as {
    notificationType?: string;
    bounce?: { bouncedRecipients?: { emailAddress?: string; status?: string; diagnosticCode?: string }[] };
    mail?: { commonHeaders?: { messageId?: string }; headers?: { name?: string; value?: string }[] };
  };
  if (n?.notificationType !== 'Bounce' && n?.notificationType !== 'Complaint') return null;
  const ids = [
    n.mail?.commonHeaders?.messageId,
    ...(n.mail?.headers ?? []).filter((h) => h?.name?.toLowerCase() === 'message-id').map((h) => h.value),
  ].filter((v): v is string => typeof v === 'string' && v.includes('@'));
  const r = n.bounce?.bouncedRecipients?.[0];
  return {
    type: n.notificationType,
    report: {
      originalMessageIds: [...new Set(ids.map(normalizeMessageId))],
      status: typeof r?.status === 'string' ? r.status : null,
      diagnostic: typeof r?.diagnosticCode === 'string' ? r.diagnosticCode.slice(0, 2000) : null,
      recipient: typeof r?.emailAddress === 'string' ? r.emailAddress : null,
    },
  };
}

/**
 * A delivery status notification (RFC 3464): `deliveryStatus` is the message/delivery-status part,
 * `originalHeaders` the text/rfc822-headers or message/rfc822 part(s), `bodyText` the human-readable text
 * (non-standard bounces quote the original headers there).
 */
export function parseDeliveryReport(parts: {
  deliveryStatus?: string | null;
  originalHeaders?: readonly string[];
  bodyText?: string | null;
}): DeliveryReport {
  const ds = unfold(parts.deliveryStatus ?? '');
  // Per-recipient blocks follow the per-message block; the first failed recipient is the interesting one.
  const blocks = ds.split(/\n\s*\n/);
  const failed = blocks.find((b) => /^Action:\s*failed/im.test(b)) ?? blocks.find((b) => /^Status:/im.test(b)) ?? ds;
  const ids = [
    ...messageIdsIn(ds),
    ...(parts.originalHeaders ?? []).flatMap((h) => messageIdsIn(unfold(h))),
    ...messageIdsIn(unfold(parts.bodyText ?? '')),
  ];
  const recipient = field(failed, 'Final-Recipient') ?? field(failed, 'Original-Recipient');
  return {
    originalMessageIds: [...new Set(ids)],
    status: field(failed, 'Status'),
    diagnostic: field(failed, 'Diagnostic-Code')?.slice(0, 2000) ?? null,
    recipient: recipient ? recipient.replace(/^rfc822;\s*/i, '') : null,
  };
}
