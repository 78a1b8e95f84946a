/** The ticket reference carried in mail subjects: `[#123]`. */
export function formatTicketToken(ticketNumber: number): string {
  return `[#${ticketNumber}]`;
}

const TOKEN_RE = /\[#(\d{1,9})\]/g;

/** The ticket number of the last `[#N]` token in a subject (the newest one wins), or null. */
export function parseTicketToken(subject: string | null | undefined): number | null {
  if (!subject) return null;
  let found: number | null = null;
  for (const m of subject.matchAll(TOKEN_RE)) {
    const n = Number(m[1]);
    if (Number.isSafeInteger(n) && n > 0) found = n;
  }
  return found;
}

/** The subject without any `[#N]` token, whitespace collapsed. */
export function stripTicketTokens(subject: string): string {
  return subject.replace(TOKEN_RE, ' ').replace(/\s+/g, ' ').trim();
}
