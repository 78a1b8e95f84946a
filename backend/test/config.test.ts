// Typed configuration: the schemas, the secrets rule, the README table, and the real processes refusing to start.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { ConfigError, DEV_JWT_SECRET, migrateEnvSchema, resolveSecrets } from '@nixflow/db';
import { apiEnvSchema, loadAppConfig } from '../src/config/app-config.js';
import { packageDir } from '../src/common/package-dir.js';

const root = path.resolve(packageDir(import.meta.dirname), '..');
// The worker is another workspace: its compiled config module, loaded by path.
const { loadWorkerConfig, workerEnvSchema } = (await import(
  pathToFileURL(path.join(root, 'worker/dist/src/config.js')).href
)) as {
  loadWorkerConfig: (env: NodeJS.ProcessEnv) => {
    databasePoolSize: number;
    databaseListenUrl: string;
    emailSecretKey: Buffer;
  };
  workerEnvSchema: { shape: Record<string, unknown> };
};
const hex32 = () => randomBytes(32).toString('hex');
const prod = (extra: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  JWT_SECRET: hex32(),
  EMAIL_SECRET_KEY: hex32(),
  ...extra,
});

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('invalid values stop the start with a message naming the variable', () => {
    assert.match(
      configError(() => loadAppConfig({ NODE_ENV: 'test', PORT: 'abc' })),
      /PORT: must be a whole number/,
    );
    assert.match(
      configError(() => loadAppConfig({ NODE_ENV: 'test', DATABASE_POOL_SIZE: '0' })),
      /DATABASE_POOL_SIZE/,
    );
    assert.match(
      configError(() => loadAppConfig({ NODE_ENV: 'test', LOGIN_THROTTLE_LIMIT: '1e3' })),
      /LOGIN_THROTTLE_LIMIT/,
    );
    assert.match(
      configError(() => loadAppConfig({ NODE_ENV: 'test', TRUST_PROXY: 'yes please' })),
      /TRUST_PROXY/,
    );
    assert.match(
      configError(() => loadAppConfig({ NODE_ENV: 'test', JWT_TTL: 'forever' })),
      /JWT_TTL/,
    );
    assert.match(
      configError(() => loadWorkerConfig({ NODE_ENV: 'test', WORKER_DATABASE_POOL_SIZE: '-1' })),
      /WORKER_DATABASE_POOL_SIZE/,
    );
    // Several problems: one message naming each.
    const both = configError(() => loadAppConfig({ NODE_ENV: 'test', PORT: 'x', REDIS_URL: 'http://nope' }));
    assert.match(both, /PORT/);
    assert.match(both, /REDIS_URL/);
  });

  it('values are typed, with the documented defaults; the worker pool falls back to DATABASE_POOL_SIZE', () => {
    const c = loadAppConfig({
      NODE_ENV: 'test',
      PORT: '8080',
      DATABASE_POOL_SIZE: '7',
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
    });
    assert.equal(c.port, 8080);
    assert.equal(c.databasePoolSize, 7);
    assert.deepEqual(c.trustProxy, ['10.0.0.0/8', '127.0.0.1']);
    assert.equal(loadAppConfig({ NODE_ENV: 'test', TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadAppConfig({ NODE_ENV: 'test' }).trustProxy, false);
    assert.equal(loadWorkerConfig({ NODE_ENV: 'test', DATABASE_POOL_SIZE: '7' }).databasePoolSize, 7);
    assert.equal(
      loadWorkerConfig({ NODE_ENV: 'test', DATABASE_POOL_SIZE: '7', WORKER_DATABASE_POOL_SIZE: '3' }).databasePoolSize,
      3,
    );
    // LISTEN (user and configuration changes) bypasses a pooler, in both processes.
    for (const load of [loadAppConfig, loadWorkerConfig]) {
      const url = (env: Record<string, string>) =>
        load({ NODE_ENV: 'test', DATABASE_URL: 'postgresql://pooler/db', ...env }).databaseListenUrl;
      assert.equal(url({}), 'postgresql://pooler/db');
      assert.equal(url({ DIRECT_URL: 'postgresql://direct/db' }), 'postgresql://direct/db');
      assert.equal(
        url({ DIRECT_URL: 'postgresql://other/db', DATABASE_DIRECT_URL: 'postgresql://direct/db' }),
        'postgresql://direct/db',
      );
    }
  });

  it('file storage: local by default; S3 needs its bucket and both halves of a key pair, in both processes', () => {
    assert.deepEqual(loadAppConfig({ NODE_ENV: 'test', UPLOAD_DIR: '/data/up' }).storage, {
      driver: 'local',
      uploadDir: '/data/up',
      downloadMode: 'stream',
      signedUrlTtlSeconds: 300,
    });
    const s3 = {
      NODE_ENV: 'test',
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'files',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      STORAGE_DOWNLOAD_MODE: 'redirect',
      STORAGE_SIGNED_URL_TTL_SECONDS: '60',
    };
    assert.deepEqual(loadAppConfig(s3).storage, {
      driver: 's3',
      uploadDir: './uploads',
      downloadMode: 'redirect',
      signedUrlTtlSeconds: 60,
      bucket: 'files',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      accessKeyId: undefined,
      secretAccessKey: undefined,
    });
    assert.equal((loadWorkerConfig(s3) as unknown as { storage: { driver: string } }).storage.driver, 's3');
    for (const load of [loadAppConfig, loadWorkerConfig] as Array<(env: NodeJS.ProcessEnv) => unknown>) {
      assert.match(
        configError(() => load({ NODE_ENV: 'test', STORAGE_DRIVER: 's3' })),
        /S3_BUCKET: required when STORAGE_DRIVER=s3/,
      );
      assert.match(
        configError(() => load({ NODE_ENV: 'test', STORAGE_DRIVER: 'gcs' })),
        /STORAGE_DRIVER/,
      );
      assert.match(
        configError(() => load({ ...s3, S3_ACCESS_KEY_ID: 'AKIA' })),
        /S3_SECRET_ACCESS_KEY/,
      );
      assert.match(
        configError(() => load({ ...s3, S3_ENDPOINT: 'minio:9000' })),
        /S3_ENDPOINT/,
      );
      assert.match(
        configError(() => load({ ...s3, STORAGE_DOWNLOAD_MODE: 'proxy' })),
        /STORAGE_DOWNLOAD_MODE/,
      );
    }
  });

  it('outside development and test the API and the worker need real secrets', () => {
    for (const nodeEnv of ['production', 'staging']) {
      const msg = configError(() => loadAppConfig({ NODE_ENV: nodeEnv }));
      assert.match(msg, /JWT_SECRET is not set.*openssl rand -hex 32/);
      assert.match(msg, /EMAIL_SECRET_KEY is not set.*openssl rand -hex 32/);
      assert.match(
        configError(() => loadWorkerConfig({ NODE_ENV: nodeEnv })),
        /EMAIL_SECRET_KEY is not set/,
      );
    }
    assert.match(
      configError(() => loadAppConfig(prod({ JWT_SECRET: DEV_JWT_SECRET }))),
      /JWT_SECRET is a published default/,
    );
    assert.match(
      configError(() => loadAppConfig(prod({ JWT_SECRET: 'short-secret' }))),
      /JWT_SECRET must be at least 32/,
    );
    const devKey = resolveSecrets({ NODE_ENV: 'test' }).emailSecretKey.toString('hex');
    assert.match(
      configError(() => loadAppConfig(prod({ EMAIL_SECRET_KEY: devKey }))),
      /EMAIL_SECRET_KEY is the published/,
    );
    assert.match(
      configError(() => loadWorkerConfig(prod({ EMAIL_SECRET_KEY: 'abc' }))),
      /EMAIL_SECRET_KEY must be 32 bytes/,
    );
    const ok = prod();
    assert.equal(loadAppConfig(ok).jwtSecret, ok.JWT_SECRET);
    assert.equal(loadWorkerConfig(ok).emailSecretKey.toString('hex'), ok.EMAIL_SECRET_KEY);
    // Production defaults: no docs, no CORS.
    assert.equal(loadAppConfig(ok).apiDocs, false);
    assert.equal(loadAppConfig(ok).corsOrigins, false);
    assert.equal(loadAppConfig({ ...ok, API_DOCS: 'true' }).apiDocs, true);
  });

  it('development generates the secrets once (0600 file) and API and worker share them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-dev-secrets-'));
    try {
      const file = path.join(dir, '.nixflow', 'dev-secrets.json');
      const env = { NODE_ENV: 'development', NIXFLOW_DEV_SECRETS_FILE: file };
      const api = loadAppConfig(env);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.ok(api.jwtSecret.length >= 32 && api.jwtSecret !== DEV_JWT_SECRET);
      const again = loadAppConfig(env);
      const worker = loadWorkerConfig(env);
      assert.equal(again.jwtSecret, api.jwtSecret);
      assert.deepEqual(worker.emailSecretKey, api.emailSecretKey);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('README documents exactly the variables of the two schemas', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const table = readme.slice(
      readme.indexOf('| variable | default | meaning |'),
      readme.indexOf('\n\n', readme.indexOf('| variable |')),
    );
    const documented = new Set<string>();
    for (const line of table.split('\n').slice(2)) {
      const first = line.split('|')[1] ?? '';
      for (const m of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) documented.add(m[1]!);
    }
    const declared = new Set([
      ...Object.keys(apiEnvSchema.shape),
      ...Object.keys(workerEnvSchema.shape),
      ...Object.keys(migrateEnvSchema.shape),
    ]);
    assert.deepEqual(
      [...declared].filter((v) => !documented.has(v)).sort(),
      [],
      'in a schema, not in the README table',
    );
    assert.deepEqual([...documented].filter((v) => !declared.has(v)).sort(), [], 'in the README table, in no schema');
  });

  it('the real API and worker refuse to start in production without secrets, naming the variable', () => {
    for (const main of ['backend/dist/src/main.js', 'worker/dist/src/main.js']) {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0' };
      const res = spawnSync(process.execPath, [path.join(root, main)], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(res.status, 1, `${main}: ${res.stdout}${res.stderr}`);
      assert.match(res.stderr, /EMAIL_SECRET_KEY is not set.*openssl rand -hex 32/, main);
      if (main.startsWith('backend')) assert.match(res.stderr, /JWT_SECRET is not set/);
      assert.doesNotMatch(res.stderr, /at .*\.js:\d+/, 'one clear message, no stack trace');
    }
  });
});
