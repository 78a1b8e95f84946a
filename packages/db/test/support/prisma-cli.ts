// The real Prisma CLI (the `prisma` devDependency), run through the engine shim
// (packages/db/prisma-engine), so that the contract test compares our runner with Prisma itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliResult } from './cli.js';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));
export const PRISMA_CLI = path.join(root, 'node_modules/prisma/build/index.js');
export const ENGINE_SHIM = path.join(root, 'packages/db/prisma-engine/schema-engine.mjs');
export const BACKEND_DIR = path.join(root, 'backend');

/** A prisma.config for another migrations folder (a plain object: defineConfig only types it). */
export function prismaConfig(migrationsDir: string): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-prisma-config-'));
  fs.writeFileSync(path.join(dir, 'schema.prisma'), 'datasource db {\n  provider = "postgresql"\n}\n');
  const file = path.join(dir, 'prisma.config.mjs');
  const schema = JSON.stringify(path.join(dir, 'schema.prisma'));
  fs.writeFileSync(
    file,
    `export default { schema: ${schema}, migrations: { path: ${JSON.stringify(migrationsDir)} }, datasource: { url: process.env.DATABASE_URL } };\n`,
  );
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `prisma <args>` against DATABASE_URL=url, from backend/ (its prisma.config.ts) unless a config is given. */
export function prisma(args: string[], options: { url: string; config?: string }): Promise<CliResult> {
  const child = spawn(
    process.execPath,
    [PRISMA_CLI, ...args, ...(options.config ? ['--config', options.config] : [])],
    {
      cwd: BACKEND_DIR,
      env: {
        ...process.env,
        DATABASE_URL: options.url,
        DATABASE_DIRECT_URL: '',
        DIRECT_URL: '',
        PRISMA_SCHEMA_ENGINE_BINARY: ENGINE_SHIM,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1', // no network
        NO_COLOR: '1',
        FORCE_COLOR: '0',
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, out: `${stdout}${stderr}` }));
  });
}
