import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp } from '../support/test-app.js';

// Malformed MIME, hostile headers and huge attachments on POST /api/email/inbound: always an answer
// below 500; a 4xx stores nothing (no rows, no files); a 200 stores the message once.

const MAX_BYTES = 2 * 1024 * 1024;
const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS || 20);
const uid = () => randomBytes(6).toString('hex');

function message(opts: { from?: string; subject?: string; body?: string; extraHeaders?: string[] } = {}): string {
  return [
    `From: ${opts.from ?? `Sender <sender-${uid()}@customer.example>`}`,
    'To: support@nixflow.example',
    `Subject: ${opts.subject ?? 'Printer broken'}`,
    `Message-ID: <${uid()}@customer.example>`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    ...(opts.extraHeaders ?? []),
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'It does not print.',
    '',
  ].join('\r\n');
}

function withAttachment(size: number, filename = 'log.txt'): Buffer {
  const boundary = `b-${uid()}`;
  const head = [
    `From: Sender <sender-${uid()}@customer.example>`,
    'To: support@nixflow.example',
    'Subject: With attachment',
    `Message-ID: <${uid()}@customer.example>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'See the attachment.',
    `--${boundary}`,
    `Content-Type: application/octet-stream; name="${filename}"`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join('\r\n');
  const b64 = randomBytes(size).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.concat([Buffer.from(head), Buffer.from(b64), Buffer.from(`\r\n--${boundary}--\r\n`)]);
}

const MALFORMED: [string, string | Buffer][] = [
  ['binary garbage', randomBytes(4096)],
  ['one word', 'hello'],
  ['headers only, no From', 'Subject: x\r\n\r\n'],
  ['From not an address', message({ from: 'not an address' })],
  ['From with NUL', message({ from: 'a\u0000b@example.com' })],
  ['NUL bytes in body', message({ body: 'before\u0000after\u0000' })],
  ['NUL in subject', message({ subject: 'sub\u0000ject' })],
  ['invalid UTF-8 body', Buffer.concat([Buffer.from(message({ body: '' })), Buffer.from([0xc3, 0x28, 0xff, 0xfe])])],
  ['unknown charset', message({ extraHeaders: ['Content-Type: text/plain; charset=x-no-such-charset'] })],
  ['header line of 200 kB', message({ extraHeaders: [`X-Long: ${'a'.repeat(200_000)}`] })],
  ['10 000 headers', message({ extraHeaders: Array.from({ length: 10_000 }, (_, i) => `X-H${i}: v`) })],
  ['CRLF injection in subject', message({ subject: 'hi\r\nBcc: victim@example.com' })],
  ['SQL injection in subject', message({ subject: '\'; DROP TABLE "Ticket"; --' })],
  ['HTML body with script', message({ body: '<script>alert(1)</script><img src=x onerror=alert(1)>' })],
  [
    'broken multipart (no closing boundary)',
    `From: a@b.example\r\nMessage-ID: <${uid()}@x>\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhi\r\n`,
  ],
  [
    'multipart nested 500 levels',
    `From: a@b.example\r\nMessage-ID: <${uid()}@x>\r\n` +
      Array.from({ length: 500 }, (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`).join(
        '',
      ) +
      'Content-Type: text/plain\r\n\r\ndeep\r\n',
  ],
  [
    'base64 garbage attachment',
    `From: a@b.example\r\nMessage-ID: <${uid()}@x>\r\nContent-Type: multipart/mixed; boundary="q"\r\n\r\n--q\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="../../../../etc/evil.pdf"\r\n\r\n!!!not base64!!!\r\n--q--\r\n`,
  ],
  ['lone CRs and LFs', `From: a@b.example\rSubject: x\n\rMessage-ID: <${uid()}@x>\n\n\rbody`],
  [
    'Message-ID of 10 kB',
    message({ extraHeaders: [] }).replace(/Message-ID: <[^>]+>/, `Message-ID: <${'m'.repeat(10_000)}@x>`),
  ],
];

describe('inbound e-mail with malformed MIME and huge attachments', { timeout: 240_000 }, () => {
  let t: TestApp;
  let tmp: string;
  let token: string;
  let countSql: string;
  const snapshot = async () => {
    const [row] = await t.prisma.$queryRawUnsafe<Record<string, number>[]>(countSql);
    return row!;
  };
  const files = () =>
    fs.existsSync(tmp)
      ? fs.readdirSync(tmp, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
      : 0;
  const post = (raw: string | Buffer, contentType = 'message/rfc822') =>
    t.http
      .post('/api/email/inbound')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', contentType)
      .send(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8'));

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-mail-'));
    t = await createTestApp({ env: { EMAIL_INBOUND_MAX_BYTES: String(MAX_BYTES), UPLOAD_DIR: tmp } });
    const admin = await t.tokenFor(UserRole.ADMIN);
    const account = await t.http
      .post('/api/email/accounts')
      .set('authorization', `Bearer ${admin}`)
      .send({ address: `support-${uid()}@nixflow.example` });
    assert.equal(account.status, 201, account.text);
    const rotated = await t.http
      .post(`/api/email/accounts/${account.body.id}/inbound-token`)
      .set('authorization', `Bearer ${admin}`);
    assert.equal(rotated.status, 200, rotated.text);
    token = rotated.body.token;
    const tables = ['EmailMessage', 'EmailAttachment', 'Ticket', 'Comment', 'User', 'EventLog', 'HistoryLog'];
    countSql = `SELECT ${tables.map((tb) => `(SELECT count(*)::int FROM "${tb}") AS "${tb}"`).join(', ')}`;
  });
  after(async () => {
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('accepts a well-formed message (baseline), once', async () => {
    const raw = message();
    const first = await post(raw);
    assert.equal(first.status, 200, first.text);
    const again = await post(raw);
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, true);
  });

  it('answers every malformed message below 500, and a 4xx stores nothing', async () => {
    const results: string[] = [];
    const failures: string[] = [];
    for (const [name, raw] of MALFORMED) {
      const before = await snapshot();
      const filesBefore = files();
      const res = await post(raw);
      results.push(`${name}: ${res.status}`);
      if (res.status >= 500) failures.push(`${name}: ${res.status} ${res.text.slice(0, 200)}`);
      else if (res.status >= 400) {
        assert.deepEqual(await snapshot(), before, `${name}: ${res.status} stored rows`);
        assert.equal(files(), filesBefore, `${name}: ${res.status} left files behind`);
      }
    }
    console.log(`# inbound malformed: ${results.join(' · ')}`);
    assert.deepEqual(failures, []);
  });

  it('keeps a message whose text holds NUL bytes (dropped) instead of refusing it', async () => {
    for (const raw of [message({ body: 'before\u0000after' }), message({ subject: 'sub\u0000ject' })]) {
      const res = await post(raw);
      assert.equal(res.status, 200, res.text);
      const stored = await t.prisma.emailMessage.findUniqueOrThrow({ where: { id: res.body.emailMessageId } });
      assert.ok(!`${stored.subject} ${stored.textBody}`.includes('\u0000'));
      assert.match(`${stored.subject} ${stored.textBody}`, /subject|beforeafter/);
    }
  });

  it('refuses a message over EMAIL_INBOUND_MAX_BYTES with 413, stores nothing, and accepts one just under it', async () => {
    const before = await snapshot();
    const filesBefore = files();
    const huge = await post(withAttachment(MAX_BYTES));
    assert.equal(huge.status, 413, huge.text);
    assert.deepEqual(await snapshot(), before);
    assert.equal(files(), filesBefore);
    const fits = await post(withAttachment(Math.floor(MAX_BYTES * 0.6), '../../../escape.bin'));
    assert.equal(fits.status, 200, fits.text);
    const stored = await t.prisma.emailAttachment.findMany({ where: { messageId: fits.body.emailMessageId } });
    assert.equal(stored.length, 1);
    for (const a of stored) {
      assert.doesNotMatch(a.storagePath, /\.\.|^\//);
      assert.ok(fs.existsSync(path.join(tmp, a.storagePath)), a.storagePath);
    }
  });

  it('never answers 5xx to randomly damaged messages (property)', async () => {
    const base = Buffer.from(message());
    const damage = fc.oneof(
      // truncate
      fc.integer({ min: 0, max: base.length }).map((n) => base.subarray(0, n)),
      // flip bytes
      fc
        .array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 20,
        })
        .map((flips) => {
          const b = Buffer.from(base);
          for (const [i, v] of flips) b[i] = v;
          return b;
        }),
      // inject a header or text anywhere
      fc
        .tuple(
          fc.nat({ max: base.length }),
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 60 }),
            fc.constantFrom(
              '\r\n\r\n',
              '\r\nContent-Type: multipart/mixed; boundary=""\r\n',
              '=?utf-8?B?####?=',
              '\u0000',
            ),
          ),
        )
        .map(([at, s]) => Buffer.concat([base.subarray(0, at), Buffer.from(s, 'utf8'), base.subarray(at)])),
    );
    // Anomalies are collected, not thrown, so that a failure says what the server answered and which
    // tables changed (fast-check's report alone shows only the input).
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(damage, async (raw) => {
        const input = JSON.stringify(raw.toString('latin1').slice(0, 120));
        const before = await snapshot();
        let res: Awaited<ReturnType<typeof post>>;
        try {
          res = await post(raw);
        } catch (first) {
          // A transport error (socket reset on a loaded machine) says nothing about the answer: the same
          // delivery is idempotent, so it is sent again once; a second failure is a finding.
          console.log(`# inbound property: request failed (${(first as Error).message}), sending it again`);
          try {
            res = await post(raw);
          } catch (err) {
            failures.push(`request failed twice: ${(err as Error).message} for ${input}`);
            return;
          }
        }
        if (res.status >= 500) failures.push(`${res.status} ${input} → ${res.text.slice(0, 160)}`);
        else if (res.status >= 400) {
          const after = await snapshot();
          const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
          if (changed.length)
            failures.push(
              `${res.status} ${res.text.slice(0, 160)} but ${changed.map((k) => `${k} ${before[k]}→${after[k]}`).join(', ')} for ${input}`,
            );
        }
      }),
      { numRuns: RUNS * 3 },
    );
    assert.deepEqual(failures, []);
  });
});
