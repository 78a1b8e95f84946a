import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'wouter';
import { api, ok, type Schemas, type Ticket } from '../api';
import { useClockStopped } from '../business-hours';
import { duration, label, OPEN_STATUSES, PRIORITIES } from '../format';
import { onTicketFrame } from '../live';

type Status = Schemas['TicketStatus'];
type Priority = Schemas['TicketPriority'];
interface Filters {
  status: Status[];
  priority: Priority | '';
  assigneeId: string;
  tag: string;
  q: string;
}
const PAGE = 100;

/** Soonest SLA deadline first, tickets without a clock last (as the API sorts them). */
const byDue = (a: Ticket, b: Ticket) =>
  (a.slaNextDueAt ?? '9999') < (b.slaNextDueAt ?? '9999')
    ? -1
    : (a.slaNextDueAt ?? '9999') > (b.slaNextDueAt ?? '9999')
      ? 1
      : a.number - b.number;

/** Every open ticket matching the filters: the first page, then the rest six pages at a time. */
async function loadQueue(f: Filters): Promise<Ticket[]> {
  const query = {
    status: f.status,
    priority: f.priority ? [f.priority] : undefined,
    assigneeId: f.assigneeId || undefined,
    tag: f.tag || undefined,
    q: f.q || undefined,
    sort: 'slaDueAt' as const,
    order: 'asc' as const,
    pageSize: PAGE,
  };
  // The exact count (the list caps `total` at 1,000 unless asked): it plans the parallel page fetches.
  const first = await ok(api.GET('/api/tickets', { params: { query: { ...query, page: 1, exactTotal: true } } }));
  const pages = Math.min(Math.ceil(first.total / PAGE), 10_000);
  const rest: Ticket[][] = [];
  for (let p = 2; p <= pages; p += 6) {
    const batch = Array.from({ length: Math.min(6, pages - p + 1) }, (_, i) =>
      ok(api.GET('/api/tickets', { params: { query: { ...query, page: p + i } } })).then((r) => r.items),
    );
    rest.push(...(await Promise.all(batch)));
  }
  const seen = new Set<string>();
  const all = [first.items, ...rest].flat().filter((t) => !seen.has(t.id) && seen.add(t.id));
  performance.mark('queue:data'); // every page has arrived: the render measurement starts here
  return all;
}

/** Clocks in a notable state (paused, at risk, breached), by ticket. */
async function loadSlaStates(): Promise<Map<string, Schemas['SLAStatus']>> {
  const states = new Map<string, Schemas['SLAStatus']>();
  for (const status of ['PAUSED', 'AT_RISK', 'BREACHED'] as const) {
    const page = await ok(api.GET('/api/sla/metrics', { params: { query: { status, sort: 'dueAt', pageSize: 100 } } }));
    for (const m of page.items) if (!m.completedAt && !states.has(m.ticketId)) states.set(m.ticketId, m.status);
  }
  return states;
}

function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function SlaBadge({
  due,
  state,
  now,
  outsideHours = false,
}: {
  due: string | null;
  state?: Schemas['SLAStatus'];
  now: number;
  /** The policy's business-hours clock is stopped now: the countdown does not run. */
  outsideHours?: boolean;
}) {
  if (!due) return <span className="sla none">no SLA</span>;
  if (state === 'PAUSED') return <span className="sla paused">paused</span>;
  const left = Date.parse(due) - now;
  if (left <= 0 || state === 'BREACHED')
    return <span className="sla breached">breached {left <= 0 ? `${duration(left)} ago` : ''}</span>;
  if (outsideHours)
    return (
      <span className="sla paused" title={`due ${new Date(due).toISOString()}`}>
        paused: outside business hours
      </span>
    );
  return <span className={`sla ${state === 'AT_RISK' ? 'at-risk' : 'running'}`}>{duration(left)}</span>;
}

export function Queue() {
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<Filters>({
    status: [...OPEN_STATUSES],
    priority: '',
    assigneeId: '',
    tag: '',
    q: '',
  });
  const key = ['queue', filters] as const;
  const keyRef = useRef(key);
  keyRef.current = key;
  const tickets = useQuery({ queryKey: key, queryFn: () => loadQueue(filters), staleTime: Infinity });
  const states = useQuery({ queryKey: ['sla-states'], queryFn: loadSlaStates });
  const agents = useQuery({
    queryKey: ['agents'],
    queryFn: () => ok(api.GET('/api/users', { params: { query: { pageSize: 100 } } })),
  });
  const now = useNow();
  const clockStopped = useClockStopped();

  // Live: a frame names a ticket; fetch it and put it where it belongs (or drop it when it left the queue).
  useEffect(
    () =>
      onTicketFrame(async (frame) => {
        if (!frame.ticketId) return;
        const { data } = await api.GET('/api/tickets/{id}', { params: { path: { id: frame.ticketId } } });
        const filters = keyRef.current[1];
        queryClient.setQueryData<Ticket[]>(keyRef.current, (list) => {
          if (!list) return list;
          const others = list.filter((t) => t.id !== frame.ticketId);
          const keep =
            data &&
            filters.status.includes(data.status) &&
            (!filters.priority || data.priority === filters.priority) &&
            (!filters.tag || data.tags.includes(filters.tag.toLowerCase())) &&
            (!filters.q || `${data.subject} ${data.description}`.toLowerCase().includes(filters.q.toLowerCase()));
          return keep ? [...others, data].sort(byDue) : others;
        });
      }),
    [queryClient],
  );

  const rows = tickets.data ?? [];
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 56,
    overscan: 8,
  });

  // Time from the last page's arrival to the rows on screen (after the next paint); the browser test reads
  // the `queue:render` measure.
  useLayoutEffect(() => {
    if (!tickets.data || performance.getEntriesByName('queue:data').length === 0) return;
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (performance.getEntriesByName('queue:data').length === 0) return;
        performance.measure('queue:render', 'queue:data');
        performance.clearMarks('queue:data');
      }, 0),
    );
  }, [tickets.data]);

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const agentOptions = useMemo(() => (agents.data?.items ?? []).filter((u) => u.role !== 'CUSTOMER'), [agents.data]);

  return (
    <section>
      <h1>Queue</h1>
      <form className="filters" role="search" aria-label="Filter the queue" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" value={filters.q} onChange={(e) => set({ q: e.target.value })} />
        </label>
        <label>
          Status
          <select
            value={filters.status.length === 1 ? filters.status[0] : ''}
            onChange={(e) => set({ status: e.target.value ? [e.target.value as Status] : [...OPEN_STATUSES] })}
          >
            <option value="">All open</option>
            {OPEN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Priority
          <select value={filters.priority} onChange={(e) => set({ priority: e.target.value as Priority | '' })}>
            <option value="">Any</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {label(p)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Assignee
          <select value={filters.assigneeId} onChange={(e) => set({ assigneeId: e.target.value })}>
            <option value="">Anyone</option>
            <option value="me">Me</option>
            <option value="none">Unassigned</option>
            {agentOptions.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag
          <input value={filters.tag} onChange={(e) => set({ tag: e.target.value })} />
        </label>
      </form>
      {tickets.error && (
        <p role="alert" className="error">
          {tickets.error.message}
        </p>
      )}
      <p role="status" aria-live="polite" data-testid="queue-count" data-count={tickets.data ? rows.length : ''}>
        {tickets.isFetching ? 'Loading tickets…' : `${rows.length} open tickets`}
      </p>
      <div className="queue-head" aria-hidden="true">
        <span>#</span>
        <span>Subject</span>
        <span>Status</span>
        <span>Priority</span>
        <span>Assignee</span>
        <span>SLA</span>
      </div>
      <div ref={parent} className="queue" role="region" aria-label="Open tickets" tabIndex={0}>
        <div role="list" aria-label="Open tickets" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const t = rows[v.index];
            return (
              <div
                key={t.id}
                role="listitem"
                className="queue-row"
                data-ticket={t.number}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: v.size,
                  transform: `translateY(${v.start}px)`,
                }}
              >
                <span>#{t.number}</span>
                <Link href={`/tickets/${t.id}`} className="subject">
                  {t.subject}
                </Link>
                <span>{label(t.status)}</span>
                <span className={`prio ${t.priority.toLowerCase()}`}>{label(t.priority)}</span>
                <span>{t.assignee?.name ?? 'Unassigned'}</span>
                <SlaBadge
                  due={t.slaNextDueAt}
                  state={states.data?.get(t.id)}
                  now={now}
                  outsideHours={clockStopped(t.slaPolicyId, now)}
                />
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
