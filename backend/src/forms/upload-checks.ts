import { addError, fileTypeAllowed, type FieldDefinition, type FieldErrors, type FileMeta } from '@nixflow/core';

export interface UploadRules {
  /** Allowed types when the field names none. */
  defaultFileTypes: readonly string[];
  /** Largest file accepted at all (the field may set a lower limit). */
  maxFileBytes: number;
}

/**
 * What the JSON Schema cannot see of uploads: which part names are FILE fields, and each file's type and
 * size (their count is the schema's maxItems). Only files of shown fields are checked.
 */
export function uploadErrors(
  fields: readonly FieldDefinition[],
  files: Readonly<Record<string, readonly FileMeta[]>>,
  visible: ReadonlySet<string>,
  rules: UploadRules,
): FieldErrors {
  const errors = Object.create(null) as FieldErrors;
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const [key, list] of Object.entries(files)) {
    const field = byKey.get(key);
    if (!field) {
      addError(errors, key, 'is not a field of this form');
      continue;
    }
    if (field.type !== 'FILE') {
      addError(errors, key, 'does not accept files');
      continue;
    }
    if (!visible.has(key)) continue;
    const v = field.validation ?? {};
    const types = v.fileTypes?.length ? v.fileTypes : rules.defaultFileTypes;
    const limit = Math.min(v.maxFileBytes ?? Infinity, rules.maxFileBytes);
    for (const f of list) {
      if (!fileTypeAllowed(f, types)) {
        const allowed = types.join(', ');
        addError(
          errors,
          key,
          `${f.fileName}: file type ${f.contentType || 'unknown'} is not allowed (allowed: ${allowed})`,
        );
      }
      if (f.sizeBytes > limit) addError(errors, key, `${f.fileName}: file is larger than ${limit} bytes`);
      if (f.sizeBytes === 0) addError(errors, key, `${f.fileName}: file is empty`);
    }
  }
  return errors;
}
