import { FORM_LIMITS } from './limits.js';
import type { FieldDefinition, FieldOption, VisibilityCondition } from './types.js';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export type JsonSchema = Record<string, unknown>;

/** Rendering hints for one field, in display order. */
export interface FieldUiHint {
  key: string;
  label: string;
  helpText: string | null;
  type: FieldDefinition['type'];
  /** text, textarea, number, email, url, tel, date, datetime-local, select, multiselect, checkbox, radio, file */
  widget: string;
  required: boolean;
  defaultValue?: unknown;
  options?: FieldOption[];
  /** Show the field only when this holds (see FormRenderContract.conditions). */
  visibleWhen: VisibilityCondition | null;
  /** FILE: accept attribute (MIME types / extensions), limits. */
  accept?: string[];
  maxFileBytes?: number;
  maxFiles?: number;
}

/**
 * What GET /api/forms/:id/schema returns: a JSON Schema (draft 2020-12) of the `answers` object, plus UI
 * hints (order, labels, help, widgets, visibility conditions) so a SPA can render the form directly.
 *
 * Conditions: a field with `visibleWhen` is shown only when the referenced (earlier) field is shown and
 * its answer equals `equals`, is one of `in`, or differs from `notEquals` (for a MULTISELECT answer:
 * contains). Answers of hidden fields are ignored by the server; a hidden required field is not required.
 * FILE fields are sent as multipart/form-data parts named after the field key, with `answers` as a JSON
 * string part; the schema describes them as arrays of binary strings.
 */
export interface FormRenderContract {
  formId: string;
  version: number;
  name: string;
  description: string | null;
  allowAnonymous: boolean;
  /** Whether the submission must be sent as multipart/form-data (the form has FILE fields). */
  multipart: boolean;
  schema: JsonSchema;
  ui: { order: string[]; fields: FieldUiHint[] };
}

const WIDGETS: Record<FieldDefinition['type'], string> = {
  TEXT: 'text',
  TEXTAREA: 'textarea',
  NUMBER: 'number',
  EMAIL: 'email',
  URL: 'url',
  PHONE: 'tel',
  DATE: 'date',
  DATETIME: 'datetime-local',
  SELECT: 'select',
  MULTISELECT: 'multiselect',
  CHECKBOX: 'checkbox',
  RADIO: 'radio',
  FILE: 'file',
};

/** 5 to 15 digits, an optional leading +, spaces, dots, dashes and parentheses between them. */
export const PHONE_PATTERN = '^\\+?[0-9](?:[ ().-]*[0-9]){4,14}[ ().-]*$';
/** Only web addresses: `format: uri` alone would take mailto:, javascript: and the like. */
export const HTTP_URL_PATTERN = '^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]';

/**
 * What the answer of a hidden (conditional, condition not met) field may be: any answer of any field
 * type (a scalar, or a list of scalars), which the server then ignores. Never an object, so no key can
 * reach Object.prototype, and never nested, so checking it is cheap.
 */
export const HIDDEN_ANSWER_DEF = 'hiddenAnswer';
const SCALARS: JsonSchema[] = [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }];
const HIDDEN_ANSWER_SCHEMA: JsonSchema = {
  anyOf: [...SCALARS, { type: 'array', items: { anyOf: SCALARS } }],
};

function choices(field: FieldDefinition): JsonSchema[] {
  return (field.options ?? []).map((o) => ({ const: o.value, title: o.label }));
}

/** The JSON Schema of one field's answer. */
export function fieldJsonSchema(field: FieldDefinition): JsonSchema {
  const v = field.validation ?? {};
  const s: JsonSchema = { title: field.label };
  if (field.helpText) s.description = field.helpText;
  if (field.defaultValue !== undefined && field.defaultValue !== null) s.default = field.defaultValue;
  switch (field.type) {
    case 'TEXT':
    case 'TEXTAREA':
    case 'EMAIL':
    case 'URL':
    case 'PHONE': {
      s.type = 'string';
      const cap = field.type === 'TEXTAREA' ? FORM_LIMITS.maxTextareaLength : FORM_LIMITS.maxTextLength;
      // Required means a non-empty answer.
      const minLength = field.required ? Math.max(1, v.minLength ?? 1) : v.minLength;
      if (minLength !== undefined) s.minLength = minLength;
      s.maxLength = Math.min(v.maxLength ?? cap, cap);
      if (field.type === 'EMAIL') s.format = 'email';
      if (field.type === 'URL') s.format = 'uri';
      if (v.pattern) s.pattern = `^(?:${v.pattern})$`;
      // The type's own rule sits in allOf, so a field pattern can come on top of it.
      if (field.type === 'URL') s.allOf = [{ pattern: HTTP_URL_PATTERN }];
      if (field.type === 'PHONE') s.allOf = [{ pattern: PHONE_PATTERN }];
      break;
    }
    case 'NUMBER':
      s.type = 'number';
      if (typeof v.min === 'number') s.minimum = v.min;
      if (typeof v.max === 'number') s.maximum = v.max;
      break;
    case 'DATE':
    case 'DATETIME':
      s.type = 'string';
      s.format = field.type === 'DATE' ? 'date' : 'date-time';
      if (typeof v.min === 'string') s['x-minimum'] = v.min;
      if (typeof v.max === 'string') s['x-maximum'] = v.max;
      break;
    case 'SELECT':
    case 'RADIO':
      s.type = 'string';
      s.oneOf = choices(field);
      break;
    case 'MULTISELECT':
      s.type = 'array';
      // enum, not oneOf const/title: one error per wrong item, not one per item and option (the labels are
      // in ui.fields).
      s.items = { type: 'string', enum: (field.options ?? []).map((o) => o.value) };
      s.uniqueItems = true;
      if (typeof v.min === 'number') s.minItems = v.min;
      else if (field.required) s.minItems = 1;
      if (typeof v.max === 'number') s.maxItems = v.max;
      break;
    case 'CHECKBOX':
      s.type = 'boolean';
      if (field.required) s.const = true;
      break;
    case 'FILE':
      s.type = 'array';
      s.items = { type: 'string', contentEncoding: 'binary' };
      s.maxItems = v.maxFiles ?? 1;
      if (field.required) s.minItems = 1;
      if (v.maxFileBytes) s['x-maxFileBytes'] = v.maxFileBytes;
      if (v.fileTypes) s['x-accept'] = v.fileTypes;
      s['x-multipart'] = true;
      break;
  }
  return s;
}

function conditionSchema(cond: VisibilityCondition): JsonSchema {
  if (cond.equals !== undefined)
    return {
      properties: {
        [cond.field]: { anyOf: [{ const: cond.equals }, { type: 'array', contains: { const: cond.equals } }] },
      },
      required: [cond.field],
    };
  if (cond.in !== undefined) {
    const consts = cond.in.map((c) => ({ const: c }));
    return {
      properties: { [cond.field]: { anyOf: [...consts, { type: 'array', contains: { anyOf: consts } }] } },
      required: [cond.field],
    };
  }
  return {
    not: {
      properties: {
        [cond.field]: { anyOf: [{ const: cond.notEquals }, { type: 'array', contains: { const: cond.notEquals } }] },
      },
      required: [cond.field],
    },
  };
}

/**
 * When a field is shown: its own condition holds and the field it depends on is shown too (chains), as
 * the server decides it. Null for a field without condition.
 */
function visibilitySchema(field: FieldDefinition, byKey: ReadonlyMap<string, FieldDefinition>): JsonSchema | null {
  const conditions: JsonSchema[] = [];
  const seen = new Set<string>();
  for (
    let f: FieldDefinition | undefined = field;
    f?.visibleWhen && !seen.has(f.key);
    f = byKey.get(f.visibleWhen.field)
  ) {
    seen.add(f.key);
    conditions.push(conditionSchema(f.visibleWhen));
  }
  if (!conditions.length) return null;
  return conditions.length === 1 ? conditions[0]! : { allOf: conditions };
}

export function buildFormRenderContract(form: {
  id: string;
  name: string;
  description?: string | null;
  version: number;
  allowAnonymous: boolean;
  fields: readonly FieldDefinition[];
}): FormRenderContract {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const conditional: JsonSchema[] = [];
  const hints: FieldUiHint[] = [];
  const byKey = new Map(form.fields.map((f) => [f.key, f]));
  for (const field of form.fields) {
    const shown = visibilitySchema(field, byKey);
    if (!shown) {
      properties[field.key] = fieldJsonSchema(field);
      if (field.required) required.push(field.key);
    } else {
      // A conditional field is validated (and required) only while shown; hidden, its answer is ignored.
      properties[field.key] = { title: field.label, $ref: `#/$defs/${HIDDEN_ANSWER_DEF}` };
      const then: JsonSchema = { properties: { [field.key]: fieldJsonSchema(field) } };
      if (field.required) then.required = [field.key];
      conditional.push({ if: shown, then });
    }
    const v = field.validation ?? {};
    const hint: FieldUiHint = {
      key: field.key,
      label: field.label,
      helpText: field.helpText ?? null,
      type: field.type,
      widget: WIDGETS[field.type],
      required: !!field.required,
      visibleWhen: field.visibleWhen ?? null,
    };
    if (field.defaultValue !== undefined && field.defaultValue !== null) hint.defaultValue = field.defaultValue;
    if (field.options?.length) hint.options = field.options.map((o) => ({ value: o.value, label: o.label }));
    if (field.type === 'FILE') {
      if (v.fileTypes) hint.accept = v.fileTypes;
      if (v.maxFileBytes) hint.maxFileBytes = v.maxFileBytes;
      hint.maxFiles = v.maxFiles ?? 1;
    }
    hints.push(hint);
  }
  const schema: JsonSchema = {
    $schema: JSON_SCHEMA_DIALECT,
    title: form.name,
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  };
  if (form.description) schema.description = form.description;
  if (conditional.length) {
    schema.allOf = conditional;
    schema.$defs = { [HIDDEN_ANSWER_DEF]: HIDDEN_ANSWER_SCHEMA };
  }
  return {
    formId: form.id,
    version: form.version,
    name: form.name,
    description: form.description ?? null,
    allowAnonymous: form.allowAnonymous,
    multipart: form.fields.some((f) => f.type === 'FILE'),
    schema,
    ui: { order: form.fields.map((f) => f.key), fields: hints },
  };
}
