// Reply-header lines mail clients put above the quoted original ("On … wrote:", Outlook's separator, German "Am … schrieb").
const ATTRIBUTION_RES = [
  /^\s*On .{1,300}wrote:\s*$/,
  /^\s*Am .{1,300}schrieb.{0,80}:\s*$/,
  /^\s*Le .{1,300}a écrit\s*:\s*$/,
  /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^\s*-{2,}\s*Ursprüngliche Nachricht\s*-{2,}\s*$/i,
  /^\s*_{10,}\s*$/,
  /^\s*From: .+$/,
];

/**
 * Only the first this-many characters are searched for the start of the quote: the new part of a reply is
 * at the top, and any sender could otherwise make every inbound mail cost as much CPU as it likes.
 */
export const QUOTE_SCAN_MAX_CHARS = 64 * 1024;
/** Attribution lines are short; longer lines are never tested against the patterns above. */
const ATTRIBUTION_MAX_LINE = 500;

const isQuoteOrBlank = (line: string): boolean => /^\s*(?:>|$)/.test(line);

/** Work done by one call, for tests that check the cost grows linearly and stays bounded. */
export interface QuotedReplyStats {
  /** Characters of lines looked at (each line at most once per pass, two passes). */
  charsExamined: number;
}

/**
 * The new part of a plain-text reply: everything above the quoted original.
 * Falls back to the whole text when nothing would remain (a message that is all quote).
 * Linear in the input and bounded by QUOTE_SCAN_MAX_CHARS: each line is examined a fixed number of times.
 */
export function stripQuotedReply(text: string | null | undefined, stats?: QuotedReplyStats): string {
  const full = (text ?? '').replace(/\r\n/g, '\n');
  const scanned = full.length > QUOTE_SCAN_MAX_CHARS ? full.slice(0, QUOTE_SCAN_MAX_CHARS) : full;
  const lines = scanned.split('\n');
  // When the text was cut, the lines below the cut are unknown: a trailing quote block cannot be proven.
  const truncated = scanned.length < full.length;
  // quoteTail[i]: lines i..end are all quote or blank (one backward pass instead of re-scanning per line).
  const quoteTail = new Array<boolean>(lines.length + 1);
  quoteTail[lines.length] = !truncated;
  for (let i = lines.length - 1; i >= 0; i--) {
    quoteTail[i] = quoteTail[i + 1]! && isQuoteOrBlank(lines[i]!);
    if (stats) stats.charsExamined += Math.min(lines[i]!.length, ATTRIBUTION_MAX_LINE);
  }
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (stats) stats.charsExamined += Math.min(line.length, ATTRIBUTION_MAX_LINE);
    if (line.length <= ATTRIBUTION_MAX_LINE) {
      if (ATTRIBUTION_RES.some((re) => re.test(line))) {
        end = i;
        break;
      }
      // "On … wrote:" may be wrapped over two lines by the client.
      const next = lines[i + 1];
      if (
        next !== undefined &&
        next.length <= ATTRIBUTION_MAX_LINE &&
        /^\s*On /.test(line) &&
        !/wrote:\s*$/.test(line) &&
        /wrote:\s*$/.test(next)
      ) {
        end = i;
        break;
      }
    }
    if (quoteTail[i] && /^\s*>/.test(line)) {
      end = i;
      break;
    }
  }
  if (end === lines.length) return full.trim();
  const kept = lines.slice(0, end).join('\n').trim();
  return kept || full.trim();
}
