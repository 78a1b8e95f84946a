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
 * The new part of a plain-text reply: everything above the quoted original.
 * Falls back to the whole text when nothing would remain (a message that is all quote).
 */
export function stripQuotedReply(text: string | null | undefined): string {
  const full = (text ?? '').replace(/\r\n/g, '\n');
  const lines = full.split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // "On … wrote:" may be wrapped over two lines by the client.
    const joined = i + 1 < lines.length ? `${line} ${lines[i + 1]!}` : line;
    if (ATTRIBUTION_RES.some((re) => re.test(line))) {
      end = i;
      break;
    }
    if (/^\s*On /.test(line) && /wrote:\s*$/.test(joined) && !/wrote:\s*$/.test(line)) {
      end = i;
      break;
    }
    if (/^\s*>/.test(line) && lines.slice(i).every((l) => /^\s*(?:>|$)/.test(l))) {
      end = i;
      break;
    }
  }
  const kept = lines.slice(0, end).join('\n').trim();
  return kept || full.trim();
}
