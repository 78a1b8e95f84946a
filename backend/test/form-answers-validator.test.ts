import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldDefinition, FileMeta } from '@nixflow/core';
import { FormAnswersValidator } from '../src/forms/form-answers.validator.js';

// The Ajv-backed answers check without HTTP: messages per field type, conditional fields, uploads, and
// the compile cache. forms.e2e / forms-answers-property.e2e cover it through the route.

const f = (key: string, type: FieldDefinition['type'], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  key,
  label: key,
  type,
  ...extra,
});
const opts = [
  { value: 'a', label: 'Alpha' },
  { value: 'b', label: 'Beta' },
  { value: 'c', label: 'Gamma' },
];
const RULES = { defaultFileTypes: ['application/pdf', 'image/png'], maxFileBytes: 1000 };
const validator = new FormAnswersValidator();
let formCount = 0;

function check(fields: FieldDefinition[], answers: unknown, files: Record<string, FileMeta[]> = {}) {
  const form = { id: `form-${++formCount}`, name: 'F', description: null, version: 1, allowAnonymous: false, fields };
  return validator.check(form, answers, files, RULES);
}
function accepts(field: FieldDefinition, answer: unknown): unknown {
  const r = check([field], { [field.key]: answer });
  assert.deepEqual({ ...r.errors }, {}, `${JSON.stringify(answer)}: ${JSON.stringify(r.errors)}`);
  return r.values[field.key];
}
function rejects(field: FieldDefinition, answer: unknown, fragment: RegExp): void {
  const errors = check([field], { [field.key]: answer }).errors[field.key];
  assert.ok(errors, `expected ${JSON.stringify(answer).slice(0, 80)} to be rejected`);
  assert.match(errors.join(' | '), fragment);
  for (const message of errors) assert.doesNotMatch(message, /must match|NOT have|schema|format "/);
}

describe('FormAnswersValidator: field types, in words a form user understands', () => {
  it('TEXT: min/max length in code points, pattern, cap; required means not empty', () => {
    const field = f('t', 'TEXT', { validation: { minLength: 2, maxLength: 5, pattern: '[A-Z]+' } });
    assert.equal(accepts(field, 'ABC'), 'ABC');
    rejects(field, 'A', /at least 2 characters/);
    rejects(field, 'ABCDEF', /at most 5 characters/);
    rejects(field, 'abc', /required format/);
    rejects(field, 42, /must be a text/);
    rejects(f('x', 'TEXT'), 'x'.repeat(1001), /at most 1000 characters/);
    assert.equal(accepts(f('e', 'TEXT', { validation: { maxLength: 3 } }), '😀😀😀'), '😀😀😀');
    assert.deepEqual(check([f('r', 'TEXT', { required: true })], { r: '' }).errors.r, ['is required']);
  });
  it('NUMBER: JSON numbers only, min/max', () => {
    const field = f('n', 'NUMBER', { validation: { min: 1, max: 10 } });
    assert.equal(accepts(field, 3.5), 3.5);
    rejects(field, 0, /must be at least 1/);
    rejects(field, 11, /must be at most 10/);
    rejects(field, '7', /must be a number/);
    rejects(field, true, /must be a number/);
  });
  it('EMAIL, URL (http(s) only), PHONE (5 to 15 digits)', () => {
    assert.equal(accepts(f('e', 'EMAIL'), 'ann@example.com'), 'ann@example.com');
    rejects(f('e', 'EMAIL'), 'ann@', /valid e-mail address/);
    rejects(f('e', 'EMAIL'), `${'a'.repeat(600_000)}@x.y`, /at most 1000 characters/);
    assert.equal(accepts(f('u', 'URL'), 'https://example.com/a?b=1'), 'https://example.com/a?b=1');
    rejects(f('u', 'URL'), 'javascript:alert(1)', /http\(s\) URL/);
    rejects(f('u', 'URL'), 'ftp://example.com', /http\(s\) URL/);
    assert.equal(accepts(f('p', 'PHONE'), '+49 (30) 1234-567'), '+49 (30) 1234-567');
    rejects(f('p', 'PHONE'), '12', /5 to 15 digits/);
    rejects(f('p', 'PHONE'), 'call me', /phone number/);
  });
  it('DATE and DATETIME: calendar dates, zones, bounds; date-times stored in UTC', () => {
    const day = f('d', 'DATE', { validation: { min: '2024-01-01', max: '2024-12-31' } });
    assert.equal(accepts(day, '2024-02-29'), '2024-02-29');
    rejects(day, '2023-02-29', /valid date/);
    rejects(day, '2023-12-31', /on or after 2024-01-01/);
    rejects(day, '2025-01-01', /on or before 2024-12-31/);
    const at = f('t', 'DATETIME', { validation: { min: '2024-01-01T00:00:00Z' } });
    assert.equal(accepts(at, '2024-05-01T11:30:00+02:00'), '2024-05-01T09:30:00.000Z');
    rejects(at, '2024-05-01T11:30:00', /time zone/);
    rejects(at, '2024-05-01T25:30:00Z', /time zone/);
    // 00:30 UTC on 1 January: inside the bound, though the local date is in 2023.
    assert.equal(accepts(at, '2023-12-31T23:30:00-01:00'), '2024-01-01T00:30:00.000Z');
    rejects(at, '2023-12-31T23:30:00Z', /at or after 2024-01-01T00:00:00Z/);
  });
  it('SELECT, RADIO, MULTISELECT, CHECKBOX', () => {
    assert.equal(accepts(f('s', 'SELECT', { options: opts }), 'b'), 'b');
    rejects(f('s', 'RADIO', { options: opts }), 'z', /one of the options/);
    rejects(f('s', 'SELECT', { options: opts }), ['a'], /one of the options/);
    const multi = f('m', 'MULTISELECT', { options: opts, validation: { min: 1, max: 2 } });
    assert.deepEqual(accepts(multi, ['a', 'c']), ['a', 'c']);
    rejects(multi, ['a', 'b', 'c'], /at most 2 selections/);
    rejects(multi, ['a', 'a'], /repeat/);
    rejects(multi, ['a', 'zz'], /not options: zz/);
    rejects(multi, 'a', /list of options/);
    assert.equal(accepts(f('c', 'CHECKBOX'), false), false);
    rejects(f('c', 'CHECKBOX'), 'yes', /true or false/);
    assert.deepEqual(check([f('c', 'CHECKBOX', { required: true })], { c: false }).errors.c, ['must be checked']);
    assert.deepEqual(check([f('c', 'CHECKBOX', { required: true })], {}).errors.c, ['must be checked']);
  });
  it('FILE: uploads only, count from the schema, type and size from the upload rules', () => {
    const field = f('att', 'FILE', { validation: { fileTypes: ['.pdf', 'image/*'], maxFileBytes: 100, maxFiles: 2 } });
    const pdf = { fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 50 };
    const exe = { fileName: 'c.exe', contentType: 'application/octet-stream', sizeBytes: 10 };
    const big = { fileName: 'd.png', contentType: 'image/png', sizeBytes: 101 };
    assert.deepEqual(check([field], {}, { att: [pdf] }).values.att, [pdf]);
    const errs = check([field], {}, { att: [exe, big, pdf] }).errors.att!.join(' | ');
    assert.match(errs, /at most 2 files/);
    assert.match(errs, /c\.exe: file type application\/octet-stream is not allowed/);
    assert.match(errs, /d\.png: file is larger than 100 bytes/);
    assert.match(check([field], { att: 'x' }).errors.att!.join(), /multipart/);
    assert.deepEqual(check([f('p', 'FILE', { required: true })], {}).errors.p, ['is required']);
    assert.deepEqual(check([f('t', 'TEXT')], {}, { t: [pdf] }).errors.t, ['does not accept files']);
  });
});

describe('FormAnswersValidator: the submission as a whole', () => {
  const fields = [f('name', 'TEXT', { required: true }), f('age', 'NUMBER', { required: true }), f('mail', 'EMAIL')];
  it('every error of every field at once; unknown and prototype keys are not fields', () => {
    const answers = JSON.parse('{"age":"x","mail":"nope","extra":1,"__proto__":{"polluted":1},"constructor":2}');
    const errors = check(fields, answers).errors;
    assert.deepEqual(Object.keys(errors).sort(), ['__proto__', 'age', 'constructor', 'extra', 'mail', 'name']);
    assert.deepEqual(errors.extra, ['is not a field of this form']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
  it('answers that are not an object', () => {
    for (const answers of [['x'], 'x', 3, null]) {
      assert.deepEqual(
        { ...check(fields, answers).errors },
        { answers: ['must be an object of field keys to values'] },
      );
    }
  });
  it('compiles a form version once, and again only when its definition changed', () => {
    const before = validator.compilations;
    const form = { id: 'cached', name: 'F', description: null, version: 1, allowAnonymous: false, fields };
    for (let i = 0; i < 5; i++) validator.check(form, { name: 'Ann', age: i }, {}, RULES);
    assert.equal(validator.compilations, before + 1);
    validator.check({ ...form, fields: [...fields, f('more', 'TEXT')] }, {}, {}, RULES);
    assert.equal(validator.compilations, before + 2);
  });
  it('default values are checked against the field schema', () => {
    const errors = validator.defaultValueErrors([
      f('n', 'NUMBER', { defaultValue: 'abc' }),
      f('e', 'EMAIL', { defaultValue: 'ann@example.com' }),
      f('s', 'SELECT', { options: opts, defaultValue: 'zz' }),
    ]);
    assert.deepEqual(
      { ...errors },
      {
        'fields[0].defaultValue': ['must be a number'],
        'fields[2].defaultValue': ['must be one of the options'],
      },
    );
  });
});

describe('FormAnswersValidator: conditional fields', () => {
  const fields: FieldDefinition[] = [
    f('kind', 'SELECT', {
      required: true,
      options: [
        { value: 'bug', label: 'Bug' },
        { value: 'refund', label: 'Refund' },
      ],
    }),
    f('amount', 'NUMBER', { required: true, visibleWhen: { field: 'kind', equals: 'refund' } }),
    f('big', 'CHECKBOX', { visibleWhen: { field: 'amount', in: [1000, 5000] } }),
    f('reason', 'TEXT', { required: true, visibleWhen: { field: 'big', equals: true } }),
    f('steps', 'TEXTAREA', { visibleWhen: { field: 'kind', notEquals: 'refund' } }),
  ];
  it('a hidden field is neither required nor validated, and its answer is dropped', () => {
    const r = check(fields, { kind: 'bug', amount: 'garbage', reason: 'x', steps: 'do this' });
    assert.deepEqual({ ...r.errors }, {});
    assert.deepEqual(r.values, { kind: 'bug', steps: 'do this' });
    assert.deepEqual([...r.visible], ['kind', 'steps']);
    // Hidden or not, an answer is never an object.
    assert.match(check(fields, { kind: 'bug', amount: { a: 1 } }).errors.amount!.join(), /text, number/);
  });
  it('a shown field is validated and required; chains follow the field they depend on', () => {
    assert.deepEqual({ ...check(fields, { kind: 'refund' }).errors }, { amount: ['is required'] });
    assert.deepEqual({ ...check(fields, { kind: 'refund', amount: 'x' }).errors }, { amount: ['must be a number'] });
    assert.deepEqual(
      { ...check(fields, { kind: 'refund', amount: 1000, big: true }).errors },
      {
        reason: ['is required'],
      },
    );
    // Once kind hides amount, big and reason are hidden too, whatever their answers say.
    const r = check(fields, { kind: 'bug', amount: 1000, big: true });
    assert.deepEqual({ ...r.errors }, {});
    assert.deepEqual(r.values, { kind: 'bug' });
  });
});
