#!/usr/bin/env node
// Counts what a client generator sees in an OpenAPI document (default: backend/openapi.json):
//   node scripts/openapi-stats.mjs [path-or-git-rev:path]   e.g.  node scripts/openapi-stats.mjs 134aaff:backend/openapi.json
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const arg = process.argv[2] ?? 'backend/openapi.json';
const text = /^[0-9a-f]{6,40}:/.test(arg)
  ? execFileSync('git', ['show', arg], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
  : fs.readFileSync(path.resolve(root, arg), 'utf8');
const doc = JSON.parse(text);

const ops = Object.entries(doc.paths).flatMap(([p, item]) =>
  Object.entries(item)
    .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
    .map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, op })),
);
const codes = (op) => Object.keys(op.responses ?? {});
const successWithoutSchema = (op) =>
  codes(op).filter((c) => c.startsWith('2') && c !== '204' && !op.responses[c].content).length > 0;

let objectTyped = 0; // properties with neither type, $ref, allOf, enum nor items: generators make them objects/unknown
let integers = 0;
let nullable = 0;
let defaultsInPatch = 0;
const walk = (node, inPatchBody) => {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, inPatchBody));
  if (!node || typeof node !== 'object') return;
  if (node.properties) {
    for (const prop of Object.values(node.properties)) {
      const untyped = !prop.type && !prop.$ref && !prop.allOf && !prop.oneOf && !prop.anyOf && !prop.enum;
      const bareObject = prop.type === 'object' && !prop.properties && !prop.additionalProperties && !prop.allOf;
      if (untyped || bareObject) objectTyped++;
      if (prop.type === 'integer') integers++;
      if (prop.nullable) nullable++;
      if (inPatchBody && 'default' in prop) defaultsInPatch++;
    }
  }
  for (const v of Object.values(node)) walk(v, inPatchBody);
};
const schemas = doc.components?.schemas ?? {};
walk(schemas, false);
for (const { key, op } of ops) {
  if (!key.startsWith('PATCH')) continue;
  const ref = op.requestBody?.content?.['application/json']?.schema?.$ref;
  const schema = ref ? schemas[ref.split('/').pop()] : op.requestBody?.content?.['application/json']?.schema;
  if (schema) walk({ x: { properties: schema.properties ?? {} } }, true);
}
const enumStrings = (name) => {
  const props = schemas[name]?.properties ?? {};
  return props.type ? Boolean(props.type.enum || props.type.$ref || props.type.allOf) : false;
};

const rows = [
  ['operations', ops.length],
  ['with a summary', ops.filter((o) => o.op.summary).length],
  ['with error responses (4xx/5xx)', ops.filter((o) => codes(o.op).some((c) => /^[45]/.test(c))).length],
  ['with a success response schema', ops.filter((o) => !successWithoutSchema(o.op)).length],
  ['success responses without a schema', ops.filter((o) => successWithoutSchema(o.op)).length],
  ['with no success response at all', ops.filter((o) => !codes(o.op).some((c) => c.startsWith('2'))).length],
  ['properties typed as a bare object (or untyped)', objectTyped],
  ['integer properties', integers],
  ['nullable properties', nullable],
  ['defaults in PATCH bodies', defaultsInPatch],
  ['servers', (doc.servers ?? []).length],
  ['NotificationDto.type is an enum', enumStrings('NotificationDto')],
  ['EventDto.type is an enum', enumStrings('EventDto')],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
