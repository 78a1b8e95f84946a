import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, ok, okAs } from '../api';
import type { Article } from './kb-types';

function ArticlePage({ slug }: { slug: string }) {
  const article = useQuery({
    queryKey: ['kb-article', slug],
    queryFn: () => okAs<Article>(api.GET('/api/kb/articles/{idOrSlug}', { params: { path: { idOrSlug: slug } } })),
  });
  if (article.error)
    return (
      <p role="alert" className="error">
        {article.error.message}
      </p>
    );
  if (!article.data) return <p role="status">Loading…</p>;
  return (
    <article className="narrow">
      <p>
        <Link href="/kb">← Help center</Link>
      </p>
      <h1>{article.data.title}</h1>
      {/* html: the API's sanitised rendering of the markdown */}
      <div className="markdown" dangerouslySetInnerHTML={{ __html: article.data.html }} />
    </article>
  );
}

/** The public help center: typo-tolerant search over published articles. */
export default function KbPortal({ slug }: { slug?: string }) {
  const [q, setQ] = useState('');
  const [submitted, setSubmitted] = useState('');
  const results = useQuery({
    queryKey: ['kb-search', submitted],
    queryFn: () => ok(api.GET('/api/kb/search', { params: { query: { q: submitted, pageSize: 20 } } })),
    enabled: submitted.length > 0,
  });
  if (slug) return <ArticlePage slug={slug} />;
  const search = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(q.trim());
  };
  return (
    <section className="narrow">
      <h1>Help center</h1>
      <form role="search" onSubmit={search} className="row">
        <label>
          Search articles
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      {results.data?.correctedQuery && (
        <p role="status">
          Showing results for <em>{results.data.correctedQuery}</em>
        </p>
      )}
      {results.data && (
        <ol className="cards" aria-label="Search results">
          {results.data.items.map((hit) => (
            <li key={hit.id}>
              <Link href={`/kb/${hit.slug}`}>{hit.title}</Link>
              {/* the API escapes the text and adds only <mark> around the matches */}
              <p className="snippet" dangerouslySetInnerHTML={{ __html: hit.snippet }} />
            </li>
          ))}
        </ol>
      )}
      {results.data?.items.length === 0 && <p>No article matches “{submitted}”.</p>}
    </section>
  );
}
