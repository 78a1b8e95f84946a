// A tour of the typed client, compiled in CI under --strict with no type assertions (`as` is forbidden
// here by eslint and by packages/client/test/client-package.test.ts). Run it against a live API:
//   node packages/client/dist/examples/helpdesk-tour.js http://127.0.0.1:3000 admin@nixflow.local ChangeMe-Admin-123
import { createNixflowClient, type Page, type Schemas } from '../src/index.js';

export interface TourResult {
  policyId: string;
  ticketId: string;
  ticketVersion: number;
  commentId: string;
  breaches: number;
  articleId: string;
}

/** Pages of every list share one typed shape. */
function describePage(page: Page<Schemas['ArticleSummaryDto']>): string {
  const titles = page.items.map((a) => `${a.title} (v${a.currentVersion}, ${a.tags.length} tags)`);
  return `${page.total} article(s) on page ${page.page}: ${titles.join('; ')}`;
}

export async function helpdeskTour(
  baseUrl: string,
  email: string,
  password: string,
  log: (line: string) => void = console.log,
): Promise<TourResult> {
  const client = createNixflowClient({ baseUrl });
  const { user } = await client.login(email, password);
  log(`signed in as ${user.email} (${user.role})`);
  const { api } = client;

  const policies = await api.GET('/api/sla/policies');
  if (!policies.data) throw new Error(`list policies: ${policies.error?.message}`);
  log(`${policies.data.length} SLA policies`);

  const created = await api.POST('/api/sla/policies', {
    body: {
      name: `Tour ${Date.now()}`,
      targets: { FIRST_RESPONSE: { URGENT: 30, HIGH: 60 }, RESOLUTION: { URGENT: 240 } },
      conditions: { priorities: ['URGENT', 'HIGH'] },
    },
  });
  if (!created.data) throw new Error(`create policy: ${created.error?.message}`);
  // A PATCH sends only what changes; null clears the description.
  const patched = await api.PATCH('/api/sla/policies/{id}', {
    params: { path: { id: created.data.id } },
    body: { description: null, warningThresholdPercent: 75 },
  });
  if (!patched.data) throw new Error(`patch policy: ${patched.error?.message}`);
  log(`policy ${patched.data.name}: warning at ${patched.data.warningThresholdPercent}%`);

  const ticket = await api.POST('/api/tickets', {
    body: { subject: 'Printer on fire', description: 'Smoke everywhere', priority: 'URGENT' },
  });
  if (!ticket.data) throw new Error(`create ticket: ${ticket.error?.message}`);
  const updated = await api.PATCH('/api/tickets/{id}', {
    params: { path: { id: ticket.data.id } },
    body: { priority: 'HIGH', assigneeId: null, version: ticket.data.version },
  });
  if (!updated.data) throw new Error(`patch ticket: ${updated.error?.message}`);
  log(`ticket #${updated.data.number} is ${updated.data.status}, priority ${updated.data.priority}`);

  const comment = await api.POST('/api/tickets/{id}/comments', {
    params: { path: { id: ticket.data.id } },
    body: { body: 'Fire brigade called.', internal: true },
  });
  if (!comment.data) throw new Error(`comment: ${comment.error?.message}`);
  const edited = await api.PATCH('/api/tickets/{id}/comments/{commentId}', {
    params: { path: { id: ticket.data.id, commentId: comment.data.id } },
    body: { body: 'Fire brigade called; fire is out.' },
  });
  if (!edited.data) throw new Error(`edit comment: ${edited.error?.message}`);

  const breaches = await api.GET('/api/sla/breaches', { params: { query: { page: 1, pageSize: 10 } } });
  if (!breaches.data) throw new Error(`list breaches: ${breaches.error?.message}`);
  log(`${breaches.data.total} SLA breaches`);

  const article = await api.POST('/api/kb/articles', {
    body: { title: `Printer fires ${Date.now()}`, body: '# What to do\n\nCall the fire brigade.', status: 'PUBLISHED' },
  });
  if (!article.data) throw new Error(`create article: ${article.error?.message}`);
  log(`article ${article.data.slug} published at ${article.data.publishedAt ?? 'never'}`);
  const articles = await api.GET('/api/kb/articles', { params: { query: { q: 'Printer fires', pageSize: 5 } } });
  if (!articles.data) throw new Error(`list articles: ${articles.error?.message}`);
  log(describePage(articles.data));

  await client.logout();
  return {
    policyId: created.data.id,
    ticketId: updated.data.id,
    ticketVersion: updated.data.version,
    commentId: edited.data.id,
    breaches: breaches.data.total,
    articleId: article.data.id,
  };
}

const [, script, baseUrl, email, password] = process.argv;
if (script?.endsWith('helpdesk-tour.js') && baseUrl && email && password) {
  helpdeskTour(baseUrl, email, password).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
