import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compilePattern,
  unsupportedPatternReason,
  validateFormDefinition,
  type FieldDefinition,
} from '../../src/index.js';

const f = (key: string, type: FieldDefinition['type'], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  key,
  label: `Label ${key}`,
  type,
  ...extra,
});
const opts = [
  { value: 'a', label: 'A' },
  { value: 'b', label: 'B' },
];

describe('validateFormDefinition', () => {
  it('accepts a well-formed definition with every type', () => {
    const fields: FieldDefinition[] = [
      f('text', 'TEXT', {
        required: true,
        validation: { minLength: 1, maxLength: 50, pattern: '[A-Z][a-z]+' },
        defaultValue: 'Ann',
      }),
      f('area', 'TEXTAREA', { validation: { maxLength: 5000 } }),
      f('num', 'NUMBER', { validation: { min: 0, max: 10 }, defaultValue: 5 }),
      f('mail', 'EMAIL'),
      f('url', 'URL'),
      f('phone', 'PHONE'),
      f('date', 'DATE', { validation: { min: '2024-01-01', max: '2024-12-31' } }),
      f('dt', 'DATETIME', { validation: { min: '2024-01-01T00:00:00Z' } }),
      f('sel', 'SELECT', { options: opts, defaultValue: 'a' }),
      f('multi', 'MULTISELECT', { options: opts, validation: { min: 1, max: 2 } }),
      f('check', 'CHECKBOX', { visibleWhen: { field: 'sel', equals: 'b' } }),
      f('radio', 'RADIO', { options: opts, visibleWhen: { field: 'check', equals: true } }),
      f('file', 'FILE', {
        validation: { fileTypes: ['.pdf', 'image/*'], maxFileBytes: 1000, maxFiles: 3 },
        visibleWhen: { field: 'num', in: [1, 2] },
      }),
    ];
    assert.deepEqual(validateFormDefinition(fields), {});
  });

  it('reports every problem with its path', () => {
    const errors = validateFormDefinition([
      f('dup', 'TEXT'),
      f('Dup', 'TEXT'),
      f('1bad', 'TEXT', { label: ' ' }),
      f('sel', 'SELECT'),
      f('sel2', 'RADIO', {
        options: [
          { value: 'x', label: 'X' },
          { value: 'x', label: 'Y' },
        ],
      }),
      f('txt', 'TEXT', { options: opts, validation: { min: 3, minLength: 10, maxLength: 5 } }),
      f('num', 'NUMBER', { validation: { min: 5, max: 1 } }),
      f('date', 'DATE', { validation: { min: 'yesterday' } }),
      f('file', 'FILE', {
        validation: { fileTypes: ['not a type'], maxFileBytes: 0, maxFiles: 50 },
        defaultValue: 'x',
      }),
    ] as FieldDefinition[]);
    assert.match(errors['fields[1].key']!.join(), /duplicates the key of field 0/);
    assert.ok(errors['fields[2].key']);
    assert.deepEqual(errors['fields[2].label'], ['is required']);
    assert.match(errors['fields[3].options']!.join(), /at least one option/);
    assert.match(errors['fields[4].options[1].value']!.join(), /duplicates option "x"/);
    assert.match(errors['fields[5].options']!.join(), /only SELECT/);
    assert.match(errors['fields[5].validation.min']!.join(), /does not apply to TEXT/);
    assert.match(errors['fields[5].validation.minLength']!.join(), /greater than maxLength/);
    assert.match(errors['fields[6].validation.min']!.join(), /greater than max/);
    assert.match(errors['fields[7].validation.min']!.join(), /YYYY-MM-DD/);
    assert.ok(errors['fields[8].validation.fileTypes']);
    assert.ok(errors['fields[8].validation.maxFileBytes']);
    assert.ok(errors['fields[8].validation.maxFiles']);
    assert.match(errors['fields[8].defaultValue']!.join(), /no default/);
  });

  it('rejects unknown types and too many fields', () => {
    assert.ok(validateFormDefinition([{ key: 'a', label: 'A', type: 'COLOR' as never }])['fields[0].type']);
    const many = Array.from({ length: 101 }, (_, i) => f(`k${i}`, 'TEXT'));
    assert.ok(validateFormDefinition(many).fields);
  });

  describe('visibility conditions', () => {
    it('must refer to an existing, earlier, non-file field', () => {
      const errors = validateFormDefinition([
        f('a', 'TEXT', { visibleWhen: { field: 'b', equals: 'x' } }),
        f('b', 'TEXT'),
        f('c', 'TEXT', { visibleWhen: { field: 'nope', equals: 'x' } }),
        f('up', 'FILE'),
        f('d', 'TEXT', { visibleWhen: { field: 'up', equals: 'x' } }),
      ]);
      assert.deepEqual(errors['fields[0].visibleWhen.field'], ['must refer to an earlier field']);
      assert.match(errors['fields[2].visibleWhen.field']!.join(), /unknown field "nope"/);
      assert.match(errors['fields[4].visibleWhen.field']!.join(), /FILE/);
    });
    it('rejects cycles, including self-references', () => {
      const errors = validateFormDefinition([
        f('a', 'TEXT', { visibleWhen: { field: 'c', equals: 'x' } }),
        f('b', 'TEXT', { visibleWhen: { field: 'a', equals: 'x' } }),
        f('c', 'TEXT', { visibleWhen: { field: 'b', equals: 'x' } }),
        f('d', 'TEXT', { visibleWhen: { field: 'd', equals: 'x' } }),
      ]);
      assert.match(errors['fields[0].visibleWhen.field']!.join(), /circular condition/);
      assert.match(errors['fields[3].visibleWhen.field']!.join(), /itself/);
    });
    it('needs exactly one operator with values of the right kind', () => {
      const errors = validateFormDefinition([
        f('s', 'SELECT', { options: opts }),
        f('n', 'NUMBER'),
        f('c', 'CHECKBOX'),
        f('x1', 'TEXT', { visibleWhen: { field: 's', equals: 'zz' } }),
        f('x2', 'TEXT', { visibleWhen: { field: 'n', equals: '3' } }),
        f('x3', 'TEXT', { visibleWhen: { field: 'c', equals: 'yes' } }),
        f('x4', 'TEXT', { visibleWhen: { field: 's', equals: 'a', notEquals: 'b' } }),
        f('x5', 'TEXT', { visibleWhen: { field: 's', in: [] } }),
        f('x6', 'TEXT', { visibleWhen: { field: 's', in: ['a', 'b'] } }),
      ]);
      assert.match(errors['fields[3].visibleWhen.equals']!.join(), /not an option/);
      assert.match(errors['fields[4].visibleWhen.equals']!.join(), /number/);
      assert.match(errors['fields[5].visibleWhen.equals']!.join(), /true or false/);
      assert.match(errors['fields[6].visibleWhen']!.join(), /exactly one/);
      assert.match(errors['fields[7].visibleWhen.in']!.join(), /non-empty/);
      assert.equal(errors['fields[8].visibleWhen'], undefined);
    });
  });

  describe('patterns', () => {
    it('rejects what RE2 cannot run, over-long and invalid patterns, with a clear message', () => {
      const cases: [string, RegExp][] = [
        ['(a)\\1', /backreferences/],
        ['(?<x>a)\\k<x>', /backreferences/],
        ['a(?=b)', /lookahead and lookbehind/],
        ['a(?!b)', /lookahead and lookbehind/],
        ['(?<=a)b', /lookahead and lookbehind/],
        ['(?<!a)b', /lookahead and lookbehind/],
        ['(', /not a valid regular expression/],
        ['a'.repeat(201), /at most 200 characters/],
      ];
      for (const [p, message] of cases) {
        const errors = validateFormDefinition([f('t', 'TEXT', { validation: { pattern: p } })]);
        assert.match(errors['fields[0].validation.pattern']?.join() ?? '', message, p);
      }
      assert.equal(unsupportedPatternReason('[(?=]x'), null, 'inside a class, (?= is literal');
    });
    it('accepts ordinary patterns and ones that would backtrack in a JS engine, compiled anchored once', () => {
      for (const p of [
        '[A-Z]{2}-\\d{4}',
        '(ab)+',
        '(\\d{3})-(\\d{4})',
        '(red|green|blue)',
        '\\+?[0-9 ]+',
        '(\\d{1,3}\\.){3}\\d{1,3}',
        '(a+)+',
        'x(\\w|\\d)*y',
        '\\p{L}+',
      ]) {
        assert.ok(compilePattern(p).ok, p);
      }
      const r = compilePattern('[A-Z]{2}-\\d{4}');
      assert.ok(r.ok && r.regex.test('AB-1234') && !r.regex.test('xAB-1234') && !r.regex.test('AB-12345'));
      const again = compilePattern('[A-Z]{2}-\\d{4}');
      assert.ok(r.ok && again.ok && again.regex === r.regex);
      const letters = compilePattern('\\p{L}+');
      assert.ok(letters.ok && letters.regex.test('Zoë') && !letters.regex.test('Zoë1'));
    });
  });
});

describe('patterns run in linear time (RE2)', () => {
  /** Median cost in ns of matching `input`, over a few runs (no absolute timing is asserted). */
  const cost = (test: (v: string) => boolean, input: string): number => {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = process.hrtime.bigint();
      test(input);
      runs.push(Number(process.hrtime.bigint() - start));
    }
    return runs.sort((a, b) => a - b)[3]!;
  };
  it('x(\\w|\\d)*y completes on long inputs; 100 KB costs about 100 × 1 KB, not exponentially more', () => {
    const r = compilePattern('x(\\w|\\d)*y');
    assert.ok(r.ok);
    const small = 'x' + 'a1'.repeat(500);
    const large = 'x' + 'a1'.repeat(50_000);
    assert.equal(r.regex.test(small), false);
    assert.equal(r.regex.test(large), false);
    assert.equal(r.regex.test(large + 'y'), true);
    // Warm-up (JIT) on both sizes, so the ratio compares steady states.
    cost(r.regex.test, small);
    cost(r.regex.test, large);
    const ratio = cost(r.regex.test, large) / cost(r.regex.test, small);
    // Linear: ~100 (quadratic would be ~10 000). A backtracking engine is exponential here: the 1 KB
    // case alone would not finish.
    assert.ok(ratio < 1000, `cost ratio 100 KB / 1 KB = ${ratio.toFixed(1)}`);
  });
});
