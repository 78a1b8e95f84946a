import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_JSON_DEPTH, bodyProblem } from '../../src/common/body-guard.js';

const nest = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

describe('request body guard', () => {
  it('accepts ordinary bodies, emoji and combining marks included', () => {
    assert.equal(bodyProblem({ a: 'Zoë 🙂 𝔘', b: [1, { c: 'é'.normalize('NFD') }], d: null }), undefined);
    assert.equal(bodyProblem(nest(MAX_JSON_DEPTH)), undefined);
  });

  it('rejects nesting deeper than the limit without overflowing its own stack', () => {
    assert.equal(bodyProblem(nest(MAX_JSON_DEPTH + 1)), 'too-deep');
    assert.equal(bodyProblem(nest(200_000)), 'too-deep');
  });

  it('rejects NUL bytes and lone surrogates in values and in keys', () => {
    assert.equal(bodyProblem({ a: 'x\u0000y' }), 'nul');
    assert.equal(bodyProblem({ 'k\u0000': 1 }), 'nul');
    assert.equal(bodyProblem({ a: ['\ud800'] }), 'lone-surrogate');
    assert.equal(bodyProblem({ a: 'x\udfffy' }), 'lone-surrogate');
    assert.equal(bodyProblem({ ['\udc00']: 1 }), 'lone-surrogate');
  });

  it('flags a string exactly when it is not well-formed UTF-16 or holds NUL (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        const wellFormed = (s as unknown as { isWellFormed(): boolean }).isWellFormed();
        const expected = s.includes('\u0000') ? 'nul' : wellFormed ? undefined : 'lone-surrogate';
        assert.equal(bodyProblem({ s }), expected);
      }),
      { numRuns: 2000 },
    );
  });
});
