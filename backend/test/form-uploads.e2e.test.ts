import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserRole } from '@nixflow/db/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestApp, type TestApp } from './support/test-app.js';
import { auth } from './support/ticket-fixtures.js';

const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-form-uploads-'));
const MAX_FILE = 64 * 1024;
const INFLIGHT = 1024 * 1024;

/** Polls `attempt` until `done` holds (generous deadline; no timing is asserted). */
async function waitFor<T>(attempt: () => Promise<T>, done: (v: T) => boolean, what: string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await attempt();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function filesOnDisk(dir = uploadDir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesOnDisk(p) : [p];
  });
}

interface SlowUpload {
  /** Resolves with the status as soon as the server answers. */
  response: Promise<{ status: number; headers: http.IncomingHttpHeaders }>;
  /** Body bytes written so far. */
  written(): number;
  /** Sends the next chunk; false once the request is gone. */
  send(bytes: number): boolean;
  abort(): void;
}

/**
 * A multipart request that declares `total` body bytes and sends them only when asked, so a test can see
 * whether the server answered before the body was consumed.
 */
function slowUpload(port: number, url: string, total: number, headers: Record<string, string> = {}): SlowUpload {
  const boundary = `----nixflow${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="answers"\r\n\r\n{}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const req = http.request({
    host: '127.0.0.1',
    port,
    path: url,
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(total),
      ...headers,
    },
  });
  let written = 0;
  let gone = false;
  req.on('error', () => (gone = true));
  const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
  });
  response.catch(() => undefined);
  const write = (buf: Buffer) => {
    if (gone || req.destroyed) return false;
    req.write(buf);
    written += buf.length;
    return true;
  };
  write(head);
  return {
    response,
    written: () => written,
    send: (bytes) => write(Buffer.alloc(Math.min(bytes, total - written), 0x61)),
    abort: () => {
      gone = true;
      req.destroy();
    },
  };
}

describe('form uploads: checks before the body, streamed to disk, bounded in flight', () => {
  let t: TestApp;
  let port: number;
  let agent: string;
  let signedInOnly: string;
  let open: string;

  before(async () => {
    t = await createTestApp({
      env: {
        UPLOAD_DIR: uploadDir,
        FORM_MAX_ATTACHMENT_BYTES: String(MAX_FILE),
        FORM_UPLOAD_MAX_INFLIGHT_BYTES: String(INFLIGHT),
        FORM_SUBMIT_THROTTLE_LIMIT: '1000',
      },
    });
    const server = t.app.getHttpServer() as http.Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    agent = await t.tokenFor(UserRole.AGENT);
    const create = async (body: Record<string, unknown>) => {
      const res = await t.http.post('/api/forms').set(auth(agent)).send(body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal((await t.http.post(`/api/forms/${res.body.id}/publish`).set(auth(agent))).status, 200);
      return res.body.id as string;
    };
    const fields = [
      { key: 'title', label: 'Title', type: 'TEXT', required: true },
      { key: 'file', label: 'File', type: 'FILE', validation: { maxFiles: 10 } },
    ];
    signedInOnly = await create({ name: 'Signed in only', fields });
    open = await create({ name: 'Open', allowAnonymous: true, fields });
  });
  after(async () => {
    await t?.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  const refusedWhileSending = async (url: string, expected: number, headers: Record<string, string> = {}) => {
    const total = 50 * 1024 * 1024; // declared; never sent
    const upload = slowUpload(port, url, total, headers);
    try {
      // Keep sending small chunks until the server answers: it must answer with most of the body unsent.
      let answered: { status: number } | undefined;
      void upload.response.then((r) => (answered = r));
      await waitFor(
        async () => answered ?? (upload.send(16 * 1024) && undefined),
        (r) => r !== undefined,
        'answer',
        120_000,
      );
      assert.equal(answered!.status, expected);
      assert.ok(upload.written() < total / 10, `the server answered after ${upload.written()} of ${total} bytes`);
    } finally {
      upload.abort();
    }
  };

  it('a missing form, or an anonymous caller on a signed-in form, is refused before the body is read', async () => {
    await refusedWhileSending(`/api/forms/${randomUUID()}/submissions`, 404);
    await refusedWhileSending(`/api/forms/${signedInOnly}/submissions`, 401);
    // Archived: closed for submissions.
    const closed = await t.http.post('/api/forms').set(auth(agent)).send({ name: 'Closed', fields: [] });
    await t.http.post(`/api/forms/${closed.body.id}/publish`).set(auth(agent));
    await t.http.post(`/api/forms/${closed.body.id}/archive`).set(auth(agent));
    await refusedWhileSending(`/api/forms/${closed.body.id}/submissions`, 404);
    assert.deepEqual(filesOnDisk(), []);
  });

  it('a declared body over the per-request maximum is 413 at once', async () => {
    const max = 20 * MAX_FILE + 2 * 1024 * 1024;
    const upload = slowUpload(port, `/api/forms/${open}/submissions`, max + 1);
    try {
      assert.equal((await upload.response).status, 413);
    } finally {
      upload.abort();
    }
  });

  it('uploads in flight are bounded: beyond the budget the answer is 503 with Retry-After', async () => {
    const holding = slowUpload(port, `/api/forms/${open}/submissions`, Math.floor(INFLIGHT * 0.8));
    try {
      // The first upload is being received (its file is on disk, in the temp folder).
      await waitFor(
        async () => (holding.send(8 * 1024), filesOnDisk().length),
        (n) => n > 0,
        'temp file',
        120_000,
      );
      const second = slowUpload(port, `/api/forms/${open}/submissions`, Math.floor(INFLIGHT * 0.5));
      try {
        const res = await second.response;
        assert.equal(res.status, 503);
        assert.ok(Number(res.headers['retry-after']) > 0);
      } finally {
        second.abort();
      }
    } finally {
      holding.abort();
    }
    // The aborted upload leaves nothing behind, and its budget comes back.
    await waitFor(
      async () => filesOnDisk(),
      (f) => f.length === 0,
      'temp files removed',
      120_000,
    );
    const ok = await waitFor(
      () =>
        t.http
          .post(`/api/forms/${open}/submissions`)
          .field('answers', JSON.stringify({ title: 'After' }))
          .field('email', 'after@example.test')
          .attach('file', Buffer.alloc(1000, 0x25), { filename: 'a.pdf', contentType: 'application/pdf' }),
      (r) => r.status !== 503,
      'budget released',
      120_000,
    );
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  it('files stream to a temp folder; every failure path deletes the temp files, success moves them into place', async () => {
    const token = await t.tokenFor(UserRole.CUSTOMER);
    const pdf = Buffer.alloc(MAX_FILE - 10, 0x25);
    const tempFiles = () => filesOnDisk(path.join(uploadDir, '.tmp'));
    const storedBefore = filesOnDisk().length;
    // Invalid answers (title missing): 400, nothing kept.
    const invalid = await t.http
      .post(`/api/forms/${open}/submissions`)
      .set(auth(token))
      .field('answers', JSON.stringify({}))
      .attach('file', pdf, { filename: 'a.pdf', contentType: 'application/pdf' });
    assert.equal(invalid.status, 400);
    // A file over the limit: 413, the partial file removed.
    const big = await t.http
      .post(`/api/forms/${open}/submissions`)
      .set(auth(token))
      .field('answers', JSON.stringify({ title: 'x' }))
      .attach('file', Buffer.alloc(MAX_FILE + 10, 0x25), { filename: 'b.pdf', contentType: 'application/pdf' });
    assert.equal(big.status, 413);
    // A type that is not allowed: 400.
    const exe = await t.http
      .post(`/api/forms/${open}/submissions`)
      .set(auth(token))
      .field('answers', JSON.stringify({ title: 'x' }))
      .attach('file', Buffer.from('MZ'), { filename: 'x.exe', contentType: 'application/x-msdownload' });
    assert.equal(exe.status, 400);
    await waitFor(
      async () => tempFiles(),
      (f) => f.length === 0,
      'temp files removed',
      120_000,
    );
    assert.equal(filesOnDisk().length, storedBefore);

    const good = await t.http
      .post(`/api/forms/${open}/submissions`)
      .set(auth(token))
      .field('answers', JSON.stringify({ title: 'With a file' }))
      .attach('file', pdf, { filename: 'ok.pdf', contentType: 'application/pdf' });
    assert.equal(good.status, 201, JSON.stringify(good.body));
    const att = await t.prisma.formSubmissionAttachment.findFirstOrThrow({ where: { submissionId: good.body.id } });
    assert.deepEqual(fs.readFileSync(path.join(uploadDir, att.storagePath)), pdf);
    await waitFor(
      async () => tempFiles(),
      (f) => f.length === 0,
      'temp file moved',
      120_000,
    );
  });
});
