import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { API_PREFIX, createOpenApiDocument } from '../app.setup.js';
import { packageDir } from '../common/package-dir.js';

/** backend/openapi.json, committed; `npm run openapi` regenerates it. */
export const OPENAPI_PATH = path.join(packageDir(import.meta.dirname), 'openapi.json');

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Builds the document without a database: providers are not instantiated (preview mode). */
export async function buildOpenApiJson(): Promise<string> {
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false });
  try {
    app.setGlobalPrefix(API_PREFIX);
    const document = createOpenApiDocument(app);
    return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1]);
if (isMain) {
  const json = await buildOpenApiJson();
  fs.writeFileSync(OPENAPI_PATH, json);
  console.log(`Wrote ${OPENAPI_PATH}`);
}
