import chardet from 'chardet';
import iconv from 'iconv-lite';

// Old clients put raw 8-bit bytes (GBK, Latin-1, windows-125x) into headers without RFC 2047 encoded-words,
// and send 8-bit text bodies without a charset. A MIME parser reads such bytes as UTF-8 and yields U+FFFD.
// Before parsing we re-encode the top-level header block as UTF-8 (which parsers accept, RFC 6532), and add
// the detected charset to a single-part text body that declares none.

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function has8bit(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return true;
  return false;
}

/** An iconv-lite charset that keeps ASCII as ASCII (header names, addresses), else null. */
function usableCharset(name: string | null | undefined): string | null {
  if (!name) return null;
  const cs = name.trim().toLowerCase();
  if (!cs || /^(utf-?8|us-ascii|ascii|utf-?16.*|utf-?32.*)$/.test(cs) || !iconv.encodingExists(cs)) return null;
  return iconv.decode(Buffer.from('From: a@b.c', 'latin1'), cs) === 'From: a@b.c' ? cs : null;
}

/** The most likely legacy charset of `sample` (never UTF-8), windows-1252 when detection has no idea. */
export function detectLegacyCharset(sample: Uint8Array): string {
  for (const guess of chardet.analyse(sample)) {
    const cs = usableCharset(guess.name);
    if (cs) return cs;
  }
  return 'windows-1252';
}

function headerEnd(raw: Buffer): { end: number; sep: number } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf, sep: 4 };
  if (lf >= 0) return { end: lf, sep: 2 };
  return { end: raw.length, sep: 0 };
}

function topHeader(block: string, name: string): string | null {
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return m ? m[1]!.trim() : null;
}

/**
 * The raw message with legacy 8-bit headers transcoded to UTF-8 (charset: the message's Content-Type charset,
 * else detected from the 8-bit bytes) and, for a single-part 8-bit text body without charset, the detected
 * charset declared. Valid UTF-8 and 7-bit messages come back unchanged (same Buffer).
 */
export function normaliseLegacyCharsets(raw: Buffer): Buffer {
  const { end, sep } = headerEnd(raw);
  const headerBytes = raw.subarray(0, end);
  const body = raw.subarray(end + sep);
  const headerLatin1 = headerBytes.toString('latin1');
  const contentType = topHeader(headerLatin1, 'content-type');
  const declared = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1] ?? null;
  const isText = !contentType || /^text\//i.test(contentType);
  const cte = (topHeader(headerLatin1, 'content-transfer-encoding') ?? '').toLowerCase();
  const bodyIs8bit = isText && !declared && !/base64|quoted-printable/.test(cte) && has8bit(body) && !isUtf8(body);
  const headersAre8bit = has8bit(headerBytes) && !isUtf8(headerBytes);
  if (!headersAre8bit && !bodyIs8bit) return raw;

  // Detection needs a sample, not the whole (up to 25 MB) body.
  const sampleParts = [
    headersAre8bit ? headerBytes : Buffer.alloc(0),
    bodyIs8bit ? body.subarray(0, 64 * 1024) : Buffer.alloc(0),
  ];
  const charset = usableCharset(declared) ?? detectLegacyCharset(Buffer.concat(sampleParts));
  let headers = headersAre8bit ? iconv.decode(headerBytes, charset) : headerBytes.toString('utf8');
  if (bodyIs8bit) {
    headers = contentType
      ? headers.replace(/^(content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im, `$1; charset=${charset}`)
      : `${headers}\r\nContent-Type: text/plain; charset=${charset}`;
  }
  return Buffer.concat([Buffer.from(headers, 'utf8'), raw.subarray(end)]);
}
