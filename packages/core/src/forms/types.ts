/** Field types, mirroring the FormFieldType enum of the database. */
export const FORM_FIELD_TYPES = [
  'TEXT',
  'TEXTAREA',
  'NUMBER',
  'EMAIL',
  'URL',
  'PHONE',
  'DATE',
  'DATETIME',
  'SELECT',
  'MULTISELECT',
  'CHECKBOX',
  'RADIO',
  'FILE',
] as const;
export type FormFieldKind = (typeof FORM_FIELD_TYPES)[number];

export const CHOICE_FIELD_TYPES: ReadonlySet<FormFieldKind> = new Set(['SELECT', 'MULTISELECT', 'RADIO']);
export const TEXT_FIELD_TYPES: ReadonlySet<FormFieldKind> = new Set(['TEXT', 'TEXTAREA', 'EMAIL', 'URL', 'PHONE']);

export interface FieldOption {
  value: string;
  label: string;
}

/** Per-field rules. Which ones apply depends on the type (see validateFormDefinition). */
export interface FieldValidation {
  /** NUMBER: smallest value; DATE/DATETIME: earliest value (ISO string); MULTISELECT: fewest selections. */
  min?: number | string;
  /** NUMBER: largest value; DATE/DATETIME: latest value (ISO string); MULTISELECT: most selections. */
  max?: number | string;
  minLength?: number;
  maxLength?: number;
  /** Text fields: an ECMAScript regular expression the whole value must match (anchored). */
  pattern?: string;
  /** FILE: allowed MIME types ("image/png", "image/*") or extensions (".pdf"). */
  fileTypes?: string[];
  /** FILE: largest size of one file, in bytes. */
  maxFileBytes?: number;
  /** FILE: how many files may be uploaded (default 1). */
  maxFiles?: number;
}

/** Show the field only when another (earlier) field's answer matches. Exactly one operator. */
export interface VisibilityCondition {
  field: string;
  equals?: unknown;
  in?: unknown[];
  notEquals?: unknown;
}

export interface FieldDefinition {
  key: string;
  label: string;
  helpText?: string | null;
  type: FormFieldKind;
  required?: boolean;
  defaultValue?: unknown;
  options?: FieldOption[] | null;
  validation?: FieldValidation | null;
  visibleWhen?: VisibilityCondition | null;
}

/** An uploaded file, as far as validation is concerned. */
export interface FileMeta {
  fileName: string;
  contentType: string;
  sizeBytes: number;
}

/** Errors per key (a field key, or `fields[3].label` for definition errors). */
export type FieldErrors = Record<string, string[]>;

export function addError(errors: FieldErrors, key: string, message: string): void {
  (errors[key] ??= []).push(message);
}
