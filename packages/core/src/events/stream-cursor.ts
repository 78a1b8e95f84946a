/**
 * Position of a live-update stream in its two ordered sources: the event log and the notifications,
 * each ordered by (inserting transaction id, row sequence). Sent as the SSE `id`, so a reconnecting
 * client's `Last-Event-ID` says exactly where to resume.
 */
export interface StreamPosition {
  txId: bigint;
  seq: bigint;
}

export interface StreamCursor {
  events: StreamPosition;
  notifications: StreamPosition;
}

const CURSOR = /^(\d{1,19})\.(\d{1,19})-(\d{1,19})\.(\d{1,19})$/;

export function encodeStreamCursor(c: StreamCursor): string {
  return `${c.events.txId}.${c.events.seq}-${c.notifications.txId}.${c.notifications.seq}`;
}

/** The cursor in a Last-Event-ID header, or null when it is absent or not one of ours. */
export function decodeStreamCursor(value: string | undefined | null): StreamCursor | null {
  const m = CURSOR.exec((value ?? '').trim());
  if (!m) return null;
  const [, a, b, c, d] = m as unknown as [string, string, string, string, string];
  return {
    events: { txId: BigInt(a), seq: BigInt(b) },
    notifications: { txId: BigInt(c), seq: BigInt(d) },
  };
}

export function comparePositions(a: StreamPosition, b: StreamPosition): number {
  if (a.txId !== b.txId) return a.txId < b.txId ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function maxPosition(a: StreamPosition, b: StreamPosition): StreamPosition {
  return comparePositions(a, b) >= 0 ? a : b;
}
