import { formatTicketToken, stripTicketTokens } from './reference-token.js';

// Reply/forward prefixes in the languages helpdesks commonly see: Re, Aw (de), Sv (sv/da/no), Antw (nl), Fwd/Fw/Wg.
const PREFIX_RE = /^\s*(?:(?:re|aw|sv|antw|r|fwd?|wg|tr)(?:\[\d+\])?\s*:\s*)+/i;

/** The subject without leading reply/forward prefixes ("Re: Fwd: RE: x" → "x"). */
export function stripReplyPrefixes(subject: string): string {
  let s = subject;
  for (;;) {
    const next = s.replace(PREFIX_RE, '');
    if (next === s) return s.trim();
    s = next;
  }
}

/** The original subject of a thread: no prefixes, no ticket tokens. */
export function baseSubject(subject: string | null | undefined): string {
  return stripReplyPrefixes(stripTicketTokens(subject ?? '')).trim();
}

/** `Re: <subject> [#123]`: exactly one "Re:" and one token however often the thread went back and forth. */
export function composeReplySubject(subject: string | null | undefined, ticketNumber: number): string {
  const base = baseSubject(subject) || '(no subject)';
  return `Re: ${base} ${formatTicketToken(ticketNumber)}`;
}

/** Subject of a new outbound mail about a ticket (no "Re:"). */
export function composeTicketSubject(subject: string | null | undefined, ticketNumber: number): string {
  const base = baseSubject(subject) || '(no subject)';
  return `${base} ${formatTicketToken(ticketNumber)}`;
}
