import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { UserRole } from '@nixflow/db/client';
import { bodyProblem } from '../src/common/body-guard.js';
import { createTestApp, type TestApp } from './support/test-app.js';

// Property: for any answers object, POST /forms/:id/submissions never answers 5xx, and it accepts
// (201) exactly the answers that the JSON Schema of GET /forms/:id/schema accepts, checked here by an
// independent Ajv (plain ajv-formats, JS RegExp) compiled from the published document alone. The one rule
// on top is the app-wide body guard (no NUL, no lone surrogate anywhere in a JSON body: PostgreSQL text
// cannot hold them), which answers 400 before any route.

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const RUNS = Number(process.env.FORMS_PROPERTY_RUNS || 120);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

const OPTIONS = [
  { value: 'refund', label: 'Refund' },
  { value: 'bug', label: 'Bug' },
  { value: 'other', label: 'Other' },
];
/** Every answer type (FILE aside: files are multipart parts, not answers), and a condition chain. */
const FIELDS = [
  {
    key: 'title',
    label: 'Title',
    type: 'TEXT',
    required: true,
    validation: { minLength: 3, maxLength: 40, pattern: '[A-Za-z0-9 ]+' },
  },
  { key: 'details', label: 'Details', type: 'TEXTAREA', validation: { maxLength: 500 } },
  { key: 'quantity', label: 'Quantity', type: 'NUMBER', validation: { min: 1, max: 10 } },
  { key: 'contact', label: 'Contact', type: 'EMAIL' },
  { key: 'site', label: 'Website', type: 'URL' },
  { key: 'phone', label: 'Phone', type: 'PHONE' },
  { key: 'day', label: 'Day', type: 'DATE' },
  { key: 'at', label: 'When', type: 'DATETIME' },
  { key: 'kind', label: 'Kind', type: 'SELECT', required: true, options: OPTIONS },
  { key: 'areas', label: 'Areas', type: 'MULTISELECT', options: OPTIONS, validation: { max: 2 } },
  { key: 'agree', label: 'I agree', type: 'CHECKBOX', required: true },
  { key: 'urgency', label: 'Urgency', type: 'RADIO', options: OPTIONS.slice(0, 2) },
  { key: 'amount', label: 'Amount', type: 'NUMBER', required: true, visibleWhen: { field: 'kind', equals: 'refund' } },
  { key: 'reason', label: 'Reason', type: 'TEXT', required: true, visibleWhen: { field: 'amount', in: [100, 500] } },
  { key: 'steps', label: 'Steps', type: 'TEXTAREA', visibleWhen: { field: 'areas', equals: 'bug' } },
];

const UNICODE_ODD = [
  '',
  ' ',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u202d',
  '\ufeff',
  '🙂'.repeat(30),
  'é'.normalize('NFD'),
  '\u0085\u2028\u2029',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'ann@example.com\n',
  'http://exa mple.com',
  'https://\u00a0x.example',
  '+49 (30) 1234-567\u0000',
];

/** Values that are right for some field and wrong for others, odd, or huge. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -0,
    1,
    100,
    500,
    11,
    3.5,
    1e308,
    'Broken order 42',
    'ann@example.com',
    'https://example.com/a?b=1',
    'ftp://example.com',
    '+49 30 1234567',
    '12',
    '2024-02-29',
    '2023-02-29',
    '2024-03-01T10:00:00+01:00',
    '2024-03-01 10:00',
    'refund',
    'bug',
    'other',
    'low',
    ['bug'],
    ['bug', 'other'],
    ['bug', 'bug'],
    ['refund', 'bug', 'other'],
    ['nope'],
    [],
    [1, 2],
    'x'.repeat(100_000),
    '🙂'.repeat(20_001),
    Array.from({ length: 3000 }, () => 'bug'),
    { $gt: '' },
    JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
    { constructor: { prototype: { polluted: true } } },
    [JSON.parse('{"__proto__":1}') as unknown],
  ),
  fc.constantFrom(...UNICODE_ODD),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 45 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.constantFrom('refund', 'bug', 'other', 'x'), { maxLength: 4 }),
);

const VALID = {
  title: 'Broken order 42',
  kind: 'refund',
  agree: true,
  amount: 100,
  reason: 'It broke',
  areas: ['bug'],
  steps: 'Open it',
};

/** An own, enumerable key even for __proto__, as JSON.parse makes it (JSON.stringify sends it). */
function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

const KEYS = [...FIELDS.map((f) => f.key), 'extra', '__proto__', 'constructor', 'prototype'];

/** Mostly a valid submission with a few keys removed, replaced or added; sometimes no object at all. */
const answersArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .tuple(
        fc.subarray(Object.keys(VALID), { maxLength: 2 }),
        fc.array(fc.tuple(fc.constantFrom(...KEYS), anyValue), { maxLength: 3 }),
      )
      .map(([dropped, changes]) => {
        const answers: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(VALID)) if (!dropped.includes(key)) answers[key] = value;
        for (const [key, value] of changes) withKey(answers, key, value);
        return answers;
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], ['title'], 'title', 42, true) },
);

describe('form answers: the route accepts exactly what the published JSON Schema accepts', () => {
  let t: TestApp;
  let agent: string;
  let customer: string;
  let formId: string;
  let oracle: ValidateFunction;

  before(async () => {
    t = await createTestApp({ env: { FORM_SUBMIT_THROTTLE_LIMIT: '100000' } });
    agent = await t.tokenFor(UserRole.AGENT);
    customer = await t.tokenFor(UserRole.CUSTOMER);
    const form = await t.http.post('/api/forms').set(auth(agent)).send({ name: 'Property form', fields: FIELDS });
    assert.equal(form.status, 201, JSON.stringify(form.body));
    formId = form.body.id;
    assert.equal((await t.http.post(`/api/forms/${formId}/publish`).set(auth(agent))).status, 200);
    const doc = await t.http.get(`/api/forms/${formId}/schema`).set(auth(customer));
    assert.equal(doc.status, 200);
    // Strict: the published document compiles without unknown keywords or ignored constraints.
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    oracle = ajv.compile(doc.body.schema);
  });
  after(async () => {
    await t?.close();
  });

  it('the oracle agrees with hand-picked cases, so the property below compares real verdicts', () => {
    assert.equal(oracle(VALID), true);
    assert.equal(oracle({ ...VALID, amount: 30, reason: undefined }), true);
    assert.equal(oracle({ ...VALID, kind: 'bug', amount: 'ignored while hidden' }), true);
    assert.equal(oracle({ ...VALID, amount: 'x' }), false);
    assert.equal(oracle({ ...VALID, extra: 1 }), false);
    assert.equal(oracle(withKey({ ...VALID }, '__proto__', {})), false);
  });

  it('never 5xx; 201 exactly when the schema accepts, else a 400 naming fields', async (ctx) => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(answersArbitrary, async (answers) => {
        const sent = JSON.stringify({ answers });
        const received = JSON.parse(sent) as { answers: unknown };
        const guarded = bodyProblem(received) !== undefined;
        const expected = !guarded && oracle(received.answers);
        const res = await t.http
          .post(`/api/forms/${formId}/submissions`)
          .set(auth(customer))
          .set('Content-Type', 'application/json')
          .send(sent);
        assert.ok(res.status < 500, `${res.status} for ${sent.slice(0, 300)}: ${JSON.stringify(res.body)}`);
        const verdict = `${sent.slice(0, 300)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        if (expected) {
          assert.equal(res.status, 201, `the schema accepts, the route refused: ${verdict}`);
          accepted++;
        } else {
          assert.equal(res.status, 400, `the schema refuses, the route answered: ${verdict}`);
          if (guarded) assert.match(res.body.message, /^Request body contains/, verdict);
          else assert.ok(res.body.errors?.length || /answers/.test(res.body.message), verdict);
          rejected++;
        }
      }),
      { numRuns: RUNS, includeErrorInReport: true },
    );
    ctx.diagnostic(`${accepted} accepted, ${rejected} rejected, both as the schema says`);
    // Both verdicts were exercised (a property that only ever sees 400s proves little).
    assert.ok(accepted >= RUNS / 20, `accepted ${accepted} of ${RUNS}`);
    assert.ok(rejected >= RUNS / 4, `rejected ${rejected} of ${RUNS}`);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
