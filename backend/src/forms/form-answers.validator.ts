import { Injectable } from '@nestjs/common';
import type { ValidateFunction } from 'ajv';
import {
  buildFormRenderContract,
  fieldJsonSchema,
  isBlank,
  parseDateTime,
  visibleFieldKeys,
  type FieldDefinition,
  type FieldErrors,
  type FileMeta,
} from '@nixflow/core';
import { answerErrors } from './answer-error-messages.js';
import { createAnswersAjv } from './answers-ajv.js';
import { uploadErrors, type UploadRules } from './upload-checks.js';

/** The published version a submission is checked against (what GET /forms/:id/schema describes). */
export interface PublishedForm {
  id: string;
  name: string;
  description: string | null;
  version: number;
  allowAnonymous: boolean;
  fields: readonly FieldDefinition[];
}

export interface AnswersCheck {
  /** Every problem, per field key (`answers` for the body as a whole). */
  errors: FieldErrors;
  /** The answers of the shown, answered fields (date-times in UTC): what gets stored. */
  values: Record<string, unknown>;
  /** Keys of the shown fields. */
  visible: Set<string>;
}

interface Compiled {
  source: string;
  schema: object;
  validate: ValidateFunction;
}

const CACHE_LIMIT = 500;

/**
 * Checks submissions with Ajv against the JSON Schema GET /forms/:id/schema publishes, so the server
 * accepts exactly what that document accepts. FILE fields are the one exception the schema describes
 * with x-multipart: their answer is the list of uploaded parts, never a JSON value.
 */
@Injectable()
export class FormAnswersValidator {
  private readonly ajv = createAnswersAjv();
  // Per form version; the schema text is kept so that a version rewritten while unpublished recompiles.
  private readonly compiled = new Map<string, Compiled>();

  check(
    form: PublishedForm,
    answers: unknown,
    files: Readonly<Record<string, readonly FileMeta[]>>,
    rules: UploadRules,
  ): AnswersCheck {
    const validate = this.validatorFor(form);
    const fileFields = form.fields.filter((f) => f.type === 'FILE');
    const preErrors = Object.create(null) as FieldErrors;
    let instance: unknown = answers === undefined ? {} : answers;
    if (isPlainObject(instance)) {
      instance = { ...instance };
      const copy = instance as Record<string, unknown>;
      for (const field of fileFields) {
        if (copy[field.key] !== undefined) {
          preErrors[field.key] = ['upload files as multipart/form-data under the field key'];
        }
        delete copy[field.key];
        const uploaded = files[field.key];
        if (uploaded?.length) copy[field.key] = uploaded.map((f) => f.fileName);
      }
    }
    const errors = preErrors;
    if (!validate(instance)) mergeErrors(errors, answerErrors(validate.errors ?? [], form.fields, instance));
    if (!isPlainObject(instance)) return { errors, values: {}, visible: new Set() };

    const given = instance;
    const visible = visibleFieldKeys(form.fields, (key) => given[key]);
    mergeErrors(errors, uploadErrors(form.fields, files, visible, rules));
    return { errors, values: storedValues(form.fields, given, files, visible), visible };
  }

  private validatorFor(form: PublishedForm): ValidateFunction {
    const key = `${form.id}:${form.version}`;
    const { schema } = buildFormRenderContract(form);
    const source = JSON.stringify(schema);
    const hit = this.compiled.get(key);
    if (hit?.source === source) return hit.validate;
    if (hit) this.ajv.removeSchema(hit.schema);
    if (this.compiled.size >= CACHE_LIMIT) {
      const [oldestKey, oldest] = this.compiled.entries().next().value!;
      this.ajv.removeSchema(oldest.schema);
      this.compiled.delete(oldestKey);
    }
    const validate = this.ajv.compile(schema);
    this.compilations++;
    this.compiled.set(key, { source, schema, validate });
    return validate;
  }

  /**
   * Default values must be answers the field's schema accepts (a form would otherwise render a default
   * that its own submission refuses). Keyed `fields[i].defaultValue`; run on definitions without errors.
   */
  defaultValueErrors(fields: readonly FieldDefinition[]): FieldErrors {
    const errors = Object.create(null) as FieldErrors;
    fields.forEach((field, i) => {
      if (field.type === 'FILE' || isBlank(field.defaultValue)) return;
      const schema = { type: 'object', properties: { [field.key]: fieldJsonSchema(field) } };
      try {
        const validate = this.ajv.compile(schema);
        if (!validate({ [field.key]: field.defaultValue })) {
          const messages = answerErrors(validate.errors ?? [], [field], { [field.key]: field.defaultValue });
          errors[`fields[${i}].defaultValue`] = messages[field.key] ?? ['is not a valid answer for this field'];
        }
      } finally {
        this.ajv.removeSchema(schema);
      }
    });
    return errors;
  }

  /** How many schemas were compiled so far (a test checks that a form version compiles once). */
  compilations = 0;
}

function mergeErrors(into: FieldErrors, more: FieldErrors): void {
  for (const [key, messages] of Object.entries(more)) into[key] = [...(into[key] ?? []), ...messages];
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function storedValues(
  fields: readonly FieldDefinition[],
  given: Record<string, unknown>,
  files: Readonly<Record<string, readonly FileMeta[]>>,
  visible: ReadonlySet<string>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    if (!visible.has(field.key)) continue;
    if (field.type === 'FILE') {
      const list = files[field.key] ?? [];
      if (list.length) {
        values[field.key] = list.map((f) => ({
          fileName: f.fileName,
          contentType: f.contentType,
          sizeBytes: f.sizeBytes,
        }));
      }
      continue;
    }
    const raw = given[field.key];
    if (isBlank(raw)) continue;
    if (field.type === 'DATETIME') {
      // Stored in UTC, so that answer filters (also normalized) match by containment.
      const parsed = parseDateTime(raw);
      values[field.key] = parsed.ok ? parsed.value : raw;
    } else values[field.key] = raw;
  }
  return values;
}
