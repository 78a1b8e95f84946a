import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildOpenApiJson, OPENAPI_PATH } from '../src/openapi/export-openapi.js';
import { checkResponse } from './support/openapi-contract.js';

type Op = { summary?: string; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
const operations = (doc: { paths: Record<string, Record<string, Op>> }) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );

describe('OpenAPI document', () => {
  it('matches the committed backend/openapi.json', async () => {
    const generated = await buildOpenApiJson();
    const doc = JSON.parse(generated);
    assert.ok(doc.paths['/api/auth/login'], 'login route documented');
    assert.ok(doc.paths['/api/users'], 'users route documented');
    assert.ok(doc.components.securitySchemes.bearer, 'bearer auth documented');
    assert.ok(fs.existsSync(OPENAPI_PATH), `${OPENAPI_PATH} is missing: run \`npm run openapi\``);
    const committed = JSON.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'));
    // Compared as data, so reformatting the file (prettier) does not matter.
    try {
      assert.deepStrictEqual(doc, committed);
    } catch {
      assert.fail('backend/openapi.json is out of date with the code: run `npm run openapi` and commit the result');
    }
  });

  it('declares error responses with the shared error body, a success schema, and a server', () => {
    const doc = JSON.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'));
    assert.ok(doc.servers?.length, 'servers');
    const missingSchema: string[] = [];
    for (const { key, op } of operations(doc)) {
      const codes = Object.keys(op.responses);
      assert.ok(op.summary, `${key} has a summary`);
      assert.ok(codes.includes('503'), `${key} declares 503`);
      // The readiness probe answers 503 with its report (what is down), not with an error body.
      for (const code of codes.filter((c) => Number(c) >= 400 && !(key === 'GET /api/health/ready' && c === '503'))) {
        assert.deepEqual(
          op.responses[code]!.content?.['application/json']?.schema,
          { $ref: '#/components/schemas/ErrorBodyDto' },
          `${key} ${code} uses the shared error body`,
        );
      }
      const success = codes.filter((c) => c.startsWith('2') && c !== '204');
      if (success.some((c) => !op.responses[c]!.content) && !/\/attachments\/\{/.test(key)) missingSchema.push(key);
    }
    assert.deepEqual(missingSchema, [], 'every JSON success response has a schema');
  });

  it('describes every page with the one generic wrapper (PageMetaDto + items)', () => {
    const doc = JSON.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'));
    const schemas: Record<string, { properties?: Record<string, unknown> }> = doc.components.schemas;
    const pageLike = Object.entries(schemas)
      .filter(([name, s]) => name !== 'PageMetaDto' && s.properties?.items && s.properties.total)
      .map(([name]) => name);
    assert.deepEqual(pageLike, [], 'no per-entity page schema: use @ApiPageResponse(ItemDto)');
    const pages = operations(doc).filter(({ op }) =>
      JSON.stringify(op.responses['200']?.content ?? {}).includes('#/components/schemas/PageMetaDto'),
    );
    for (const { key, op } of pages) {
      const schema = op.responses['200']!.content!['application/json']!.schema as { allOf: unknown[] };
      assert.deepEqual(schema.allOf[0], { $ref: '#/components/schemas/PageMetaDto' }, key);
      assert.equal(
        (schema.allOf.at(-1) as { properties: { items: { type: string } } }).properties.items.type,
        'array',
        key,
      );
    }
    assert.ok(pages.length >= 13, `${pages.length} paged operations`);
  });

  it('finds responses that disagree with the document', () => {
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    const policy = '/api/sla/policies/6f1c1f3e-8a52-4d6e-9a39-2b0f6c1f2b11';
    assert.match(String(checkResponse('GET', policy, 418, 'application/json', json({}))), /not declared/);
    assert.match(String(checkResponse('GET', policy, 200, 'application/json', json({ id: 1 }))), /does not match/);
    // Knowledge base and forms bodies are checked too: a missing field, a zone-less timestamp, a wrong enum.
    const feedback = {
      id: '6f1c1f3e-8a52-4d6e-9a39-2b0f6c1f2b11',
      articleId: '6f1c1f3e-8a52-4d6e-9a39-2b0f6c1f2b12',
      userId: null,
      body: 'Out of date',
      status: 'RESOLVED',
      resolvedAt: '2026-12-03T12:51:24.301Z',
      createdAt: '2026-12-03T12:51:24.301Z',
      updatedAt: '2026-12-03T12:51:24.301Z',
    };
    const feedbackUrl = '/api/kb/feedback/6f1c1f3e-8a52-4d6e-9a39-2b0f6c1f2b11';
    assert.equal(checkResponse('PATCH', feedbackUrl, 200, 'application/json', json(feedback)), undefined);
    for (const bad of [
      { ...feedback, body: undefined },
      { ...feedback, resolvedAt: '2026-12-03T12:51:24.301' },
      { ...feedback, status: 'OPEN' },
    ]) {
      assert.match(String(checkResponse('PATCH', feedbackUrl, 200, 'application/json', json(bad))), /does not match/);
    }
    // …and may not carry fields the document does not declare (an internal column leaking).
    assert.match(
      String(checkResponse('PATCH', feedbackUrl, 200, 'application/json', json({ ...feedback, storagePath: '/x' }))),
      /undeclared field\(s\): \/storagePath/,
    );
    const feedbackPage = {
      items: [{ ...feedback, article: { id: feedback.articleId, title: 't', slug: 's' }, user: null }],
      total: 1,
      page: 1,
      pageSize: 20,
    };
    assert.equal(checkResponse('GET', '/api/kb/feedback', 200, 'application/json', json(feedbackPage)), undefined);
    const leaky = {
      ...feedbackPage,
      items: [{ ...feedbackPage.items[0], user: { id: feedback.id, name: 'n', email: 'e' } }],
    };
    assert.match(
      String(checkResponse('GET', '/api/kb/feedback', 200, 'application/json', json(leaky))),
      /undeclared field\(s\): \/items\/0\/user\/email/,
    );
    const formsPage = { items: [{ id: 'x' }], total: 1, page: 1, pageSize: 20 };
    assert.match(
      String(checkResponse('GET', '/api/forms', 200, 'application/json', json(formsPage))),
      /does not match/,
    );
    assert.match(
      String(
        checkResponse('GET', '/api/forms', 200, 'application/json', json({ ...formsPage, items: [], total: 1.5 })),
      ),
      /does not match/,
    );
    const error = { statusCode: 404, error: 'Not Found', message: 'x', requestId: 'r' };
    assert.equal(checkResponse('GET', policy, 404, 'application/json; charset=utf-8', json(error)), undefined);
    assert.match(
      String(checkResponse('GET', policy, 404, 'application/json', json({ message: 'x' }))),
      /does not match/,
    );
  });
});
