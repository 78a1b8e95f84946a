import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateAnswers, type FieldDefinition } from '../../src/index.js';

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

function errorsOf(fields: FieldDefinition[], answers: unknown, files = {}) {
  return validateAnswers(fields, answers, files, {
    defaultFileTypes: ['application/pdf', 'image/png'],
    maxFileBytes: 1000,
  }).errors;
}
function valueOf(field: FieldDefinition, answer: unknown): unknown {
  const r = validateAnswers([field], { [field.key]: answer });
  assert.deepEqual(r.errors, {}, JSON.stringify(r.errors));
  return r.values[field.key];
}
function rejects(field: FieldDefinition, answer: unknown, fragment: RegExp): void {
  const r = validateAnswers([field], { [field.key]: answer });
  assert.equal(r.valid, false, `expected ${JSON.stringify(answer)} to be rejected`);
  assert.match(r.errors[field.key]!.join(' | '), fragment);
}

describe('validateAnswers: field types', () => {
  it('TEXT: string, trimmed, min/max length, pattern, length cap', () => {
    const field = f('t', 'TEXT', { validation: { minLength: 2, maxLength: 5, pattern: '[A-Z]+' } });
    assert.equal(valueOf(field, '  ABC '), 'ABC');
    rejects(field, 'A', /at least 2/);
    rejects(field, 'ABCDEF', /at most 5/);
    rejects(field, 'abc', /required format/);
    rejects(field, 42, /must be a string/);
    rejects(f('x', 'TEXT'), 'x'.repeat(1001), /at most 1000/);
    assert.equal(valueOf(f('e', 'TEXT', { validation: { maxLength: 3 } }), '😀😀😀'), '😀😀😀');
  });
  it('TEXTAREA keeps newlines and allows long text up to its cap', () => {
    assert.equal(valueOf(f('d', 'TEXTAREA'), 'line 1\nline 2\n'), 'line 1\nline 2\n');
    assert.equal((valueOf(f('d', 'TEXTAREA'), 'y'.repeat(5000)) as string).length, 5000);
    rejects(f('d', 'TEXTAREA'), 'y'.repeat(20_001), /at most 20000/);
  });
  it('a pattern is never run on inputs longer than the cap', () => {
    rejects(f('t', 'TEXTAREA', { validation: { pattern: '[a-z]*' } }), 'a'.repeat(1500), /too long to check/);
  });
  it('NUMBER: numbers and numeric strings, min/max', () => {
    const field = f('n', 'NUMBER', { validation: { min: 1, max: 10 } });
    assert.equal(valueOf(field, 3.5), 3.5);
    assert.equal(valueOf(field, '7'), 7);
    rejects(field, 0, /at least 1/);
    rejects(field, 11, /at most 10/);
    rejects(field, 'seven', /must be a number/);
    rejects(field, true, /must be a number/);
  });
  it('EMAIL', () => {
    assert.equal(valueOf(f('e', 'EMAIL'), ' ann@example.com '), 'ann@example.com');
    rejects(f('e', 'EMAIL'), 'ann@', /valid e-mail/);
    rejects(f('e', 'EMAIL'), 'ann example.com', /valid e-mail/);
  });
  it('URL: http(s) only', () => {
    assert.equal(valueOf(f('u', 'URL'), 'https://example.com/a?b=1'), 'https://example.com/a?b=1');
    rejects(f('u', 'URL'), 'javascript:alert(1)', /http\(s\) URL/);
    rejects(f('u', 'URL'), 'not a url', /http\(s\) URL/);
  });
  it('PHONE', () => {
    assert.equal(valueOf(f('p', 'PHONE'), '+49 (30) 1234-567'), '+49 (30) 1234-567');
    rejects(f('p', 'PHONE'), '12', /5 to 15 digits/);
    rejects(f('p', 'PHONE'), 'call me', /phone/);
  });
  it('DATE: real calendar dates, min/max', () => {
    const field = f('d', 'DATE', { validation: { min: '2024-01-01', max: '2024-12-31' } });
    assert.equal(valueOf(field, '2024-02-29'), '2024-02-29');
    rejects(field, '2023-02-29', /valid date/);
    rejects(field, '2023-12-31', /on or after 2024-01-01/);
    rejects(field, '2025-01-01', /on or before/);
    rejects(field, '01/02/2024', /valid date/);
  });
  it('DATETIME: needs a zone, stored in UTC', () => {
    const field = f('t', 'DATETIME', { validation: { min: '2024-01-01T00:00:00Z' } });
    assert.equal(valueOf(field, '2024-05-01T11:30:00+02:00'), '2024-05-01T09:30:00.000Z');
    rejects(field, '2024-05-01T11:30:00', /time zone/);
    rejects(field, '2024-05-01T25:30:00Z', /time zone/);
    rejects(field, '2023-05-01T11:30:00Z', /at or after/);
  });
  it('SELECT and RADIO: option membership', () => {
    for (const type of ['SELECT', 'RADIO'] as const) {
      assert.equal(valueOf(f('s', type, { options: opts }), 'b'), 'b');
      rejects(f('s', type, { options: opts }), 'z', /one of the options/);
      rejects(f('s', type, { options: opts }), ['a'], /one of the options/);
    }
  });
  it('MULTISELECT: list of unique options, min/max selections', () => {
    const field = f('m', 'MULTISELECT', { options: opts, validation: { min: 1, max: 2 } });
    assert.deepEqual(valueOf(field, ['a', 'c']), ['a', 'c']);
    rejects(field, ['a', 'b', 'c'], /at most 2/);
    rejects(field, ['a', 'a'], /repeat/);
    rejects(field, ['a', 'zz'], /not options: zz/);
    rejects(field, 'a', /list of options/);
  });
  it('CHECKBOX: booleans; required means checked', () => {
    assert.equal(valueOf(f('c', 'CHECKBOX'), true), true);
    assert.equal(valueOf(f('c', 'CHECKBOX'), false), false);
    rejects(f('c', 'CHECKBOX'), 'yes', /true or false/);
    assert.deepEqual(errorsOf([f('c', 'CHECKBOX', { required: true })], { c: false }), { c: ['must be checked'] });
  });
  it('FILE: uploads only, types, size, count', () => {
    const field = f('att', 'FILE', { validation: { fileTypes: ['.pdf', 'image/*'], maxFileBytes: 100, maxFiles: 2 } });
    const pdf = { fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 50 };
    const png = { fileName: 'b.png', contentType: 'image/png', sizeBytes: 60 };
    const exe = { fileName: 'c.exe', contentType: 'application/octet-stream', sizeBytes: 10 };
    const big = { fileName: 'd.png', contentType: 'image/png', sizeBytes: 101 };
    assert.deepEqual(validateAnswers([field], {}, { att: [pdf, png] }).values.att, [pdf, png]);
    const errs = errorsOf([field], {}, { att: [exe, big, pdf] }).att!.join(' | ');
    assert.match(errs, /at most 2 files/);
    assert.match(errs, /c\.exe: file type application\/octet-stream is not allowed/);
    assert.match(errs, /d\.png: file is larger than 100 bytes/);
    assert.match(errorsOf([field], { att: 'x' }).att!.join(), /multipart/);
    // Without fileTypes the backend's default list applies, and the global size limit.
    const plain = f('p', 'FILE');
    assert.match(errorsOf([plain], {}, { p: [exe] }).p!.join(), /not allowed/);
    assert.match(errorsOf([plain], {}, { p: [{ ...pdf, sizeBytes: 1001 }] }).p!.join(), /larger than 1000/);
    assert.deepEqual(errorsOf([f('p', 'FILE', { required: true })], {}), { p: ['is required'] });
  });
});

describe('validateAnswers: the submission as a whole', () => {
  const fields = [
    f('name', 'TEXT', { required: true }),
    f('age', 'NUMBER', { required: true, validation: { min: 18 } }),
    f('mail', 'EMAIL'),
    f('doc', 'FILE'),
  ];
  it('returns every error for every field at once', () => {
    const errors = errorsOf(
      fields,
      { age: 3, mail: 'nope', extra: 1 },
      { name: [{ fileName: 'x', contentType: 'text/plain', sizeBytes: 1 }] },
    );
    assert.deepEqual(Object.keys(errors).sort(), ['age', 'extra', 'mail', 'name']);
    assert.deepEqual(errors.extra, ['is not a field of this form']);
    assert.deepEqual(errors.name, ['does not accept files', 'is required']);
  });
  it('rejects answers that are not an object', () => {
    assert.deepEqual(errorsOf(fields, ['x']), { answers: ['must be an object of field keys to values'] });
  });
  it('keeps only normalized answered values', () => {
    const r = validateAnswers(fields, { name: ' Ann ', age: '30', mail: '' });
    assert.equal(r.valid, true);
    assert.deepEqual(r.values, { name: 'Ann', age: 30 });
  });
});

describe('validateAnswers: conditional visibility', () => {
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
  it('a hidden required field is not required, and its answer is dropped', () => {
    const r = validateAnswers(fields, { kind: 'bug', amount: 'garbage', reason: 'x', steps: 'do this' });
    assert.deepEqual(r.errors, {});
    assert.deepEqual(r.values, { kind: 'bug', steps: 'do this' });
    assert.deepEqual([...r.visible], ['kind', 'steps']);
  });
  it('a shown field is validated and required', () => {
    assert.deepEqual(validateAnswers(fields, { kind: 'refund' }).errors, { amount: ['is required'] });
    assert.deepEqual(validateAnswers(fields, { kind: 'refund', amount: 'x' }).errors, { amount: ['must be a number'] });
  });
  it('chains: a field depends on a field that is itself conditional (normalized values compare)', () => {
    assert.deepEqual(validateAnswers(fields, { kind: 'refund', amount: '1000', big: true }).errors, {
      reason: ['is required'],
    });
    const r = validateAnswers(fields, { kind: 'refund', amount: 1000, big: true, reason: 'Broken' });
    assert.deepEqual(r.values, { kind: 'refund', amount: 1000, big: true, reason: 'Broken' });
    // Once the head of the chain hides `amount`, everything after it is hidden too.
    assert.deepEqual(validateAnswers(fields, { kind: 'bug', amount: 1000, big: true }).values, { kind: 'bug' });
  });
  it('MULTISELECT conditions mean "contains"', () => {
    const ms: FieldDefinition[] = [
      f('tags', 'MULTISELECT', { options: opts }),
      f('why', 'TEXT', { required: true, visibleWhen: { field: 'tags', equals: 'b' } }),
    ];
    assert.deepEqual(validateAnswers(ms, { tags: ['a', 'b'] }).errors, { why: ['is required'] });
    assert.deepEqual(validateAnswers(ms, { tags: ['a'] }).errors, {});
  });
});
