import type { FieldDefinition, FileMeta } from './types.js';

export const MAX_SUBJECT_LENGTH = 200;

/** How an answer reads in a ticket: option labels, Yes/No, file names. */
export function displayAnswer(field: FieldDefinition, value: unknown): string {
  const label = (v: unknown) => field.options?.find((o) => o.value === v)?.label ?? String(v);
  switch (field.type) {
    case 'SELECT':
    case 'RADIO':
      return label(value);
    case 'MULTISELECT':
      return Array.isArray(value) ? value.map(label).join(', ') : String(value);
    case 'CHECKBOX':
      return value === true ? 'Yes' : 'No';
    case 'FILE':
      return Array.isArray(value) ? (value as FileMeta[]).map((f) => f.fileName).join(', ') : '';
    default:
      return String(value);
  }
}

export interface ComposeInput {
  formName: string;
  formVersion: number;
  fields: readonly FieldDefinition[];
  /** Validated answers (visible fields only). */
  values: Record<string, unknown>;
  /** Optional "{{key}}" template for the subject (from the form's ticket defaults). */
  subjectTemplate?: string | null;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The ticket a submission becomes. Subject: the template with answers filled in, else
 * "<form name>: <first short text or choice answer>", else the form name. Description: every answered
 * field in form order, "Label: value", then where it came from.
 */
export function composeTicket(input: ComposeInput): { subject: string; description: string } {
  const { fields, values } = input;
  const byKey = new Map(fields.map((f) => [f.key, f]));
  let subject = '';
  if (input.subjectTemplate) {
    subject = oneLine(
      input.subjectTemplate.replace(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g, (_, key: string) => {
        const field = byKey.get(key);
        return field && values[key] !== undefined ? displayAnswer(field, values[key]) : '';
      }),
    );
  }
  if (!subject) {
    const first = fields.find(
      (f) => values[f.key] !== undefined && ['TEXT', 'SELECT', 'RADIO', 'EMAIL'].includes(f.type),
    );
    subject = first
      ? oneLine(`${input.formName}: ${displayAnswer(first, values[first.key])}`)
      : oneLine(input.formName);
  }
  const lines: string[] = [];
  for (const field of fields) {
    if (values[field.key] === undefined) continue;
    const text = displayAnswer(field, values[field.key]);
    lines.push(text.includes('\n') ? `${field.label}:\n${text}` : `${field.label}: ${text}`);
  }
  lines.push('', `Submitted through the form "${input.formName}" (version ${input.formVersion}).`);
  return { subject: truncate(subject || 'Form submission', MAX_SUBJECT_LENGTH), description: lines.join('\n') };
}
