import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildOpenApiJson, OPENAPI_PATH } from '../src/openapi/export-openapi.js';

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
});
