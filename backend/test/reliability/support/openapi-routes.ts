import { createHmac, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createOpenApiDocument } from '../../../src/app.setup.js';

type Schema = Record<string, unknown>;

export interface ApiRoute {
  /** "METHOD /api/path/{param}", the key of ROUTE_ACCESS. */
  key: string;
  method: string;
  path: string;
  operationId?: string;
  pathParams: { name: string; schema: Schema }[];
  queryParams: { name: string; schema: Schema; required: boolean }[];
  /** JSON body schema (refs resolved), when the route takes a JSON body. */
  jsonBody?: Schema;
  multipart: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Resolves local `$ref`s (recursively, cycles cut off) so that generators see plain schemas. */
export function resolveSchema(doc: OpenAPIObject, schema: unknown, depth = 0): Schema {
  if (!schema || typeof schema !== 'object' || depth > 8) return {};
  const s = schema as Schema;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/components/schemas/', '');
    return resolveSchema(doc, doc.components?.schemas?.[name], depth + 1);
  }
  const out: Schema = { ...s };
  if (s.properties && typeof s.properties === 'object') {
    out.properties = Object.fromEntries(
      Object.entries(s.properties as Record<string, unknown>).map(([k, v]) => [k, resolveSchema(doc, v, depth + 1)]),
    );
  }
  if (s.items) out.items = resolveSchema(doc, s.items, depth + 1);
  for (const comb of ['allOf', 'oneOf', 'anyOf'] as const) {
    if (Array.isArray(s[comb])) out[comb] = (s[comb] as unknown[]).map((x) => resolveSchema(doc, x, depth + 1));
  }
  return out;
}

/** Every route of the app, read from the OpenAPI document generated from the code (not the committed file). */
export function listRoutes(app: INestApplication): ApiRoute[] {
  const doc = createOpenApiDocument(app);
  const routes: ApiRoute[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, unknown>)[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const params = ((op.parameters as Record<string, unknown>[] | undefined) ?? []).map((p) => ({
        name: String(p.name),
        in: String(p.in),
        required: p.required === true,
        schema: resolveSchema(doc, p.schema),
      }));
      const content = (op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content;
      routes.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        jsonBody: content?.['application/json'] ? resolveSchema(doc, content['application/json'].schema) : undefined,
        multipart: !!content?.['multipart/form-data'],
      });
    }
  }
  return routes;
}

/** The route's path with every parameter filled: integers get 1, everything else a random (absent) UUID. */
export function concretePath(route: ApiRoute, values: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (values[name] !== undefined) return encodeURIComponent(values[name]);
    const p = route.pathParams.find((x) => x.name === name);
    return p?.schema.type === 'integer' || p?.schema.type === 'number' ? '1' : randomUUID();
  });
}

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

/** An HS256 JWT made by hand, for tokens the app would never issue (expired, forged, alg none). */
export function signJwt(payload: Record<string, unknown>, secret: string, alg: 'HS256' | 'none' = 'HS256'): string {
  const head = `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  if (alg === 'none') return `${head}.`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}
