import { FORM_LIMITS } from './limits.js';
import { compilePattern } from './pattern.js';
import type { FieldDefinition, FileMeta } from './types.js';
import {
  charLength,
  fileTypeAllowed,
  parseDate,
  parseDateTime,
  parseEmail,
  parseNumber,
  parsePhone,
  parseUrl,
  type Parsed,
} from './values.js';

export interface AnswerRules {
  /** Allowed types when the field names none. */
  defaultFileTypes?: readonly string[];
  /** Largest file accepted at all (the field may set a lower limit). */
  maxFileBytes?: number;
}

export type FieldCheck = { ok: true; value: unknown } | { ok: false; errors: string[] };

/**
 * Checks one non-blank answer against its field and returns the normalized value, or every error found.
 * For FILE fields the value is the list of uploaded files.
 */
export function checkFieldValue(field: FieldDefinition, raw: unknown, rules: AnswerRules = {}): FieldCheck {
  const v = field.validation ?? {};
  const errors: string[] = [];
  const done = (value: unknown): FieldCheck => (errors.length ? { ok: false, errors } : { ok: true, value });
  const parsed = (p: Parsed<unknown>): FieldCheck =>
    p.ok ? { ok: true, value: p.value } : { ok: false, errors: [p.error] };

  switch (field.type) {
    case 'TEXT':
    case 'TEXTAREA':
    case 'EMAIL':
    case 'URL':
    case 'PHONE': {
      if (typeof raw !== 'string') return { ok: false, errors: ['must be a string'] };
      const cap = field.type === 'TEXTAREA' ? FORM_LIMITS.maxTextareaLength : FORM_LIMITS.maxTextLength;
      // Cheap rejection before counting code points or running anything else on a huge input.
      if (raw.length > cap * 2) return { ok: false, errors: [`must be at most ${cap} characters`] };
      let value = field.type === 'TEXTAREA' ? raw : raw.trim();
      if (field.type === 'EMAIL' || field.type === 'URL' || field.type === 'PHONE') {
        const p = field.type === 'EMAIL' ? parseEmail(raw) : field.type === 'URL' ? parseUrl(raw) : parsePhone(raw);
        if (!p.ok) return parsed(p);
        value = p.value;
      }
      const len = charLength(value);
      if (len > cap) errors.push(`must be at most ${cap} characters`);
      if (v.minLength !== undefined && len < v.minLength) errors.push(`must be at least ${v.minLength} characters`);
      if (v.maxLength !== undefined && len > v.maxLength) errors.push(`must be at most ${v.maxLength} characters`);
      if (v.pattern && len <= cap) {
        if (value.length > FORM_LIMITS.maxPatternInput) {
          errors.push(`is too long to check against the pattern (at most ${FORM_LIMITS.maxPatternInput} characters)`);
        } else {
          const re = compilePattern(v.pattern);
          // RE2: linear in the value's length, whatever the pattern.
          if (!re.ok) errors.push('cannot be checked: the field pattern is invalid');
          else if (!re.regex.test(value)) errors.push('does not match the required format');
        }
      }
      return done(value);
    }
    case 'NUMBER': {
      const p = parseNumber(raw);
      if (!p.ok) return parsed(p);
      if (typeof v.min === 'number' && p.value < v.min) errors.push(`must be at least ${v.min}`);
      if (typeof v.max === 'number' && p.value > v.max) errors.push(`must be at most ${v.max}`);
      return done(p.value);
    }
    case 'DATE': {
      const p = parseDate(raw);
      if (!p.ok) return parsed(p);
      if (typeof v.min === 'string' && p.value < v.min) errors.push(`must be on or after ${v.min}`);
      if (typeof v.max === 'string' && p.value > v.max) errors.push(`must be on or before ${v.max}`);
      return done(p.value);
    }
    case 'DATETIME': {
      const p = parseDateTime(raw);
      if (!p.ok) return parsed(p);
      const t = Date.parse(p.value);
      if (typeof v.min === 'string' && t < Date.parse(v.min)) errors.push(`must be at or after ${v.min}`);
      if (typeof v.max === 'string' && t > Date.parse(v.max)) errors.push(`must be at or before ${v.max}`);
      return done(p.value);
    }
    case 'SELECT':
    case 'RADIO': {
      if (typeof raw !== 'string') return { ok: false, errors: ['must be one of the options'] };
      if (!(field.options ?? []).some((o) => o.value === raw))
        return { ok: false, errors: ['must be one of the options'] };
      return done(raw);
    }
    case 'MULTISELECT': {
      if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) {
        return { ok: false, errors: ['must be a list of options'] };
      }
      const values = raw as string[];
      const allowed = new Set((field.options ?? []).map((o) => o.value));
      const unknown = values.filter((x) => !allowed.has(x));
      if (unknown.length) errors.push(`contains values that are not options: ${unknown.slice(0, 5).join(', ')}`);
      if (new Set(values).size !== values.length) errors.push('must not repeat an option');
      if (typeof v.min === 'number' && values.length < v.min) errors.push(`must have at least ${v.min} selections`);
      if (typeof v.max === 'number' && values.length > v.max) errors.push(`must have at most ${v.max} selections`);
      return done(values);
    }
    case 'CHECKBOX': {
      if (typeof raw !== 'boolean') return { ok: false, errors: ['must be true or false'] };
      return done(raw);
    }
    case 'FILE': {
      if (!Array.isArray(raw))
        return { ok: false, errors: ['upload files as multipart/form-data under the field key'] };
      const files = raw as FileMeta[];
      const maxFiles = v.maxFiles ?? 1;
      if (files.length > maxFiles) errors.push(`accepts at most ${maxFiles} file${maxFiles === 1 ? '' : 's'}`);
      const types = v.fileTypes?.length ? v.fileTypes : rules.defaultFileTypes;
      const limit = Math.min(v.maxFileBytes ?? Infinity, rules.maxFileBytes ?? Infinity);
      for (const f of files) {
        if (types && !fileTypeAllowed(f, types)) {
          errors.push(
            `${f.fileName}: file type ${f.contentType || 'unknown'} is not allowed (allowed: ${types.join(', ')})`,
          );
        }
        if (f.sizeBytes > limit) errors.push(`${f.fileName}: file is larger than ${limit} bytes`);
        if (f.sizeBytes === 0) errors.push(`${f.fileName}: file is empty`);
      }
      return done(files.map((f) => ({ fileName: f.fileName, contentType: f.contentType, sizeBytes: f.sizeBytes })));
    }
    default:
      return { ok: false, errors: [`has an unknown type ${String((field as { type: unknown }).type)}`] };
  }
}
