import { checkFieldValue, type AnswerRules } from './field-value.js';
import { addError, type FieldDefinition, type FieldErrors, type FileMeta } from './types.js';
import { isBlank } from './values.js';
import { isVisible } from './visibility.js';

export interface AnswersValidation {
  valid: boolean;
  /** Every problem, per field key (`answers` for the body as a whole). */
  errors: FieldErrors;
  /** Normalized answers of the visible, answered fields: what gets stored. */
  values: Record<string, unknown>;
  /** Keys of the visible fields. */
  visible: Set<string>;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Validates a submission against a (valid) form definition. Hidden fields (conditions not met) are
 * neither required nor validated, and their answers are dropped. FILE fields take their value from
 * `files` (uploads keyed by field key), never from `answers`. Returns all errors at once.
 */
export function validateAnswers(
  fields: readonly FieldDefinition[],
  answers: unknown,
  files: Readonly<Record<string, readonly FileMeta[]>> = {},
  rules: AnswerRules = {},
): AnswersValidation {
  const errors: FieldErrors = {};
  const values: Record<string, unknown> = {};
  const visible = new Set<string>();
  if (answers === undefined || answers === null) answers = {};
  if (!isPlainObject(answers)) {
    addError(errors, 'answers', 'must be an object of field keys to values');
    return { valid: false, errors, values, visible };
  }
  const given = answers;
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const key of Object.keys(given)) {
    const field = byKey.get(key);
    if (!field) addError(errors, key, 'is not a field of this form');
    else if (field.type === 'FILE' && given[key] !== undefined && given[key] !== null) {
      addError(errors, key, 'upload files as multipart/form-data under the field key');
    }
  }
  for (const key of Object.keys(files)) {
    const field = byKey.get(key);
    if (!field) addError(errors, key, 'is not a field of this form');
    else if (field.type !== 'FILE') addError(errors, key, 'does not accept files');
  }

  // Fields are walked in order (a condition refers to an earlier field), comparing against the
  // normalized answer when it is valid, else the raw one.
  const normalized = new Map<string, unknown>();
  const valueOf = (key: string): unknown => (normalized.has(key) ? normalized.get(key) : given[key]);
  for (const field of fields) {
    if (!isVisible(field, visible, valueOf)) continue;
    visible.add(field.key);
    const raw = field.type === 'FILE' ? (files[field.key] ?? []) : given[field.key];
    if (isBlank(raw) || (field.type === 'CHECKBOX' && raw === false)) {
      if (field.required) addError(errors, field.key, field.type === 'CHECKBOX' ? 'must be checked' : 'is required');
      else if (raw === false) {
        values[field.key] = false;
        normalized.set(field.key, false);
      }
      continue;
    }
    const check = checkFieldValue(field, raw, rules);
    if (check.ok) {
      values[field.key] = check.value;
      normalized.set(field.key, check.value);
    } else {
      for (const message of check.errors) addError(errors, field.key, message);
    }
  }
  return { valid: Object.keys(errors).length === 0, errors, values, visible };
}
