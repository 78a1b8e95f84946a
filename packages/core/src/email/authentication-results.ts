// RFC 8601 Authentication-Results, read only from the receiving server we trust (its authserv-id is
// configured per account). Anyone can write such a header into a message; a trustworthy server adds its
// own on top, so only the topmost header carrying the trusted authserv-id counts.

export interface SenderAuthentication {
  verified: boolean;
  /** Why (for the flag reason and the audit trail). */
  reason: string;
}

/** Removes RFC 5322 comments "( … )", nested ones included. */
function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && depth > 0) {
      i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

interface ResInfo {
  method: string;
  result: string;
  props: Record<string, string>;
}

function parseResults(value: string): { authservId: string; results: ResInfo[] } {
  const parts = stripComments(value.slice(0, 8000)).split(';');
  const authservId = (parts[0] ?? '').trim().split(/\s+/)[0]!.toLowerCase();
  const results: ResInfo[] = [];
  for (const part of parts.slice(1)) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const first = /^([A-Za-z0-9_.-]+)(?:\/[0-9]+)?=([A-Za-z]+)$/.exec(tokens[0] ?? '');
    if (!first) continue;
    const props: Record<string, string> = {};
    for (const tok of tokens.slice(1)) {
      const m = /^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)=(.+)$/.exec(tok);
      if (m) props[m[1]!.toLowerCase()] = m[2]!.replace(/^"|"$/g, '').toLowerCase();
    }
    results.push({ method: first[1]!.toLowerCase(), result: first[2]!.toLowerCase(), props });
  }
  return { authservId, results };
}

/** `d` is `domain` or a parent of it (DMARC relaxed alignment, without the public-suffix list). */
function aligned(d: string | undefined, domain: string): boolean {
  if (!d) return false;
  const x = d.replace(/^@/, '').replace(/\.$/, '');
  return x.includes('.') && (domain === x || domain.endsWith(`.${x}`));
}

/**
 * Did the trusted receiving server verify the From address? `headers`: every Authentication-Results value,
 * topmost first. A pass is dmarc=pass for the From domain, or dkim=pass with a signing domain aligned to it.
 */
export function senderAuthentication(
  headers: readonly string[],
  trustedAuthservId: string | null | undefined,
  fromAddress: string,
): SenderAuthentication {
  const trusted = (trustedAuthservId ?? '').trim().toLowerCase();
  if (!trusted) return { verified: false, reason: 'no trusted authserv-id configured for the account' };
  const domain = fromAddress.trim().toLowerCase().split('@')[1] ?? '';
  if (!domain) return { verified: false, reason: 'no sender domain' };
  const top = headers.map(parseResults).find((h) => h.authservId === trusted);
  if (!top) return { verified: false, reason: `no Authentication-Results from ${trusted}` };
  const dmarc = top.results.find((r) => r.method === 'dmarc');
  if (dmarc?.result === 'pass' && (!dmarc.props['header.from'] || dmarc.props['header.from'] === domain))
    return { verified: true, reason: `dmarc=pass by ${trusted}` };
  const dkim = top.results.find(
    (r) =>
      r.method === 'dkim' &&
      r.result === 'pass' &&
      aligned(r.props['header.d'] ?? r.props['header.i']?.split('@')[1], domain),
  );
  if (dkim) return { verified: true, reason: `dkim=pass (aligned) by ${trusted}` };
  return { verified: false, reason: `${trusted} reports ${dmarc ? `dmarc=${dmarc.result}` : 'no DMARC/DKIM pass'}` };
}
