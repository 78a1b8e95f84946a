// Pure helpers for MIME intake: attachment display names, uuencode, text/enriched and cid: references.

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const MAX_NAME_CHARS = 255;

/**
 * The name a customer gave a file, for display and download: Unicode NFC (Apple Mail sends NFD), the last
 * path segment only, no control or bidi-override characters nor leading dots, at most 255 characters (extension kept).
 * Empty when nothing usable is left. Never used on disk.
 */
export function cleanDisplayName(name: string | null | undefined): string {
  const base = (name ?? '').normalize('NFC').replace(CONTROL_CHARS, '').split(/[\\/]/).pop() ?? '';
  // Leading dots would make a hidden file (.htaccess) when a browser saves the download.
  const trimmed = base
    .trim()
    .replace(/^[.\s]+/, '')
    .trim();
  if (trimmed.length <= MAX_NAME_CHARS) return trimmed;
  const dot = trimmed.lastIndexOf('.');
  const ext = dot > 0 && trimmed.length - dot <= 16 ? trimmed.slice(dot) : '';
  return trimmed.slice(0, MAX_NAME_CHARS - ext.length) + ext;
}

export interface AttachmentNameInput {
  fileName: string | null | undefined;
  contentType: string;
  /** MIME part number, e.g. "2" or "1.3"; names unnamed parts. */
  partId: string | null;
  /** Preferred extension for the content type (without dot), from a MIME database. */
  extension: string | null;
  /** For message/rfc822 parts: the attached message's Subject. */
  attachedSubject?: string | null;
}

/**
 * A display name for every part: the sender's name when there is one; an attached e-mail is named after its
 * subject with `.eml`; anything else unnamed after its part number and type (`part-2.pdf`).
 */
export function attachmentDisplayName(input: AttachmentNameInput): string {
  const given = cleanDisplayName(input.fileName);
  const type = input.contentType.toLowerCase();
  const isMessage = type === 'message/rfc822' || type === 'message/global';
  if (given) return isMessage && !/\.eml$/i.test(given) ? `${given}.eml` : given;
  const part = (input.partId ?? '').replace(/[^0-9]+/g, '-').replace(/^-|-$/g, '') || '1';
  if (isMessage) {
    const subject = cleanDisplayName((input.attachedSubject ?? '').replace(/[\\/:*?"<>|]+/g, ' ').replace(/\s+/g, ' '));
    return `${subject.slice(0, 200) || `message-${part}`}.eml`;
  }
  const ext = (input.extension ?? '').replace(/[^A-Za-z0-9]+/g, '').slice(0, 10);
  return ext ? `part-${part}.${ext}` : `part-${part}`;
}

/** Decodes the lines of one uuencoded body (between `begin` and `end`); malformed lines are skipped. */
export function uudecodeLines(lines: string[]): Buffer {
  const out: number[] = [];
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (!line || line === '`') continue;
    const n = (line.charCodeAt(0) - 32) & 63;
    if (n === 0) continue;
    const values = Array.from(line.slice(1), (c) => (c.charCodeAt(0) - 32) & 63);
    const bytes: number[] = [];
    for (let i = 0; i < values.length && bytes.length < n; i += 4) {
      const [a = 0, b = 0, c = 0, d = 0] = values.slice(i, i + 4);
      bytes.push(((a << 2) | (b >> 4)) & 255, ((b << 4) | (c >> 2)) & 255, ((c << 6) | d) & 255);
    }
    out.push(...bytes.slice(0, n));
  }
  return Buffer.from(out);
}

export interface UuencodedFile {
  fileName: string;
  content: Buffer;
}

const UU_BEGIN = /^begin(?:-base64)? +[0-7]{3,4} +(.+?)\s*$/;

/**
 * Finds `begin 644 name` … `end` blocks in a text body (old clients attach files that way) and returns the text
 * without them plus the decoded files. A `begin` without its `end` is left in the text.
 */
export function extractUuencodedFiles(text: string): { text: string; files: UuencodedFile[] } {
  const lines = text.split('\n');
  const kept: string[] = [];
  const files: UuencodedFile[] = [];
  // Index of the next `end` line at or after each line: one pass, so hostile input stays linear.
  const nextEnd = new Array<number>(lines.length + 1).fill(-1);
  for (let i = lines.length - 1; i >= 0; i--) nextEnd[i] = lines[i]!.trim() === 'end' ? i : nextEnd[i + 1]!;
  for (let i = 0; i < lines.length; i++) {
    const begin = UU_BEGIN.exec(lines[i]!.replace(/\r$/, ''));
    if (begin && !lines[i]!.startsWith('begin-base64')) {
      const end = nextEnd[i + 1]!;
      if (end > i) {
        files.push({ fileName: begin[1]!, content: uudecodeLines(lines.slice(i + 1, end)) });
        i = end;
        continue;
      }
    }
    kept.push(lines[i]!);
  }
  return { text: files.length ? kept.join('\n').replace(/\n{3,}/g, '\n\n') : text, files };
}

/** The file of a Content-Transfer-Encoding: x-uuencode part, or null when it holds no begin/end block. */
export function decodeUuencodedPart(body: string): UuencodedFile | null {
  return extractUuencodedFiles(body).files[0] ?? null;
}

/**
 * text/enriched (RFC 1896) as plain text: formatting commands dropped, `<<` is a literal `<`, and a run of
 * n line breaks stands for n-1 (a single one is a space), outside `<nofill>`.
 */
export function enrichedToText(enriched: string): string {
  const src = enriched.replace(/\r\n/g, '\n');
  let out = '';
  let nofill = 0;
  let paramDepth = 0;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '<') {
      if (src[i + 1] === '<') {
        if (!paramDepth) out += '<';
        i++;
        continue;
      }
      const close = src.indexOf('>', i);
      if (close < 0) break;
      const token = src.slice(i + 1, close).toLowerCase();
      if (token === 'nofill') nofill++;
      else if (token === '/nofill') nofill = Math.max(0, nofill - 1);
      else if (token === 'param') paramDepth++;
      else if (token === '/param') paramDepth = Math.max(0, paramDepth - 1);
      i = close;
      continue;
    }
    if (paramDepth) continue;
    if (ch === '\n' && !nofill) {
      let n = 1;
      while (src[i + n] === '\n') n++;
      out += n === 1 ? ' ' : '\n'.repeat(n - 1);
      i += n - 1;
      continue;
    }
    out += ch;
  }
  return out.trim();
}

/** A Content-ID as it is referenced from HTML: without angle brackets. */
export function bareContentId(contentId: string): string {
  return contentId.trim().replace(/^<|>$/g, '').trim();
}

/**
 * Replaces `cid:` references in src/href/background attributes with the URL of the stored attachment
 * (`urls` keyed by bare Content-ID, compared case-insensitively; cid: URLs may be percent-encoded).
 * Unknown cid: references are left for the sanitiser to drop.
 */
export function rewriteCidReferences(html: string, urls: ReadonlyMap<string, string>): string {
  if (urls.size === 0) return html;
  const lower = new Map([...urls].map(([k, v]) => [k.toLowerCase(), v]));
  return html.replace(/(["'\s=(])cid:([^"'\s)>]+)/gi, (whole, lead: string, ref: string) => {
    let id = ref;
    try {
      id = decodeURIComponent(ref);
    } catch {
      /* keep as is */
    }
    const url = lower.get(id.toLowerCase()) ?? lower.get(ref.toLowerCase());
    return url ? `${lead}${url}` : whole;
  });
}
