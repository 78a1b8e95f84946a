#!/usr/bin/env node
// Counts what a client generator sees in an OpenAPI document (default: backend/openapi.json), for the
// before/after figures of the SPA contract (#15):
//   node scripts/dev/openapi-stats.mjs [path | git-rev:path]   e.g.  node scripts/dev/openapi-stats.mjs 134aaff:backend/openapi.json
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const arg = process.argv[2] ?? 'backend/openapi.json';
const text = /^[0-9a-f]{6,40}:/.test(arg)
  ? execFileSync('git', ['show', arg], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
  : fs.readFileSync(path.resolve(root, arg), 'utf8');
const doc = JSON.parse(text);
const schemas = doc.components?.schemas ?? {};
const deref = (s) => (s?.$ref ? schemas[s.$ref.split('/').pop()] : s);

const ops = Object.entries(doc.paths).flatMap(([p, item]) =>
  Object.entries(item)
    .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
    .map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, path: p, op })),
);
const codes = (op) => Object.keys(op.responses ?? {});
const hasErrorResponse = (op) => codes(op).some((c) => /^[45]/.test(c));
// A success body is described by a JSON schema, or is a file or an event stream (declared by media type).
const successWithoutSchema = (op) =>
  !codes(op).some((c) => c.startsWith('2')) ||
  codes(op).some((c) => {
    if (!c.startsWith('2') || c === '204') return false;
    const content = op.responses[c].content ?? {};
    const nonJson = Object.keys(content).some((t) => !t.includes('json'));
    return !content['application/json']?.schema && !nonJson;
  });
const nonJsonSuccess = (op) =>
  codes(op).some(
    (c) => c.startsWith('2') && Object.keys(op.responses[c].content ?? {}).some((t) => !t.includes('json')),
  );
const errorResponses = ops.flatMap(({ key, op }) =>
  codes(op)
    .filter((c) => /^[45]/.test(c))
    .map((c) => ({ key, schema: op.responses[c].content?.['application/json']?.schema?.$ref ?? '(inline or none)' })),
);
const errorSchemaCounts = Object.entries(
  errorResponses.reduce((acc, r) => ({ ...acc, [r.schema]: (acc[r.schema] ?? 0) + 1 }), {}),
).map(([ref, n]) => `${ref.split('/').pop()} ${n}`);

// Properties over every component schema (each counted once).
let bareObjects = 0; // neither type, $ref, allOf/oneOf/anyOf nor enum, or `type: object` with nothing inside
let integers = 0;
let nullable = 0;
const walk = (node) => {
  if (Array.isArray(node)) return node.forEach(walk);
  if (!node || typeof node !== 'object') return;
  for (const prop of Object.values(node.properties ?? {})) {
    const untyped = !prop.type && !prop.$ref && !prop.allOf && !prop.oneOf && !prop.anyOf && !prop.enum;
    const bareObject = prop.type === 'object' && !prop.properties && !prop.additionalProperties && !prop.allOf;
    if (untyped || bareObject) bareObjects++;
    if (prop.type === 'integer' || prop.items?.type === 'integer') integers++;
    if (prop.nullable) nullable++;
  }
  for (const v of Object.values(node)) walk(v);
};
walk(schemas);

// Defaults on the top-level fields of PATCH bodies: a generator makes them look required/filled in, and a
// partial update would send them. (Defaults inside a sub-object sent whole, e.g. a form's field list or a
// calendar, describe that object and are not counted.)
const topLevelDefaults = (schema) => {
  const s = deref(schema);
  if (!s) return 0;
  const parts = [s, ...(s.allOf ?? []).map(deref)];
  return parts.reduce((n, part) => n + Object.values(part?.properties ?? {}).filter((p) => 'default' in p).length, 0);
};
const patchOps = ops.filter((o) => o.key.startsWith('PATCH'));
const patchDefaults = patchOps.map((o) => topLevelDefaults(o.op.requestBody?.content?.['application/json']?.schema));

const isEnum = (s) => {
  const r = deref(s?.allOf?.length === 1 ? s.allOf[0] : s);
  return Array.isArray(r?.enum) || Array.isArray(s?.enum);
};
const typeEnum = (name) => (schemas[name] ? isEnum(schemas[name].properties?.type) : 'absent');
const kbForms = ops.filter((o) => /^\/api\/(kb|forms)\b/.test(o.path));

const rows = [
  ['operations', ops.length],
  ['  with a summary', ops.filter((o) => o.op.summary).length],
  ['  without any 4xx/5xx response', ops.filter((o) => !hasErrorResponse(o.op)).length],
  ['  error responses by schema', errorSchemaCounts.join(', ')],
  ['  without a success response schema', ops.filter((o) => successWithoutSchema(o.op)).length],
  ['  success body is a file or an event stream', ops.filter((o) => nonJsonSuccess(o.op)).length],
  [
    '  KB and forms: describe their response',
    `${kbForms.filter((o) => !successWithoutSchema(o.op)).length} of ${kbForms.length}`,
  ],
  ['properties typed `object` without properties (or untyped)', bareObjects],
  ['integer properties', integers],
  ['nullable properties', nullable],
  ['NotificationDto.type is an enum', typeEnum('NotificationDto')],
  ['EventDto.type is an enum', typeEnum('EventDto')],
  ['PATCH bodies with defaults', `${patchDefaults.filter((n) => n > 0).length} of ${patchOps.length}`],
  ['  top-level defaults in PATCH bodies', patchDefaults.reduce((a, b) => a + b, 0)],
  ['servers present', (doc.servers ?? []).length > 0],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
