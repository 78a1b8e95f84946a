import type { ErrorObject } from 'ajv';
import { addError, HTTP_URL_PATTERN, PHONE_PATTERN, type FieldDefinition, type FieldErrors } from '@nixflow/core';

const DATETIME_MESSAGE = 'must be a date-time with a time zone (ISO 8601, e.g. 2024-05-01T09:30:00Z)';

/** What an answer of the wrong JSON type should have been, in the form user's words. */
const EXPECTED: Record<FieldDefinition['type'], string> = {
  TEXT: 'must be a text',
  TEXTAREA: 'must be a text',
  EMAIL: 'must be an e-mail address',
  URL: 'must be a valid http(s) URL',
  PHONE: 'must be a phone number',
  NUMBER: 'must be a number',
  DATE: 'must be a date (YYYY-MM-DD)',
  DATETIME: DATETIME_MESSAGE,
  SELECT: 'must be one of the options',
  RADIO: 'must be one of the options',
  MULTISELECT: 'must be a list of options',
  CHECKBOX: 'must be true or false',
  FILE: 'upload files as multipart/form-data under the field key',
};

const FORMAT_MESSAGES: Record<string, string> = {
  email: 'must be a valid e-mail address',
  uri: 'must be a valid http(s) URL',
  date: 'must be a valid date (YYYY-MM-DD)',
  'date-time': DATETIME_MESSAGE,
};

/** The field an error is about: the first segment of its JSON pointer (~1 and ~0 unescaped). */
function fieldKeyOf(error: ErrorObject): string | null {
  const first = error.instancePath.split('/')[1];
  return first === undefined ? null : first.replace(/~1/g, '/').replace(/~0/g, '~');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * One message for one Ajv error, or null for errors that only summarize others (oneOf/anyOf branches, if,
 * the `const` alternatives of an option list).
 */
function messageFor(error: ErrorObject, field: FieldDefinition, answer: unknown): string | null {
  const p = error.params as Record<string, unknown>;
  const v = field.validation ?? {};
  const isItem = error.instancePath.split('/').length > 2;
  if (error.schemaPath.includes('/hiddenAnswer/')) {
    return error.keyword === 'anyOf' && !isItem ? 'must be a text, number, true/false or a list of those' : null;
  }
  switch (error.keyword) {
    case 'type':
      return isItem ? 'must be a list of options' : EXPECTED[field.type];
    case 'minLength':
      return p.limit === 1 && field.required && answer === ''
        ? 'is required'
        : `must be at least ${plural(p.limit as number, 'character')}`;
    case 'maxLength':
      return `must be at most ${plural(p.limit as number, 'character')}`;
    case 'pattern':
      if (p.pattern === HTTP_URL_PATTERN) return 'must be a valid http(s) URL';
      if (p.pattern === PHONE_PATTERN) return 'must be a valid phone number (5 to 15 digits)';
      return 'does not match the required format';
    case 'format':
      return FORMAT_MESSAGES[p.format as string] ?? 'has an invalid format';
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'x-minimum':
      return field.type === 'DATE' ? `must be on or after ${String(v.min)}` : `must be at or after ${String(v.min)}`;
    case 'x-maximum':
      return field.type === 'DATE' ? `must be on or before ${String(v.max)}` : `must be at or before ${String(v.max)}`;
    case 'oneOf':
      return 'must be one of the options';
    case 'enum': {
      const index = Number(error.instancePath.split('/')[2]);
      const item = Array.isArray(answer) ? answer[index] : undefined;
      return `contains values that are not options: ${String(item)}`;
    }
    case 'uniqueItems':
      return 'must not repeat an option';
    case 'minItems':
      if (field.type === 'FILE' || (field.required && Array.isArray(answer) && answer.length === 0))
        return 'is required';
      return `must have at least ${plural(p.limit as number, 'selection')}`;
    case 'maxItems':
      return field.type === 'FILE'
        ? `accepts at most ${plural(p.limit as number, 'file')}`
        : `must have at most ${plural(p.limit as number, 'selection')}`;
    case 'const':
      // A required checkbox is `const: true`; the other consts are the options of a oneOf.
      return field.type === 'CHECKBOX' ? 'must be checked' : null;
    default:
      return null;
  }
}

/**
 * Ajv's errors as the field-error body: keyed by field, in words a form user understands ("contact: must
 * be a valid e-mail address", not "must match format \"email\""), each message once.
 */
export function answerErrors(errors: readonly ErrorObject[], fields: readonly FieldDefinition[], answers: unknown) {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  // No prototype: a key such as __proto__ is an ordinary entry here.
  const out = Object.create(null) as FieldErrors;
  const add = (key: string, message: string) => {
    if (!out[key]?.includes(message)) addError(out, key, message);
  };
  for (const error of errors) {
    const key = fieldKeyOf(error);
    if (key === null) {
      const p = error.params as Record<string, unknown>;
      if (error.keyword === 'required') {
        const missing = String(p.missingProperty);
        add(missing, byKey.get(missing)?.type === 'CHECKBOX' ? 'must be checked' : 'is required');
      } else if (error.keyword === 'additionalProperties') {
        add(String(p.additionalProperty), 'is not a field of this form');
      } else if (error.keyword === 'type') {
        add('answers', 'must be an object of field keys to values');
      }
      continue;
    }
    const field = byKey.get(key);
    const answer = (answers as Record<string, unknown>)[key];
    const message = field ? messageFor(error, field, answer) : 'is not a field of this form';
    if (message) add(key, message);
  }
  return out;
}
