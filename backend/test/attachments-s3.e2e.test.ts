// Attachments on S3 (a real S3-protocol server: s3rver) shared by two API instances over one database:
// a file uploaded through one instance is read through the other, streamed or redirected to a signed URL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import supertest from 'supertest';
import { UserRole } from '@nixflow/db/client';
import { S3Storage } from '@nixflow/storage';
import { startS3TestServer, type S3TestServer } from '@nixflow/storage/testing';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { buildMessage } from './support/email-support.js';
import { formatViolations, openApiContractRecorder, type ContractViolation } from './support/openapi-contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Another API instance over the same database and environment, with `env` on top (then restored). */
async function anotherInstance(
  env: Record<string, string>,
  violations: ContractViolation[],
): Promise<INestApplication> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const app = await NestFactory.create(AppModule, { bodyParser: false, logger: false });
    app.use(openApiContractRecorder(violations));
    configureApp(app);
    await app.init();
    return app;
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

let s3: S3TestServer;
let uploadDir: string;
let a: TestApp;
let b: INestApplication;
let redirecting: INestApplication;
const violations: ContractViolation[] = [];
let bucket: S3Storage;
let agent: string;
let admin: string;

/** Files in UPLOAD_DIR outside its temp folder (none: everything lives in the bucket). */
function filesOnDisk(dir = uploadDir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === '.tmp') return [];
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesOnDisk(p) : [p];
  });
}

before(async () => {
  s3 = await startS3TestServer();
  uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-s3-e2e-'));
  a = await createTestApp({
    env: {
      ...s3.env,
      UPLOAD_DIR: uploadDir,
      STORAGE_DOWNLOAD_MODE: 'stream',
      EMAIL_SECRET_KEY: randomBytes(32).toString('hex'),
      FORM_SUBMIT_THROTTLE_LIMIT: '1000',
    },
  });
  b = await anotherInstance({}, violations);
  redirecting = await anotherInstance(
    { STORAGE_DOWNLOAD_MODE: 'redirect', STORAGE_SIGNED_URL_TTL_SECONDS: '120' },
    violations,
  );
  bucket = new S3Storage({
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
  });
  agent = await a.tokenFor(UserRole.AGENT);
  admin = await a.tokenFor(UserRole.ADMIN);
});

after(async () => {
  await b?.close().catch(() => undefined);
  await redirecting?.close().catch(() => undefined);
  await a?.close();
  await s3?.close();
  if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true });
  if (violations.length) throw new Error(formatViolations(violations));
});

describe('attachments on S3, two API instances', () => {
  it('knowledge base: uploaded through A, streamed by B, redirected by a third, deleted through B', async () => {
    const art = await a.http
      .post('/api/kb/articles')
      .set(auth(agent))
      .send({ title: 'Shared files', body: 'x', status: 'PUBLISHED' });
    assert.equal(art.status, 201, JSON.stringify(art.body));
    const content = randomBytes(200_000);
    const up = await a.http
      .post(`/api/kb/articles/${art.body.id}/attachments`)
      .set(auth(agent))
      .attach('file', content, { filename: 'Schaltplan ä.pdf', contentType: 'application/pdf' });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const row = await a.prisma.knowledgeArticleAttachment.findUniqueOrThrow({ where: { id: up.body.id } });
    assert.match(row.storagePath, new RegExp(`^kb/${art.body.id}/[0-9a-f-]{36}$`));
    assert.deepEqual(await bucket.stat(row.storagePath), { size: content.length });
    assert.deepEqual(filesOnDisk(), [], 'nothing on local disk');

    const url = `/api/kb/articles/${art.body.id}/attachments/${up.body.id}`;
    const streamed = await supertest(b.getHttpServer()).get(url).buffer(true).parse(binary);
    assert.equal(streamed.status, 200);
    assert.equal(streamed.headers['content-type'], 'application/pdf');
    assert.equal(streamed.headers['content-length'], String(content.length));
    assert.match(
      streamed.headers['content-disposition'],
      /^inline; filename="Schaltplan a\.pdf"; filename\*=UTF-8''Schaltplan%20%C3%A4\.pdf$/,
    );
    assert.deepEqual(streamed.body, content);

    const redirected = await supertest(redirecting.getHttpServer()).get(url);
    assert.equal(redirected.status, 302);
    assert.equal(redirected.headers['cache-control'], 'private, no-store');
    const location = redirected.headers.location as string;
    assert.ok(location.startsWith(`${s3.endpoint}/${s3.bucket}/${row.storagePath}?`), location);
    assert.match(location, /X-Amz-Expires=120/);
    const fetched = await fetch(location);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.headers.get('content-type'), 'application/pdf');
    assert.equal(fetched.headers.get('content-disposition'), streamed.headers['content-disposition']);
    assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), content);

    const del = await supertest(b.getHttpServer()).delete(url).set(auth(agent));
    assert.equal(del.status, 204);
    assert.equal(await bucket.stat(row.storagePath), null);
    assert.equal((await a.http.get(url)).status, 404);
  });

  it('a row whose object is gone is a 404, not a 500 (streamed)', async () => {
    const art = await a.http
      .post('/api/kb/articles')
      .set(auth(agent))
      .send({ title: 'Lost', body: 'x', status: 'PUBLISHED' });
    const up = await a.http
      .post(`/api/kb/articles/${art.body.id}/attachments`)
      .set(auth(agent))
      .attach('file', Buffer.from('soon gone'), { filename: 'gone.txt', contentType: 'text/plain' });
    const row = await a.prisma.knowledgeArticleAttachment.findUniqueOrThrow({ where: { id: up.body.id } });
    await bucket.delete(row.storagePath);
    const res = await supertest(b.getHttpServer()).get(`/api/kb/articles/${art.body.id}/attachments/${up.body.id}`);
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'Attachment file is missing');
  });

  it('form submissions: the streamed temp upload goes to the bucket; read through B', async () => {
    const form = await a.http
      .post('/api/forms')
      .set(auth(agent))
      .send({
        name: 'Upload form',
        allowAnonymous: true,
        fields: [
          { key: 'title', label: 'Title', type: 'TEXT', required: true },
          { key: 'file', label: 'File', type: 'FILE' },
        ],
      });
    assert.equal(form.status, 201, JSON.stringify(form.body));
    assert.equal((await a.http.post(`/api/forms/${form.body.id}/publish`).set(auth(agent))).status, 200);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(300_000)]);
    const sub = await a.http
      .post(`/api/forms/${form.body.id}/submissions`)
      .field('answers', JSON.stringify({ title: 'With a file' }))
      .field('email', 'uploader@example.test')
      .attach('file', pdf, { filename: 'scan.pdf', contentType: 'application/pdf' });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const att = await a.prisma.formSubmissionAttachment.findFirstOrThrow({ where: { submissionId: sub.body.id } });
    assert.match(att.storagePath, new RegExp(`^forms/${form.body.id}/${sub.body.id}/[0-9a-f-]{36}$`));
    assert.deepEqual(filesOnDisk(), [], 'nothing on local disk');

    const url = `/api/forms/${form.body.id}/submissions/${sub.body.id}/attachments/${att.id}`;
    const res = await supertest(b.getHttpServer()).get(url).set(auth(agent)).buffer(true).parse(binary);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-disposition'], /^attachment; filename="?scan\.pdf"?$/);
    assert.deepEqual(res.body, pdf);
    const redirected = await supertest(redirecting.getHttpServer()).get(url).set(auth(agent));
    assert.equal(redirected.status, 302);
    assert.deepEqual(Buffer.from(await (await fetch(redirected.headers.location as string)).arrayBuffer()), pdf);
  });

  it('inbound e-mail: attachments stored in the bucket through A, downloaded through B', async () => {
    const account = await a.http
      .post('/api/email/accounts')
      .set(auth(admin))
      .send({ address: `support-${randomBytes(4).toString('hex')}@example.test`, displayName: 'Support' });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const token = (await a.http.post(`/api/email/accounts/${account.body.id}/inbound-token`).set(auth(admin))).body
      .token as string;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(5000)]);
    const raw = await buildMessage({
      from: 'Ann <ann@example.test>',
      to: account.body.address,
      subject: 'Printer on fire',
      text: 'See attached.',
      attachments: [{ filename: 'evidence.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const inbound = await a.http
      .post('/api/email/inbound')
      .set(auth(token))
      .set('Content-Type', 'message/rfc822')
      .send(raw);
    assert.ok([200, 201].includes(inbound.status), JSON.stringify(inbound.body));
    const att = await a.prisma.emailAttachment.findFirstOrThrow({ where: { messageId: inbound.body.emailMessageId } });
    assert.match(att.storagePath, new RegExp(`^email/${account.body.id}/`));
    assert.deepEqual(await bucket.stat(att.storagePath), { size: pdf.length });

    const res = await supertest(b.getHttpServer())
      .get(`/api/email/attachments/${att.id}`)
      .set(auth(agent))
      .buffer(true)
      .parse(binary);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, pdf);
    assert.deepEqual(filesOnDisk(), [], 'nothing on local disk');
  });
});

/** superagent parser: the body as one Buffer whatever the content type. */
function binary(response: supertest.Response, done: (err: Error | null, body: unknown) => void): void {
  // At parse time superagent hands over the incoming message itself.
  const res = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
  res.on('error', (err: Error) => done(err, Buffer.alloc(0)));
}
