import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp } from './support/test-app.js';

// Headers a front end trips over: the CSP of /api/docs over plain HTTP, and the
// Cross-Origin-Resource-Policy an SPA on another origin needs to show attachments.

const ENV_KEYS = ['HTTPS', 'CROSS_ORIGIN_RESOURCE_POLICY', 'CORS_ORIGINS', 'UPLOAD_DIR'] as const;
const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-headers-'));

async function withApp(env: Record<string, string>, fn: (t: TestApp) => Promise<void>): Promise<void> {
  for (const k of ENV_KEYS) delete process.env[k];
  const t = await createTestApp({ env: { UPLOAD_DIR: uploadDir, ...env } });
  try {
    await fn(t);
  } finally {
    await t.close();
    for (const k of ENV_KEYS) delete process.env[k];
  }
}

/** A published KB article with one text attachment; returns the attachment's URL. */
async function attachmentUrl(t: TestApp): Promise<string> {
  const agent = { Authorization: `Bearer ${await t.tokenFor(UserRole.AGENT)}` };
  const article = await t.http
    .post('/api/kb/articles')
    .set(agent)
    .send({ title: 'Headers', body: 'x', status: 'PUBLISHED' });
  assert.equal(article.status, 201, JSON.stringify(article.body));
  const up = await t.http
    .post(`/api/kb/articles/${article.body.id}/attachments`)
    .set(agent)
    .attach('file', Buffer.from('image bytes'), { filename: 'logo.png', contentType: 'image/png' });
  assert.equal(up.status, 201, JSON.stringify(up.body));
  return `/api/kb/articles/${article.body.id}/attachments/${up.body.id}`;
}

describe('HTTP headers for front ends', () => {
  after(() => fs.rmSync(uploadDir, { recursive: true, force: true }));

  it('serves /api/docs without upgrade-insecure-requests over plain HTTP, and same-origin resources by default', async () => {
    await withApp({}, async (t) => {
      const docs = await t.http.get('/api/docs/');
      assert.equal(docs.status, 200);
      const csp = String(docs.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.doesNotMatch(csp, /upgrade-insecure-requests/);
      const file = await t.http.get(await attachmentUrl(t)).buffer(true);
      assert.equal(file.status, 200);
      assert.equal(file.headers['cross-origin-resource-policy'], 'same-origin');
    });
  });

  it('keeps upgrade-insecure-requests when HTTPS=true', async () => {
    await withApp({ HTTPS: 'true' }, async (t) => {
      const docs = await t.http.get('/api/docs/');
      assert.match(String(docs.headers['content-security-policy']), /upgrade-insecure-requests/);
    });
  });

  it('lets another origin embed attachments when CORS_ORIGINS lists it', async () => {
    await withApp({ CORS_ORIGINS: 'https://spa.example' }, async (t) => {
      const file = await t.http
        .get(await attachmentUrl(t))
        .set('Origin', 'https://spa.example')
        .buffer(true);
      assert.equal(file.status, 200);
      assert.equal(file.headers['cross-origin-resource-policy'], 'cross-origin');
    });
  });

  it('takes CROSS_ORIGIN_RESOURCE_POLICY over the CORS default', async () => {
    await withApp({ CORS_ORIGINS: 'https://spa.example', CROSS_ORIGIN_RESOURCE_POLICY: 'same-site' }, async (t) => {
      const res = await t.http.get('/api/health');
      assert.equal(res.headers['cross-origin-resource-policy'], 'same-site');
    });
  });
});
