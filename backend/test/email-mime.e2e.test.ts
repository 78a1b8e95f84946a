import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import iconv from 'iconv-lite';
import { EMAIL_INBOUND_PROCESS_QUEUE, PROCESS_RAW_JOB, processRawJobId } from '@nixflow/core';
import { UserRole } from '@nixflow/db/client';
import { normaliseLegacyCharsets } from '@nixflow/domain';
import { startWorker, waitFor, type WorkerProcess } from './support/email-support.js';
import { createTestApp, type TestApp, type TestUser } from './support/test-app.js';
import { packageDir } from '../src/common/package-dir.js';

// Mail as real clients send it (fixtures in test/fixtures/email), delivered through POST /api/email/inbound:
// nothing the customer wrote or attached may be lost or mangled.

const FIXTURES = path.join(packageDir(import.meta.dirname), 'test/fixtures/email');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: TestApp;
let admin: string;
let inboundToken: string;
let accountId: string;
let uploadDir: string;
let anna: TestUser;
let annaToken: string;
let otherCustomer: string;
let worker: WorkerProcess | undefined;

async function deliver(raw: Buffer) {
  const res = await t.http
    .post('/api/email/inbound')
    .set('Authorization', `Bearer ${inboundToken}`)
    .set('Content-Type', 'message/rfc822')
    .send(raw);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.duplicate, false);
  const message = await t.prisma.emailMessage.findUniqueOrThrow({
    where: { id: res.body.emailMessageId },
    include: { attachments: { orderBy: { fileName: 'asc' } }, ticket: { include: { requester: true } } },
  });
  return { result: res.body, message, ticket: message.ticket };
}

const download = (id: string, token?: string) => {
  const req = t.http
    .get(`/api/email/attachments/${id}`)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
};

const noReplacementChar = (label: string, s: string | null | undefined) =>
  assert.ok(!(s ?? '').includes('\uFFFD'), `${label} has U+FFFD: ${s}`);

before(async () => {
  uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-mime-'));
  t = await createTestApp({
    env: {
      EMAIL_SECRET_KEY: randomBytes(32).toString('hex'),
      UPLOAD_DIR: uploadDir,
      EMAIL_MAX_NEW_TICKETS_PER_SENDER_PER_HOUR: '1000',
    },
  });
  admin = await t.tokenFor(UserRole.ADMIN);
  otherCustomer = await t.tokenFor(UserRole.CUSTOMER);
  // The Outlook fixture's sender, with a password so the requester's own view can be checked.
  anna = await t.createUser({ email: 'anna.mueller@contoso.example', name: 'Anna Müller' });
  annaToken = await t.login(anna.email, anna.password);
  const account = await t.http
    .post('/api/email/accounts')
    .set('Authorization', `Bearer ${admin}`)
    .send({ address: `support-${randomBytes(4).toString('hex')}@nixflow.test` });
  assert.equal(account.status, 201, JSON.stringify(account.body));
  accountId = account.body.id;
  const token = await t.http
    .post(`/api/email/accounts/${account.body.id}/inbound-token`)
    .set('Authorization', `Bearer ${admin}`);
  inboundToken = token.body.token;
});

after(async () => {
  await worker?.stop();
  const q = new Queue(EMAIL_INBOUND_PROCESS_QUEUE, {
    connection: { url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' },
    prefix: process.env.QUEUE_PREFIX,
  });
  await q.obliterate({ force: true }).catch(() => undefined);
  await q.close();
  await t?.close();
  fs.rmSync(uploadDir, { recursive: true, force: true });
});

describe('HTML-only mail and inline images', () => {
  let ticketId: string;
  let imageId: string;
  let outlookMessageId: string;

  it('Outlook multipart/related, HTML only: the ticket has the words, the sanitised HTML and the inline image', async () => {
    const { result, message, ticket } = await deliver(fixture('outlook-html-related.eml'));
    assert.equal(result.type, 'NEW_TICKET');
    ticketId = ticket!.id;
    outlookMessageId = message.messageId;
    assert.equal(ticket!.requesterId, anna.id);
    assert.notEqual(ticket!.description, '(empty message)');
    assert.match(ticket!.description, /der Drucker im 2\. OG zeigt seit heute Fehler E-101/);
    assert.match(ticket!.description, /Viele Grüße\nAnna/);
    assert.doesNotMatch(ticket!.description, /\n{3,}|alert|MsoNormal/);

    assert.equal(message.attachments.length, 1);
    const image = message.attachments[0]!;
    imageId = image.id;
    assert.deepEqual([image.fileName, image.contentType, image.inline], ['image001.png', 'image/png', true]);
    assert.equal(image.contentId, 'image001.png@01D9C2A4.5F0B3E10');

    const view = await t.http.get(`/api/tickets/${ticketId}`).set('Authorization', `Bearer ${annaToken}`);
    assert.equal(view.status, 200);
    const html: string = view.body.descriptionHtml;
    assert.ok(html.includes(`<img width="1" height="1" src="/api/email/attachments/${imageId}" alt="Fehler" />`), html);
    assert.ok(html.includes('Viele Grüße'));
    // Only our own inline image survives: the remote tracker, cid: leftovers and scripts are gone.
    assert.doesNotMatch(html, /tracker\.example|https?:|cid:|<script|alert|<style/);
    assert.equal((html.match(/<img/g) ?? []).length, 1);
    assert.equal(message.htmlBody, html);

    const messages = await t.http
      .get(`/api/email/messages?ticketId=${ticketId}`)
      .set('Authorization', `Bearer ${admin}`);
    assert.equal(messages.status, 200);
    assert.deepEqual(
      messages.body.items[0].attachments.map((a: { inline: boolean; url: string }) => [a.inline, a.url]),
      [[true, `/api/email/attachments/${imageId}`]],
    );
  });

  it('the inline image downloads for staff and the requester only', async () => {
    const png = fixture('outlook-html-related.eml')
      .toString('latin1')
      .match(/Content-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/)![1]!;
    for (const token of [admin, annaToken]) {
      const res = await download(imageId, token);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'image/png');
      assert.equal(res.headers['content-disposition'], 'inline; filename=image001.png');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(res.body, Buffer.from(png, 'base64'));
    }
    assert.equal((await download(imageId, otherCustomer)).status, 404);
    assert.equal((await download(imageId)).status, 401);
    assert.equal((await download('6f1e6c43-5ad0-4f4e-9d8c-2a8e0b1f0c11', admin)).status, 404);
    assert.equal((await download('not-a-uuid', admin)).status, 400);
  });

  it('an HTML-only reply becomes a comment with the words and its HTML, not "(empty message)"', async () => {
    const reply = Buffer.from(
      [
        'From: "Müller, Anna" <anna.mueller@contoso.example>',
        'To: support@nixflow.test',
        'Subject: AW: Drucker zeigt Fehler E-101',
        `Message-ID: <reply-${randomBytes(4).toString('hex')}@contoso.example>`,
        `In-Reply-To: ${outlookMessageId}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/html; charset="windows-1252"',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '<html><body><p>Jetzt geht er wieder, danke! Gr=FC=DFe</p><img src=3D"http://t.example/x.gif"></body></html>',
        '--b1--',
        '',
      ].join('\r\n'),
    );
    // A reply quoting the customer's own Message-ID proves nothing (the trust rule): it waits, FLAGGED and
    // linked, until staff release it through the normal pipeline, HTML and all.
    const { result: flagged } = await deliver(reply);
    assert.equal(flagged.status, 'FLAGGED', JSON.stringify(flagged));
    assert.equal(flagged.ticketId, ticketId);
    const released = await t.http
      .post(`/api/email/messages/${flagged.emailMessageId}/release`)
      .set('Authorization', `Bearer ${admin}`);
    assert.equal(released.status, 200, JSON.stringify(released.body));
    const result = released.body as { type: string; commentId: string };
    assert.equal(result.type, 'REPLY');
    const comments = await t.http.get(`/api/tickets/${ticketId}/comments`).set('Authorization', `Bearer ${annaToken}`);
    assert.equal(comments.status, 200);
    const comment = comments.body.items.find((c: { id: string }) => c.id === result.commentId);
    assert.equal(comment.body, 'Jetzt geht er wieder, danke! Grüße');
    assert.equal(comment.bodyHtml, '<p>Jetzt geht er wieder, danke! Grüße</p>');

    // Editing the text drops the HTML, which would no longer match it.
    const edited = await t.http
      .patch(`/api/tickets/${ticketId}/comments/${result.commentId}`)
      .set('Authorization', `Bearer ${annaToken}`)
      .send({ body: 'Jetzt geht er wieder.' });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.bodyHtml, null);
  });

  it('Gmail: an empty text/plain alternative does not hide the HTML words', async () => {
    const { ticket, message } = await deliver(fixture('gmail-empty-plain.eml'));
    assert.equal(ticket!.description, 'Mein Konto ist immer noch gesperrt.\nBitte prüfen.\nklick');
    assert.doesNotMatch(ticket!.descriptionHtml!, /javascript/);
    assert.deepEqual(
      message.attachments.map((a) => [a.fileName, a.contentType, a.inline]),
      [['Rechnung Übersicht.pdf', 'application/pdf', false]],
    );
  });

  it('a text/enriched body is read as text', async () => {
    const enriched = await deliver(fixture('text-enriched.eml'));
    assert.equal(enriched.ticket!.description, 'Urgent: the backup job failed.\nPlease <check> it.');
    assert.equal(enriched.message.attachments.length, 0);
  });
});

describe('attachment names', () => {
  it('Apple Mail NFD RFC 2231 name: stored and downloaded as "Erklärung.txt" (NFC), on disk under a UUID', async () => {
    const { ticket, message } = await deliver(fixture('apple-mail-html-mixed.eml'));
    assert.match(ticket!.description, /anbei meine Erklärung zur Rechnung 2026-118\./);
    const [att] = message.attachments;
    assert.equal(att!.fileName, 'Erklärung.txt'.normalize('NFC'));
    assert.equal(att!.fileName.length, 13);
    assert.match(path.basename(att!.storagePath), UUID);
    assert.equal(fs.readFileSync(path.join(uploadDir, att!.storagePath), 'utf8'), 'Ich erklaere hiermit.\r\n');
    const res = await download(att!.id, admin);
    assert.equal(res.status, 200);
    assert.equal(
      res.headers['content-disposition'],
      `attachment; filename=Erklarung.txt; filename*=UTF-8''Erkl%C3%A4rung.txt`,
    );
  });

  it('Thunderbird: RFC 2231 continuation (filename*0*=, filename*1*=) joined; Latin-1 format=flowed body', async () => {
    const { ticket, message } = await deliver(fixture('thunderbird-rfc2231.eml'));
    assert.deepEqual(
      message.attachments.map((a) => a.fileName),
      ['Protokoll Besprechung Übersicht März 2026 mit langem Namen.txt'],
    );
    assert.match(ticket!.description, /bitte um kurze Bestätigung bis Freitag\. Die Übersicht ist im Anhang\./);
    assert.match(ticket!.description, /Grüße\nSören$/);
  });

  it('a forwarded mail is named after its subject (.eml); an unnamed PDF after its part (part-2.pdf)', async () => {
    const { message } = await deliver(fixture('forwarded-rfc822.eml'));
    assert.deepEqual(
      message.attachments.map((a) => [a.fileName, a.contentType]),
      [
        ['Angebot Nr. 42 Kühlgerät.eml', 'message/rfc822'],
        ['part-2.pdf', 'application/pdf'],
      ],
    );
    const eml = fs.readFileSync(path.join(uploadDir, message.attachments[0]!.storagePath), 'utf8');
    assert.match(eml, /^From: Vertrieb <sales@vendor\.example>/);
  });

  it('uuencoded files (x-uuencode part and a begin 644 block in the text) become attachments', async () => {
    const { ticket, message } = await deliver(fixture('uuencode-old-client.eml'));
    assert.equal(ticket!.description, 'Here is the log from the server.\n\nThanks, Pat');
    const files = message.attachments.map((a) => [
      a.fileName,
      fs.readFileSync(path.join(uploadDir, a.storagePath), 'utf8'),
    ]);
    assert.deepEqual(files, [
      ['config.ini', '[main]\nretries=3\n'],
      ['server.log', 'ERROR 1: disk full\nERROR 2: disk still full\n'],
    ]);
  });
});

describe('uploaded file names (knowledge base)', () => {
  it('keep the UTF-8 name a browser sends; the download carries it as filename*', async () => {
    const article = await t.http
      .post('/api/kb/articles')
      .set('Authorization', `Bearer ${admin}`)
      .send({ title: 'Formulare', body: 'x', status: 'PUBLISHED' });
    assert.equal(article.status, 201, JSON.stringify(article.body));
    const up = await t.http
      .post(`/api/kb/articles/${article.body.id}/attachments`)
      .set('Authorization', `Bearer ${admin}`)
      .attach('file', Buffer.from('text'), { filename: 'Erklärung 关于.txt', contentType: 'text/plain' });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.fileName, 'Erklärung 关于.txt');
    const dl = await t.http.get(`/api/kb/articles/${article.body.id}/attachments/${up.body.id}`);
    assert.equal(dl.status, 200);
    assert.equal(
      dl.headers['content-disposition'],
      `attachment; filename="Erklarung __.txt"; filename*=UTF-8''Erkl%C3%A4rung%20%E5%85%B3%E4%BA%8E.txt`,
    );
  });
});

describe('legacy 8-bit headers', () => {
  it('raw GBK Subject and From are decoded with the declared charset', async () => {
    const { ticket } = await deliver(fixture('gbk-raw-headers.eml'));
    assert.equal(ticket!.subject, '关于发票的问题，请尽快回复');
    assert.equal(ticket!.requester.name, '张伟');
    assert.equal(ticket!.description, '您好，我的发票金额不正确，请帮忙核实。谢谢！');
  });

  it('raw Latin-1 headers and body without any charset are detected', async () => {
    const { ticket, message } = await deliver(fixture('latin1-raw-headers.eml'));
    assert.equal(ticket!.subject, 'Problème de connexion à mon compte - déjà essayé');
    assert.equal(message.fromName, 'François Lefèvre');
    assert.equal(ticket!.description, 'Bonjour, je ne peux plus me connecter depuis hier. Merci de vérifier.');
    for (const [k, v] of Object.entries({ s: ticket!.subject, n: message.fromName, d: ticket!.description }))
      noReplacementChar(k, v);
  });

  it('the IMAP staging path (EmailInboundRaw bytes) keeps raw 8-bit headers decodable', async () => {
    const raw = fixture('gbk-raw-headers.eml').toString('latin1').replace('<gbk-0001@', '<gbk-imap-0001@');
    const staged = await t.prisma.emailInboundRaw.create({
      data: { accountId, source: new Uint8Array(Buffer.from(raw, 'latin1')) },
    });
    // The worker consumes staged messages (the IMAP poller enqueues them this way); same database, prefix,
    // UPLOAD_DIR and EMAIL_SECRET_KEY as this API (process.env).
    const q = new Queue(EMAIL_INBOUND_PROCESS_QUEUE, {
      connection: { url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' },
      prefix: process.env.QUEUE_PREFIX,
    });
    await q.add(PROCESS_RAW_JOB, { rawId: staged.id }, { jobId: processRawJobId(staged.id) });
    await q.close();
    worker = startWorker({ DATABASE_URL: t.db.url, QUEUE_PREFIX: process.env.QUEUE_PREFIX! });
    const message = await waitFor(
      async () =>
        (await t.prisma.emailInboundRaw.count({ where: { id: staged.id } })) === 0 &&
        t.prisma.emailMessage.findFirst({ where: { accountId, messageId: { startsWith: '<gbk-imap-0001@' } } }),
      120_000,
      `the staged message processed by the worker (worker: ${worker.output()})`,
    );
    assert.equal(message.subject, '关于发票的问题，请尽快回复');
    assert.equal(message.fromName, '张伟');
  });

  it('windows-1251 headers in a multipart message are detected; valid UTF-8 and 7-bit input is left alone', () => {
    const subject = 'Не работает принтер в офисе, помогите пожалуйста';
    const raw = Buffer.concat([
      Buffer.from('From: a@b.example\r\nSubject: '),
      iconv.encode(subject, 'windows-1251'),
      Buffer.from('\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x--\r\n'),
    ]);
    const out = normaliseLegacyCharsets(raw).toString('utf8');
    assert.ok(out.includes(`Subject: ${subject}\r\n`), out);
    assert.ok(out.endsWith('\r\n\r\n--x--\r\n'));
    const utf8 = Buffer.from('From: a@b.example\r\nSubject: Grüße 你好\r\n\r\nbody ü\r\n');
    assert.equal(normaliseLegacyCharsets(utf8), utf8);
    const ascii = Buffer.from('From: a@b.example\r\n\r\nhello');
    assert.equal(normaliseLegacyCharsets(ascii), ascii);
  });
});
