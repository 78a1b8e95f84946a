import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { UserRole } from '@nixflow/db/client';
import { REQUIRED_TABLES } from '../../src/health/schema-check.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { concretePath, listRoutes, type ApiRoute } from './support/openapi-routes.js';
import { ROUTE_ACCESS } from './support/route-access.js';

// Property tests over every route that takes a JSON body or a query string, with bodies derived from
// the route's OpenAPI schema and then broken: wrong types, huge strings/arrays, unknown fields, NUL
// bytes, lone surrogates, injection strings, malformed JSON. The answer is always < 500, and a 4xx
// leaves every table exactly as it was.

const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS || 20);
type Schema = Record<string, unknown>;

const SQLI = [
  "' OR '1'='1",
  '\'; DROP TABLE "User"; --',
  '1; SELECT pg_sleep(5)',
  '" OR ""="',
  "\\'; --",
  '%27%20OR%201=1',
];
const HTML = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
];
const UNICODE = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\u202e\u202d',
  '\ufeff',
  '🙂'.repeat(50),
  'é'.normalize('NFD'),
  '\u0085\u2028\u2029',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
];

/** Values that are wrong, or valid but odd, for any field. */
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    0,
    -1,
    1e308,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    ' ',
    [],
    {},
    'x'.repeat(100_000),
    Array.from({ length: 5000 }, (_, i) => i),
    Array.from({ length: 2000 }, () => 'a'.repeat(20)),
    { $gt: '' },
    { __proto__: { admin: true } },
    { constructor: { prototype: { polluted: true } } },
    '2024-02-30T25:61:00Z',
    '00000000-0000-0000-0000-000000000000',
    'NaN',
    '1e999',
  ),
  fc.constantFrom(...SQLI, ...HTML, ...UNICODE),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** A plausible valid value for a schema (so that one broken field is what the validator sees). */
function sample(schema: Schema, depth = 0): unknown {
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  const all = (schema.allOf as Schema[] | undefined)?.[0];
  if (all) return sample(all, depth + 1);
  switch (schema.type) {
    case 'string':
      if (schema.format === 'email') return `fuzz-${Math.random().toString(36).slice(2)}@test.nixflow.local`;
      if (schema.format === 'uuid') return '6f1c1f3e-8a52-4d6e-9a39-2b0f6c1f2b11';
      if (schema.format === 'date-time') return new Date().toISOString();
      return 'x'.repeat(Math.max(Number(schema.minLength ?? 1), 1)).padEnd(8, 'y');
    case 'integer':
    case 'number':
      return Number(schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'array':
      return depth > 4 ? [] : [sample((schema.items as Schema) ?? {}, depth + 1)];
    case 'object':
    default: {
      const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
      if (depth > 4) return {};
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sample(v, depth + 1)]));
    }
  }
}

/** The object schema of a property (directly or as its single allOf), when it declares fields. */
function objectSchemaOf(prop: Schema): Schema | undefined {
  const s = (prop.allOf as Schema[] | undefined)?.length === 1 ? (prop.allOf as Schema[])[0]! : prop;
  const props = s.properties as Record<string, unknown> | undefined;
  return props && Object.keys(props).length ? s : undefined;
}

function fieldsOf(schema: Schema): string[] {
  return Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
}

/** A body: the schema's sample with one or two fields broken, a field added or removed, or no object at all. */
function bodyArbitrary(schema: Schema): fc.Arbitrary<unknown> {
  const base = sample(schema) as Record<string, unknown>;
  const fields = fieldsOf(schema);
  const broken = fields.length
    ? fc
        .tuple(
          fc.subarray(fields, { minLength: 1, maxLength: Math.min(2, fields.length) }),
          fc.array(weirdValue, { minLength: 2, maxLength: 2 }),
        )
        .map(([keys, values]) => ({ ...base, ...Object.fromEntries(keys.map((k, i) => [k, values[i]])) }))
    : fc.constant(base);
  const unknownField = fc
    .tuple(
      fc.constantFrom('isAdmin', 'role', 'id', 'passwordHash', '__proto__', 'deletedAt', 'x'.repeat(300)),
      weirdValue,
    )
    .map(([k, v]) => JSON.parse(JSON.stringify({ ...base, [`${k}`]: v ?? 1 })));
  const missing = fields.length
    ? fc.constantFrom(...fields).map((k) => Object.fromEntries(Object.entries(base).filter(([f]) => f !== k)))
    : fc.constant({});
  const notObject = fc.constantFrom<unknown>([], [base], 'string', 42, null, true);
  return fc.oneof(
    { arbitrary: broken, weight: 5 },
    { arbitrary: unknownField, weight: 2 },
    { arbitrary: missing, weight: 1 },
    { arbitrary: notObject, weight: 1 },
  );
}

/** Query strings with wrong types, repeated keys, unknown keys and odd text. */
function queryArbitrary(route: ApiRoute): fc.Arbitrary<string> {
  const names = route.queryParams.map((p) => p.name);
  const value = fc.oneof(
    fc.constantFrom('-1', '0', '1e9', 'abc', '', '9'.repeat(400), 'true', '[]', '{}', 'null', ...SQLI, ...HTML),
    fc.constantFrom('a\u0000b', '\ud800', '%00', '%ZZ', '%C0%AF', '🙂'.repeat(200)),
    fc.string({ maxLength: 30 }),
  );
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...names), fc.constantFrom('unknown', 'page[]', '__proto__')), value);
  return fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs) =>
    pairs
      .map(([k, v]) => {
        // '%..' values are sent raw, on purpose malformed; others are encoded (lone surrogates throw).
        let enc: string;
        try {
          enc = v.startsWith('%') ? v : encodeURIComponent(v);
        } catch {
          enc = '%ED%A0%80';
        }
        return `${encodeURIComponent(k)}=${enc}`;
      })
      .join('&'),
  );
}

describe('bad input on every route with a body or a query', { timeout: 900_000 }, () => {
  let t: TestApp;
  let admin: string;
  let routes: ApiRoute[];
  let countSql: string;

  const snapshot = async (): Promise<Record<string, number>> => {
    const [row] = await t.prisma.$queryRawUnsafe<Record<string, number>[]>(countSql);
    return row!;
  };

  before(async () => {
    t = await createTestApp({ env: { LOGIN_THROTTLE_LIMIT: '100000' } });
    admin = await t.tokenFor(UserRole.ADMIN);
    routes = listRoutes(t.app).filter(
      // Token-revoking and multipart routes are covered elsewhere.
      (r) => r.key !== 'POST /api/auth/logout' && !r.multipart && (r.jsonBody || r.queryParams.length),
    );
    const tables = REQUIRED_TABLES;
    countSql = `SELECT ${tables.map((tb) => `(SELECT count(*)::int FROM "${tb}") AS "${tb}"`).join(', ')}`;
  });
  after(async () => {
    await t?.close();
  });

  it('covers every route that takes input', () => {
    assert.ok(routes.length >= 15, `only ${routes.length} routes with input`);
    for (const r of routes) assert.ok(ROUTE_ACCESS[r.key], `${r.key} is not classified`);
  });

  it('never answers 5xx to a broken JSON body, and a 4xx stores nothing', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.jsonBody)) {
      await fc.assert(
        fc.asyncProperty(bodyArbitrary(route.jsonBody!), async (body) => {
          const before = await snapshot();
          const method = route.method.toLowerCase() as 'post' | 'patch' | 'put';
          const res = await t.http[method](concretePath(route))
            .set('authorization', `Bearer ${admin}`)
            .set('content-type', 'application/json')
            .send(JSON.stringify(body));
          if (res.status >= 500) {
            failures.push(
              `${route.key} ${res.status} ${JSON.stringify(body).slice(0, 200)} → ${res.text.slice(0, 200)}`,
            );
            return;
          }
          if (res.status >= 400) {
            assert.deepEqual(await snapshot(), before, `${route.key} ${res.status} changed rows`);
            assert.ok(typeof res.body.message === 'string' && res.body.statusCode === res.status, res.text);
          }
        }),
        { numRuns: RUNS, seed: Number(process.env.RELIABILITY_FUZZ_SEED) || undefined },
      );
    }
    assert.deepEqual(failures, []);
  });

  it('answers null in every body field, and one level down, with 400 naming the field unless it is nullable (no 5xx)', async () => {
    const failures: string[] = [];
    let checked = 0;
    let checkedNested = 0;
    let routesSwept = 0;
    for (const route of routes.filter((r) => r.jsonBody)) {
      const schema = route.jsonBody!;
      const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const base = sample(schema) as Record<string, unknown>;
      const send = async (body: unknown) => {
        const method = route.method.toLowerCase() as 'post' | 'patch' | 'put';
        return t.http[method](concretePath(route))
          .set('authorization', `Bearer ${admin}`)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
      };
      const allNull = await send(Object.fromEntries(Object.keys(props).map((k) => [k, null])));
      if (allNull.status >= 500)
        failures.push(`${route.key} all fields null → ${allNull.status} ${allNull.text.slice(0, 200)}`);
      for (const [field, prop] of Object.entries(props)) {
        const before = await snapshot();
        const res = await send({ ...base, [field]: null });
        checked++;
        if (res.status >= 500) {
          failures.push(`${route.key} {"${field}": null} → ${res.status} ${res.text.slice(0, 200)}`);
          continue;
        }
        if (prop.nullable === true) continue; // null clears it: any non-5xx answer is the route's business
        const named = ((res.body?.errors as { field: string }[] | undefined) ?? []).some(
          (e) => e.field === field || e.field.startsWith(`${field}.`),
        );
        if (res.status !== 400 || !named)
          failures.push(
            `${route.key} {"${field}": null} → ${res.status} (want 400 naming ${field}) ${res.text.slice(0, 200)}`,
          );
        else assert.deepEqual(await snapshot(), before, `${route.key} ${field}: null changed rows`);
      }
      // One level down: null in each field of a nested object (a policy's conditions, a team's calendar…).
      for (const [field, prop] of Object.entries(props)) {
        const inner = objectSchemaOf(prop);
        if (!inner) continue;
        const innerBase = (sample(inner) ?? {}) as Record<string, unknown>;
        for (const [sub, subProp] of Object.entries(inner.properties as Record<string, Schema>)) {
          const path = `${field}.${sub}`;
          const before = await snapshot();
          const res = await send({ ...base, [field]: { ...innerBase, [sub]: null } });
          checkedNested++;
          if (res.status >= 500) {
            failures.push(`${route.key} {"${path}": null} → ${res.status} ${res.text.slice(0, 200)}`);
            continue;
          }
          if (subProp.nullable === true || prop.nullable === true) continue;
          const named = ((res.body?.errors as { field: string }[] | undefined) ?? []).some(
            (e) => e.field === path || e.field.startsWith(`${path}.`) || e.field === field,
          );
          if (res.status !== 400 || !named)
            failures.push(
              `${route.key} {"${path}": null} → ${res.status} (want 400 naming ${path}) ${res.text.slice(0, 200)}`,
            );
          else assert.deepEqual(await snapshot(), before, `${route.key} ${path}: null changed rows`);
        }
      }
      routesSwept++;
    }
    // The sweep's size, for the record (the issue note quotes it).
    console.log(
      `# null sweep: ${routesSwept} routes, ${checked} top-level and ${checkedNested} nested fields, ${failures.length} failures`,
    );
    assert.ok(checked >= 100, `only ${checked} fields checked`);
    assert.ok(checkedNested >= 20, `only ${checkedNested} nested fields checked`);
    assert.deepEqual(failures, []);
  });

  it('answers malformed and hostile raw bodies with 4xx', async () => {
    const raw = [
      '{"email": "a@b.co", ',
      '{"a":1}garbage',
      '[',
      '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
      '\u0000',
      '{"a":"\\ud800"}',
      '{"__proto__":{"isAdmin":true}}',
      'null',
      '"just a string"',
      '{"a":1,"a":2}',
      '\xff\xfe{',
    ];
    for (const route of routes.filter((r) => r.jsonBody)) {
      for (const body of raw) {
        const before = await snapshot();
        const method = route.method.toLowerCase() as 'post' | 'patch' | 'put';
        const res = await t.http[method](concretePath(route))
          .set('authorization', `Bearer ${admin}`)
          .set('content-type', 'application/json')
          .send(body);
        assert.ok(
          res.status >= 400 && res.status < 500,
          `${route.key} ${JSON.stringify(body).slice(0, 60)}: ${res.status}`,
        );
        assert.deepEqual(await snapshot(), before);
      }
      // A body over the 1 MB limit, and a wrong content type.
      const big = await t.http[route.method.toLowerCase() as 'post'](concretePath(route))
        .set('authorization', `Bearer ${admin}`)
        .set('content-type', 'application/json')
        .send(JSON.stringify({ x: 'y'.repeat(1_200_000) }));
      assert.equal(big.status, 413, route.key);
      const xml = await t.http[route.method.toLowerCase() as 'post'](concretePath(route))
        .set('authorization', `Bearer ${admin}`)
        .set('content-type', 'application/xml')
        .send('<a/>');
      assert.ok(xml.status >= 400 && xml.status < 500, `${route.key} xml: ${xml.status}`);
    }
  });

  it('never answers 5xx to a hostile query string, and a 4xx stores nothing', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.queryParams.length && r.method === 'GET')) {
      await fc.assert(
        fc.asyncProperty(queryArbitrary(route), async (qs) => {
          const before = await snapshot();
          const res = await t.http.get(`${concretePath(route)}?${qs}`).set('authorization', `Bearer ${admin}`);
          if (res.status >= 500)
            failures.push(`${route.key}?${qs.slice(0, 200)} → ${res.status} ${res.text.slice(0, 200)}`);
          else if (res.status >= 400) assert.deepEqual(await snapshot(), before, `${route.key}?${qs} changed rows`);
        }),
        { numRuns: RUNS, seed: Number(process.env.RELIABILITY_FUZZ_SEED) || undefined },
      );
    }
    assert.deepEqual(failures, []);
  });

  it('rejects NUL bytes with 400 and stores odd-but-valid text exactly (injection strings are data)', async () => {
    const nul = await t.http
      .post('/api/users')
      .set('authorization', `Bearer ${admin}`)
      .send({ email: 'nul-name@test.nixflow.local', name: 'a\u0000b', password: 'Password-123' });
    assert.equal(nul.status, 400, nul.text);
    assert.equal(await t.prisma.user.count({ where: { email: 'nul-name@test.nixflow.local' } }), 0);

    for (const name of [...SQLI, ...HTML, '🙂 Zoë 𝔘', '\u202eevil']) {
      const email = `odd-${Math.random().toString(36).slice(2)}@test.nixflow.local`;
      const res = await t.http
        .post('/api/users')
        .set('authorization', `Bearer ${admin}`)
        .send({ email, name, password: 'Password-123' });
      assert.equal(res.status, 201, `${name}: ${res.text}`);
      assert.equal(res.body.name, name.trim());
      assert.equal((await t.prisma.user.findUniqueOrThrow({ where: { email } })).name, name.trim());
    }
    // The injection attempts did nothing: the users table is still there and intact.
    assert.ok((await t.prisma.user.count()) > 5);
  });
});
