import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { errorName } from './error-body.js';

export class FieldErrorDto {
  @ApiProperty({ example: 'subject', description: 'The field, dotted for nested fields (`fields.0.key`)' })
  field!: string;

  @ApiProperty({ type: [String], example: ['subject must not be null'] })
  messages!: string[];
}

/** The one error body every 4xx/5xx answer has (built by common/error-body.ts). */
export class ErrorBodyDto {
  @ApiProperty({ type: 'integer', example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'Validation failed' }) message!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Field-level errors (400 validation)' })
  errors?: FieldErrorDto[];
  @ApiPropertyOptional({ description: 'The conflicting field(s) of a 409, or what is missing on a 503' })
  detail?: string;
  @ApiProperty({ description: 'Also sent as the x-request-id header' }) requestId!: string;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `errors` names each field',
  401: 'Missing, invalid or expired access token',
  403: 'Signed in, but not allowed to do this',
  404: 'Not found (or not visible to you)',
  409: 'Conflicts with the current state (duplicate, stale version, still referenced, not allowed transition)',
  413: 'Request body or file too large',
  415: 'Unsupported content type',
  429: 'Too many requests: try again later',
  503: 'Database or queue unavailable, or migrations not applied',
};

/** Declares error responses with the shared ErrorBody schema, e.g. `@ApiErrors(409, 429)`. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorBodyDto),
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? errorName(status), type: ErrorBodyDto }),
    ),
  );
}

/**
 * Any JSON value (form answers, default values, conditions): spelled out rather than `{}`, which Nest would
 * turn into `type: object` and a client generator into "an object". Add `nullable: true` where null is allowed.
 */
export const ANY_JSON_VALUE = {
  anyOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', items: {} },
    { type: 'object', additionalProperties: true },
  ],
};

/** What every page of a list shares besides its items. */
export class PageMetaDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of matching records, all pages together' })
  total!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'This page (1-based)' }) page!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Largest number of items per page' }) pageSize!: number;
}

export interface ApiPageOptions {
  description?: string;
  /** Further top-level fields of this list (a class), e.g. the search id of a search result. */
  with?: Type<unknown>;
}

/**
 * The one way a list route documents its page `{ items: Model[], total, page, pageSize }`:
 * `allOf: [PageMetaDto, (options.with), { items: Model[] }]`, so every page shares one meta schema and the
 * generated client types a page as `PageMetaDto & { items: Model[] }`. The TypeScript side is `Paginated<T>`.
 */
export function ApiPageResponse(model: Type<unknown>, options: ApiPageOptions = {}): MethodDecorator {
  const extra = options.with ? [options.with] : [];
  return applyDecorators(
    ApiExtraModels(PageMetaDto, model, ...extra),
    ApiOkResponse({
      description: options.description ?? 'A page of results',
      schema: {
        allOf: [
          { $ref: getSchemaPath(PageMetaDto) },
          ...extra.map((e) => ({ $ref: getSchemaPath(e) })),
          {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: { $ref: getSchemaPath(model) } } },
          },
        ],
      },
    }),
  );
}

type Operation = {
  parameters?: { in?: string }[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, unknown>;
};

/**
 * Adds the error responses every operation can give by construction, so none is forgotten:
 * 400 (parameters or body are validated), 401 and 403 (signed-in routes), 404 (a path parameter or an
 * id in the body names a record), 409 (writes), 413 (bodies), 503 (every route reads the database).
 * Routes declare the rest themselves with @ApiErrors (429 on throttled routes, 415 on uploads).
 */
export function declareErrorResponses(doc: OpenAPIObject): OpenAPIObject {
  const ref = { $ref: getSchemaPath(ErrorBodyDto) };
  doc.components ??= {};
  doc.components.schemas ??= {};
  for (const item of Object.values(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const op = raw as Operation;
      const params = op.parameters ?? [];
      const statuses = new Set<number>([503]);
      if (params.length || op.requestBody) statuses.add(400);
      if (op.security?.length) statuses.add(401).add(403);
      // A path parameter or an id in the body names a record that may not exist.
      if (op.requestBody || params.some((p) => p.in === 'path')) statuses.add(404);
      if (method !== 'get') statuses.add(409);
      if (op.requestBody) statuses.add(413);
      for (const status of statuses) {
        op.responses[String(status)] ??= { description: ERROR_DESCRIPTIONS[status] };
      }
      // Every error answer has the shared body, including those a route declared without a type.
      for (const [status, response] of Object.entries(op.responses)) {
        const r = response as { content?: unknown };
        if (Number(status) >= 400 && !r.content) r.content = { 'application/json': { schema: ref } };
      }
    }
  }
  return doc;
}
