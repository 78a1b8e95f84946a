import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnySchemaObject, FormatDefinition, KeywordDefinition } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { FORM_LIMITS } from '@nixflow/core';
import { RE2JS } from 're2js';

/**
 * Patterns run on RE2 (re2js): linear in the input whatever the pattern, so a field pattern such as
 * (a+)+$ cannot block the event loop. JSON Schema patterns are unanchored, hence `test` (find).
 */
const re2Engine: RegExpEngine = Object.assign(
  (pattern: string) => {
    const re = RE2JS.compile(pattern);
    // Ajv keys its compiled patterns by toString(): it must differ per pattern.
    return { test: (s: string) => re.test(s), toString: () => `re2:${pattern}` };
  },
  { code: 'RE2JS' },
);

/**
 * The formats the answers schema uses. e-mail and uri answers have maxLength ≤ maxTextLength, so a string
 * over twice that many UTF-16 units is invalid anyway: it is refused before the format's regex runs on
 * megabytes (the verdict is the one ajv-formats gives; only the time differs).
 */
const LONGEST_CHECKED = 2 * FORM_LIMITS.maxTextLength;
const guarded = (test: (s: string) => boolean): FormatDefinition<string> => ({
  type: 'string',
  validate: (s) => s.length <= LONGEST_CHECKED && test(s),
});
const emailFormat = fullFormats.email as RegExp;
const uriFormat = fullFormats.uri as (s: string) => boolean;
const dateFormat = fullFormats.date as { validate: (s: string) => boolean };
const dateTimeFormat = fullFormats['date-time'] as { validate: (s: string) => boolean };

/** DATE / DATETIME bounds (`x-minimum` / `x-maximum` in the schema): compared as instants for date-times. */
function boundKeyword(keyword: 'x-minimum' | 'x-maximum'): KeywordDefinition {
  const atLeast = keyword === 'x-minimum';
  return {
    keyword,
    type: 'string',
    schemaType: 'string',
    compile: (bound: string, parent: AnySchemaObject) => {
      const asTime = parent.format === 'date-time';
      const limit = asTime ? Date.parse(bound) : bound;
      return (value: string) => {
        const v = asTime ? Date.parse(value) : value;
        // Not a date at all: the format keyword reports it.
        if (asTime && Number.isNaN(v)) return true;
        return atLeast ? v >= limit : v <= limit;
      };
    },
  };
}

/** The annotations FILE fields carry for renderers; uploads are checked outside the schema. */
const FILE_ANNOTATIONS = ['x-accept', 'x-maxFileBytes', 'x-multipart'];

/** A strict Ajv (draft 2020-12) that reports every error, for compiling form answer schemas. */
export function createAnswersAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, code: { regExp: re2Engine } });
  ajv.addFormat(
    'email',
    guarded((s) => emailFormat.test(s)),
  );
  ajv.addFormat('uri', guarded(uriFormat));
  ajv.addFormat('date', { type: 'string', validate: (s) => dateFormat.validate(s) });
  ajv.addFormat('date-time', { type: 'string', validate: (s) => dateTimeFormat.validate(s) });
  ajv.addKeyword(boundKeyword('x-minimum'));
  ajv.addKeyword(boundKeyword('x-maximum'));
  ajv.addVocabulary(FILE_ANNOTATIONS);
  return ajv;
}
