import type { BusinessCalendar } from '@nixflow/core/sla-clock';
import { useQuery } from '@tanstack/react-query';
import { api, ok } from './api';

/** Whether the business-hours clock of a ticket's policy is stopped at `now` (outside hours, a holiday). */
export type ClockStopped = (policyId: string | null | undefined, now: number) => boolean;

const never: ClockStopped = () => false;

async function loadClockStopped(): Promise<ClockStopped> {
  const [policies, { isBusinessTime }] = await Promise.all([
    ok(api.GET('/api/sla/policies')),
    // The SLA engine's own calendar rules (with luxon for time zones), in a lazy chunk: the initial bundle
    // stays small, and the console never disagrees with the server about when the clock runs.
    import('@nixflow/core/sla-clock'),
  ]);
  // The API's calendar names its weekly intervals businessHours; the engine's calendar calls them hours.
  const calendars = new Map<string, BusinessCalendar>();
  for (const p of policies) {
    const { timezone, businessHours, holidays } = p.calendar;
    if (businessHours?.length)
      calendars.set(p.id, { timezone, hours: businessHours as BusinessCalendar['hours'], holidays: holidays ?? [] });
  }
  return (policyId, now) => {
    const calendar = policyId ? calendars.get(policyId) : undefined;
    if (!calendar) return false; // 24/7 (or no policy): the clock never stops for the calendar
    try {
      return !isBusinessTime(new Date(now), calendar);
    } catch {
      return false;
    }
  };
}

/** Policies change rarely: read once a minute. Until loaded, no clock counts as stopped. */
export function useClockStopped(): ClockStopped {
  const q = useQuery({ queryKey: ['sla', 'clock-stopped'], queryFn: loadClockStopped, staleTime: 60_000 });
  return q.data ?? never;
}
