import { createHash } from 'node:crypto';
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { AuthUser } from '../auth/auth-user.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

/** Markdown → HTML, then sanitised (no script/style, no on* attributes, only http(s)/mailto URLs). */
export function renderMarkdown(markdown: string): string {
  const raw = marked.parse(markdown ?? '', { async: false, gfm: true }) as string;
  return sanitizeHtml(raw, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'del', 'ins', 'mark', 'input', 'h1', 'h2'],
    allowedAttributes: {
      // rel is always overwritten by the transform below (it must be allowed, or it is stripped again).
      a: ['href', 'title', 'name', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      code: ['class'],
      th: ['align'],
      td: ['align'],
      input: ['type', 'checked', 'disabled'],
      ol: ['start'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
    },
  });
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Sentinels passed to ts_headline; the text is escaped and the sentinels become <mark> tags. */
export const MARK_START = '\u0001';
export const MARK_END = '\u0002';
export function highlightToHtml(s: string | null | undefined): string {
  return escapeHtml(s ?? '')
    .split(MARK_START)
    .join('<mark>')
    .split(MARK_END)
    .join('</mark>');
}

export function slugify(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return s || 'article';
}

export function normalizeQuery(q: string): string {
  return q.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Per-reader key for view de-duplication (per article and UTC day): the user id, else a hash of the client
 * address. Not the User-Agent: a reader chooses it freely, so varying it would inflate the count.
 */
export function viewerKey(user: AuthUser | undefined, ip: string | undefined): string {
  if (user) return `u:${user.id}`;
  return `a:${createHash('sha256')
    .update(ip ?? '')
    .digest('hex')}`;
}
