import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import supertest from 'supertest';
import { UserRole } from '@nixflow/db/client';
import { CHANGE_NOTICES_APPLICATION, ChangeNotices, CONFIG_CHANNEL } from '@nixflow/domain';
import { startReplica, within as waitFor } from './support/replica.js';
import { watchStatements } from './support/statement-spy.js';
import { createTestApp, type TestApp } from './support/test-app.js';

type Http = ReturnType<typeof supertest>;
interface Hit {
  id: string;
  title: string;
}

/**
 * Search results kept per API instance (KbSearchCache) are exact: a repeated search skips the search
 * statements but still records its history row; any change to what searches read (through the API, on
 * another instance, or in plain SQL) reaches every instance's results within 1 s, at once on the instance
 * that made it; a reader's view or rating does not empty the cache; staff results never reach the public;
 * without the LISTEN connection nothing is kept.
 */
describe('knowledge-base search cache: exact across instances', () => {
  let t: TestApp;
  let second: INestApplication;
  let b: Http;
  let agent: string;
  let customer: string;
  const delays: Record<string, number> = {};
  const statements: string[] = [];
  let counting = false;
  let stopWatching = () => {};

  before(async () => {
    t = await createTestApp();
    ({ app: second, http: b } = await startReplica());
    agent = await t.tokenFor(UserRole.AGENT);
    customer = await t.tokenFor(UserRole.CUSTOMER);
    stopWatching = watchStatements(({ text }) => {
      if (counting) statements.push(text);
    });
  });
  after(async () => {
    stopWatching();
    console.log(`KB search change delay on the other instance (ms): ${JSON.stringify(delays)}`);
    await second?.close();
    await t?.close();
  });

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const within = (what: string, check: () => Promise<boolean>, limitMs = 1_000) => waitFor(what, check, limitMs);
  const notices = (app: INestApplication) => app.get(ChangeNotices);

  async function search(http: Http, q: string, token?: string) {
    const req = http.get('/api/kb/search').query({ q });
    const res = await (token ? req.set(auth(token)) : req);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { searchId: string; total: number; items: Hit[] };
  }
  const titles = async (http: Http, q: string, token?: string) =>
    (await search(http, q, token)).items.map((i) => i.title).sort();

  async function article(body: Record<string, unknown>): Promise<string> {
    const res = await t.http.post('/api/kb/articles').set(auth(agent)).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  }

  it('a repeated search runs no search statement, yet records its own history row (clicks work)', async () => {
    assert.ok(notices(t.app).listening, 'the cache is only used while listening');
    const id = await article({
      title: 'Quasar calibration',
      body: 'Calibrate the quasar weekly.',
      status: 'PUBLISHED',
    });
    const first = await search(t.http, 'quasar calibration');
    assert.deepEqual(
      first.items.map((i) => i.id),
      [id],
    );
    statements.length = 0;
    counting = true;
    const again = await search(t.http, 'quasar calibration');
    counting = false;
    assert.deepEqual(again.items, first.items, 'the same result');
    assert.equal(statements.length, 1, `one statement: ${JSON.stringify(statements)}`);
    assert.match(statements[0]!, /INSERT INTO "public"\."KnowledgeSearchHistory"|INSERT INTO "KnowledgeSearchHistory"/);
    assert.notEqual(again.searchId, first.searchId);
    const rows = await t.prisma.knowledgeSearchHistory.findMany({
      where: { id: { in: [first.searchId, again.searchId] } },
      select: { resultCount: true, normalizedQuery: true },
    });
    assert.deepEqual(
      rows.map((r) => [r.resultCount, r.normalizedQuery]),
      [
        [1, 'quasar calibration'],
        [1, 'quasar calibration'],
      ],
    );
    const click = await t.http.post(`/api/kb/search/${again.searchId}/click`).send({ articleId: id });
    assert.equal(click.status, 204, JSON.stringify(click.body));
  });

  it('staff results are kept apart: a customer never gets a draft an agent searched for', async () => {
    await article({ title: 'Nebula routing', body: 'Route the nebula.', status: 'PUBLISHED' });
    await article({ title: 'Nebula routing internals', body: 'Draft notes on nebula routing.' });
    assert.deepEqual(await titles(t.http, 'nebula', agent), ['Nebula routing', 'Nebula routing internals']);
    assert.deepEqual(await titles(t.http, 'nebula', agent), ['Nebula routing', 'Nebula routing internals']);
    assert.deepEqual(await titles(t.http, 'nebula', customer), ['Nebula routing']);
    assert.deepEqual(await titles(t.http, 'nebula'), ['Nebula routing']);
  });

  it('changes through the API: at once on the writing instance, within 1 s on the other', async () => {
    const id = await article({ title: 'Pulsar alignment', body: 'Align the pulsar.', status: 'PUBLISHED' });
    // Both instances keep the result.
    for (const http of [t.http, b, t.http, b]) assert.deepEqual(await titles(http, 'pulsar'), ['Pulsar alignment']);

    const edited = await t.http
      .patch(`/api/kb/articles/${id}`)
      .set(auth(agent))
      .send({ title: 'Pulsar alignment, revised', expectedVersion: 1 });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.deepEqual(await titles(t.http, 'pulsar'), ['Pulsar alignment, revised']);
    delays.edited = await within('edit seen on B', async () =>
      (await titles(b, 'pulsar')).includes('Pulsar alignment, revised'),
    );

    await article({ title: 'Pulsar timing', body: 'Time the pulsar.', status: 'PUBLISHED' });
    assert.deepEqual(await titles(t.http, 'pulsar'), ['Pulsar alignment, revised', 'Pulsar timing']);
    delays.created = await within('new article seen on B', async () => (await titles(b, 'pulsar')).length === 2);

    const removed = await t.http.delete(`/api/kb/articles/${id}`).set(auth(agent));
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    assert.deepEqual(await titles(t.http, 'pulsar'), ['Pulsar timing']);
    delays.deleted = await within('deletion seen on B', async () => (await titles(b, 'pulsar')).length === 1);

    const tag = await t.http.post('/api/kb/tags').set(auth(agent)).send({ name: 'Pulsars' });
    assert.equal(tag.status, 201, JSON.stringify(tag.body));
    const tagged = (token?: string) =>
      b
        .get('/api/kb/search')
        .query({ q: 'pulsar', tag: 'pulsars' })
        .set(token ? auth(token) : {});
    assert.equal((await tagged()).body.total, 0);
    const timing = await t.prisma.knowledgeArticle.findFirstOrThrow({ where: { title: 'Pulsar timing' } });
    const retagged = await t.http
      .patch(`/api/kb/articles/${timing.id}`)
      .set(auth(agent))
      .send({ tagIds: [tag.body.id], expectedVersion: 1 });
    assert.equal(retagged.status, 200, JSON.stringify(retagged.body));
    delays.tagged = await within('tag change seen on B', async () => (await tagged()).body.total === 1);
  });

  it('plain SQL writes reach the kept results too; a view or a rating sends no notice', async () => {
    const id = await article({ title: 'Comet parking', body: 'Park the comet.', status: 'PUBLISHED' });
    await t.changesSettled();
    await notices(second).settled();
    assert.deepEqual(await titles(b, 'comet'), ['Comet parking']);
    await t.prisma.$executeRaw`UPDATE "KnowledgeArticle" SET title = 'Comet parking (SQL)' WHERE id = ${id}::uuid`;
    delays.sql = await within('SQL edit seen on B', async () =>
      (await titles(b, 'comet')).includes('Comet parking (SQL)'),
    );

    const listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(n.payload ?? ''));
      await listener.query(`LISTEN ${CONFIG_CHANNEL}`);
      const view = await t.http.post(`/api/kb/articles/${id}/view`).send({});
      assert.ok([200, 201, 204].includes(view.status), `view: ${view.status} ${JSON.stringify(view.body)}`);
      const rated = await t.http.post(`/api/kb/articles/${id}/rating`).set(auth(customer)).send({ helpful: true });
      assert.ok([200, 201].includes(rated.status), `rating: ${rated.status} ${JSON.stringify(rated.body)}`);
      await t.prisma.$executeRaw`UPDATE "KnowledgeArticle" SET "viewCount" = "viewCount" + 1 WHERE id = ${id}::uuid`;
      // Notices arrive in commit order: when this one is heard, any from the writes above would have been.
      await t.prisma.$executeRaw`UPDATE "KnowledgeTag" SET name = name WHERE false`;
      await within('the marker notice', async () => heard.includes('KnowledgeTag'), 5_000);
      assert.deepEqual(heard, ['KnowledgeTag'], 'no notice for a view, a rating or a counter');
    } finally {
      await listener.end();
    }
  });

  it("the trigger covers every column of KnowledgeArticle but the readers' counters", async () => {
    const rows = await t.prisma.$queryRaw<{ column: string; watched: boolean }[]>`
      SELECT a.attname AS column, a.attnum = ANY (tg.tgattr::int2[]) AS watched
      FROM pg_attribute a
      JOIN pg_trigger tg ON tg.tgrelid = a.attrelid AND tg.tgname = 'KnowledgeArticle_config_changed'
      WHERE a.attrelid = '"KnowledgeArticle"'::regclass AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attgenerated = ''
      ORDER BY a.attname`;
    assert.ok(rows.length > 10, 'the trigger exists');
    const unwatched = rows.filter((r) => !r.watched).map((r) => r.column);
    assert.deepEqual(unwatched, ['helpfulCount', 'notHelpfulCount', 'viewCount'], 'a new column must be watched');
  });

  it('without the LISTEN connection nothing is kept: a plain SQL change shows on the next search', async () => {
    const id = await article({ title: 'Meteor sweeping', body: 'Sweep the meteor.', status: 'PUBLISHED' });
    await notices(second).settled();
    assert.deepEqual(await titles(b, 'meteor'), ['Meteor sweeping']);
    const sql = new pg.Client({ connectionString: t.db.url });
    await sql.connect();
    try {
      await sql.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
        [CHANGE_NOTICES_APPLICATION],
      );
    } finally {
      await sql.end();
    }
    await within('loss seen', async () => !notices(second).listening, 5_000);
    await t.prisma
      .$executeRaw`UPDATE "KnowledgeArticle" SET title = 'Meteor sweeping (unheard)' WHERE id = ${id}::uuid`;
    if (notices(second).listening) await notices(second).settled(); // reconnected already: let it hear the notice
    assert.deepEqual(await titles(b, 'meteor'), ['Meteor sweeping (unheard)']);
    await within('listening again', async () => notices(t.app).listening && notices(second).listening, 5_000);
  });
});
