import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('knowledge base search', () => {
  let t: TestApp;
  let agent: string;
  let customer: string;
  let customerUser: TestUser;
  let migrationId: string;
  let draftId: string;

  before(async () => {
    t = await createTestApp();
    agent = await t.tokenFor(UserRole.AGENT);
    customerUser = await t.createUser({ role: UserRole.CUSTOMER });
    customer = await t.login(customerUser.email, customerUser.password);
    const tag = await t.http.post('/api/kb/tags').set(auth(agent)).send({ name: 'Database' });
    const mk = async (body: Record<string, unknown>) => {
      const res = await t.http.post('/api/kb/articles').set(auth(agent)).send(body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    migrationId = await mk({
      title: 'Database migration guide',
      excerpt: 'Upgrade the schema safely',
      body: 'Run the migration before deploying. <script>alert(1)</script> A failed migration can be retried.',
      status: 'PUBLISHED',
      tagIds: [tag.body.id],
    });
    await mk({
      title: 'Resetting your password',
      body: 'Click forgot password on the login page.',
      status: 'PUBLISHED',
    });
    draftId = await mk({ title: 'Migration internals (draft)', body: 'Internal notes about migration locking.' });
  });
  after(async () => {
    await t?.close();
  });

  it('finds "migration" for "migrating" (stemming) with highlighted, sanitised snippets', async () => {
    const res = await t.http.get('/api/kb/search').query({ q: 'migrating' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.mode, 'fulltext');
    assert.equal(res.body.items[0].id, migrationId);
    assert.ok(!res.body.items.some((i: { id: string }) => i.id === draftId), 'anonymous readers do not see drafts');
    assert.match(res.body.items[0].snippet, /<mark>migration<\/mark>/i);
    assert.doesNotMatch(res.body.items[0].snippet, /<script/i);
    assert.ok(res.body.searchId);

    const staff = await t.http.get('/api/kb/search').query({ q: 'migrating' }).set(auth(agent));
    assert.ok(
      staff.body.items.some((i: { id: string }) => i.id === draftId),
      'agents see drafts',
    );
    const tagged = await t.http.get('/api/kb/search').query({ q: 'migration', tag: 'database' }).set(auth(agent));
    assert.deepEqual(
      tagged.body.items.map((i: { id: string }) => i.id),
      [migrationId],
    );
  });

  it('falls back to trigram similarity for typos', async () => {
    const res = await t.http.get('/api/kb/search').query({ q: 'migraton' });
    assert.equal(res.status, 200);
    assert.equal(res.body.mode, 'fuzzy');
    assert.equal(res.body.items[0]?.id, migrationId);
    assert.ok(!res.body.items.some((i: { id: string }) => i.id === draftId), 'the fallback hides drafts too');
    const staff = await t.http.get('/api/kb/search').query({ q: 'migraton' }).set(auth(agent));
    assert.equal(staff.body.mode, 'fuzzy');
    assert.ok(staff.body.items.some((i: { id: string }) => i.id === draftId));
  });

  it('records searches and clicks, and reports zero-result queries', async () => {
    const zero = await t.http.get('/api/kb/search').query({ q: '  Xyzzy   Plugh ' });
    assert.equal(zero.body.total, 0);
    const hit = await t.http.get('/api/kb/search').query({ q: 'password' }).set(auth(customer));
    assert.equal(
      (
        await t.http
          .post(`/api/kb/search/${hit.body.searchId}/click`)
          .set(auth(customer))
          .send({ articleId: hit.body.items[0].id })
      ).status,
      204,
    );
    assert.equal((await t.http.get('/api/kb/search/analytics').set(auth(customer))).status, 403);
    const an = await t.http.get('/api/kb/search/analytics').set(auth(agent));
    assert.equal(an.status, 200, JSON.stringify(an.body));
    assert.ok(an.body.zeroResultQueries.some((z: { query: string }) => z.query === 'xyzzy plugh'));
    assert.ok(an.body.totalSearches >= 5);
    assert.ok(an.body.totalClicks >= 1);
    assert.ok(an.body.clickThroughRate > 0 && an.body.clickThroughRate <= 1);
    const pw = an.body.topQueries.find((q: { query: string }) => q.query === 'password');
    assert.equal(pw.clicks, 1);
  });

  it('suggests published articles for a ticket to staff and its requester only', async () => {
    const ticket = await t.prisma.ticket.create({
      data: {
        subject: 'Schema migration failed during deploy',
        description:
          'We tried to upgrade yesterday and the deploy stopped with an error about a lock. Please help us asap.',
        requesterId: customerUser.id,
      },
    });
    const mine = await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`).set(auth(customer));
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.equal(mine.body[0].id, migrationId);
    assert.ok(!mine.body.some((a: { id: string }) => a.id === draftId));
    assert.ok(mine.body.length <= 5);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`).set(auth(agent))).status, 200);
    const other = await t.tokenFor(UserRole.CUSTOMER);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`).set(auth(other))).status, 404);
    assert.equal((await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`)).status, 401);
  });

  describe('paging, filters, snippets, clicks', () => {
    const ids: Record<string, string> = {};
    let customer2: string;

    before(async () => {
      customer2 = await t.tokenFor(UserRole.CUSTOMER);
      const cat = async (body: Record<string, unknown>) => {
        const res = await t.http.post('/api/kb/categories').set(auth(agent)).send(body);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body.id as string;
      };
      const billing = await cat({ name: 'Billing' });
      const invoices = await cat({ name: 'Invoices', parentId: billing });
      const mk = async (key: string, body: Record<string, unknown>) => {
        const res = await t.http.post('/api/kb/articles').set(auth(agent)).send(body);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        ids[key] = res.body.id;
      };
      await mk('inTitle', {
        title: 'Invoice reminders',
        body: 'Reminders go out weekly.',
        status: 'PUBLISHED',
        categoryId: invoices,
      });
      await mk('inBody1', {
        title: 'Payment methods',
        body: 'Every invoice can be paid by card.',
        status: 'PUBLISHED',
      });
      await mk('inBody2', {
        title: 'Refunds',
        body: 'A refund creates a credit note against the invoice.',
        status: 'PUBLISHED',
        categoryId: billing,
      });
      await mk('inReview', { title: 'Invoice numbering', body: 'Numbers are sequential.', status: 'IN_REVIEW' });
      await mk('archived', { title: 'Old invoice layout', body: 'Retired.', status: 'PUBLISHED' });
      const arch = await t.http
        .patch(`/api/kb/articles/${ids.archived}`)
        .set(auth(agent))
        .send({ expectedVersion: 1, status: 'ARCHIVED' });
      assert.equal(arch.status, 200);
      await mk('hostile', {
        title: 'Quarantine rules',
        excerpt: 'Held files <b onmouseover="alert(1)">here</b>',
        body:
          'Files in quarantine <img src=x onerror=alert(1)> are held for review. ' +
          '\u0001<b>forged\u0002 and quarantine again </mark><script>alert(2)</script> until released.',
        status: 'PUBLISHED',
      });
    });

    it('pages ranked results (title above body) and hides what the caller may not see', async () => {
      const p1 = await t.http.get('/api/kb/search').query({ q: 'invoice', pageSize: 2 }).set(auth(customer));
      assert.equal(p1.status, 200);
      assert.equal(p1.body.total, 3, JSON.stringify(p1.body.items));
      assert.equal(p1.body.items.length, 2);
      assert.equal(p1.body.items[0].id, ids.inTitle, 'a title match outranks body matches');
      const p2 = await t.http.get('/api/kb/search').query({ q: 'invoice', pageSize: 2, page: 2 }).set(auth(customer));
      assert.equal(p2.body.items.length, 1);
      const seen = [...p1.body.items, ...p2.body.items].map((i: { id: string }) => i.id).sort();
      assert.deepEqual(seen, [ids.inTitle, ids.inBody1, ids.inBody2].sort());
      const anon = await t.http.get('/api/kb/search').query({ q: 'invoice', pageSize: 50 });
      assert.equal(anon.body.total, 3);
      const staff = await t.http.get('/api/kb/search').query({ q: 'invoice', pageSize: 50 }).set(auth(agent));
      assert.equal(staff.body.total, 5, 'staff also find IN_REVIEW and ARCHIVED articles');
      assert.equal((await t.http.get('/api/kb/search').query({ q: 'invoice', pageSize: 500 })).status, 400);
      assert.equal((await t.http.get('/api/kb/search').query({ q: '   ' })).status, 400);
    });

    it('filters by category (with its sub-categories) and by tag', async () => {
      const billing = await t.http.get('/api/kb/search').query({ q: 'invoice', category: 'billing' });
      assert.deepEqual(billing.body.items.map((i: { id: string }) => i.id).sort(), [ids.inTitle, ids.inBody2].sort());
      const invoices = await t.http.get('/api/kb/search').query({ q: 'invoice', category: 'invoices' });
      assert.deepEqual(
        invoices.body.items.map((i: { id: string }) => i.id),
        [ids.inTitle],
      );
      const nowhere = await t.http.get('/api/kb/search').query({ q: 'invoice', tag: 'no-such-tag' });
      assert.equal(nowhere.body.total, 0);
    });

    it('builds snippets that cannot carry HTML from the article', async () => {
      const res = await t.http.get('/api/kb/search').query({ q: 'quarantine' });
      assert.equal(res.body.items[0].id, ids.hostile);
      const snippet = res.body.items[0].snippet as string;
      const marked = [...snippet.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]);
      assert.ok(marked.length >= 1, snippet);
      assert.ok(
        marked.every((w) => /^quarantine$/i.test(w!)),
        `only the matched words are marked: ${snippet}`,
      );
      assert.equal(snippet.split('<mark>').length, snippet.split('</mark>').length, 'balanced markers');
      const text = snippet.replace(/<\/?mark>/g, '');
      assert.doesNotMatch(text, /[<>]/, snippet);
      assert.ok(!text.includes('\u0001') && !text.includes('\u0002'), snippet);

      // Typo hits get the same escaped, highlighted body snippet.
      const fuzzy = await t.http.get('/api/kb/search').query({ q: 'quarantne' });
      assert.equal(fuzzy.body.mode, 'fuzzy');
      assert.equal(fuzzy.body.correctedQuery, 'quarantine');
      assert.equal(fuzzy.body.items[0]?.id, ids.hostile);
      assert.match(fuzzy.body.items[0].snippet, /<mark>quarantine<\/mark>/);
      assert.doesNotMatch(fuzzy.body.items[0].snippet.replace(/<\/?mark>/g, ''), /[<>]/);
    });

    it('accepts a click only from the searcher, on an article the searcher may see', async () => {
      const s = await t.http.get('/api/kb/search').query({ q: 'invoice' }).set(auth(customer));
      const click = (token: string | undefined, articleId: string, searchId = s.body.searchId) =>
        t.http
          .post(`/api/kb/search/${searchId}/click`)
          .set(token ? auth(token) : {})
          .send({ articleId });
      assert.equal((await click(customer2, ids.inTitle!)).status, 404, "another user's search");
      assert.equal((await click(undefined, ids.inTitle!)).status, 404, 'anonymous on a signed-in search');
      assert.equal((await click(customer, ids.inReview!)).status, 404, 'an article the customer cannot see');
      assert.equal((await click(customer, ids.inTitle!, '00000000-0000-4000-8000-000000000000')).status, 404);
      assert.equal((await click(customer, 'not-a-uuid')).status, 400);
      assert.equal((await click(customer, ids.inTitle!)).status, 204);
      const row = await t.prisma.knowledgeSearchHistory.findUniqueOrThrow({ where: { id: s.body.searchId } });
      assert.equal(row.clickedArticleId, ids.inTitle);
      assert.equal(row.resultCount, 3);
      assert.equal(row.normalizedQuery, 'invoice');
      assert.ok(row.userId);

      const anon = await t.http.get('/api/kb/search').query({ q: 'refund' });
      assert.equal((await click(undefined, ids.inBody2!, anon.body.searchId)).status, 204, 'anonymous searches too');
    });

    it('limits analytics to the window asked for and refuses a backwards window', async () => {
      const past = await t.http
        .get('/api/kb/search/analytics')
        .query({ from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' })
        .set(auth(agent));
      assert.equal(past.status, 200);
      assert.equal(past.body.totalSearches, 0);
      assert.deepEqual(past.body.topQueries, []);
      assert.deepEqual(past.body.zeroResultQueries, []);
      const backwards = await t.http
        .get('/api/kb/search/analytics')
        .query({ from: '2024-02-01T00:00:00Z', to: '2024-01-01T00:00:00Z' })
        .set(auth(agent));
      assert.equal(backwards.status, 400);
      assert.equal(
        (await t.http.get('/api/kb/search/analytics').query({ from: 'yesterday' }).set(auth(agent))).status,
        400,
      );
      const now = await t.http.get('/api/kb/search/analytics').set(auth(agent));
      assert.ok(
        !now.body.zeroResultQueries.some((z: { query: string }) => z.query === 'quarantne'),
        'fuzzy hits count',
      );
      const inv = now.body.topQueries.find((q: { query: string }) => q.query === 'invoice');
      assert.ok(inv.searches >= 5 && inv.clicks === 1, JSON.stringify(inv));
      assert.equal((await t.http.get('/api/kb/search/analytics')).status, 401);
    });

    it('uses the shared ticket visibility rule for suggestions', async () => {
      const ticket = await t.prisma.ticket.create({
        data: {
          subject: 'Where is my invoice?',
          description: 'I need last month invoice for the refund.',
          requesterId: customerUser.id,
        },
      });
      const mine = await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`).set(auth(customer));
      assert.equal(mine.status, 200);
      const got = mine.body.map((a: { id: string }) => a.id);
      assert.ok(got.includes(ids.inBody2) && !got.includes(ids.inReview) && !got.includes(ids.archived));
      await t.prisma.ticket.update({ where: { id: ticket.id }, data: { deletedAt: new Date() } });
      assert.equal((await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`).set(auth(customer))).status, 404);
      assert.equal((await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`).set(auth(agent))).status, 404);
      const admin = await t.tokenFor(UserRole.ADMIN);
      assert.equal((await t.http.get(`/api/tickets/${ticket.id}/suggested-articles`).set(auth(admin))).status, 200);
    });
  });

  describe('typo tolerance over titles and bodies', () => {
    const ids: Record<string, string> = {};
    const mk = async (key: string, body: Record<string, unknown>) => {
      const res = await t.http.post('/api/kb/articles').set(auth(agent)).send(body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids[key] = res.body.id;
    };

    before(async () => {
      // The misspelt words occur only in the bodies, never in a title.
      await mk('toner', {
        title: 'Office supplies',
        body: 'When the printer shows streaks, replace the toner cartridge and print a test page.',
        status: 'PUBLISHED',
      });
      // Words of unpublished articles must never surface to readers who cannot see them.
      await mk('secret', { title: 'Roadmap notes', body: 'The zanzibarian rollout happens next quarter.' });
      await mk('later', {
        title: 'Keyboard care',
        body: 'Clean the quetzalcoatl keyboard weekly.',
        status: 'PUBLISHED',
      });
    });

    it('corrects "pritner" and "toner cartrige" from body words, with highlighted snippets', async () => {
      const one = await t.http.get('/api/kb/search').query({ q: 'pritner' });
      assert.equal(one.status, 200, JSON.stringify(one.body));
      assert.equal(one.body.correctedQuery, 'printer');
      assert.equal(one.body.mode, 'fuzzy');
      assert.equal(one.body.items[0]?.id, ids.toner);
      assert.match(one.body.items[0].snippet, /<mark>printer<\/mark>/);

      const two = await t.http.get('/api/kb/search').query({ q: 'toner cartrige' });
      assert.equal(two.body.correctedQuery, 'toner cartridge');
      assert.deepEqual(
        two.body.items.map((i: { id: string }) => i.id),
        [ids.toner],
      );
      assert.match(two.body.items[0].snippet, /<mark>toner<\/mark> <mark>cartridge<\/mark>/);
      assert.equal(two.body.total, 1);

      const exact = await t.http.get('/api/kb/search').query({ q: 'printer' });
      assert.equal(exact.body.correctedQuery, null, 'a query with hits is not corrected');
      assert.equal(exact.body.mode, 'fulltext');
    });

    it('never corrects to a word only unpublished articles use, except for staff', async () => {
      const anon = await t.http.get('/api/kb/search').query({ q: 'zanzibarien' });
      assert.equal(anon.status, 200);
      assert.equal(anon.body.correctedQuery, null);
      assert.equal(anon.body.total, 0);
      assert.doesNotMatch(JSON.stringify(anon.body), /zanzibarian/);
      const asCustomer = await t.http.get('/api/kb/search').query({ q: 'zanzibarien' }).set(auth(customer));
      assert.equal(asCustomer.body.correctedQuery, null);
      const staff = await t.http.get('/api/kb/search').query({ q: 'zanzibarien' }).set(auth(agent));
      assert.equal(staff.body.correctedQuery, 'zanzibarian');
      assert.equal(staff.body.items[0]?.id, ids.secret);
    });

    it('keeps the vocabulary in step with unpublishing, editing and deleting', async () => {
      const found = await t.http.get('/api/kb/search').query({ q: 'quetzalcoat' });
      assert.equal(found.body.correctedQuery, 'quetzalcoatl');
      const unpublish = await t.http
        .patch(`/api/kb/articles/${ids.later}`)
        .set(auth(agent))
        .send({ expectedVersion: 1, status: 'DRAFT' });
      assert.equal(unpublish.status, 200, JSON.stringify(unpublish.body));
      const hidden = await t.http.get('/api/kb/search').query({ q: 'quetzalcoat' });
      assert.equal(hidden.body.correctedQuery, null, 'the word left the public vocabulary');
      const word = await t.prisma.knowledgeWord.findUniqueOrThrow({ where: { word: 'quetzalcoatl' } });
      assert.deepEqual([word.publishedArticles, word.articles], [0, 1]);

      // Views and ratings update the article row without touching the counts.
      await t.prisma.knowledgeArticle.update({ where: { id: ids.toner }, data: { viewCount: { increment: 3 } } });
      const printer = await t.prisma.knowledgeWord.findUniqueOrThrow({ where: { word: 'printer' } });
      assert.equal(printer.publishedArticles, 1);

      const del = await t.http.delete(`/api/kb/articles/${ids.later}`).set(auth(agent));
      assert.ok(del.status === 204 || del.status === 200, JSON.stringify(del.body));
      const gone = await t.prisma.knowledgeWord.findUniqueOrThrow({ where: { word: 'quetzalcoatl' } });
      assert.deepEqual([gone.publishedArticles, gone.articles], [0, 0]);
      const staff = await t.http.get('/api/kb/search').query({ q: 'quetzalcoat' }).set(auth(agent));
      assert.equal(staff.body.correctedQuery, null);
    });

    it('takes odd input without errors', async () => {
      for (const q of [
        '🙂🙂',
        'ab',
        "o'; DROP TABLE x;--",
        'é'.repeat(200),
        '1234 5678',
        'the and of',
        'x'.repeat(200),
      ]) {
        const res = await t.http.get('/api/kb/search').query({ q });
        assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.body)}`);
        assert.ok(res.body.correctedQuery === null || typeof res.body.correctedQuery === 'string');
      }
    });
  });

  describe('ranking when a word matches more articles than are ranked', () => {
    // KbSearchService ranks a bounded set of matches (RANK_CANDIDATES = 200): the first the index yields
    // (in table order). Here 260 articles mention the word in their body only, and the one with the word in
    // its title is stored after them, so it is not among the first 200.
    const BODY_ONLY = 260;
    let titleId: string;

    before(async () => {
      const author = await t.createUser({ role: UserRole.AGENT });
      await t.prisma.$executeRaw`
        INSERT INTO "KnowledgeArticle" (title, slug, body, status, "authorId", "publishedAt")
        SELECT 'Relay note ' || g, 'relay-note-' || g,
               'The zephyrine relay is mentioned here in passing, note ' || g || '.',
               'PUBLISHED'::"KnowledgeArticleStatus", ${author.id}::uuid, now() - (g || ' minutes')::interval
        FROM generate_series(1, ${BODY_ONLY + 1}::int) g`;
      // Where a new row goes depends on the free space of earlier pages; an update of the row stored last
      // stays on its page (which has room: the last page the insert filled), so it is still stored last.
      const [titled] = await t.prisma.$queryRaw<{ id: string }[]>`
        UPDATE "KnowledgeArticle" SET title = 'Configuring zephyrine',
               body = 'Set the zephyrine options, then restart the relay.'
        WHERE id = (SELECT id FROM "KnowledgeArticle" WHERE slug LIKE 'relay-note-%' ORDER BY ctid DESC LIMIT 1)
        RETURNING id`;
      titleId = titled!.id;
      // The premise of the test: the title match is not among the first 200 matches in index order.
      const first = await t.prisma.$queryRaw<{ id: string }[]>`
        SELECT a.id FROM "KnowledgeArticle" a
        WHERE a."searchVector" @@ websearch_to_tsquery('english', 'zephyrine')
          AND a."deletedAt" IS NULL AND a.status = 'PUBLISHED'::"KnowledgeArticleStatus"
        LIMIT 200`;
      assert.equal(first.length, 200);
      assert.ok(!first.some((r) => r.id === titleId), 'the title match is stored after the first 200 matches');
    });

    it('ranks the title match first for a one-word query, with the exact total', async () => {
      const res = await t.http.get('/api/kb/search').query({ q: 'zephyrine' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.mode, 'fulltext');
      assert.equal(res.body.total, BODY_ONLY + 1);
      assert.equal(res.body.totalExact, true);
      assert.equal(res.body.items[0]?.id, titleId, JSON.stringify(res.body.items.slice(0, 3)));
      // Pages come from the same ranked set: no article twice, the title match on page 1 only.
      const p2 = await t.http.get('/api/kb/search').query({ q: 'zephyrine', page: 2 });
      const ids = [...res.body.items, ...p2.body.items].map((i: { id: string }) => i.id);
      assert.equal(new Set(ids).size, ids.length);
      const staff = await t.http.get('/api/kb/search').query({ q: 'zephyrine' }).set(auth(agent));
      assert.equal(staff.body.items[0]?.id, titleId, 'staff too');
    });

    it('finds the title match first for a misspelt word (corrected from the vocabulary)', async () => {
      const res = await t.http.get('/api/kb/search').query({ q: 'zephyrne' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.mode, 'fuzzy');
      assert.equal(res.body.correctedQuery, 'zephyrine');
      assert.equal(res.body.total, BODY_ONLY + 1);
      assert.equal(res.body.items[0]?.id, titleId);
      const row = await t.prisma.knowledgeSearchHistory.findUniqueOrThrow({ where: { id: res.body.searchId } });
      assert.equal(row.resultCount, BODY_ONLY + 1, 'the history row has the count of the corrected search');
      assert.equal(row.query, 'zephyrne');
    });

    it('keeps a negated word out of title matches', async () => {
      // "-restart": the title match has "restart" in its body, so it must not come back.
      const res = await t.http.get('/api/kb/search').query({ q: 'zephyrine -restart', pageSize: 50 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.total, BODY_ONLY);
      assert.ok(!res.body.items.some((i: { id: string }) => i.id === titleId));
    });
  });
});
