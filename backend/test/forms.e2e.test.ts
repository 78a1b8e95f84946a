import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserRole } from '@nixflow/db/client';
import { testQueuePrefix } from '@nixflow/db/testing';
import { createTestApp, uniqueEmail, type TestApp, type TestUser } from './support/test-app.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-forms-'));

/** Every file under the upload directory. */
function filesOnDisk(dir = uploadDir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesOnDisk(p) : [p];
  });
}

type Errors = Array<{ field: string; messages: string[] }>;
const errorsByField = (body: { errors?: Errors }) =>
  Object.fromEntries((body.errors ?? []).map((e) => [e.field, e.messages.join(' | ')]));

const OPTIONS = [
  { value: 'refund', label: 'Refund' },
  { value: 'bug', label: 'Bug report' },
  { value: 'other', label: 'Something else' },
];

/** One field of every type, plus a condition chain. */
const ALL_TYPES_FIELDS = [
  {
    key: 'title',
    label: 'Title',
    type: 'TEXT',
    required: true,
    validation: { minLength: 3, maxLength: 40, pattern: '[A-Za-z0-9 ]+' },
  },
  { key: 'details', label: 'Details', type: 'TEXTAREA', validation: { maxLength: 500 } },
  { key: 'quantity', label: 'Quantity', type: 'NUMBER', validation: { min: 1, max: 10 } },
  { key: 'contact', label: 'Contact e-mail', type: 'EMAIL' },
  { key: 'site', label: 'Website', type: 'URL' },
  { key: 'phone', label: 'Phone', type: 'PHONE' },
  { key: 'day', label: 'Day', type: 'DATE', validation: { min: '2024-01-01' } },
  { key: 'at', label: 'When exactly', type: 'DATETIME' },
  { key: 'kind', label: 'Kind', type: 'SELECT', required: true, options: OPTIONS },
  { key: 'areas', label: 'Areas', type: 'MULTISELECT', options: OPTIONS, validation: { max: 2 } },
  { key: 'agree', label: 'I agree', type: 'CHECKBOX', required: true },
  {
    key: 'urgency',
    label: 'Urgency',
    type: 'RADIO',
    options: [
      { value: 'low', label: 'Low' },
      { value: 'high', label: 'High' },
    ],
  },
  { key: 'amount', label: 'Amount', type: 'NUMBER', required: true, visibleWhen: { field: 'kind', equals: 'refund' } },
  {
    key: 'reason',
    label: 'Reason for a big refund',
    type: 'TEXT',
    required: true,
    visibleWhen: { field: 'amount', in: [100, 500] },
  },
  {
    key: 'receipt',
    label: 'Receipt',
    type: 'FILE',
    validation: { fileTypes: ['application/pdf', 'image/*'], maxFileBytes: 1000, maxFiles: 2 },
  },
];

const VALID_ANSWERS = {
  title: 'Broken order 42',
  details: 'It arrived\nbroken',
  quantity: 2,
  contact: 'ann@example.com',
  site: 'https://example.com',
  phone: '+49 30 1234567',
  day: '2024-03-01',
  at: '2024-03-01T10:00:00+01:00',
  kind: 'refund',
  areas: ['bug', 'other'],
  agree: true,
  urgency: 'high',
  amount: 30,
};

describe('custom forms', () => {
  let t: TestApp;
  let admin: string;
  let agent: string;
  let agentUser: TestUser;
  let customer: string;
  let customerUser: TestUser;
  let otherCustomer: string;
  let workflowId: string;
  let formId: string;

  const counts = async () => ({
    submissions: await t.prisma.formSubmission.count(),
    tickets: await t.prisma.ticket.count(),
    attachments: await t.prisma.formSubmissionAttachment.count(),
    users: await t.prisma.user.count(),
    events: await t.prisma.eventLog.count(),
    files: filesOnDisk().length,
  });

  const createForm = async (body: Record<string, unknown>, token = agent) => {
    const res = await t.http.post('/api/forms').set(auth(token)).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const publish = async (id: string) => {
    const res = await t.http.post(`/api/forms/${id}/publish`).set(auth(agent));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const submit = (id: string, body: Record<string, unknown>, token?: string) => {
    const req = t.http.post(`/api/forms/${id}/submissions`);
    if (token) req.set(auth(token));
    return req.send(body);
  };

  before(async () => {
    t = await createTestApp({
      env: { UPLOAD_DIR: uploadDir, FORM_MAX_ATTACHMENT_BYTES: '4096', FORM_SUBMIT_THROTTLE_LIMIT: '1000' },
    });
    admin = await t.tokenFor(UserRole.ADMIN);
    agentUser = await t.createUser({ role: UserRole.AGENT });
    agent = await t.login(agentUser.email, agentUser.password);
    customerUser = await t.createUser({ role: UserRole.CUSTOMER });
    customer = await t.login(customerUser.email, customerUser.password);
    otherCustomer = await t.tokenFor(UserRole.CUSTOMER);
    const wf = await t.prisma.workflow.create({
      data: {
        name: `Forms workflow ${Date.now()}`,
        stages: {
          create: [
            { name: 'Triage', position: 0, isInitial: true, status: 'OPEN' },
            { name: 'Work', position: 1 },
          ],
        },
      },
    });
    workflowId = wf.id;
  });
  after(async () => {
    await t?.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  describe('definitions', () => {
    it('staff create a form with every field type; customers may not', async () => {
      const form = await createForm({
        name: 'Order problems',
        description: 'Tell us what went wrong',
        fields: ALL_TYPES_FIELDS,
        ticketDefaults: {
          priority: 'HIGH',
          workflowId,
          tags: ['orders', 'form'],
          assigneeId: agentUser.id,
          subjectTemplate: '{{kind}}: {{title}}',
        },
      });
      formId = form.id;
      assert.equal(form.status, 'DRAFT');
      assert.equal(form.version, 1);
      assert.equal(form.publishedVersion, null);
      assert.deepEqual(
        form.fields.map((f: { key: string }) => f.key),
        ALL_TYPES_FIELDS.map((f) => f.key),
      );
      assert.deepEqual(form.fields[12].visibleWhen, { field: 'kind', equals: 'refund' });
      assert.equal((await t.http.post('/api/forms').set(auth(customer)).send({ name: 'x' })).status, 403);
      assert.equal((await t.http.post('/api/forms').send({ name: 'x' })).status, 401);
    });

    it('rejects a bad definition with every error in one 400, writing nothing', async () => {
      const before = await t.prisma.customForm.count();
      const res = await t.http
        .post('/api/forms')
        .set(auth(agent))
        .send({
          name: 'Broken',
          ticketDefaults: { workflowId: '00000000-0000-4000-8000-000000000000' },
          fields: [
            { key: 'a', label: 'A', type: 'TEXT', validation: { pattern: '(a)\\1' } },
            { key: 'a', label: 'Again', type: 'TEXT' },
            { key: 'pick', label: 'Pick', type: 'SELECT' },
            { key: 'later', label: 'Later', type: 'TEXT', visibleWhen: { field: 'nope', equals: 'x' } },
            { key: 'loop', label: 'Loop', type: 'TEXT', visibleWhen: { field: 'loop', equals: 'x' } },
            // RE2 (linear time) has no lookaround: a clear 400 at save time, naming the field.
            { key: 'look', label: 'Look', type: 'TEXT', validation: { pattern: 'a(?=b)' } },
          ],
        });
      assert.equal(res.status, 400);
      assert.equal(res.body.message, 'Validation failed');
      const errors = errorsByField(res.body);
      assert.match(errors['fields[0].validation.pattern']!, /backreferences/);
      assert.match(errors['fields[1].key']!, /duplicates/);
      assert.match(errors['fields[2].options']!, /at least one option/);
      assert.match(errors['fields[3].visibleWhen.field']!, /unknown field/);
      assert.match(errors['fields[4].visibleWhen.field']!, /circular/);
      assert.match(errors['fields[5].validation.pattern']!, /lookahead/);
      assert.match(errors['ticketDefaults.workflowId']!, /not found/);
      assert.equal(await t.prisma.customForm.count(), before);
      // Shape errors are caught by the DTO.
      const bad = await t.http
        .post('/api/forms')
        .set(auth(agent))
        .send({ name: 'x', fields: [{ key: 'k', label: 'K', type: 'COLOR' }] });
      assert.equal(bad.status, 400);
      assert.ok(errorsByField(bad.body)['fields.0.type']);
    });

    it('drafts are invisible to customers; publishing makes the form listed and renderable', async () => {
      assert.equal((await t.http.get(`/api/forms/${formId}`).set(auth(customer))).status, 404);
      assert.equal((await t.http.get(`/api/forms/${formId}/schema`).set(auth(customer))).status, 404);
      const empty = await createForm({ name: 'Empty' });
      const noFields = await t.http.post(`/api/forms/${empty.id}/publish`).set(auth(agent));
      assert.equal(noFields.status, 400);
      assert.match(errorsByField(noFields.body).fields!, /at least one field/);

      const published = await publish(formId);
      assert.equal(published.status, 'PUBLISHED');
      assert.equal(published.publishedVersion, 1);
      const list = await t.http.get('/api/forms').set(auth(customer));
      assert.equal(list.status, 200);
      const ids = list.body.items.map((f: { id: string }) => f.id);
      assert.ok(ids.includes(formId));
      assert.ok(!ids.includes(empty.id));
      assert.equal(list.body.items[0].ticketDefaults, undefined);
      const staffList = await t.http.get('/api/forms?status=DRAFT').set(auth(agent));
      assert.ok(staffList.body.items.some((f: { id: string }) => f.id === empty.id));

      const seen = await t.http.get(`/api/forms/${formId}`).set(auth(customer));
      assert.equal(seen.status, 200);
      assert.equal(seen.body.fields.length, ALL_TYPES_FIELDS.length);
    });

    it('GET /schema: JSON Schema + UI hints; needs a token unless the form allows anonymous use', async () => {
      assert.equal((await t.http.get(`/api/forms/${formId}/schema`)).status, 401);
      const res = await t.http.get(`/api/forms/${formId}/schema`).set(auth(customer));
      assert.equal(res.status, 200);
      assert.equal(res.body.schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
      assert.deepEqual(res.body.schema.required, ['title', 'kind', 'agree']);
      assert.equal(res.body.schema.properties.contact.format, 'email');
      assert.equal(res.body.multipart, true);
      assert.deepEqual(
        res.body.ui.order,
        ALL_TYPES_FIELDS.map((f) => f.key),
      );
      assert.deepEqual(res.body.ui.fields[13].visibleWhen, { field: 'amount', in: [100, 500] });
    });
  });

  describe('submissions', () => {
    it('validates every field type over HTTP and returns every error in one 400; nothing is written', async () => {
      const before = await counts();
      const res = await submit(
        formId,
        {
          answers: {
            title: 'x!',
            details: 'y'.repeat(501),
            quantity: 11,
            contact: 'not-an-email',
            site: 'ftp://example.com',
            phone: 'call me',
            day: '2023-12-31',
            at: '2024-03-01 10:00',
            kind: 'refund',
            areas: ['bug', 'other', 'refund'],
            agree: false,
            urgency: 'medium',
            amount: 'lots',
            unknown: 1,
          },
        },
        customer,
      );
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.statusCode, 400);
      assert.equal(res.body.message, 'Validation failed');
      const errors = errorsByField(res.body);
      assert.deepEqual(Object.keys(errors).sort(), [
        'agree',
        'amount',
        'areas',
        'at',
        'contact',
        'day',
        'details',
        'phone',
        'quantity',
        'site',
        'title',
        'unknown',
        'urgency',
      ]);
      assert.match(errors.title!, /at least 3 characters/);
      assert.match(errors.title!, /required format/);
      assert.match(errors.details!, /at most 500/);
      assert.match(errors.quantity!, /at most 10/);
      assert.match(errors.contact!, /e-mail/);
      assert.match(errors.site!, /http\(s\) URL/);
      assert.match(errors.phone!, /phone/);
      assert.match(errors.day!, /on or after 2024-01-01/);
      assert.match(errors.at!, /time zone/);
      assert.match(errors.areas!, /at most 2 selections/);
      assert.match(errors.agree!, /must be checked/);
      assert.match(errors.urgency!, /one of the options/);
      assert.match(errors.amount!, /must be a number/);
      assert.match(errors.unknown!, /not a field/);
      const missing = await submit(formId, { answers: {} }, customer);
      // kind is missing, so amount (shown only for refunds) is hidden and not required.
      assert.deepEqual(Object.keys(errorsByField(missing.body)).sort(), ['agree', 'kind', 'title']);
      assert.deepEqual(await counts(), before);
    });

    it('a valid submission creates the ticket with the form defaults and SLA metrics, in one go', async () => {
      await t.prisma.slaPolicy.create({
        data: {
          name: `Forms policy ${formId}`,
          conditions: { formIds: [formId] },
          targets: { FIRST_RESPONSE: { HIGH: 60 }, RESOLUTION: { HIGH: 480 } },
        },
      });
      await t.changesSettled();
      const res = await submit(formId, { answers: { ...VALID_ANSWERS, reason: 'hidden, so dropped' } }, customer);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.status, 'TICKET_CREATED');
      assert.equal(res.body.formVersion, 1);
      assert.ok(Number.isInteger(res.body.ticketNumber));
      const ticket = await t.prisma.ticket.findUniqueOrThrow({
        where: { id: res.body.ticketId },
        include: { slaMetrics: true },
      });
      assert.equal(ticket.channel, 'FORM');
      assert.equal(ticket.formId, formId);
      assert.equal(ticket.priority, 'HIGH');
      assert.deepEqual(ticket.tags, ['orders', 'form']);
      assert.equal(ticket.workflowId, workflowId);
      assert.equal(ticket.assigneeId, agentUser.id);
      assert.equal(ticket.requesterId, customerUser.id);
      assert.equal(ticket.number, res.body.ticketNumber);
      assert.equal(ticket.subject, 'Refund: Broken order 42');
      assert.match(ticket.description, /^Title: Broken order 42$/m);
      assert.match(ticket.description, /^Areas: Bug report, Something else$/m);
      assert.match(ticket.description, /^I agree: Yes$/m);
      assert.deepEqual(ticket.slaMetrics.map((m) => m.type).sort(), ['FIRST_RESPONSE', 'RESOLUTION']);
      const submission = await t.prisma.formSubmission.findUniqueOrThrow({ where: { id: res.body.id } });
      assert.equal(submission.ticketId, ticket.id);
      assert.equal(submission.submitterId, customerUser.id);
      // Normalized, and the hidden field's answer is not stored.
      assert.deepEqual(submission.answers, { ...VALID_ANSWERS, at: '2024-03-01T09:00:00.000Z' });
      const event = await t.prisma.eventLog.findFirst({ where: { type: 'FormSubmitted', aggregateId: submission.id } });
      assert.ok(event);
    });

    it('conditional fields: shown ones are required and validated, chains included', async () => {
      const big = await submit(formId, { answers: { ...VALID_ANSWERS, amount: 500 } }, customer);
      assert.equal(big.status, 400);
      assert.deepEqual(Object.keys(errorsByField(big.body)), ['reason']);
      const ok = await submit(
        formId,
        { answers: { ...VALID_ANSWERS, amount: 500, reason: 'Everything broke' } },
        customer,
      );
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      const bug = await submit(
        formId,
        { answers: { ...VALID_ANSWERS, kind: 'bug', amount: 'ignored', reason: 'x' } },
        customer,
      );
      assert.equal(bug.status, 201, JSON.stringify(bug.body));
      const stored = await t.prisma.formSubmission.findUniqueOrThrow({ where: { id: bug.body.id } });
      const answers = stored.answers as Record<string, unknown>;
      assert.equal(answers.kind, 'bug');
      assert.equal('amount' in answers, false);
      assert.equal('reason' in answers, false);
    });

    it('multipart: files stored under the upload directory; type and size limits enforced with nothing left behind', async () => {
      const pdf = Buffer.from('%PDF-1.4 receipt');
      const res = await t.http
        .post(`/api/forms/${formId}/submissions`)
        .set(auth(customer))
        .field('answers', JSON.stringify(VALID_ANSWERS))
        .attach('receipt', pdf, { filename: '../../evil receipt.pdf', contentType: 'application/pdf' })
        .attach('receipt', Buffer.from('png'), { filename: 'photo.png', contentType: 'image/png' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.attachments, 2);
      const atts = await t.prisma.formSubmissionAttachment.findMany({
        where: { submissionId: res.body.id },
        orderBy: { fileName: 'asc' },
      });
      assert.deepEqual(
        atts.map((a) => [a.fieldKey, a.fileName, a.contentType, a.sizeBytes]),
        [
          ['receipt', 'evil receipt.pdf', 'application/pdf', pdf.length],
          ['receipt', 'photo.png', 'image/png', 3],
        ],
      );
      const full = path.join(uploadDir, atts[0]!.storagePath);
      assert.ok(full.startsWith(path.join(uploadDir, 'forms', formId, res.body.id)));
      assert.deepEqual(fs.readFileSync(full), pdf);
      const detail = await t.http.get(`/api/forms/${formId}/submissions/${res.body.id}`).set(auth(agent));
      assert.equal(detail.body.attachments.length, 2);
      assert.deepEqual(detail.body.answers.receipt.map((f: { fileName: string }) => f.fileName).sort(), [
        'evil receipt.pdf',
        'photo.png',
      ]);
      const pdfAtt = detail.body.attachments.find((a: { fileName: string }) => a.fileName === 'evil receipt.pdf');
      const download = await t.http
        .get(`/api/forms/${formId}/submissions/${res.body.id}/attachments/${pdfAtt.id}`)
        .set(auth(customer))
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      assert.equal(download.status, 200);
      assert.deepEqual(download.body, pdf);
      assert.match(String(download.headers['content-disposition']), /attachment; filename="evil receipt.pdf"/);
      const foreign = `/api/forms/${formId}/submissions/${res.body.id}/attachments/${pdfAtt.id}`;
      assert.equal((await t.http.get(foreign).set(auth(otherCustomer))).status, 404);

      const before = await counts();
      const wrongType = await t.http
        .post(`/api/forms/${formId}/submissions`)
        .set(auth(customer))
        .field('answers', JSON.stringify({ ...VALID_ANSWERS, title: '??' }))
        .attach('receipt', Buffer.from('MZ'), { filename: 'x.exe', contentType: 'application/x-msdownload' });
      assert.equal(wrongType.status, 400);
      const errors = errorsByField(wrongType.body);
      assert.match(errors.receipt!, /x\.exe: file type application\/x-msdownload is not allowed/);
      assert.ok(errors.title);
      const tooBigForField = await t.http
        .post(`/api/forms/${formId}/submissions`)
        .set(auth(customer))
        .field('answers', JSON.stringify(VALID_ANSWERS))
        .attach('receipt', Buffer.alloc(1001, 1), { filename: 'big.pdf', contentType: 'application/pdf' });
      assert.equal(tooBigForField.status, 400);
      assert.match(errorsByField(tooBigForField.body).receipt!, /larger than 1000 bytes/);
      const tooBigAtAll = await t.http
        .post(`/api/forms/${formId}/submissions`)
        .set(auth(customer))
        .field('answers', JSON.stringify(VALID_ANSWERS))
        .attach('receipt', Buffer.alloc(5000, 1), { filename: 'huge.pdf', contentType: 'application/pdf' });
      assert.equal(tooBigAtAll.status, 413);
      const fileInJson = await submit(formId, { answers: { ...VALID_ANSWERS, receipt: 'x' } }, customer);
      assert.match(errorsByField(fileInJson.body).receipt!, /multipart/);
      const notJson = await t.http
        .post(`/api/forms/${formId}/submissions`)
        .set(auth(customer))
        .field('answers', '{not json');
      assert.equal(notJson.status, 400);
      assert.match(errorsByField(notJson.body).answers!, /object/);
      assert.deepEqual(await counts(), before);
    });

    it('a failure inside the transaction removes the stored files too', async () => {
      const form = await createForm({
        name: 'Needs a live assignee',
        fields: [{ key: 'doc', label: 'Doc', type: 'FILE', required: true }],
        ticketDefaults: { workflowId: '00000000-0000-4000-8000-000000000001' },
      }).catch(() => null);
      assert.equal(form, null); // unknown workflow is refused up front
      const ok = await createForm({
        name: 'Doc form',
        fields: [{ key: 'doc', label: 'Doc', type: 'FILE', required: true }],
      });
      await publish(ok.id);
      // Break the ticket insert after validation: the default assignee is deleted after the form was saved.
      const doomed = await t.createUser({ role: UserRole.AGENT });
      const patched = await t.http
        .patch(`/api/forms/${ok.id}`)
        .set(auth(agent))
        .send({ ticketDefaults: { assigneeId: doomed.id } });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      await t.prisma.user.delete({ where: { id: doomed.id } });
      const before = await counts();
      const res = await t.http
        .post(`/api/forms/${ok.id}/submissions`)
        .set(auth(customer))
        .attach('doc', Buffer.from('hello'), { filename: 'a.txt', contentType: 'text/plain' });
      assert.ok(res.status >= 400 && res.status !== 201, JSON.stringify(res.body));
      assert.deepEqual(await counts(), before);
    });

    it('versioning: editing a published form makes a draft v2; old submissions still read against v1', async () => {
      const first = await submit(formId, { answers: VALID_ANSWERS }, customer);
      assert.equal(first.status, 201);
      const v2Fields = [
        { key: 'title', label: 'Subject line', type: 'TEXT', required: true },
        {
          key: 'severity',
          label: 'Severity',
          type: 'RADIO',
          required: true,
          options: [
            { value: 's1', label: 'S1' },
            { value: 's2', label: 'S2' },
          ],
        },
      ];
      const edited = await t.http.patch(`/api/forms/${formId}`).set(auth(agent)).send({ fields: v2Fields });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.version, 2);
      assert.equal(edited.body.publishedVersion, 1);
      assert.equal(edited.body.hasUnpublishedChanges, true);
      // The draft is editable in place (no v3), and submissions still use v1 until it is published.
      const again = await t.http
        .patch(`/api/forms/${formId}`)
        .set(auth(agent))
        .send({ fields: v2Fields, name: 'Order problems v2' });
      assert.equal(again.body.version, 2);
      assert.equal((await submit(formId, { answers: VALID_ANSWERS }, customer)).body.formVersion, 1);
      const v1 = await t.http.get(`/api/forms/${formId}/versions/1`).set(auth(agent));
      assert.equal(v1.body.fields.length, ALL_TYPES_FIELDS.length);
      assert.equal((await t.http.get(`/api/forms/${formId}/versions/2`).set(auth(customer))).status, 404);
      assert.equal((await t.http.get(`/api/forms/${formId}/versions/3`).set(auth(agent))).status, 404);

      await publish(formId);
      const oldShape = await submit(formId, { answers: VALID_ANSWERS }, customer);
      assert.equal(oldShape.status, 400);
      const second = await submit(formId, { answers: { title: 'New style', severity: 's1' } }, customer);
      assert.equal(second.status, 201, JSON.stringify(second.body));
      assert.equal(second.body.formVersion, 2);

      const read = await t.http.get(`/api/forms/${formId}/submissions/${first.body.id}`).set(auth(customer));
      assert.equal(read.status, 200);
      assert.equal(read.body.formVersion, 1);
      assert.equal(read.body.definition.version, 1);
      assert.deepEqual(
        read.body.definition.fields.map((f: { key: string }) => f.key),
        ALL_TYPES_FIELDS.map((f) => f.key),
      );
      assert.equal(read.body.answers.title, VALID_ANSWERS.title);
      const readV2 = await t.http.get(`/api/forms/${formId}/submissions/${second.body.id}`).set(auth(agent));
      assert.deepEqual(
        readV2.body.definition.fields.map((f: { key: string }) => f.key),
        ['title', 'severity'],
      );
      assert.equal((await t.http.get(`/api/forms/${formId}/schema`).set(auth(customer))).body.version, 2);
    });

    it('anonymous submissions only where allowed; the e-mail is an unverified contact, whatever the address', async () => {
      const closed = await submit(formId, { answers: { title: 'Anon', severity: 's1' }, email: uniqueEmail('anon') });
      assert.equal(closed.status, 401);
      const open = await createForm({
        name: 'Contact us',
        allowAnonymous: true,
        fields: [{ key: 'message', label: 'Message', type: 'TEXTAREA', required: true }],
      });
      await publish(open.id);
      const schema = await t.http.get(`/api/forms/${open.id}/schema`);
      assert.equal(schema.status, 200);
      assert.equal(schema.body.allowAnonymous, true);

      const before = await counts();
      const noEmail = await submit(open.id, { answers: {} });
      assert.equal(noEmail.status, 400);
      assert.deepEqual(Object.keys(errorsByField(noEmail.body)).sort(), ['email', 'message']);
      const badEmail = await submit(open.id, { answers: { message: 'hi' }, email: 'nope' });
      assert.match(errorsByField(badEmail.body).email!, /e-mail/);
      assert.deepEqual(await counts(), before);

      const email = uniqueEmail('Anon');
      const res = await submit(open.id, { answers: { message: 'Hello there' }, email });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      // The address is an unverified contact: no account is created or matched for it.
      assert.equal(await t.prisma.user.count({ where: { email: email.toLowerCase() } }), 0);
      const ticket = await t.prisma.ticket.findUniqueOrThrow({
        where: { id: res.body.ticketId },
        include: { requester: true },
      });
      assert.equal(ticket.requester.email, 'unverified-form-contact@nixflow.invalid');
      assert.equal(ticket.requester.isActive, false);
      assert.equal(ticket.requester.passwordHash, null);
      assert.equal(ticket.channel, 'FORM');
      assert.equal(ticket.subject, 'Contact us');
      const stored = await t.prisma.formSubmission.findUniqueOrThrow({ where: { id: res.body.id } });
      assert.equal(stored.submitterEmail, email.toLowerCase());
      assert.equal(stored.submitterEmailVerified, false);
      assert.equal(stored.submitterId, null);
      const seen = await t.http.get(`/api/forms/${open.id}/submissions/${res.body.id}`).set(auth(agent));
      assert.equal(seen.body.submitterEmailVerified, false, JSON.stringify(seen.body));

      // An existing customer's or a staff member's address: the same answer, nothing filed in their account.
      const shape = (body: Record<string, unknown>) => Object.keys(body).sort();
      for (const address of [customerUser.email, agentUser.email, email.toUpperCase()]) {
        const again = await submit(open.id, { answers: { message: 'Who am I?' }, email: address });
        assert.equal(again.status, 201, `${address}: ${JSON.stringify(again.body)}`);
        assert.deepEqual(shape(again.body), shape(res.body));
        const filed = await t.prisma.ticket.findUniqueOrThrow({ where: { id: again.body.ticketId } });
        assert.equal(filed.requesterId, ticket.requesterId);
      }
      // Staff link a verified contact to an account with the ordinary requester change.
      const linked = await t.http
        .patch(`/api/tickets/${ticket.id}`)
        .set(auth(agent))
        .send({ requesterId: customerUser.id });
      assert.equal(linked.status, 200, JSON.stringify(linked.body));
      assert.equal(linked.body.requesterId, customerUser.id);
    });

    it('a pattern that would backtrack exponentially in JS runs in linear time (RE2) and answers normally', async () => {
      // x(\w|\d)*y passed the old static checks and probes, then blocked the event loop per submission.
      const form = await createForm({
        name: 'Patterns',
        fields: [{ key: 'code', label: 'Code', type: 'TEXT', validation: { pattern: 'x(\\w|\\d)*y' } }],
      });
      await publish(form.id);
      const res = await submit(form.id, { answers: { code: `x${'a1'.repeat(499)}!` } }, customer);
      assert.equal(res.status, 400);
      assert.match(errorsByField(res.body).code!, /does not match/);
      assert.equal((await submit(form.id, { answers: { code: `x${'a1'.repeat(100)}y` } }, customer)).status, 201);
    });

    it('archived and deleted forms take no submissions', async () => {
      const form = await createForm({ name: 'Short lived', fields: [{ key: 'x', label: 'X', type: 'TEXT' }] });
      await publish(form.id);
      assert.equal((await t.http.post(`/api/forms/${form.id}/archive`).set(auth(agent))).body.status, 'ARCHIVED');
      assert.equal((await submit(form.id, { answers: { x: 'y' } }, customer)).status, 404);
      assert.equal((await t.http.get(`/api/forms/${form.id}`).set(auth(customer))).status, 404);
      assert.equal((await t.http.delete(`/api/forms/${form.id}`).set(auth(customer))).status, 403);
      assert.equal((await t.http.delete(`/api/forms/${form.id}`).set(auth(admin))).status, 204);
      assert.equal((await t.http.get(`/api/forms/${form.id}`).set(auth(agent))).status, 404);
    });
  });

  describe('reading submissions', () => {
    it('staff list all (paged, filtered by status, date and answers); customers only their own', async () => {
      const other = await submit(formId, { answers: { title: 'From someone else', severity: 's2' } }, otherCustomer);
      assert.equal(other.status, 201);
      const all = await t.http.get(`/api/forms/${formId}/submissions?pageSize=100`).set(auth(agent));
      assert.equal(all.status, 200, JSON.stringify(all.body));
      const total = await t.prisma.formSubmission.count({ where: { formId } });
      assert.equal(all.body.total, total);
      assert.ok(all.body.items.length >= 2);
      const page = await t.http.get(`/api/forms/${formId}/submissions?pageSize=1&page=2`).set(auth(agent));
      assert.equal(page.body.items.length, 1);
      assert.equal(page.body.items[0].id, all.body.items[1].id);

      const s2 = await t.http.get(`/api/forms/${formId}/submissions?answer.severity=s2`).set(auth(agent));
      assert.deepEqual(
        s2.body.items.map((s: { id: string }) => s.id),
        [other.body.id],
      );
      const refunds = await t.http
        .get(`/api/forms/${formId}/submissions?answer.kind=refund&answer.amount=500`)
        .set(auth(agent));
      assert.equal(refunds.body.total, 1);
      const at = await t.http
        .get(`/api/forms/${formId}/submissions?answer.at=2024-03-01T10:00:00%2B01:00&pageSize=1`)
        .set(auth(agent));
      assert.equal(at.status, 200);
      assert.ok(at.body.total >= 1);
      const areas = await t.http
        .get(`/api/forms/${formId}/submissions?answer.areas=bug&answer.agree=true`)
        .set(auth(agent));
      assert.ok(areas.body.total >= 3);
      const badFilter = await t.http
        .get(`/api/forms/${formId}/submissions?answer.nope=1&answer.amount=x`)
        .set(auth(agent));
      assert.equal(badFilter.status, 400);
      assert.deepEqual(Object.keys(errorsByField(badFilter.body)).sort(), ['answer.amount', 'answer.nope']);
      const badQuery = await t.http.get(`/api/forms/${formId}/submissions?status=NOPE&extra=1`).set(auth(agent));
      assert.equal(badQuery.status, 400);
      const future = await t.http.get(`/api/forms/${formId}/submissions?from=2999-01-01T00:00:00Z`).set(auth(agent));
      assert.equal(future.body.total, 0);
      const created = await t.http
        .get(`/api/forms/${formId}/submissions?status=TICKET_CREATED&to=2999-01-01T00:00:00Z`)
        .set(auth(agent));
      assert.equal(created.body.total, total);

      const mine = await t.http.get(`/api/forms/${formId}/submissions?pageSize=100`).set(auth(customer));
      assert.equal(mine.status, 200);
      assert.ok(mine.body.items.length >= 1);
      assert.ok(mine.body.items.every((s: { submitterId: string }) => s.submitterId === customerUser.id));
      assert.equal(
        (await t.http.get(`/api/forms/${formId}/submissions/${other.body.id}`).set(auth(customer))).status,
        404,
      );
      assert.equal(
        (await t.http.get(`/api/forms/${formId}/submissions/${other.body.id}`).set(auth(otherCustomer))).status,
        200,
      );
      assert.equal((await t.http.get(`/api/forms/${formId}/submissions`)).status, 401);
    });
  });
});

describe('form submission rate limit', () => {
  let t: TestApp;
  after(async () => t?.close());
  it('limits submissions per client IP with the named formSubmit throttler', async () => {
    // Limits are counted in Redis per key prefix: a fresh prefix, so the other suite's submissions do not count.
    t = await createTestApp({
      env: { UPLOAD_DIR: uploadDir, FORM_SUBMIT_THROTTLE_LIMIT: '3', QUEUE_PREFIX: testQueuePrefix() },
    });
    const agent = await t.tokenFor(UserRole.AGENT);
    const form = await t.http
      .post('/api/forms')
      .set(auth(agent))
      .send({
        name: 'Limited',
        allowAnonymous: true,
        fields: [{ key: 'm', label: 'M', type: 'TEXT', required: true }],
      });
    await t.http.post(`/api/forms/${form.body.id}/publish`).set(auth(agent));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await t.http.post(`/api/forms/${form.body.id}/submissions`).send({ answers: {}, email: 'a@b.example' }))
          .status,
      );
    }
    assert.deepEqual(statuses, [400, 400, 400, 429]);
    // Other routes are not counted by this throttler.
    assert.equal((await t.http.get(`/api/forms/${form.body.id}/schema`)).status, 200);
  });
});
