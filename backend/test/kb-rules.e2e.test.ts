import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';

// Rules of the knowledge base not covered by kb.e2e.test.ts: taxonomy integrity, the status workflow and
// what each role may reach, version contents, sanitising, concurrent ratings, attachment headers.

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-kb-rules-'));

interface Node {
  id: string;
  slug: string;
  kind: string;
  children: Node[];
}
const findNode = (nodes: Node[], id: string): Node | undefined => {
  for (const n of nodes) {
    if (n.id === id) return n;
    const hit = findNode(n.children, id);
    if (hit) return hit;
  }
  return undefined;
};

describe('knowledge base rules', () => {
  let t: TestApp;
  let agent: string;
  let admin: string;
  let adminUser: TestUser;
  let customer: string;

  before(async () => {
    t = await createTestApp({ env: { UPLOAD_DIR: uploadDir } });
    agent = await t.tokenFor(UserRole.AGENT);
    adminUser = await t.createUser({ role: UserRole.ADMIN, name: 'Ada Admin' });
    admin = await t.login(adminUser.email, adminUser.password);
    customer = await t.tokenFor(UserRole.CUSTOMER);
  });
  after(async () => {
    await t?.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  const post = async (url: string, body: Record<string, unknown>, token = agent) => {
    const res = await t.http.post(url).set(auth(token)).send(body);
    assert.equal(res.status, 201, `${url} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const createArticle = (body: Record<string, unknown>) => post('/api/kb/articles', body);

  it('keeps the category tree acyclic and ordered, with a kind on every category', async () => {
    const a = await post('/api/kb/categories', { name: 'Products' });
    assert.equal(a.kind, 'GENERAL', 'default kind');
    const b = await post('/api/kb/categories', { name: 'Mobile app', parentId: a.id, position: 5, kind: 'FAQ' });
    const b2 = await post('/api/kb/categories', { name: 'Web app', parentId: a.id, position: 1 });
    const c = await post('/api/kb/categories', { name: 'Android', parentId: b.id, kind: 'TROUBLESHOOTING' });

    const tree = (await t.http.get('/api/kb/categories')).body as Node[];
    assert.deepEqual(
      findNode(tree, a.id)!.children.map((n) => n.id),
      [b2.id, b.id],
      'siblings ordered by position',
    );
    assert.equal(findNode(tree, c.id)!.kind, 'TROUBLESHOOTING');

    // Under itself or under a descendant: refused, and nothing changes.
    for (const parentId of [a.id, b.id, c.id]) {
      const res = await t.http.patch(`/api/kb/categories/${a.id}`).set(auth(agent)).send({ parentId });
      assert.equal(res.status, 400, JSON.stringify(res.body));
    }
    assert.equal((await t.prisma.knowledgeCategory.findUniqueOrThrow({ where: { id: a.id } })).parentId, null);
    const unknownParent = await t.http
      .patch(`/api/kb/categories/${c.id}`)
      .set(auth(agent))
      .send({ parentId: '00000000-0000-4000-8000-000000000000' });
    assert.equal(unknownParent.status, 404);

    // A legal move: Android to the root, then a kind change.
    const moved = await t.http
      .patch(`/api/kb/categories/${c.id}`)
      .set(auth(agent))
      .send({ parentId: null, kind: 'HOW_TO' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const after = (await t.http.get('/api/kb/categories')).body as Node[];
    assert.ok(after.some((n) => n.id === c.id));
    assert.equal(findNode(after, c.id)!.kind, 'HOW_TO');

    assert.equal(
      (await t.http.post('/api/kb/categories').set(auth(agent)).send({ name: 'x', kind: 'NOPE' })).status,
      400,
    );
    assert.equal((await t.http.post('/api/kb/categories').set(auth(agent)).send({ name: 'Products' })).status, 409);
    const uuidSlug = await t.http
      .post('/api/kb/categories')
      .set(auth(agent))
      .send({ name: 'Sneaky', slug: '6f1c1a7e-0000-4000-8000-000000000000' });
    assert.equal(uuidSlug.status, 400);
    assert.equal(uuidSlug.body.errors[0].field, 'slug');
    assert.equal((await t.http.patch(`/api/kb/categories/${c.id}`).set(auth(customer)).send({})).status, 403);
  });

  it('manages tags and refuses unknown categories or tags on articles with a field error', async () => {
    const tag = await post('/api/kb/tags', { name: 'Security' });
    assert.equal(tag.slug, 'security');
    assert.equal((await t.http.post('/api/kb/tags').set(auth(agent)).send({ name: 'Security' })).status, 409);
    assert.equal((await t.http.post('/api/kb/tags').set(auth(customer)).send({ name: 'Mine' })).status, 403);
    const list = await t.http.get('/api/kb/tags');
    assert.equal(list.status, 200);
    assert.ok(list.body.some((x: { id: string }) => x.id === tag.id));

    const ghost = '00000000-0000-4000-8000-000000000001';
    const badCat = await t.http
      .post('/api/kb/articles')
      .set(auth(agent))
      .send({ title: 'Orphan', body: 'x', categoryId: ghost });
    assert.equal(badCat.status, 400, JSON.stringify(badCat.body));
    assert.equal(badCat.body.errors[0].field, 'categoryId');
    const badTag = await t.http
      .post('/api/kb/articles')
      .set(auth(agent))
      .send({ title: 'Orphan', body: 'x', tagIds: [tag.id, ghost] });
    assert.equal(badTag.status, 400, JSON.stringify(badTag.body));
    assert.equal(badTag.body.errors[0].field, 'tagIds');
    assert.equal(await t.prisma.knowledgeArticle.count({ where: { title: 'Orphan' } }), 0);

    const a = await createArticle({ title: 'Tagged', body: 'x', tagIds: [tag.id, tag.id] });
    assert.deepEqual(
      a.tags.map((x: { id: string }) => x.id),
      [tag.id],
    );
    const badEdit = await t.http
      .patch(`/api/kb/articles/${a.id}`)
      .set(auth(agent))
      .send({ expectedVersion: 1, tagIds: [ghost] });
    assert.equal(badEdit.status, 400);
    assert.equal((await t.prisma.knowledgeArticle.findUniqueOrThrow({ where: { id: a.id } })).currentVersion, 1);

    // Deleting a tag detaches it from its articles.
    assert.equal((await t.http.delete(`/api/kb/tags/${tag.id}`).set(auth(agent))).status, 204);
    const reread = await t.http.get(`/api/kb/articles/${a.id}`).set(auth(agent));
    assert.deepEqual(reread.body.tags, []);
  });

  it('changes a slug only when asked, and keeps slugs unique', async () => {
    const a = await createArticle({ title: 'Export your data', body: 'x' });
    const b = await createArticle({ title: 'Import data', body: 'y' });
    const renamed = await t.http
      .patch(`/api/kb/articles/${a.id}`)
      .set(auth(agent))
      .send({ expectedVersion: 1, title: 'Download your data' });
    assert.equal(renamed.body.slug, 'export-your-data');
    const reslugged = await t.http
      .patch(`/api/kb/articles/${a.id}`)
      .set(auth(agent))
      .send({ expectedVersion: 2, slug: 'download-your-data' });
    assert.equal(reslugged.status, 200);
    assert.equal(reslugged.body.slug, 'download-your-data');
    assert.equal((await t.http.get('/api/kb/articles/download-your-data').set(auth(agent))).body.id, a.id);
    assert.equal((await t.http.get('/api/kb/articles/export-your-data').set(auth(agent))).status, 404);

    const taken = await t.http
      .patch(`/api/kb/articles/${b.id}`)
      .set(auth(agent))
      .send({ expectedVersion: 1, slug: 'download-your-data' });
    assert.equal(taken.status, 409);
    const takenOnCreate = await t.http
      .post('/api/kb/articles')
      .set(auth(agent))
      .send({ title: 'Other', body: 'z', slug: 'import-data' });
    assert.equal(takenOnCreate.status, 409);
    const uuidLike = await t.http
      .patch(`/api/kb/articles/${b.id}`)
      .set(auth(agent))
      .send({ expectedVersion: 1, slug: a.id });
    assert.equal(uuidLike.status, 400);
  });

  it('walks the status workflow; only PUBLISHED reaches customers and anonymous readers', async () => {
    const a = await createArticle({ title: 'Workflow article', body: 'walks through review' });
    const edit = (version: number, body: Record<string, unknown>) =>
      t.http
        .patch(`/api/kb/articles/${a.id}`)
        .set(auth(agent))
        .send({ expectedVersion: version, ...body });
    const hidden = async (label: string) => {
      for (const who of [undefined, customer]) {
        const h = who ? auth(who) : {};
        assert.equal((await t.http.get(`/api/kb/articles/${a.id}`).set(h)).status, 404, `${label}: by id`);
        assert.equal((await t.http.get(`/api/kb/articles/${a.slug}`).set(h)).status, 404, `${label}: by slug`);
        const list = await t.http.get('/api/kb/articles').query({ pageSize: 100 }).set(h);
        assert.ok(!list.body.items.some((x: { id: string }) => x.id === a.id), `${label}: list`);
        const asked = await t.http.get('/api/kb/articles').query({ status: 'IN_REVIEW', pageSize: 100 }).set(h);
        assert.equal(asked.body.total, 0, `${label}: asking for a status does not reveal it`);
        assert.equal((await t.http.get(`/api/kb/articles/${a.id}/attachments`).set(h)).status, 404, label);
        assert.equal((await t.http.post(`/api/kb/articles/${a.id}/view`).set(h)).status, 404, label);
      }
      assert.equal(
        (await t.http.post(`/api/kb/articles/${a.id}/rating`).set(auth(customer)).send({ helpful: true })).status,
        404,
        `${label}: rating`,
      );
      assert.equal(
        (await t.http.post(`/api/kb/articles/${a.id}/feedback`).set(auth(customer)).send({ body: 'hi' })).status,
        404,
        `${label}: feedback`,
      );
    };

    await hidden('DRAFT');
    const review = await edit(1, { status: 'IN_REVIEW', changeNote: 'ready for review' });
    assert.equal(review.status, 200);
    assert.equal(review.body.publishedAt, null);
    await hidden('IN_REVIEW');
    const inReview = await t.http.get('/api/kb/articles').query({ status: 'IN_REVIEW' }).set(auth(agent));
    assert.ok(
      inReview.body.items.some((x: { id: string }) => x.id === a.id),
      'staff filter by status',
    );

    const pub = await edit(2, { status: 'PUBLISHED' });
    assert.equal(pub.status, 200);
    const publishedAt = pub.body.publishedAt as string;
    assert.ok(publishedAt);
    assert.equal((await t.http.get(`/api/kb/articles/${a.slug}`).set(auth(customer))).status, 200);
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}`)).status, 200);

    assert.equal((await edit(3, { status: 'IN_REVIEW' })).status, 400, 'PUBLISHED → IN_REVIEW is not a transition');
    // An ordinary edit keeps publishedAt.
    const fixed = await edit(3, { body: 'walks through review, fixed' });
    assert.equal(fixed.body.publishedAt, publishedAt);

    const archived = await edit(4, { status: 'ARCHIVED' });
    assert.equal(archived.status, 200);
    await hidden('ARCHIVED');
    const back = await edit(5, { status: 'PUBLISHED' });
    assert.equal(back.status, 200);
    assert.ok(new Date(back.body.publishedAt) >= new Date(publishedAt), 'republishing stamps publishedAt');
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}`).set(auth(customer))).status, 200);
  });

  it('stores author, change note and full content in every version; diffs structured and unified', async () => {
    const a = await createArticle({
      title: 'Backups',
      excerpt: 'How backups run',
      body: 'Backups run nightly.\nThey are kept 7 days.\n',
      changeNote: 'first draft',
    });
    const v2 = await t.http.patch(`/api/kb/articles/${a.id}`).set(auth(admin)).send({
      expectedVersion: 1,
      title: 'Backups and restores',
      excerpt: 'How backups run and how to restore',
      body: 'Backups run nightly.\nThey are kept 30 days.\n',
      changeNote: 'retention is 30 days now',
    });
    assert.equal(v2.status, 200);

    const list = await t.http.get(`/api/kb/articles/${a.id}/versions`).set(auth(agent));
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((v: { version: number; changeNote: string }) => [v.version, v.changeNote]),
      [
        [2, 'retention is 30 days now'],
        [1, 'first draft'],
      ],
    );
    assert.equal(list.body[0].author.id, adminUser.id);
    assert.equal(list.body[0].author.name, 'Ada Admin');

    const one = await t.http.get(`/api/kb/articles/${a.id}/versions/1`).set(auth(agent));
    assert.equal(one.body.title, 'Backups');
    assert.equal(one.body.excerpt, 'How backups run');
    assert.equal(one.body.body, 'Backups run nightly.\nThey are kept 7 days.\n');
    assert.match(one.body.html, /<p>Backups run nightly/);
    const two = await t.http.get(`/api/kb/articles/${a.id}/versions/2`).set(auth(agent));
    assert.equal(two.body.author.id, adminUser.id);
    assert.equal(two.body.title, 'Backups and restores');

    const diff = await t.http.get(`/api/kb/articles/${a.id}/versions/diff`).query({ from: 1, to: 2 }).set(auth(agent));
    assert.equal(diff.status, 200);
    assert.match(diff.body.unified, /^-They are kept 7 days\.$/m);
    assert.match(diff.body.unified, /^\+They are kept 30 days\.$/m);
    assert.equal(diff.body.stats.titleChanged, true);
    assert.ok(diff.body.excerpt.some((c: { op: string; value: string }) => c.op === 'add' && /restore/.test(c.value)));

    assert.equal((await t.http.get(`/api/kb/articles/${a.id}/versions/9`).set(auth(agent))).status, 404);
    assert.equal(
      (await t.http.get(`/api/kb/articles/${a.id}/versions/diff`).query({ from: 1, to: 9 }).set(auth(agent))).status,
      404,
    );
    assert.equal(
      (await t.http.get(`/api/kb/articles/${a.id}/versions/diff`).query({ from: 'x', to: 2 }).set(auth(agent))).status,
      400,
    );
    assert.equal(
      (await t.http.post(`/api/kb/articles/${a.id}/versions/9/restore`).set(auth(agent)).send({})).status,
      404,
    );
    // Restoring version 1 brings back its title, excerpt and body as version 3, and leaves 1 and 2 untouched.
    const restored = await t.http
      .post(`/api/kb/articles/${a.id}/versions/1/restore`)
      .set(auth(agent))
      .send({ expectedVersion: 2, changeNote: 'back to 7 days' });
    assert.equal(restored.status, 200);
    assert.equal(restored.body.currentVersion, 3);
    assert.equal(restored.body.excerpt, 'How backups run');
    const v3 = await t.http.get(`/api/kb/articles/${a.id}/versions/3`).set(auth(agent));
    assert.equal(v3.body.changeNote, 'back to 7 days');
    assert.equal(v3.body.body, one.body.body);
    assert.equal(await t.prisma.knowledgeArticleVersion.count({ where: { articleId: a.id } }), 3);
  });

  it('never lets script, event handlers or dangerous URLs through the rendered HTML', async () => {
    const body = [
      '<a href="javascript:alert(1)">raw link</a>',
      '[upper](JAVASCRIPT:alert(2))',
      '<a href="&#106;avascript:alert(3)">entity</a>',
      '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==)',
      '<iframe src="https://evil.example"></iframe>',
      '<svg onload="alert(5)"><circle /></svg>',
      '<p style="background:url(javascript:alert(6))" onclick="alert(7)">styled</p>',
      '<SCRIPT>alert(8)</SCRIPT>',
      '[ok](https://example.com/help)',
    ].join('\n\n');
    const a = await createArticle({ title: 'Hostile markdown', body, status: 'PUBLISHED' });
    const v1 = await t.http.get(`/api/kb/articles/${a.id}/versions/1`).set(auth(agent));
    for (const html of [a.html as string, v1.body.html as string]) {
      assert.doesNotMatch(html, /javascript:/i);
      assert.doesNotMatch(html, /&#106;/);
      assert.doesNotMatch(html, /data:text\/html/i);
      assert.doesNotMatch(html, /<(script|iframe|svg|style)\b/i);
      assert.doesNotMatch(html, /\son[a-z]+=/i);
      assert.doesNotMatch(html, /style=/i);
      assert.match(html, /<a href="https:\/\/example.com\/help" rel="noopener noreferrer nofollow">ok<\/a>/);
    }
  });

  it('keeps rating counters exact when many readers rate at once', async () => {
    const a = await createArticle({ title: 'Popular', body: 'x', status: 'PUBLISHED' });
    const readers = await Promise.all(Array.from({ length: 8 }, () => t.tokenFor(UserRole.CUSTOMER)));
    const votes = readers.map((_, i) => ({ helpful: i % 3 !== 0, score: (i % 5) + 1 }));
    const results = await Promise.all(
      readers.map((token, i) => t.http.post(`/api/kb/articles/${a.id}/rating`).set(auth(token)).send(votes[i])),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      readers.map(() => 200),
    );
    // Everyone changes their mind at once.
    await Promise.all(
      readers.map((token, i) =>
        t.http.post(`/api/kb/articles/${a.id}/rating`).set(auth(token)).send({ helpful: !votes[i]!.helpful }),
      ),
    );
    const row = await t.prisma.knowledgeArticle.findUniqueOrThrow({ where: { id: a.id } });
    assert.equal(row.helpfulCount, votes.filter((v) => !v.helpful).length);
    assert.equal(row.notHelpfulCount, votes.filter((v) => v.helpful).length);
    assert.equal(await t.prisma.knowledgeArticleRating.count({ where: { articleId: a.id } }), 8);
    const last = await t.http.post(`/api/kb/articles/${a.id}/rating`).set(auth(readers[0]!)).send({ score: 5 });
    assert.equal(last.body.ratingCount, 8);
    const scores = votes.map((v, i) => (i === 0 ? 5 : v.score));
    assert.equal(last.body.averageScore, scores.reduce((s, x) => s + x, 0) / scores.length);
    assert.equal((await t.http.post(`/api/kb/articles/${a.id}/rating`).set(auth(customer)).send({})).status, 400);
  });

  it('serves attachments with nosniff, the right disposition and no way out of the upload directory', async () => {
    const a = await createArticle({ title: 'Screenshots', body: 'x', status: 'PUBLISHED' });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const img = await t.http
      .post(`/api/kb/articles/${a.id}/attachments`)
      .set(auth(agent))
      .attach('file', png, { filename: '..\\..\\Écran 1.png', contentType: 'image/png' });
    assert.equal(img.status, 201, JSON.stringify(img.body));
    assert.doesNotMatch(img.body.fileName, /[\\/]|^\./);
    const row = await t.prisma.knowledgeArticleAttachment.findUniqueOrThrow({ where: { id: img.body.id } });
    assert.ok(path.resolve(uploadDir, row.storagePath).startsWith(path.join(uploadDir, 'kb', a.id) + path.sep));

    const dl = await t.http.get(`/api/kb/articles/${a.id}/attachments/${img.body.id}`).set(auth(customer));
    assert.equal(dl.status, 200);
    assert.equal(dl.headers['content-type'], 'image/png');
    assert.equal(dl.headers['x-content-type-options'], 'nosniff');
    assert.match(dl.headers['content-disposition'], /^inline; filename="?[^";]+\.png"?; filename\*=UTF-8''/);
    assert.deepEqual(Buffer.from(dl.body), png);

    const csv = await t.http
      .post(`/api/kb/articles/${a.id}/attachments`)
      .set(auth(agent))
      .attach('file', Buffer.from('a,b\n1,2\n'), { filename: 'data.csv', contentType: 'text/csv' });
    const csvDl = await t.http.get(`/api/kb/articles/${a.id}/attachments/${csv.body.id}`);
    assert.equal(csvDl.headers['x-content-type-options'], 'nosniff');
    assert.match(csvDl.headers['content-disposition'], /^attachment; filename="?data\.csv"?$/);

    const listed = await t.http.get(`/api/kb/articles/${a.id}/attachments`);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.length, 2);
    assert.ok(!('storagePath' in listed.body[0]), 'the disk path stays private');

    // An attachment id of another article is not reachable through this one.
    const other = await createArticle({ title: 'Other article', body: 'x', status: 'PUBLISHED' });
    assert.equal((await t.http.get(`/api/kb/articles/${other.id}/attachments/${img.body.id}`)).status, 404);
    assert.equal((await t.http.post(`/api/kb/articles/${a.id}/attachments`).set(auth(agent))).status, 400);
  });
});
