import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Marked } from 'marked';
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, ApiError, okAs } from '../api';
import { dateTime, label } from '../format';
import type { Article, ArticleVersion } from './kb-types';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// Live preview of the draft: raw HTML in the markdown is shown as text, never rendered (the API sanitises
// what readers see; this preview must not run what an author typed).
const preview = new Marked({ gfm: true, renderer: { html: ({ text }) => escapeHtml(text) } });
const STATUSES = ['DRAFT', 'IN_REVIEW', 'PUBLISHED', 'ARCHIVED'] as const;

function Versions({ article, onRestored }: { article: Article; onRestored: () => void }) {
  const versions = useQuery({
    queryKey: ['kb-versions', article.id, article.currentVersion],
    queryFn: () =>
      okAs<ArticleVersion[] | { items: ArticleVersion[] }>(
        api.GET('/api/kb/articles/{id}/versions', { params: { path: { id: article.id } } }),
      ),
  });
  const restore = useMutation({
    mutationFn: (n: number) =>
      okAs<Article>(
        api.POST('/api/kb/articles/{id}/versions/{n}/restore', {
          params: { path: { id: article.id, n } },
          body: { expectedVersion: article.currentVersion },
        }),
      ),
    onSuccess: onRestored,
  });
  const list = Array.isArray(versions.data) ? versions.data : (versions.data?.items ?? []);
  return (
    <section aria-labelledby="versions-h" className="panel">
      <h2 id="versions-h">Versions</h2>
      <ol reversed>
        {list.map((v) => (
          <li key={v.version}>
            v{v.version} · {dateTime(v.createdAt)} {v.changeNote ? `· ${v.changeNote}` : ''}{' '}
            {v.version !== article.currentVersion && (
              <button type="button" onClick={() => restore.mutate(v.version)}>
                Restore<span className="sr-only"> version {v.version}</span>
              </button>
            )}
          </li>
        ))}
      </ol>
      {restore.error && (
        <p role="alert" className="error">
          {restore.error.message}
        </p>
      )}
    </section>
  );
}

function ArticleEditor({ article }: { article?: Article }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [title, setTitle] = useState(article?.title ?? '');
  const [body, setBody] = useState(article?.body ?? '');
  const [status, setStatus] = useState<Article['status']>(article?.status ?? 'DRAFT');
  const html = useMemo(() => preview.parse(body, { async: false }), [body]);
  const save = useMutation({
    mutationFn: () =>
      article
        ? okAs<Article>(
            api.PATCH('/api/kb/articles/{id}', {
              params: { path: { id: article.id } },
              body: { title, body, status, expectedVersion: article.currentVersion },
            }),
          )
        : okAs<Article>(api.POST('/api/kb/articles', { body: { title, body, status } })),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['kb-articles'] });
      void queryClient.invalidateQueries({ queryKey: ['kb-article-edit', saved.id] });
      navigate(`/kb-editor/${saved.id}`);
    },
  });
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  return (
    <div className="kb-editor">
      <form className="stack" onSubmit={(e) => (e.preventDefault(), save.mutate())} aria-label="Article">
        <label>
          Title
          <input value={title} onChange={(e) => setTitle(e.target.value)} required />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as Article['status'])}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Body (markdown)
          <textarea rows={14} value={body} onChange={(e) => setBody(e.target.value)} required />
        </label>
        {save.error && (
          <p role="alert" className="error">
            {conflict
              ? 'The article changed since you opened it: reload, then apply your edit again.'
              : save.error.message}
          </p>
        )}
        <button type="submit" disabled={save.isPending}>
          Save{article ? ` (version ${article.currentVersion + 1})` : ''}
        </button>
      </form>
      <section aria-labelledby="md-preview-h" className="panel">
        <h2 id="md-preview-h">Preview</h2>
        <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />
      </section>
      {article && (
        <Versions
          article={article}
          onRestored={() => queryClient.invalidateQueries({ queryKey: ['kb-article-edit', article.id] })}
        />
      )}
    </div>
  );
}

export default function KbEditor({ id }: { id?: string }) {
  const articles = useQuery({
    queryKey: ['kb-articles'],
    queryFn: () => okAs<{ items: Article[] }>(api.GET('/api/kb/articles', { params: { query: { pageSize: 100 } } })),
  });
  const article = useQuery({
    queryKey: ['kb-article-edit', id],
    queryFn: () => okAs<Article>(api.GET('/api/kb/articles/{idOrSlug}', { params: { path: { idOrSlug: id! } } })),
    enabled: !!id && id !== 'new',
  });
  return (
    <section>
      <h1>Knowledge base</h1>
      <nav aria-label="Articles">
        <ul className="row">
          {(articles.data?.items ?? []).map((a) => (
            <li key={a.id}>
              <Link href={`/kb-editor/${a.id}`}>
                {a.title} ({label(a.status)})
              </Link>
            </li>
          ))}
          <li>
            <Link href="/kb-editor/new">New article</Link>
          </li>
        </ul>
      </nav>
      {id === 'new' && <ArticleEditor key="new" />}
      {article.data && (
        <ArticleEditor key={`${article.data.id}:${article.data.currentVersion}`} article={article.data} />
      )}
    </section>
  );
}
