import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { api, ok, okAs } from '../api';

interface UiField {
  key: string;
  label: string;
  type: string;
  widget?: string;
  required?: boolean;
  helpText?: string | null;
  options?: { label: string; value: string }[];
  accept?: string[];
  maxFiles?: number;
  visibleWhen?: { field: string; equals?: unknown; notEquals?: unknown; in?: unknown[] } | null;
}
type Answers = Record<string, unknown>;

/** The form's own conditional rule (VisibleWhenDto): equals / in / notEquals on an earlier answer. */
function visible(field: UiField, answers: Answers): boolean {
  const rule = field.visibleWhen;
  if (!rule) return true;
  const value = answers[rule.field];
  const has = (v: unknown) => (Array.isArray(value) ? value.includes(v) : value === v);
  if (rule.equals !== undefined) return has(rule.equals);
  if (rule.in) return rule.in.some(has);
  if (rule.notEquals !== undefined) return !has(rule.notEquals);
  return value !== undefined && value !== '' && value !== false;
}

const INPUT_TYPES: Record<string, string> = {
  TEXT: 'text',
  NUMBER: 'number',
  EMAIL: 'email',
  URL: 'url',
  PHONE: 'tel',
  DATE: 'date',
  DATETIME: 'datetime-local',
};

function Field({ field, value, onChange }: { field: UiField; value: unknown; onChange: (v: unknown) => void }) {
  const id = `f-${field.key}`;
  const help = field.helpText ? <small id={`${id}-help`}>{field.helpText}</small> : null;
  const common = {
    id,
    name: field.key,
    required: field.required,
    'aria-describedby': field.helpText ? `${id}-help` : undefined,
  };
  const labelText = `${field.label}${field.required ? ' (required)' : ''}`;
  switch (field.type) {
    case 'TEXTAREA':
      return (
        <div className="field">
          <label htmlFor={id}>{labelText}</label>
          <textarea {...common} rows={4} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />
          {help}
        </div>
      );
    case 'SELECT':
      return (
        <div className="field">
          <label htmlFor={id}>{labelText}</label>
          <select {...common} value={String(value ?? '')} onChange={(e) => onChange(e.target.value || undefined)}>
            <option value="">Choose…</option>
            {field.options?.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {help}
        </div>
      );
    case 'RADIO':
    case 'MULTISELECT': {
      const multi = field.type === 'MULTISELECT';
      const list = Array.isArray(value) ? (value as string[]) : [];
      return (
        <fieldset className="field">
          <legend>{labelText}</legend>
          {field.options?.map((o) => (
            <label key={o.value} className="inline">
              <input
                type={multi ? 'checkbox' : 'radio'}
                name={field.key}
                value={o.value}
                checked={multi ? list.includes(o.value) : value === o.value}
                onChange={(e) =>
                  onChange(
                    multi ? (e.target.checked ? [...list, o.value] : list.filter((v) => v !== o.value)) : o.value,
                  )
                }
              />{' '}
              {o.label}
            </label>
          ))}
          {help}
        </fieldset>
      );
    }
    case 'CHECKBOX':
      return (
        <div className="field">
          <label className="inline">
            <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />{' '}
            {labelText}
          </label>
          {help}
        </div>
      );
    case 'FILE':
      return (
        <div className="field">
          <label htmlFor={id}>{labelText}</label>
          <input
            type="file"
            {...common}
            multiple={(field.maxFiles ?? 1) > 1}
            accept={field.accept?.join(',')}
            onChange={(e) => onChange(e.target.files ? [...e.target.files] : [])}
          />
          {help}
        </div>
      );
    default:
      return (
        <div className="field">
          <label htmlFor={id}>{labelText}</label>
          <input
            type={INPUT_TYPES[field.type] ?? 'text'}
            {...common}
            value={String(value ?? '')}
            onChange={(e) =>
              onChange(
                e.target.value === '' ? undefined : field.type === 'NUMBER' ? Number(e.target.value) : e.target.value,
              )
            }
          />
          {help}
        </div>
      );
  }
}

function FormTicket({ formId }: { formId: string }) {
  const [, navigate] = useLocation();
  const schema = useQuery({
    queryKey: ['form-schema', formId],
    queryFn: () => ok(api.GET('/api/forms/{id}/schema', { params: { path: { id: formId } } })),
  });
  const [answers, setAnswers] = useState<Answers>({});
  const submit = useMutation({
    mutationFn: async () => {
      const fields = (schema.data?.ui?.fields ?? []) as UiField[];
      const shown = fields.filter((f) => visible(f, answers));
      const data: Answers = {};
      const files: [string, File][] = [];
      for (const f of shown) {
        const v = answers[f.key];
        if (f.type === 'FILE') for (const file of (v as File[] | undefined) ?? []) files.push([f.key, file]);
        else if (v !== undefined) data[f.key] = v;
      }
      // Files travel as multipart parts named after their field; the answers as one JSON part.
      const multipart = new FormData();
      multipart.set('answers', JSON.stringify(data));
      for (const [key, file] of files) multipart.append(key, file);
      return ok(
        api.POST('/api/forms/{id}/submissions', {
          params: { path: { id: formId } },
          body: { answers: data },
          bodySerializer: () => multipart,
        }),
      );
    },
    onSuccess: (r) => navigate(r.ticketId ? `/tickets/${r.ticketId}` : '/my/tickets'),
  });
  if (!schema.data) return <p role="status">Loading form…</p>;
  const fields = ((schema.data.ui?.fields ?? []) as UiField[]).filter((f) => visible(f, answers));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate();
  };
  return (
    <form onSubmit={onSubmit} className="stack" aria-labelledby="form-h">
      <h2 id="form-h">{schema.data.name}</h2>
      {schema.data.description && <p>{schema.data.description}</p>}
      {fields.map((f) => (
        <Field
          key={f.key}
          field={f}
          value={answers[f.key]}
          onChange={(v) => setAnswers((a) => ({ ...a, [f.key]: v }))}
        />
      ))}
      {submit.error && (
        <p role="alert" className="error">
          {submit.error.message}
        </p>
      )}
      <button type="submit" disabled={submit.isPending}>
        Submit
      </button>
    </form>
  );
}

/** New ticket: choose a published form (rendered from its JSON Schema + UI hints). */
export default function NewTicket() {
  const forms = useQuery({
    queryKey: ['forms'],
    queryFn: () =>
      okAs<{ items: { id: string; name: string; status: string }[] }>(
        api.GET('/api/forms', { params: { query: { pageSize: 100, status: 'PUBLISHED' } } }),
      ),
  });
  const [formId, setFormId] = useState('');
  const published = (forms.data?.items ?? []).filter((f) => f.status === 'PUBLISHED');
  return (
    <section className="narrow">
      <h1>New ticket</h1>
      <label>
        What do you need help with?
        <select value={formId} onChange={(e) => setFormId(e.target.value)}>
          <option value="">Choose a form…</option>
          {published.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      {formId && <FormTicket key={formId} formId={formId} />}
      <p>
        <Link href="/kb">Search the help center first</Link>
      </p>
    </section>
  );
}
