import type { FieldDefinition, FieldErrors, FieldOption, FieldValidation, VisibilityCondition } from '@nixflow/core';
import { Prisma, type FormField } from '@nixflow/db/client';
import type { FieldError } from '../common/error-body.js';
import { ValidationFailedException } from '../common/validation.js';

/** A stored field row as the pure validation code sees it. */
export function toFieldDefinition(row: FormField): FieldDefinition {
  return {
    key: row.key,
    label: row.label,
    helpText: row.helpText,
    type: row.type,
    required: row.required,
    defaultValue: row.defaultValue ?? undefined,
    options: (row.options as unknown as FieldOption[] | null) ?? null,
    validation: (row.validation as FieldValidation | null) ?? null,
    visibleWhen: (row.visibleWhen as unknown as VisibilityCondition | null) ?? null,
  };
}

/** The API shape of a field. */
export function fieldView(row: FormField) {
  return {
    key: row.key,
    label: row.label,
    helpText: row.helpText,
    type: row.type,
    required: row.required,
    position: row.position,
    defaultValue: row.defaultValue,
    options: row.options,
    validation: row.validation,
    visibleWhen: row.visibleWhen,
  };
}

/** DTO instances → plain definitions (drops undefined, class prototypes). */
export function plainFields(fields: unknown[]): FieldDefinition[] {
  return JSON.parse(JSON.stringify(fields)) as FieldDefinition[];
}

const json = (v: unknown) => (v === undefined || v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue));

export function fieldRows(
  formId: string,
  formVersion: number,
  fields: FieldDefinition[],
): Prisma.FormFieldCreateManyInput[] {
  return fields.map((f, position) => ({
    formId,
    formVersion,
    key: f.key,
    label: f.label,
    helpText: f.helpText ?? null,
    type: f.type,
    required: f.required ?? false,
    position,
    defaultValue: json(f.defaultValue),
    options: f.options?.length ? json(f.options) : Prisma.DbNull,
    validation: f.validation && Object.keys(f.validation).length ? json(f.validation) : Prisma.DbNull,
    visibleWhen: json(f.visibleWhen),
  }));
}

export function toFieldErrorList(errors: FieldErrors): FieldError[] {
  return Object.entries(errors).map(([field, messages]) => ({ field, messages }));
}

export function throwIfErrors(errors: FieldErrors): void {
  if (Object.keys(errors).length) throw new ValidationFailedException(toFieldErrorList(errors));
}
