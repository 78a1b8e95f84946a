/** "2h 05m", "3d 4h", "45s": the largest two units of a duration. */
export function duration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s % 60}s`;
}

export const dateTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';

export const label = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' ');

export const TICKET_STATUSES = ['OPEN', 'IN_PROGRESS', 'PENDING_CUSTOMER', 'ON_HOLD', 'RESOLVED', 'CLOSED'] as const;
export const OPEN_STATUSES = ['OPEN', 'IN_PROGRESS', 'PENDING_CUSTOMER', 'ON_HOLD'] as const;
export const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
export const METRIC_TYPES = ['FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION'] as const;
