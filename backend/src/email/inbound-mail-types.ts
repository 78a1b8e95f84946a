import type { IncomingMessage } from 'node:http';

/** Content types POST /api/email/inbound reads as a raw message. */
export const INBOUND_MAIL_TYPES: ReadonlySet<string> = new Set([
  'message/rfc822',
  'text/plain',
  'application/octet-stream',
]);

/** express.raw's `type` test: a mail type, or none at all (taken as message/rfc822). */
export function isInboundMailRequest(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? 'message/rfc822').split(';')[0]!.trim().toLowerCase();
  return INBOUND_MAIL_TYPES.has(type);
}
