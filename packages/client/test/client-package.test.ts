import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const pkg = new URL('../../', import.meta.url);

describe('@nixflow/client', () => {
  it('has generated types that match the committed backend/openapi.json', async () => {
    const lib: { generateApiTypes(): Promise<string>; GENERATED_PATH: string } = await import(
      new URL('scripts/generate-lib.mjs', pkg).href
    );
    const committed = fs.readFileSync(lib.GENERATED_PATH, 'utf8');
    assert.ok(
      committed === (await lib.generateApiTypes()),
      'packages/client/src/generated/api.ts is stale: run `npm run openapi && npm run generate -w packages/client`',
    );
  });

  it('compiles its examples without type assertions', () => {
    const dir = new URL('examples/', pkg);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 0);
    for (const f of files) {
      const code = fs
        .readFileSync(new URL(f, dir), 'utf8')
        .replace(/\/\/.*$/gm, '')
        .replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "''");
      assert.doesNotMatch(code, /\bas\s+(?!const\b)[\w{[(]/, `${f} uses an \`as\` cast`);
      assert.doesNotMatch(code, /<\s*\w+(\[\])?\s*>\s*[\w(]/, `${f} uses an angle-bracket cast`);
      assert.doesNotMatch(code, /\bany\b/, `${f} uses any`);
    }
  });
});
