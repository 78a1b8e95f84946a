import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-kb-'));

describe('knowledge base', () => {
  let t: TestApp;
  let agent: string;
  let admin: string;
  let customer: string;
  let customerUser: TestUser;

  before(async () => {
    t = await createTestApp({ env: { KB_MAX_ATTACHMENT_BYTES: '2048', UPLOAD_DIR: uploadDir } });
    agent = await t.tokenFor(UserRole.AGENT);
    admin = await t.tokenFor(UserRole.ADMIN);
    customerUser = await t.createUser({ role: UserRole.CUSTOMER });
    customer = await t.login(customerUser.email, customerUser.password);
  });
  after(async () => {
    await t?.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  const createArticle = async (body: Record<string, unknown>) => {
    const res = await t.http.post('/api/kb/articles').set(auth(agent)).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };

  it('builds a nested category tree and refuses to delete non-empty categories', async () => {
    const root = await t.http
      .post('/api/kb/categories')
      .set(auth(agent))
      .send({ name: 'Getting started', position: 2 });
    assert.equal(root.status, 201, JSON.stringify(root.body));
    const first = await t.http.post('/api/kb/categories').set(auth(agent)).send({ name: 'Accounts', position: 1 });
    const child = await t.http
      .post('/api/kb/categories')
      .set(auth(admin))
      .send({ name: 'Install', parentId: root.body.id, kind: 'HOW_TO' });
    assert.equal(child.status, 201);
    assert.equal((await t.http.post('/api/kb/categories').set(auth(customer)).send({ name: 'x' })).status, 403);
    const tree = await t.http.get('/api/kb/categories');
    assert.equal(tree.status, 200);
    const slugs = tree.body.map((c: { slug: string }) => c.slug);
    assert.ok(slugs.indexOf('accounts') < slugs.indexOf('getting-started'));
    const gs = tree.body.find((c: { id: string }) => c.id === root.body.id);
    assert.equal(gs.children[0].slug, 'install');
    assert.equal((await t.http.delete(`/api/kb/categories/${root.body.id}`).set(auth(agent))).status, 409);
    await createArticle({ title: 'In a category', body: 'x', categoryId: first.body.id });
    assert.equal((await t.http.delete(`/api/kb/categories/${first.body.id}`).set(auth(agent))).status, 409);
    assert.equal((await t.http.delete(`/api/kb/categories/${child.body.id}`).set(auth(agent))).status, 204);
  });

  it('generates unique, stable slugs', async () => {
    const a = await createArticle({ title: 'Reset your password!', body: 'a' });
    const b = await createArticle({ title: 'Reset your password', body: 'b' });
    const c = await createArticle({ title: 'Reset  your password', body: 'c' });
    assert.deepEqual(
      [a.slug, b.slug, c.slug],
      ['reset-your-password', 'reset-your-password-2', 'reset-your-password-3'],
    );
    const edited = await t.http
      .patch(`/api/kb/articles/${a.id}`)
      .set(auth(agent))
      .send({ expectedVersion: 1, title: 'Change your password' });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.slug, 'reset-your-password');
    const bySlug = await t.http.get('/api/kb/articles/reset-your-password').set(auth(agent));
    assert.equal(bySlug.body.id, a.id);
  });

  it('versions every edit, rejects stale edits with 409, diffs and restores', async () => {
    const a = await createArticle({ title: 'Versioned', body: 'line one\nline two\n' });
    assert.equal(a.currentVersion, 1);
    const v2 = await t.http
      .patch(`/api/kb/articles/${a.id}`)
      .set(auth(agent))
      .send({ expectedVersion: 1, body: 'line one\nline 2\nline three\n', changeNote: 'second' });
    assert.equal(v2.status, 200, JSON.stringify(v2.body));
    assert.equal(v2.body.currentVersion, 2);
    // Another editor still holding version 1 loses.
    const stale = await t.http
      .patch(`/api/kb/articles/${a.id}`)
      .set(auth(admin))
      .send({ expectedVersion: 1, title: 'Mine' });
    assert.equal(stale.status, 409);
    assert.match(stale.body.message, /Article was changed by someone else \(version 2\)/);
    assert.equal((await t.http.patch(`/api/kb/articles/${a.id}`).set(auth(agent)).send({ title: 'x' })).status, 400);

    // Concurrent edits from the same version: exactly one wins.
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        t.http
          .patch(`/api/kb/articles/${a.id}`)
          .set(auth(agent))
          .send({ expectedVersion: 2, title: `Race ${i}` }),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409]);

    const versions = await t.http.get(`/api/kb/articles/${a.id}/versions`).set(auth(agent));
    assert.deepEqual(
      versions.body.map((v: { version: number }) => v.version),
      [3, 2, 1],
    );
    const one = await t.http.get(`/api/kb/articles/${a.id}/versions/1`).set(auth(agent));
    assert.equal(one.body.body, 'line one\nline two\n');

    const diff = await t.http.get(`/api/kb/articles/${a.id}/versions/diff`).query({ from: 1, to: 2 }).set(auth(agent));
    assert.equal(diff.status, 200, JSON.stringify(diff.body));
    assert.ok(
      diff.body.body.some((c: { op: string; value: string }) => c.op === 'remove' && c.value.includes('line two')),
    );
    assert.ok(
      diff.body.body.some((c: { op: string; value: string }) => c.op === 'add' && c.value.includes('line three')),
    );

    const restored = await t.http
      .post(`/api/kb/articles/${a.id}/versions/1/restore`)
      .set(auth(agent))
      .send({ expectedVersion: 3 });
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    assert.equal(restored.body.currentVersion, 4);
    assert.equal(restored.body.body, 'line one\nline two\n');
    assert.equal(restored.body.title, 'Versioned');
    const v4 = await t.prisma.knowledgeArticleVersion.findUniqueOrThrow({
      where: { articleId_version: { articleId: a.id, version: 4 } },
    });
    assert.equal(v4.changeNote, 'Restored version 1');
    const staleRestore = await t.http
      .post(`/api/kb/articles/${a.id}/versions/2/restore`)
      .set(auth(agent))
      .send({ expectedVersion: 3 });
    assert.equal(staleRestore.status, 409);

    // The history (unpublished drafts, change notes) is for editors only, even of a published article.
    const published = await t.http
      .patch(`/api/kb/articles/${a.id}`)
      .set(auth(agent))
      .send({ expectedVersion: 4, status: 'PUBLISHED' });
    assert.equal(published.status, 200, JSON.stringify(published.body));
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}`).set(auth(customer))).status, 200);
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}/versions`).set(auth(customer))).status, 403);
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}/versions/1`).set(auth(customer))).status, 403);
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}/versions/1`)).status, 401);
    assert.equal(
      (await t.http.get(`/api/kb/articles/${a.id}/versions/diff`).query({ from: 1, to: 2 }).set(auth(customer))).status,
      403,
    );
  });

  it('shows drafts only to staff; publishing sets publishedAt; deleted articles disappear', async () => {
    const a = await createArticle({ title: 'Secret draft', body: 'draft body' });
    assert.equal(a.status, 'DRAFT');
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}`)).status, 404);
    assert.equal((await t.http.get(`/api/kb/articles/${a.slug}`).set(auth(customer))).status, 404);
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}`).set(auth(agent))).status, 200);
    const anonList = await t.http.get('/api/kb/articles').query({ pageSize: 100 });
    assert.ok(!anonList.body.items.some((x: { id: string }) => x.id === a.id));
    const staffList = await t.http.get('/api/kb/articles').query({ status: 'DRAFT', pageSize: 100 }).set(auth(agent));
    assert.ok(staffList.body.items.some((x: { id: string }) => x.id === a.id));

    const pub = await t.http
      .patch(`/api/kb/articles/${a.id}`)
      .set(auth(agent))
      .send({ expectedVersion: 1, status: 'PUBLISHED' });
    assert.equal(pub.status, 200);
    assert.ok(pub.body.publishedAt);
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}`)).status, 200);
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}`).set(auth(customer))).status, 200);

    assert.equal(
      (await t.http.patch(`/api/kb/articles/${a.id}`).set(auth(customer)).send({ expectedVersion: 2 })).status,
      403,
    );
    assert.equal((await t.http.delete(`/api/kb/articles/${a.id}`).set(auth(agent))).status, 204);
    assert.equal((await t.http.get(`/api/kb/articles/${a.id}`).set(auth(agent))).status, 404);
    assert.ok((await t.prisma.knowledgeArticle.findUniqueOrThrow({ where: { id: a.id } })).deletedAt);
  });

  it('renders sanitised HTML', async () => {
    const a = await createArticle({
      title: 'Markdown',
      body: '# Title\n\n<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)"> [link](javascript:alert(3)) **bold**',
    });
    assert.match(a.html, /<h1>Title<\/h1>/);
    assert.match(a.html, /<strong>bold<\/strong>/);
    assert.doesNotMatch(a.html, /<script/i);
    assert.doesNotMatch(a.html, /onerror/i);
    assert.doesNotMatch(a.html, /javascript:/i);
  });

  it('keeps rating counters right across upserts', async () => {
    const a = await createArticle({ title: 'Rate me', body: 'x', status: 'PUBLISHED' });
    const c2 = await t.tokenFor(UserRole.CUSTOMER);
    let r = await t.http.post(`/api/kb/articles/${a.id}/rating`).set(auth(customer)).send({ helpful: true, score: 5 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = await t.http.post(`/api/kb/articles/${a.id}/rating`).set(auth(c2)).send({ helpful: true });
    assert.equal(r.body.helpfulCount, 2);
    r = await t.http.post(`/api/kb/articles/${a.id}/rating`).set(auth(customer)).send({ helpful: false });
    assert.equal(r.body.helpfulCount, 1);
    assert.equal(r.body.notHelpfulCount, 1);
    assert.equal(r.body.score, 5, 'score kept when only helpful changes');
    assert.equal(
      (await t.http.post(`/api/kb/articles/${a.id}/rating`).set(auth(customer)).send({ score: 9 })).status,
      400,
    );
    assert.equal((await t.http.post(`/api/kb/articles/${a.id}/rating`).send({ helpful: true })).status, 401);
    // Concurrent flips by the same user end consistent.
    await Promise.all(
      [true, false, true, false, true].map((h) =>
        t.http.post(`/api/kb/articles/${a.id}/rating`).set(auth(c2)).send({ helpful: h }),
      ),
    );
    const row = await t.prisma.knowledgeArticle.findUniqueOrThrow({ where: { id: a.id } });
    const ratings = await t.prisma.knowledgeArticleRating.findMany({ where: { articleId: a.id } });
    assert.equal(ratings.length, 2);
    assert.equal(row.helpfulCount, ratings.filter((x) => x.helpful === true).length);
    assert.equal(row.notHelpfulCount, ratings.filter((x) => x.helpful === false).length);
  });

  it('counts a view once per reader (user, else client IP) per day; varying the User-Agent does not inflate it', async () => {
    const a = await createArticle({ title: 'Viewed', body: 'x', status: 'PUBLISHED' });
    await t.http.get(`/api/kb/articles/${a.id}`).set(auth(customer));
    await t.http.get(`/api/kb/articles/${a.id}`).set(auth(customer));
    const v = await t.http.post(`/api/kb/articles/${a.id}/view`).set(auth(customer));
    assert.equal(v.status, 200);
    assert.equal(v.body.counted, false);
    assert.equal(v.body.viewCount, 1);
    // Anonymous readers from one address count once, whatever User-Agent they send.
    for (const agentName of ['reader-a', 'reader-a', 'reader-b', 'reader-c', 'curl/8.0']) {
      await t.http.get(`/api/kb/articles/${a.id}`).set('User-Agent', agentName);
    }
    const anonymous = await t.http.post(`/api/kb/articles/${a.id}/view`).set('User-Agent', 'reader-d');
    assert.equal(anonymous.body.counted, false);
    // Staff reading a draft does not count.
    const d = await createArticle({ title: 'Draft viewed', body: 'x' });
    await t.http.get(`/api/kb/articles/${d.id}`).set(auth(agent));
    assert.equal((await t.prisma.knowledgeArticle.findUniqueOrThrow({ where: { id: a.id } })).viewCount, 2);
    assert.equal((await t.prisma.knowledgeArticle.findUniqueOrThrow({ where: { id: d.id } })).viewCount, 0);
    assert.equal(await t.prisma.knowledgeArticleView.count({ where: { articleId: a.id } }), 2);
  });

  it('takes feedback from users and lets staff triage it', async () => {
    const a = await createArticle({ title: 'Feedback target', body: 'x', status: 'PUBLISHED' });
    assert.equal((await t.http.post(`/api/kb/articles/${a.id}/feedback`).send({ body: 'anon' })).status, 401);
    const fb = await t.http
      .post(`/api/kb/articles/${a.id}/feedback`)
      .set(auth(customer))
      .send({ body: 'Step 3 is wrong' });
    assert.equal(fb.status, 201);
    assert.equal((await t.http.get('/api/kb/feedback').set(auth(customer))).status, 403);
    const list = await t.http.get('/api/kb/feedback').query({ status: 'NEW' }).set(auth(agent));
    assert.ok(list.body.items.some((f: { id: string }) => f.id === fb.body.id));
    const done = await t.http.patch(`/api/kb/feedback/${fb.body.id}`).set(auth(agent)).send({ status: 'RESOLVED' });
    assert.equal(done.status, 200);
    assert.ok(done.body.resolvedAt);
    assert.equal(
      (await t.http.patch(`/api/kb/feedback/${fb.body.id}`).set(auth(agent)).send({ status: 'NOPE' })).status,
      400,
    );
  });

  it('stores attachments inside the upload directory and serves them with their content type', async () => {
    const a = await createArticle({ title: 'With files', body: 'x', status: 'PUBLISHED' });
    const up = await t.http
      .post(`/api/kb/articles/${a.id}/attachments`)
      .set(auth(agent))
      .attach('file', Buffer.from('hello attachment'), {
        filename: '../../../etc/evil.txt',
        contentType: 'text/plain',
      });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.fileName, 'evil.txt');
    const row = await t.prisma.knowledgeArticleAttachment.findUniqueOrThrow({ where: { id: up.body.id } });
    const full = path.resolve(uploadDir, row.storagePath);
    assert.ok(full.startsWith(path.join(uploadDir, 'kb', a.id) + path.sep), full);
    assert.equal(fs.readFileSync(full, 'utf8'), 'hello attachment');

    const dl = await t.http.get(`/api/kb/articles/${a.id}/attachments/${up.body.id}`).buffer(true);
    assert.equal(dl.status, 200);
    assert.match(dl.headers['content-type'], /^text\/plain/);
    assert.match(dl.headers['content-disposition'], /^attachment; filename="?evil\.txt"?$/);
    assert.equal(dl.text, 'hello attachment');

    const big = await t.http
      .post(`/api/kb/articles/${a.id}/attachments`)
      .set(auth(agent))
      .attach('file', Buffer.alloc(4096, 1), { filename: 'big.png', contentType: 'image/png' });
    assert.equal(big.status, 413);
    const exe = await t.http
      .post(`/api/kb/articles/${a.id}/attachments`)
      .set(auth(agent))
      .attach('file', Buffer.from('MZ'), { filename: 'x.exe', contentType: 'application/x-msdownload' });
    assert.equal(exe.status, 415);
    assert.equal(
      (
        await t.http
          .post(`/api/kb/articles/${a.id}/attachments`)
          .set(auth(customer))
          .attach('file', Buffer.from('x'), { filename: 'x.txt', contentType: 'text/plain' })
      ).status,
      403,
    );

    // Visibility follows the article.
    const d = await createArticle({ title: 'Draft with files', body: 'x' });
    const up2 = await t.http
      .post(`/api/kb/articles/${d.id}/attachments`)
      .set(auth(agent))
      .attach('file', Buffer.from('%PDF-1.4'), { filename: 'doc.pdf', contentType: 'application/pdf' });
    assert.equal(up2.status, 201);
    assert.equal((await t.http.get(`/api/kb/articles/${d.id}/attachments/${up2.body.id}`)).status, 404);
    assert.equal(
      (await t.http.get(`/api/kb/articles/${d.id}/attachments/${up2.body.id}`).set(auth(agent))).status,
      200,
    );

    assert.equal(
      (await t.http.delete(`/api/kb/articles/${a.id}/attachments/${up.body.id}`).set(auth(agent))).status,
      204,
    );
    assert.ok(!fs.existsSync(full));
  });
});
