import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildFormRenderContract, composeTicket, JSON_SCHEMA_DIALECT, type FieldDefinition } from '../../src/index.js';

const fields: FieldDefinition[] = [
  {
    key: 'title',
    label: 'Title',
    type: 'TEXT',
    required: true,
    helpText: 'Short summary',
    validation: { maxLength: 80, pattern: '[A-Za-z ]+' },
  },
  {
    key: 'kind',
    label: 'Kind',
    type: 'RADIO',
    required: true,
    options: [
      { value: 'refund', label: 'Refund' },
      { value: 'bug', label: 'Bug' },
    ],
  },
  {
    key: 'amount',
    label: 'Amount',
    type: 'NUMBER',
    required: true,
    validation: { min: 1 },
    visibleWhen: { field: 'kind', equals: 'refund' },
  },
  {
    key: 'areas',
    label: 'Areas',
    type: 'MULTISELECT',
    options: [
      { value: 'ui', label: 'User interface' },
      { value: 'api', label: 'API' },
    ],
  },
  { key: 'agree', label: 'I agree', type: 'CHECKBOX', required: true },
  { key: 'when', label: 'When', type: 'DATE', defaultValue: '2024-01-01' },
  { key: 'shot', label: 'Screenshot', type: 'FILE', validation: { fileTypes: ['image/*'], maxFileBytes: 5000 } },
  { key: 'notes', label: 'Notes', type: 'TEXTAREA' },
];

describe('buildFormRenderContract', () => {
  const contract = buildFormRenderContract({
    id: 'f1',
    name: 'Refunds',
    description: 'Ask for money',
    version: 3,
    allowAnonymous: true,
    fields,
  });
  it('is a draft 2020-12 object schema of the answers', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deep reads into a JSON document
    const s = contract.schema as Record<string, any>;
    assert.equal(s.$schema, JSON_SCHEMA_DIALECT);
    assert.equal(s.type, 'object');
    assert.equal(s.additionalProperties, false);
    assert.deepEqual(s.required, ['title', 'kind', 'agree']);
    assert.deepEqual(s.properties.title, {
      title: 'Title',
      description: 'Short summary',
      type: 'string',
      minLength: 1,
      maxLength: 80,
      pattern: '^(?:[A-Za-z ]+)$',
    });
    assert.deepEqual(s.properties.kind.oneOf, [
      { const: 'refund', title: 'Refund' },
      { const: 'bug', title: 'Bug' },
    ]);
    assert.equal(s.properties.areas.type, 'array');
    assert.equal(s.properties.areas.uniqueItems, true);
    assert.equal(s.properties.agree.const, true);
    assert.equal(s.properties.when.format, 'date');
    assert.equal(s.properties.when.default, '2024-01-01');
    assert.equal(s.properties.shot['x-multipart'], true);
    // A conditional field is validated, and required, only while shown; hidden, any plain answer goes.
    assert.deepEqual(s.properties.amount, { title: 'Amount', $ref: '#/$defs/hiddenAnswer' });
    assert.deepEqual(s.allOf, [
      {
        if: {
          properties: { kind: { anyOf: [{ const: 'refund' }, { type: 'array', contains: { const: 'refund' } }] } },
          required: ['kind'],
        },
        then: {
          properties: { amount: { title: 'Amount', type: 'number', minimum: 1 } },
          required: ['amount'],
        },
      },
    ]);
    assert.ok(s.$defs.hiddenAnswer.anyOf);
  });
  it('chains: a field is shown only when the field it depends on is shown too', () => {
    const chained = buildFormRenderContract({
      id: 'f2',
      name: 'Chain',
      version: 1,
      allowAnonymous: false,
      fields: [
        { key: 'a', label: 'A', type: 'CHECKBOX' },
        { key: 'b', label: 'B', type: 'CHECKBOX', visibleWhen: { field: 'a', equals: true } },
        { key: 'c', label: 'C', type: 'TEXT', required: true, visibleWhen: { field: 'b', equals: true } },
      ],
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deep reads into a JSON document
    const allOf = (chained.schema as Record<string, any>).allOf;
    assert.equal(allOf.length, 2);
    assert.deepEqual(
      allOf[1].if.allOf.map((c: { required: string[] }) => c.required),
      [['b'], ['a']],
    );
  });
  it('carries UI order, labels, help, widgets and conditions', () => {
    assert.equal(contract.formId, 'f1');
    assert.equal(contract.version, 3);
    assert.equal(contract.multipart, true);
    assert.deepEqual(
      contract.ui.order,
      fields.map((x) => x.key),
    );
    const amount = contract.ui.fields.find((x) => x.key === 'amount')!;
    assert.deepEqual(amount.visibleWhen, { field: 'kind', equals: 'refund' });
    assert.equal(amount.widget, 'number');
    const shot = contract.ui.fields.find((x) => x.key === 'shot')!;
    assert.deepEqual(shot.accept, ['image/*']);
    assert.equal(shot.maxFiles, 1);
    assert.equal(contract.ui.fields[0]!.helpText, 'Short summary');
  });
});

describe('composeTicket', () => {
  const values = {
    title: 'Broken invoice',
    kind: 'refund',
    amount: 30,
    areas: ['ui', 'api'],
    agree: true,
    notes: 'line 1\nline 2',
    shot: [{ fileName: 's.png', contentType: 'image/png', sizeBytes: 3 }],
  };
  it('subject from the first short answer, description lists answers in order with labels', () => {
    const t = composeTicket({ formName: 'Refunds', formVersion: 2, fields, values });
    assert.equal(t.subject, 'Refunds: Broken invoice');
    assert.equal(
      t.description,
      [
        'Title: Broken invoice',
        'Kind: Refund',
        'Amount: 30',
        'Areas: User interface, API',
        'I agree: Yes',
        'Screenshot: s.png',
        'Notes:\nline 1\nline 2',
        '',
        'Submitted through the form "Refunds" (version 2).',
      ].join('\n'),
    );
  });
  it('subject template, truncated to 200 characters', () => {
    assert.equal(
      composeTicket({
        formName: 'R',
        formVersion: 1,
        fields,
        values,
        subjectTemplate: '[{{kind}}] {{ title }} {{missing}}',
      }).subject,
      '[Refund] Broken invoice',
    );
    const long = composeTicket({ formName: 'R', formVersion: 1, fields, values: { title: 'x'.repeat(300) } }).subject;
    assert.equal(Array.from(long).length, 200);
    assert.equal(composeTicket({ formName: 'Only name', formVersion: 1, fields, values: {} }).subject, 'Only name');
  });
});
