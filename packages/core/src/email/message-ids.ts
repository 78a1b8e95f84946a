/** Every `<…>` message id in a header value, in order, without duplicates; bare ids are accepted too. */
export function parseMessageIdList(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const ids = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => `<${m[1]}>`);
  const found =
    ids.length > 0
      ? ids
      : text
          .split(/[\s,]+/)
          .filter((t) => t.includes('@'))
          .map(normalizeMessageId);
  return [...new Set(found.filter(Boolean))];
}

/** `<id@host>` form, trimmed. */
export function normalizeMessageId(id: string): string {
  const t = id.trim();
  if (!t) return '';
  return t.startsWith('<') && t.endsWith('>') ? t : `<${t.replace(/^<|>$/g, '')}>`;
}

// RFC 5322 3.6.4 lets a long References header be shortened; keep the root and the newest ones.
export const MAX_REFERENCES = 20;

/** References of a reply to `parent`: the parent's references plus its own id (root kept when trimming). */
export function composeReferences(parentReferences: readonly string[], parentMessageId: string | null): string[] {
  const all = [...new Set([...parentReferences, ...(parentMessageId ? [parentMessageId] : [])].filter(Boolean))];
  if (all.length <= MAX_REFERENCES) return all;
  return [all[0]!, ...all.slice(all.length - (MAX_REFERENCES - 1))];
}
