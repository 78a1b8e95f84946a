import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { OPENAPI_PATH } from '../../src/openapi/export-openapi.js';

// Every response the API sends in an e2e test is checked against the committed backend/openapi.json:
// the status must be declared for the operation, and a JSON body must match the declared schema.
// Violations are collected and fail the test file when its TestApp closes (createTestApp → close()).

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Route {
  template: string;
  regex: RegExp;
  methods: Record<string, Operation>;
}

export interface ContractViolation {
  request: string;
  status: number;
  problem: string;
}

/**
 * Operations whose JSON bodies must not carry fields the document does not declare (an internal column
 * leaking, a field renamed on one side only). Ajv alone accepts undeclared fields (OpenAPI objects are open),
 * so `undeclaredFields` checks them. Path prefixes; the knowledge base and forms to start with.
 */
export const NO_UNDECLARED_FIELDS: readonly string[] = [
  '/api/kb/',
  '/api/forms',
  '/api/tickets/{id}/suggested-articles',
];

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let loaded: { routes: Route[]; ajv: Ajv; schemas: Record<string, Json> } | undefined;
const validators = new Map<string, ValidateFunction>();

/** OpenAPI 3.0 `nullable: true` as JSON Schema (Ajv rejects `nullable` beside `$ref`/`allOf`). */
function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Json;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, nullableToJsonSchema(v)])) as Json;
  if (nullable !== true) return out;
  if (typeof out.type === 'string' && !out.allOf && !out.$ref) {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function load(): { routes: Route[]; ajv: Ajv; schemas: Record<string, Json> } {
  if (loaded) return loaded;
  const text = fs.readFileSync(OPENAPI_PATH, 'utf8').replaceAll('"#/components/', '"openapi.json#/components/');
  const doc = nullableToJsonSchema(JSON.parse(text)) as {
    paths: Record<string, Record<string, Operation>>;
    components: Json;
  };
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addSchema({ $id: 'openapi.json', components: doc.components });
  const routes = Object.entries(doc.paths).map(([template, methods]) => ({
    template,
    // Literal segments first: /api/tickets/search must not be taken for /api/tickets/{id}.
    regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    methods,
  }));
  routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  loaded = { routes, ajv, schemas: (doc.components.schemas ?? {}) as Record<string, Json> };
  return loaded;
}

function validatorFor(key: string, schema: unknown): ValidateFunction {
  let v = validators.get(key);
  if (!v) {
    v = load().ajv.compile(schema as Json);
    validators.set(key, v);
  }
  return v;
}

function resolve(schema: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return resolve(load().schemas[ref.split('/').pop()!] ?? {});
}

/** The named properties an object schema allows, or undefined when it allows any (additionalProperties). */
function declaredProperties(schema: Json): Map<string, Json[]> | undefined {
  const s = resolve(schema);
  if (s.additionalProperties) return undefined;
  const out = new Map<string, Json[]>();
  const parts = [...((s.allOf as Json[]) ?? []), ...((s.anyOf as Json[]) ?? []), ...((s.oneOf as Json[]) ?? [])];
  for (const part of parts) {
    const r = resolve(part);
    if (r.type === 'null' || (r.type && r.type !== 'object' && !r.properties && !r.allOf)) continue;
    const nested = declaredProperties(r);
    if (!nested) return undefined;
    for (const [k, v] of nested) out.set(k, [...(out.get(k) ?? []), ...v]);
  }
  for (const [k, v] of Object.entries((s.properties as Record<string, Json>) ?? {})) {
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  if (!out.size && !parts.length) return undefined; // a bare object: any fields
  return out;
}

/** JSON pointers of fields in `value` that `schema` does not declare (call after Ajv accepted the value). */
export function undeclaredFields(schema: unknown, value: unknown, at = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  const s = resolve(schema as Json);
  if (Array.isArray(value)) {
    const items = [s, ...(((s.anyOf ?? s.oneOf) as Json[]) ?? [])].map(resolve).find((x) => x.items)?.items as
      Json | undefined;
    return items ? value.flatMap((v, i) => undeclaredFields(items, v, `${at}/${i}`)) : [];
  }
  const declared = declaredProperties(s);
  if (!declared) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const options = declared.get(k);
    if (!options) return [`${at}/${k}`];
    // A field described in several places (allOf parts) is checked against the first that declares fields.
    return undeclaredFields(options[0], v, `${at}/${k}`);
  });
}

/** What is wrong with one response, if anything. */
export function checkResponse(
  method: string,
  url: string,
  status: number,
  contentType: string,
  body: Buffer,
): string | undefined {
  const path = url.split('?')[0]!;
  const route = load().routes.find((r) => r.regex.test(path));
  const op = route?.methods[method.toLowerCase()];
  if (!route || !op) return undefined; // not an API operation (unknown route, docs, HEAD/OPTIONS)
  const declared = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
  if (!declared) return `status ${status} is not declared (declared: ${Object.keys(op.responses).join(', ')})`;
  const isJson = /^application\/(.+\+)?json/i.test(contentType);
  const schema = declared.content?.['application/json']?.schema;
  if (!isJson || body.length === 0) return undefined;
  if (!schema) return `a JSON body was sent, but no schema is declared for ${status}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'the body is not valid JSON';
  }
  const validate = validatorFor(`${method} ${route.template} ${status}`, schema);
  if (validate(parsed)) {
    if (!NO_UNDECLARED_FIELDS.some((prefix) => route.template.startsWith(prefix))) return undefined;
    const extra = undeclaredFields(schema, parsed);
    return extra.length ? `undeclared field(s): ${extra.slice(0, 5).join(', ')}` : undefined;
  }
  const errors = (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  return `body does not match the schema: ${errors.join('; ')}`;
}

/** Express middleware recording contract violations of every response into `sink`. */
export function openApiContractRecorder(sink: ContractViolation[]) {
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void): void => {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
    const keep = (chunk: unknown, encoding?: unknown): void => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
      );
    };
    (res as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    };
    (res as { end: unknown }).end = (chunk?: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return end(chunk, ...rest);
    };
    res.on('finish', () => {
      const url = req.originalUrl ?? req.url ?? '';
      const method = req.method ?? 'GET';
      let problem: string | undefined;
      try {
        problem = checkResponse(
          method,
          url,
          res.statusCode,
          String(res.getHeader('content-type') ?? ''),
          Buffer.concat(chunks),
        );
      } catch (err) {
        problem = `the declared schema cannot be checked: ${(err as Error).message}`;
      }
      if (problem) sink.push({ request: `${method} ${url.slice(0, 200)}`, status: res.statusCode, problem });
    });
    next();
  };
}

export function formatViolations(violations: ContractViolation[]): string {
  const lines = violations.slice(0, 50).map((v) => `  ${v.request} → ${v.status}: ${v.problem}`);
  if (violations.length > 50) lines.push(`  … and ${violations.length - 50} more`);
  return `${violations.length} response(s) disagree with backend/openapi.json:\n${lines.join('\n')}`;
}
