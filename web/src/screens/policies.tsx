import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, ApiError, ok, type Schemas } from '../api';
import { dateTime, label, METRIC_TYPES, PRIORITIES, TICKET_STATUSES } from '../format';

type Policy = Schemas['SlaPolicyDto'];
type Draft = Required<Omit<Schemas['UpdateSlaPolicyDto'], 'version' | 'description'>> & { description: string | null };
type Preview = Schemas['SlaPolicyPreviewDtoResult'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const draftOf = (p?: Policy): Draft => ({
  name: p?.name ?? 'New policy',
  description: p?.description ?? null,
  isActive: p?.isActive ?? true,
  position: p?.position ?? 0,
  noSla: p?.noSla ?? false,
  notifyDuringBusinessHoursOnly: p?.notifyDuringBusinessHoursOnly ?? false,
  conditions: p?.conditions ?? {},
  targets: p?.targets ?? { FIRST_RESPONSE: { NORMAL: 240 }, RESOLUTION: { NORMAL: 2880 } },
  calendar: p?.calendar ?? { timezone: 'UTC', businessHours: null, holidays: [] },
  pauseStatuses: p?.pauseStatuses ?? ['PENDING_CUSTOMER', 'ON_HOLD'],
  warningThresholdPercent: p?.warningThresholdPercent ?? 80,
});

function PreviewResult({ preview }: { preview: Preview }) {
  return (
    <section aria-labelledby="preview-h" className="panel" data-testid="preview">
      <h2 id="preview-h">Preview</h2>
      <p>
        Examined {preview.examined} open tickets{preview.truncated ? ' (more exist)' : ''}: this policy would govern{' '}
        <strong data-governed={preview.governed}>{preview.governed}</strong>, move the deadlines of{' '}
        <strong>{preview.moved}</strong>, breach <strong>{preview.breachedAtOnce}</strong> at once.
      </p>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Deadline shifts">
        <table>
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Metric</th>
              <th scope="col">Due now</th>
              <th scope="col">Due after saving</th>
            </tr>
          </thead>
          <tbody>
            {preview.items.flatMap((t) =>
              t.metrics.map((m) => (
                <tr key={m.metricId} className={m.breachedAtOnce ? 'breached-text' : undefined}>
                  <td>
                    #{t.number} {t.subject}
                  </td>
                  <td>{label(m.type)}</td>
                  <td>{dateTime(m.currentDueAt)}</td>
                  <td>{m.newDueAt ? dateTime(m.newDueAt) : 'cancelled'}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Editor({ policy }: { policy?: Policy }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState<Draft>(() => draftOf(policy));
  const [preview, setPreview] = useState<{ of: Draft; result: Preview }>();
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const hours = draft.calendar.businessHours ?? null;
  const setHours = (businessHours: Schemas['BusinessIntervalDto'][] | null) =>
    set({ calendar: { ...draft.calendar, businessHours } });
  const holidays = draft.calendar.holidays ?? [];
  const setHolidays = (h: Schemas['HolidayDto'][]) => set({ calendar: { ...draft.calendar, holidays: h } });

  const runPreview = useMutation({
    mutationFn: () =>
      ok(
        api.POST('/api/sla/policies/preview', {
          body: { ...draft, policyId: policy?.id },
          params: { query: { pageSize: 50 } },
        }),
      ),
    onSuccess: (result) => setPreview({ of: draft, result }),
  });
  const save = useMutation({
    mutationFn: () =>
      policy
        ? ok(
            api.PATCH('/api/sla/policies/{id}', {
              params: { path: { id: policy.id } },
              body: { ...draft, version: policy.version },
            }),
          )
        : ok(api.POST('/api/sla/policies', { body: draft })),
    onSuccess: (saved) => {
      setPreview(undefined);
      queryClient.setQueryData(['policy', saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['policies'] });
      navigate(`/sla/policies/${saved.id}`);
    },
  });
  // Saving needs a preview of exactly what is saved.
  const previewed = preview?.of === draft;
  const conflict = save.error instanceof ApiError && save.error.status === 409;

  const target = (type: (typeof METRIC_TYPES)[number], prio: (typeof PRIORITIES)[number]) =>
    draft.targets[type]?.[prio] ?? '';
  const setTarget = (type: (typeof METRIC_TYPES)[number], prio: (typeof PRIORITIES)[number], v: string) =>
    set({ targets: { ...draft.targets, [type]: { ...draft.targets[type], [prio]: v ? Number(v) : undefined } } });
  const toggle = <T,>(list: T[] | undefined, v: T, on: boolean) =>
    on ? [...(list ?? []), v] : (list ?? []).filter((x) => x !== v);

  return (
    <form className="stack editor" onSubmit={(e) => e.preventDefault()} aria-labelledby="policy-h">
      <h2 id="policy-h">{policy ? `Edit ${policy.name} (version ${policy.version})` : 'New policy'}</h2>
      <label>
        Name
        <input value={draft.name} onChange={(e) => set({ name: e.target.value })} required />
      </label>
      <label className="inline">
        <input type="checkbox" checked={draft.isActive} onChange={(e) => set({ isActive: e.target.checked })} /> Active
      </label>
      <fieldset>
        <legend>Conditions (empty: every ticket)</legend>
        <div className="row">
          {PRIORITIES.map((p) => (
            <label key={p} className="inline">
              <input
                type="checkbox"
                checked={draft.conditions.priorities?.includes(p) ?? false}
                onChange={(e) =>
                  set({
                    conditions: {
                      ...draft.conditions,
                      priorities: toggle(draft.conditions.priorities, p, e.target.checked),
                    },
                  })
                }
              />{' '}
              {label(p)}
            </label>
          ))}
        </div>
        <label>
          Tags (comma-separated, any matches)
          <input
            value={(draft.conditions.tags ?? []).join(', ')}
            onChange={(e) =>
              set({
                conditions: {
                  ...draft.conditions,
                  tags: e.target.value
                    .split(',')
                    .map((t) => t.trim())
                    .filter(Boolean),
                },
              })
            }
          />
        </label>
      </fieldset>
      <fieldset>
        <legend>Targets in business minutes</legend>
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Targets">
          <table>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                {PRIORITIES.map((p) => (
                  <th key={p} scope="col">
                    {label(p)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {METRIC_TYPES.map((type) => (
                <tr key={type}>
                  <th scope="row">{label(type)}</th>
                  {PRIORITIES.map((p) => (
                    <td key={p}>
                      <input
                        type="number"
                        min={1}
                        aria-label={`${label(type)} ${label(p)} minutes`}
                        value={target(type, p)}
                        onChange={(e) => setTarget(type, p, e.target.value)}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </fieldset>
      <fieldset>
        <legend>Business hours</legend>
        <label>
          Time zone
          <input
            value={draft.calendar.timezone}
            onChange={(e) => set({ calendar: { ...draft.calendar, timezone: e.target.value } })}
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={hours === null}
            onChange={(e) => setHours(e.target.checked ? null : [{ day: 1, start: '09:00', end: '17:00' }])}
          />{' '}
          Around the clock (24/7)
        </label>
        {hours?.map((h, i) => (
          <div key={i} className="row">
            <label>
              Day
              <select
                value={h.day}
                onChange={(e) => setHours(hours.map((x, j) => (j === i ? { ...x, day: Number(e.target.value) } : x)))}
              >
                {DAYS.map((d, n) => (
                  <option key={d} value={n}>
                    {d}
                  </option>
                ))}
              </select>
            </label>
            <label>
              From
              <input
                type="time"
                value={h.start}
                onChange={(e) => setHours(hours.map((x, j) => (j === i ? { ...x, start: e.target.value } : x)))}
              />
            </label>
            <label>
              To
              <input
                type="time"
                value={h.end}
                onChange={(e) => setHours(hours.map((x, j) => (j === i ? { ...x, end: e.target.value } : x)))}
              />
            </label>
            <button type="button" onClick={() => setHours(hours.filter((_, j) => j !== i))}>
              Remove<span className="sr-only"> interval {i + 1}</span>
            </button>
          </div>
        ))}
        {hours && (
          <button
            type="button"
            onClick={() =>
              setHours([...hours, { day: ((hours.at(-1)?.day ?? 0) + 1) % 7, start: '09:00', end: '17:00' }])
            }
          >
            Add an interval
          </button>
        )}
        <h3>Holidays</h3>
        {holidays.map((h, i) => (
          <div key={i} className="row">
            <label>
              Date
              <input
                type="date"
                value={h.date}
                onChange={(e) => setHolidays(holidays.map((x, j) => (j === i ? { ...x, date: e.target.value } : x)))}
              />
            </label>
            <label>
              Name
              <input
                value={h.name ?? ''}
                onChange={(e) => setHolidays(holidays.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
              />
            </label>
            <button type="button" onClick={() => setHolidays(holidays.filter((_, j) => j !== i))}>
              Remove<span className="sr-only"> holiday {i + 1}</span>
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => setHolidays([...holidays, { date: new Date().toISOString().slice(0, 10), name: '' }])}
        >
          Add a holiday
        </button>
      </fieldset>
      <fieldset>
        <legend>Clocks pause while the ticket is</legend>
        <div className="row">
          {TICKET_STATUSES.map((s) => (
            <label key={s} className="inline">
              <input
                type="checkbox"
                checked={draft.pauseStatuses.includes(s)}
                onChange={(e) => set({ pauseStatuses: toggle(draft.pauseStatuses, s, e.target.checked) })}
              />{' '}
              {label(s)}
            </label>
          ))}
        </div>
      </fieldset>
      <label>
        Warn at (% of the target)
        <input
          type="number"
          min={1}
          max={99}
          value={draft.warningThresholdPercent}
          onChange={(e) => set({ warningThresholdPercent: Number(e.target.value) })}
        />
      </label>
      <div className="row">
        <button type="button" onClick={() => runPreview.mutate()} disabled={runPreview.isPending}>
          Preview changes
        </button>
        <button
          type="button"
          onClick={() => save.mutate()}
          disabled={!previewed || save.isPending}
          aria-describedby="save-hint"
        >
          Save policy
        </button>
        <span id="save-hint" className="meta">
          {previewed ? 'Preview is up to date.' : 'Preview the changes before saving.'}
        </span>
      </div>
      {runPreview.error && (
        <p role="alert" className="error">
          {runPreview.error.message}
        </p>
      )}
      {save.error && (
        <p role="alert" className="error">
          {conflict
            ? 'Someone else changed this policy meanwhile: reload it, then apply your change again.'
            : save.error.message}
        </p>
      )}
      {save.isSuccess && <p role="status">Saved.</p>}
      {previewed && preview && <PreviewResult preview={preview.result} />}
    </form>
  );
}

export default function Policies({ id }: { id?: string }) {
  const policies = useQuery({ queryKey: ['policies'], queryFn: () => ok(api.GET('/api/sla/policies')) });
  const policy = useQuery({
    queryKey: ['policy', id],
    queryFn: () => ok(api.GET('/api/sla/policies/{id}', { params: { path: { id: id! } } })),
    enabled: !!id && id !== 'new',
  });
  const list = policies.data ?? [];
  return (
    <section>
      <h1>SLA policies</h1>
      <nav aria-label="Policies">
        <ul className="row">
          {list.map((p) => (
            <li key={p.id}>
              <Link href={`/sla/policies/${p.id}`} aria-current={p.id === id ? 'page' : undefined}>
                {p.name}
              </Link>
            </li>
          ))}
          <li>
            <Link href="/sla/policies/new">New policy</Link>
          </li>
        </ul>
      </nav>
      {id === 'new' && <Editor key="new" />}
      {policy.data && <Editor key={`${policy.data.id}:${policy.data.version}`} policy={policy.data} />}
    </section>
  );
}
