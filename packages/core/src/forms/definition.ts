import { FORM_LIMITS } from './limits.js';
import { compilePattern } from './pattern.js';
import {
  addError,
  CHOICE_FIELD_TYPES,
  FORM_FIELD_TYPES,
  TEXT_FIELD_TYPES,
  type FieldDefinition,
  type FieldErrors,
  type FormFieldKind,
} from './types.js';
import { parseDate, parseDateTime } from './values.js';

/** Which validation keys each type understands. */
const VALIDATION_KEYS: Record<FormFieldKind, readonly string[]> = {
  TEXT: ['minLength', 'maxLength', 'pattern'],
  TEXTAREA: ['minLength', 'maxLength', 'pattern'],
  EMAIL: ['minLength', 'maxLength', 'pattern'],
  URL: ['minLength', 'maxLength', 'pattern'],
  PHONE: ['minLength', 'maxLength', 'pattern'],
  NUMBER: ['min', 'max'],
  DATE: ['min', 'max'],
  DATETIME: ['min', 'max'],
  MULTISELECT: ['min', 'max'],
  SELECT: [],
  RADIO: [],
  CHECKBOX: [],
  FILE: ['fileTypes', 'maxFileBytes', 'maxFiles'],
};

const FILE_TYPE_RE = /^(\.[A-Za-z0-9]{1,16}|[a-z]+\/(\*|[a-z0-9][a-z0-9.+-]{0,126}))$/i;

const isInt = (x: unknown, min = 0): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Checks a whole ordered field list: unique well-formed keys, labels, types, options for choice fields,
 * sane validation values (safe patterns that compile), valid defaults, and visibility conditions that refer
 * to an earlier, existing field (so chains are allowed and cycles impossible). Errors are keyed by path
 * (`fields[2].options`).
 */
export function validateFormDefinition(fields: readonly FieldDefinition[]): FieldErrors {
  const errors: FieldErrors = {};
  if (!Array.isArray(fields)) {
    addError(errors, 'fields', 'must be a list');
    return errors;
  }
  if (fields.length > FORM_LIMITS.maxFields)
    addError(errors, 'fields', `must have at most ${FORM_LIMITS.maxFields} fields`);
  const indexOfKey = new Map<string, number>();
  const lowerKeys = new Map<string, number>();
  fields.forEach((f, i) => {
    if (typeof f?.key !== 'string') return;
    if (!indexOfKey.has(f.key)) indexOfKey.set(f.key, i);
    if (!lowerKeys.has(f.key.toLowerCase())) lowerKeys.set(f.key.toLowerCase(), i);
  });

  fields.forEach((field, i) => {
    const at = (prop: string) => `fields[${i}].${prop}`;
    if (!isObject(field as unknown)) {
      addError(errors, `fields[${i}]`, 'must be an object');
      return;
    }
    if (typeof field.key !== 'string' || !FORM_LIMITS.keyPattern.test(field.key)) {
      addError(errors, at('key'), 'must start with a letter and contain only letters, digits and _ (at most 64)');
    } else if (lowerKeys.get(field.key.toLowerCase()) !== i) {
      addError(errors, at('key'), `duplicates the key of field ${lowerKeys.get(field.key.toLowerCase())}`);
    }
    if (typeof field.label !== 'string' || !field.label.trim()) addError(errors, at('label'), 'is required');
    else if (field.label.length > FORM_LIMITS.maxLabelLength) {
      addError(errors, at('label'), `must be at most ${FORM_LIMITS.maxLabelLength} characters`);
    }
    if (
      field.helpText != null &&
      (typeof field.helpText !== 'string' || field.helpText.length > FORM_LIMITS.maxHelpTextLength)
    ) {
      addError(errors, at('helpText'), `must be a string of at most ${FORM_LIMITS.maxHelpTextLength} characters`);
    }
    if (!(FORM_FIELD_TYPES as readonly string[]).includes(field.type)) {
      addError(errors, at('type'), `must be one of ${FORM_FIELD_TYPES.join(', ')}`);
      return;
    }
    if (field.required !== undefined && typeof field.required !== 'boolean')
      addError(errors, at('required'), 'must be a boolean');
    checkOptions(field, at, errors);
    checkValidation(field, at, errors);
    checkCondition(fields, field, i, indexOfKey, at, errors);
    checkDefault(field, at, errors);
  });
  return errors;
}

function checkOptions(field: FieldDefinition, at: (p: string) => string, errors: FieldErrors): void {
  const options = field.options;
  if (!CHOICE_FIELD_TYPES.has(field.type)) {
    if (options != null && !(Array.isArray(options) && options.length === 0)) {
      addError(errors, at('options'), `only SELECT, MULTISELECT and RADIO fields have options`);
    }
    return;
  }
  if (!Array.isArray(options) || options.length === 0) {
    addError(errors, at('options'), 'a choice field needs at least one option');
    return;
  }
  if (options.length > FORM_LIMITS.maxOptions)
    addError(errors, at('options'), `must have at most ${FORM_LIMITS.maxOptions} options`);
  const seen = new Set<string>();
  options.forEach((o, j) => {
    if (!isObject(o) || typeof o.value !== 'string' || !o.value || o.value.length > FORM_LIMITS.maxOptionLength) {
      addError(
        errors,
        `${at('options')}[${j}].value`,
        `must be a non-empty string of at most ${FORM_LIMITS.maxOptionLength} characters`,
      );
      return;
    }
    if (typeof o.label !== 'string' || !o.label.trim() || o.label.length > FORM_LIMITS.maxOptionLength) {
      addError(
        errors,
        `${at('options')}[${j}].label`,
        `must be a non-empty string of at most ${FORM_LIMITS.maxOptionLength} characters`,
      );
    }
    if (seen.has(o.value)) addError(errors, `${at('options')}[${j}].value`, `duplicates option "${o.value}"`);
    seen.add(o.value);
  });
}

function checkValidation(field: FieldDefinition, at: (p: string) => string, errors: FieldErrors): void {
  const v = field.validation;
  if (v == null) return;
  const where = (k: string) => `${at('validation')}.${k}`;
  if (!isObject(v)) {
    addError(errors, at('validation'), 'must be an object');
    return;
  }
  const allowed = VALIDATION_KEYS[field.type];
  for (const [k, value] of Object.entries(v)) {
    if (value !== undefined && value !== null && !allowed.includes(k))
      addError(errors, where(k), `does not apply to ${field.type} fields`);
  }
  if (TEXT_FIELD_TYPES.has(field.type)) {
    const cap = field.type === 'TEXTAREA' ? FORM_LIMITS.maxTextareaLength : FORM_LIMITS.maxTextLength;
    for (const k of ['minLength', 'maxLength'] as const) {
      if (v[k] != null && (!isInt(v[k]) || v[k] > cap))
        addError(errors, where(k), `must be an integer from 0 to ${cap}`);
    }
    if (isInt(v.minLength) && isInt(v.maxLength) && v.minLength > v.maxLength) {
      addError(errors, where('minLength'), 'must not be greater than maxLength');
    }
    if (v.pattern != null) {
      if (typeof v.pattern !== 'string' || !v.pattern) addError(errors, where('pattern'), 'must be a non-empty string');
      else {
        const compiled = compilePattern(v.pattern);
        if (!compiled.ok) addError(errors, where('pattern'), compiled.error);
      }
    }
  }
  if (field.type === 'NUMBER') {
    for (const k of ['min', 'max'] as const) {
      if (v[k] != null && (typeof v[k] !== 'number' || !Number.isFinite(v[k])))
        addError(errors, where(k), 'must be a number');
    }
    if (typeof v.min === 'number' && typeof v.max === 'number' && v.min > v.max)
      addError(errors, where('min'), 'must not be greater than max');
  }
  if (field.type === 'DATE' || field.type === 'DATETIME') {
    const parse = field.type === 'DATE' ? parseDate : parseDateTime;
    for (const k of ['min', 'max'] as const) {
      if (v[k] != null && !parse(v[k]).ok) {
        addError(
          errors,
          where(k),
          field.type === 'DATE' ? 'must be a date (YYYY-MM-DD)' : 'must be an ISO 8601 date-time with a zone',
        );
      }
    }
    const min = v.min != null ? parse(v.min) : null;
    const max = v.max != null ? parse(v.max) : null;
    if (min?.ok && max?.ok && Date.parse(min.value) > Date.parse(max.value))
      addError(errors, where('min'), 'must not be after max');
  }
  if (field.type === 'MULTISELECT') {
    const n = Array.isArray(field.options) ? field.options.length : 0;
    for (const k of ['min', 'max'] as const) {
      if (v[k] != null && (!isInt(v[k]) || v[k] > n))
        addError(errors, where(k), `must be an integer from 0 to the number of options (${n})`);
    }
    if (isInt(v.min) && isInt(v.max) && v.min > v.max) addError(errors, where('min'), 'must not be greater than max');
  }
  if (field.type === 'FILE') {
    if (v.fileTypes != null) {
      if (
        !Array.isArray(v.fileTypes) ||
        v.fileTypes.length === 0 ||
        v.fileTypes.some((t) => typeof t !== 'string' || !FILE_TYPE_RE.test(t))
      ) {
        addError(
          errors,
          where('fileTypes'),
          'must be a non-empty list of MIME types (image/png, image/*) or extensions (.pdf)',
        );
      }
    }
    if (v.maxFileBytes != null && !isInt(v.maxFileBytes, 1))
      addError(errors, where('maxFileBytes'), 'must be a positive integer');
    if (v.maxFiles != null && (!isInt(v.maxFiles, 1) || v.maxFiles > FORM_LIMITS.maxFilesPerField)) {
      addError(errors, where('maxFiles'), `must be an integer from 1 to ${FORM_LIMITS.maxFilesPerField}`);
    }
  }
}

function checkCondition(
  fields: readonly FieldDefinition[],
  field: FieldDefinition,
  i: number,
  indexOfKey: Map<string, number>,
  at: (p: string) => string,
  errors: FieldErrors,
): void {
  const cond = field.visibleWhen;
  if (cond == null) return;
  const where = at('visibleWhen');
  if (!isObject(cond) || typeof cond.field !== 'string') {
    addError(errors, where, 'must be an object { field, equals | in | notEquals }');
    return;
  }
  const target = indexOfKey.get(cond.field);
  if (target === undefined) {
    addError(errors, `${where}.field`, `refers to an unknown field "${cond.field}"`);
    return;
  }
  if (target === i) {
    addError(errors, `${where}.field`, 'a field cannot depend on itself (circular condition)');
    return;
  }
  if (target > i) {
    addError(
      errors,
      `${where}.field`,
      reachesBack(fields, target, field.key, indexOfKey)
        ? `circular condition: "${cond.field}" depends (directly or not) on "${field.key}"`
        : 'must refer to an earlier field',
    );
    return;
  }
  const source = fields[target]!;
  if (source.type === 'FILE') addError(errors, `${where}.field`, 'cannot depend on a FILE field');
  const ops = (['equals', 'in', 'notEquals'] as const).filter((k) => cond[k] !== undefined);
  if (ops.length !== 1) {
    addError(errors, where, 'needs exactly one of equals, in, notEquals');
    return;
  }
  const op = ops[0]!;
  const targets = op === 'in' ? cond.in : [cond[op]];
  if (!Array.isArray(targets) || targets.length === 0) {
    addError(errors, `${where}.in`, 'must be a non-empty list');
    return;
  }
  for (const value of targets) {
    const problem = conditionValueProblem(source, value);
    if (problem) addError(errors, `${where}.${op}`, problem);
  }
}

/** Does following visibleWhen from `from` lead back to `key`? */
function reachesBack(
  fields: readonly FieldDefinition[],
  from: number,
  key: string,
  indexOfKey: Map<string, number>,
): boolean {
  const seen = new Set<number>();
  let at: number | undefined = from;
  while (at !== undefined && !seen.has(at)) {
    seen.add(at);
    const next: string | undefined = fields[at]?.visibleWhen?.field;
    if (next === undefined) return false;
    if (next === key) return true;
    at = indexOfKey.get(next);
  }
  return false;
}

function conditionValueProblem(source: FieldDefinition, value: unknown): string | null {
  if (CHOICE_FIELD_TYPES.has(source.type)) {
    return (source.options ?? []).some((o) => o.value === value)
      ? null
      : `${JSON.stringify(value)} is not an option of "${source.key}"`;
  }
  if (source.type === 'CHECKBOX')
    return typeof value === 'boolean' ? null : 'must be true or false for a CHECKBOX field';
  if (source.type === 'NUMBER')
    return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number for a NUMBER field';
  return typeof value === 'string' ? null : 'must be a string';
}

function checkDefault(field: FieldDefinition, at: (p: string) => string, errors: FieldErrors): void {
  if (field.defaultValue === undefined || field.defaultValue === null) return;
  if (field.type === 'FILE') {
    addError(errors, at('defaultValue'), 'FILE fields have no default');
    return;
  }
  // Whether the default is a valid answer is the answers schema's call (the backend checks it with Ajv).
}
