#!/usr/bin/env node
// Generates the Prisma client without the native schema engine: `prisma generate` never runs it,
// but the CLI insists that one exists, so point it at a placeholder unless the user has a real one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !fs.existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  const placeholder = path.join(os.tmpdir(), 'nixflow-no-schema-engine');
  fs.writeFileSync(
    placeholder,
    '#!/bin/sh\necho "nixflow: the Prisma schema engine is not installed; use npm run db:migrate" >&2\nexit 1\n',
    { mode: 0o755 },
  );
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const root = path.resolve(import.meta.dirname, '..');
const res = spawnSync(process.execPath, [path.join(root, 'node_modules/prisma/build/index.js'), 'generate'], {
  cwd: path.join(root, 'backend'),
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (res.status !== 0) {
  process.stdout.write(res.stdout ?? '');
  console.error('prisma generate failed: check backend/prisma/schema.prisma (npx prisma validate).');
  process.exit(res.status ?? 1);
}
console.log('Prisma client generated in packages/db/src/generated/prisma');
