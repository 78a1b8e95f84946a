import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, ok } from '../api';
import { dateTime, label } from '../format';

export default function Breaches() {
  const queryClient = useQueryClient();
  const [showAcknowledged, setShowAcknowledged] = useState(false);
  const breaches = useQuery({
    queryKey: ['breaches', showAcknowledged],
    queryFn: () =>
      ok(
        api.GET('/api/sla/breaches', {
          params: { query: { pageSize: 100, ...(showAcknowledged ? {} : { acknowledged: false }) } },
        }),
      ),
  });
  const acknowledge = useMutation({
    mutationFn: (id: string) => ok(api.POST('/api/sla/breaches/{id}/acknowledge', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['breaches'] }),
  });
  return (
    <section>
      <h1>SLA breaches</h1>
      <label className="inline">
        <input type="checkbox" checked={showAcknowledged} onChange={(e) => setShowAcknowledged(e.target.checked)} />{' '}
        Include acknowledged
      </label>
      {acknowledge.error && (
        <p role="alert" className="error">
          {acknowledge.error.message}
        </p>
      )}
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Breaches">
        <table>
          <caption>{breaches.data ? `${breaches.data.total} breaches` : 'Loading…'}</caption>
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Metric</th>
              <th scope="col">Due</th>
              <th scope="col">Breached</th>
              <th scope="col">Acknowledged</th>
            </tr>
          </thead>
          <tbody>
            {(breaches.data?.items ?? []).map((b) => (
              <tr key={b.id} data-breach={b.id}>
                <td>
                  <Link href={`/tickets/${b.ticketId}`}>
                    #{b.ticketNumber} {b.ticketSubject}
                  </Link>
                </td>
                <td>{label(b.type)}</td>
                <td>{dateTime(b.dueAt)}</td>
                <td className="breached-text">{dateTime(b.breachedAt)}</td>
                <td>
                  {b.acknowledgedAt ? (
                    dateTime(b.acknowledgedAt)
                  ) : (
                    <button type="button" onClick={() => acknowledge.mutate(b.id)} disabled={acknowledge.isPending}>
                      Acknowledge<span className="sr-only"> breach of #{b.ticketNumber}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
