/** Why a message must not open a ticket nor be answered (mail-loop protection). */
export interface LoopSafetyFlag {
  type: 'AUTO_REPLY' | 'BOUNCE' | 'COMPLAINT';
  reason: string;
}

export interface LoopSafetyInput {
  /** Header names in any case; values as strings (first occurrence). */
  headers: Record<string, string | string[] | undefined | null>;
  fromAddress?: string | null;
  subject?: string | null;
  /** Plain-text body: provider notifications (SES/SNS JSON) are recognised by it. */
  textBody?: string | null;
}

const AUTO_REPLY_SUBJECT_RE =
  /^\s*(?:auto(?:matic)?[\s-]*(?:reply|response|antwort)|out of (?:the )?office|abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|vacation(?: reply)?|away from (?:the )?office)\b/i;
const BOUNCE_SUBJECT_RE =
  /^\s*(?:undeliver(?:able|ed)(?: mail)?|delivery status notification|mail delivery (?:failed|failure|subsystem)|returned mail|failure notice|delivery failure)\b/i;
const BOUNCE_SENDER_RE = /^(?:mailer-daemon|postmaster)@/i;
// Mailing-list managers (Mailman, Majordomo, LISTSERV, Sympa) answering with errors or digests.
const LIST_MANAGER_SENDER_RE =
  /^(?:owner-[^@]+|[^@]+-(?:owner|request|bounces?|admin)|mailman|majordomo|listserv|sympa)(?:\+[^@]*)?@/i;
const AUTO_GENERATED_SUBJECT_RE = /\[\s*auto(?:matically)?[\s-]*generated\s*\]|\[\s*automated\s*\]/i;
const PROVIDER_NOTIFICATION_RE = /\\?"notificationType\\?"\s*:\s*\\?"(Bounce|Complaint)\\?"/;

function header(h: LoopSafetyInput['headers'], name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(h)) {
    if (k.toLowerCase() !== wanted || v === undefined || v === null) continue;
    const s = Array.isArray(v) ? v[0] : v;
    return s === undefined ? null : String(s).trim();
  }
  return null;
}

/** Null when the message is an ordinary human message; else what it is and why (RFC 3834 and common practice). */
export function classifyLoopSafety(input: LoopSafetyInput): LoopSafetyFlag | null {
  const h = input.headers;
  const from = (input.fromAddress ?? '').trim();
  const contentType = (header(h, 'content-type') ?? '').toLowerCase();
  const returnPath = header(h, 'return-path');

  // Spam complaints (ARF, RFC 5965) and bounces first: both are often also Auto-Submitted.
  if (contentType.startsWith('multipart/report') && /report-type\s*=\s*"?feedback-report/.test(contentType))
    return { type: 'COMPLAINT', reason: 'ARF feedback report (multipart/report; report-type=feedback-report)' };
  const provider = PROVIDER_NOTIFICATION_RE.exec((input.textBody ?? '').slice(0, 64 * 1024));
  if (provider)
    return provider[1] === 'Complaint'
      ? { type: 'COMPLAINT', reason: 'provider complaint notification (notificationType Complaint)' }
      : { type: 'BOUNCE', reason: 'provider bounce notification (notificationType Bounce)' };
  if (BOUNCE_SENDER_RE.test(from)) return { type: 'BOUNCE', reason: `sender ${from.toLowerCase()}` };
  if (contentType.startsWith('multipart/report')) return { type: 'BOUNCE', reason: 'Content-Type multipart/report' };
  if (returnPath !== null && /^<\s*>$/.test(returnPath)) return { type: 'BOUNCE', reason: 'empty Return-Path <>' };
  if (header(h, 'x-failed-recipients')) return { type: 'BOUNCE', reason: 'X-Failed-Recipients' };

  const xLoop = header(h, 'x-loop');
  if (xLoop !== null) return { type: 'AUTO_REPLY', reason: `X-Loop: ${xLoop.slice(0, 200)}` };
  if (LIST_MANAGER_SENDER_RE.test(from))
    return { type: 'AUTO_REPLY', reason: `mailing-list manager sender ${from.toLowerCase()}` };
  const autoSubmitted = header(h, 'auto-submitted');
  if (autoSubmitted && autoSubmitted.toLowerCase().split(';')[0]!.trim() !== 'no')
    return { type: 'AUTO_REPLY', reason: `Auto-Submitted: ${autoSubmitted}` };
  const precedence = (header(h, 'precedence') ?? '').toLowerCase();
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence))
    return { type: 'AUTO_REPLY', reason: `Precedence: ${precedence}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-auto-response-suppress']) {
    const v = header(h, name);
    if (v === null) continue;
    // X-Auto-Response-Suppress is set by Outlook on its own auto-replies and on bulk mail alike.
    if (name === 'x-auto-response-suppress' && !/\b(?:all|oof|autoreply)\b/i.test(v)) continue;
    return { type: 'AUTO_REPLY', reason: `${name}: ${v}` };
  }
  if (header(h, 'list-id') || header(h, 'list-unsubscribe'))
    return { type: 'AUTO_REPLY', reason: 'mailing-list message (List-Id/List-Unsubscribe)' };
  const subject = input.subject ?? '';
  if (BOUNCE_SUBJECT_RE.test(subject)) return { type: 'BOUNCE', reason: `bounce subject "${subject.slice(0, 80)}"` };
  if (AUTO_GENERATED_SUBJECT_RE.test(subject))
    return { type: 'AUTO_REPLY', reason: `automated notice subject "${subject.slice(0, 80)}"` };
  if (AUTO_REPLY_SUBJECT_RE.test(subject))
    return { type: 'AUTO_REPLY', reason: `auto-reply subject "${subject.slice(0, 80)}"` };
  return null;
}
