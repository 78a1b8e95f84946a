import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, ok } from '../api';
import { dateTime, label } from '../format';

/** A customer's own tickets (the API lists only those for a customer). */
export default function MyTickets() {
  const tickets = useQuery({
    queryKey: ['my-tickets'],
    queryFn: () =>
      ok(api.GET('/api/tickets', { params: { query: { pageSize: 100, sort: 'updatedAt', order: 'desc' } } })),
  });
  return (
    <section>
      <h1>My tickets</h1>
      <p>
        <Link href="/my/new">Open a new ticket</Link>
      </p>
      <ul className="cards">
        {(tickets.data?.items ?? []).map((t) => (
          <li key={t.id}>
            <Link href={`/tickets/${t.id}`}>
              #{t.number} {t.subject}
            </Link>
            <span className="meta">
              {label(t.status)} · updated {dateTime(t.updatedAt)}
            </span>
          </li>
        ))}
      </ul>
      {tickets.data?.items.length === 0 && <p>No tickets yet.</p>}
    </section>
  );
}
