#!/usr/bin/env node
// Generates src/generated/api.ts from the committed backend/openapi.json with openapi-typescript.
// `node scripts/generate.mjs --check` exits 1 when the committed file is stale (CI, tests).
import fs from 'node:fs';
import path from 'node:path';
import { generateApiTypes, GENERATED_PATH } from './generate-lib.mjs';

const check = process.argv.includes('--check');
const source = await generateApiTypes();
if (check) {
  const committed = fs.existsSync(GENERATED_PATH) ? fs.readFileSync(GENERATED_PATH, 'utf8') : '';
  if (committed !== source) {
    console.error(`${path.relative(process.cwd(), GENERATED_PATH)} is stale: run npm run generate -w packages/client`);
    process.exit(1);
  }
  console.log('generated API types are up to date');
} else {
  fs.mkdirSync(path.dirname(GENERATED_PATH), { recursive: true });
  fs.writeFileSync(GENERATED_PATH, source);
  console.log(`Wrote ${GENERATED_PATH}`);
}
