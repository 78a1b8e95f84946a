import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api';
import { isStaff, useAuth } from '../auth';
import { dateTime, duration, label, PRIORITIES, TICKET_STATUSES } from '../format';

type Ticket = Schemas['TicketDto'];

function SlaPanel({ ticket, staff }: { ticket: Ticket; staff: boolean }) {
  const metrics = useQuery({
    queryKey: ['ticket', ticket.id, 'sla'],
    queryFn: () => ok(api.GET('/api/tickets/{id}/sla', { params: { path: { id: ticket.id } } })),
  });
  const policy = useQuery({
    queryKey: ['policy', ticket.slaPolicyId],
    queryFn: () => ok(api.GET('/api/sla/policies/{id}', { params: { path: { id: ticket.slaPolicyId! } } })),
    enabled: staff && !!ticket.slaPolicyId,
  });
  return (
    <section aria-labelledby="sla-h" className="panel">
      <h2 id="sla-h">SLA</h2>
      <p>
        Policy:{' '}
        {policy.data ? `${policy.data.name} (version ${policy.data.version})` : ticket.slaPolicyId ? '…' : 'none'}
      </p>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="SLA metrics">
        <table>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Status</th>
              <th scope="col">Due</th>
              <th scope="col">Target</th>
              <th scope="col">Paused</th>
            </tr>
          </thead>
          <tbody>
            {(metrics.data ?? []).map((m) => (
              <tr key={m.id} data-metric={m.type} data-status={m.status}>
                <td>
                  {label(m.type)}
                  {m.cycle > 1 ? ` #${m.cycle}` : ''}
                </td>
                <td>
                  <span className={`sla ${m.status.toLowerCase().replace('_', '-')}`}>{label(m.status)}</span>
                </td>
                <td>{dateTime(m.dueAt)}</td>
                <td>{duration(m.targetMinutes * 60_000)} business time</td>
                <td>
                  {m.pausedAt
                    ? `since ${dateTime(m.pausedAt)}`
                    : m.pausedBusinessSeconds
                      ? duration(m.pausedBusinessSeconds * 1000)
                      : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Watchers({ ticketId, meId }: { ticketId: string; meId: string }) {
  const queryClient = useQueryClient();
  const key = ['ticket', ticketId, 'watchers'];
  const watchers = useQuery({
    queryKey: key,
    queryFn: () => ok(api.GET('/api/tickets/{id}/watchers', { params: { path: { id: ticketId } } })),
  });
  const watching = watchers.data?.some((w) => w.userId === meId);
  const toggle = useMutation({
    mutationFn: () =>
      watching
        ? ok(api.DELETE('/api/tickets/{id}/watchers/{userId}', { params: { path: { id: ticketId, userId: meId } } }))
        : ok(api.POST('/api/tickets/{id}/watchers', { params: { path: { id: ticketId } }, body: { userId: meId } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <section aria-labelledby="watch-h" className="panel">
      <h2 id="watch-h">Watchers</h2>
      <ul>
        {(watchers.data ?? []).map((w) => (
          <li key={w.userId}>{w.user.name}</li>
        ))}
      </ul>
      <button type="button" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
        {watching ? 'Stop watching' : 'Watch'}
      </button>
    </section>
  );
}

function Properties({ ticket }: { ticket: Ticket }) {
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: ['agents'],
    queryFn: () => ok(api.GET('/api/users', { params: { query: { pageSize: 100 } } })),
  });
  const workflow = useQuery({
    queryKey: ['workflow', ticket.workflowId],
    queryFn: () => ok(api.GET('/api/workflows/{id}', { params: { path: { id: ticket.workflowId! } } })),
    enabled: !!ticket.workflowId,
  });
  const update = useMutation({
    mutationFn: (body: Schemas['UpdateTicketDto']) =>
      ok(
        api.PATCH('/api/tickets/{id}', {
          params: { path: { id: ticket.id } },
          body: { ...body, version: ticket.version },
        }),
      ),
    onSuccess: (t) => queryClient.setQueryData(['ticket', ticket.id], t),
    onError: () => queryClient.invalidateQueries({ queryKey: ['ticket', ticket.id] }),
  });
  const agents = (users.data?.items ?? []).filter((u) => u.role !== 'CUSTOMER');
  return (
    <section aria-labelledby="props-h" className="panel stack">
      <h2 id="props-h">Properties</h2>
      <label>
        Status
        <select value={ticket.status} onChange={(e) => update.mutate({ status: e.target.value as Ticket['status'] })}>
          {TICKET_STATUSES.map((s) => (
            <option key={s} value={s}>
              {label(s)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Priority
        <select
          value={ticket.priority}
          onChange={(e) => update.mutate({ priority: e.target.value as Ticket['priority'] })}
        >
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {label(p)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Assignee
        <select value={ticket.assigneeId ?? ''} onChange={(e) => update.mutate({ assigneeId: e.target.value || null })}>
          <option value="">Unassigned</option>
          {ticket.assignee && !agents.some((a) => a.id === ticket.assigneeId) && (
            <option value={ticket.assignee.id}>{ticket.assignee.name}</option>
          )}
          {agents.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      {workflow.data && (
        <label>
          Workflow stage
          <select value={ticket.stageId ?? ''} onChange={(e) => update.mutate({ stageId: e.target.value })}>
            {workflow.data.stages.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {update.error && (
        <p role="alert" className="error">
          {update.error.message}
        </p>
      )}
    </section>
  );
}

function History({ ticketId }: { ticketId: string }) {
  const history = useQuery({
    queryKey: ['ticket', ticketId, 'history'],
    queryFn: () =>
      ok(api.GET('/api/tickets/{id}/history', { params: { path: { id: ticketId }, query: { pageSize: 100 } } })),
  });
  return (
    <section aria-labelledby="hist-h" className="panel">
      <h2 id="hist-h">History</h2>
      <ol className="history">
        {(history.data?.items ?? []).map((h) => (
          <li key={h.id}>
            <time dateTime={h.createdAt}>{dateTime(h.createdAt)}</time> {h.actor?.name ?? 'System'}:{' '}
            {h.action.replace(/_/g, ' ')}
            {h.field ? ` ${h.field}: ${h.oldValue ?? '—'} → ${h.newValue ?? '—'}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}

export default function TicketView({ id }: { id: string }) {
  const { user } = useAuth();
  const staff = isStaff(user);
  const queryClient = useQueryClient();
  const ticket = useQuery({
    queryKey: ['ticket', id],
    queryFn: () => ok(api.GET('/api/tickets/{id}', { params: { path: { id } } })),
  });
  const comments = useQuery({
    queryKey: ['ticket', id, 'comments'],
    queryFn: () => ok(api.GET('/api/tickets/{id}/comments', { params: { path: { id }, query: { pageSize: 100 } } })),
  });
  const [internal, setInternal] = useState(false);
  const reply = useMutation({
    mutationFn: (body: Schemas['CreateCommentDto']) =>
      ok(api.POST('/api/tickets/{id}/comments', { params: { path: { id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['ticket', id] }),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const body = String(new FormData(form).get('body') ?? '').trim();
    if (!body) return;
    reply.mutate({ body, internal: staff && internal }, { onSuccess: () => form.reset() });
  };
  if (ticket.error)
    return (
      <p role="alert" className="error">
        {ticket.error.message}
      </p>
    );
  if (!ticket.data) return <p role="status">Loading…</p>;
  const t = ticket.data;
  return (
    <div className="ticket-layout">
      <article aria-labelledby="ticket-h">
        <h1 id="ticket-h">
          #{t.number} {t.subject}
        </h1>
        <p className="meta">
          {label(t.status)} · opened by {t.requester?.name ?? 'a customer'} {dateTime(t.createdAt)}
          {t.tags.length > 0 && ` · tags: ${t.tags.join(', ')}`}
        </p>
        <section aria-labelledby="conv-h">
          <h2 id="conv-h">Conversation</h2>
          <ol className="conversation">
            <li className="comment">
              <p className="who">{t.requester?.name ?? 'Requester'}</p>
              <p className="body">{t.description}</p>
            </li>
            {(comments.data?.items ?? []).map((c) => (
              <li key={c.id} className={c.internal ? 'comment internal' : 'comment'} data-internal={c.internal}>
                <p className="who">
                  {c.author.name} · <time dateTime={c.createdAt}>{dateTime(c.createdAt)}</time>
                  {c.internal && <strong className="tag-internal"> Internal note</strong>}
                </p>
                <p className="body">{c.body}</p>
              </li>
            ))}
          </ol>
        </section>
        <form onSubmit={submit} className="stack" aria-label={staff ? 'Reply or add a note' : 'Reply'}>
          <label>
            {internal ? 'Internal note (customers never see it)' : 'Reply'}
            <textarea name="body" rows={4} required />
          </label>
          {staff && (
            <label className="inline">
              <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> Internal note
            </label>
          )}
          {reply.error && (
            <p role="alert" className="error">
              {reply.error.message}
            </p>
          )}
          <button type="submit" disabled={reply.isPending}>
            {internal ? 'Add note' : 'Send reply'}
          </button>
        </form>
      </article>
      <aside aria-label="Ticket details">
        {staff && <Properties ticket={t} />}
        <SlaPanel ticket={t} staff={staff} />
        {user && <Watchers ticketId={t.id} meId={user.id} />}
        <History ticketId={t.id} />
      </aside>
    </div>
  );
}
