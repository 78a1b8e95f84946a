// docker-compose.yml and the Dockerfile: validated by docker-compose where the client is installed
// (.ci/run installs Debian's docker-compose; no engine is needed), and checked for what issue 8 asks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');
const composeFile = path.join(root, 'docker-compose.yml');
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');

/** `docker compose` (plugin) or `docker-compose` (standalone), whichever works here. */
function composeCli() {
  for (const cmd of [['docker', 'compose'], ['docker-compose']]) {
    const res = spawnSync(cmd[0], [...cmd.slice(1), 'version'], { encoding: 'utf8' });
    if (res.status === 0) return cmd;
  }
  return undefined;
}
const cli = composeCli();

/** Throwaway secrets: compose refuses to resolve without them. */
const SECRETS = { JWT_SECRET: 'a'.repeat(64), EMAIL_SECRET_KEY: 'b'.repeat(64) };

function runConfig(env, ...args) {
  return spawnSync(cli[0], [...cli.slice(1), '-f', composeFile, 'config', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', ...env },
  });
}

/** The resolved configuration as docker-compose prints it (YAML), with defaults filled in. */
function resolvedConfig(env = {}) {
  const res = runConfig({ ...SECRETS, ...env });
  assert.equal(res.status, 0, res.stderr);
  return res.stdout;
}

/** The block of one service in the resolved YAML (services are indented by two spaces). */
function serviceBlock(yaml, name) {
  const m = new RegExp(`^  ${name}:\\n((?:    .*\\n|\\n)*)`, 'm').exec(yaml);
  assert.ok(m, `service ${name}`);
  return m[1];
}

describe('docker-compose.yml', { skip: cli ? false : 'no docker compose / docker-compose client here' }, () => {
  test('is valid (docker compose config -q) when the secrets are set', () => {
    const res = runConfig(SECRETS, '-q');
    assert.equal(res.status, 0, res.stderr);
  });

  test('refuses to resolve without JWT_SECRET or EMAIL_SECRET_KEY, saying how to make one', () => {
    for (const missing of ['JWT_SECRET', 'EMAIL_SECRET_KEY']) {
      const env = { ...SECRETS };
      delete env[missing];
      const res = runConfig(env, '-q');
      assert.notEqual(res.status, 0, `${missing} unset must fail`);
      assert.match(res.stderr, new RegExp(`${missing}.*openssl rand -hex 32`));
    }
  });

  test('db, redis, backend and worker with healthchecks, volumes and healthy dependencies', () => {
    const yaml = resolvedConfig();
    const db = serviceBlock(yaml, 'db');
    assert.match(db, /image: postgres:16/);
    assert.match(db, /POSTGRES_USER: nixflow/);
    assert.match(db, /POSTGRES_DB: nixflow/);
    assert.match(db, /pg_isready/);
    assert.match(db, /db-data:\/var\/lib\/postgresql\/data|source: db-data/);
    const redis = serviceBlock(yaml, 'redis');
    assert.match(redis, /redis-cli/);
    assert.match(redis, /ping/);
    for (const name of ['backend', 'worker']) {
      const svc = serviceBlock(yaml, name);
      assert.match(svc, /image: nixflow:local/, 'the image the migrate service builds');
      assert.doesNotMatch(svc, /^ {4}build:/m, 'built once, by the migrate service');
      assert.match(svc, /DATABASE_URL: postgresql:\/\/nixflow:nixflow@db:5432\/nixflow/);
      assert.match(svc, /REDIS_URL: redis:\/\/redis:6379/);
      assert.match(svc, /db:\n\s+condition: service_healthy/);
      assert.match(svc, /redis:\n\s+condition: service_healthy/);
    }
    const backend = serviceBlock(yaml, 'backend');
    assert.doesNotMatch(backend, /migrate\.js/, 'the migrate service migrates, not every backend start');
    assert.match(backend, /node\n?\s*-?\s*backend\/dist\/src\/main\.js|node backend\/dist\/src\/main\.js/);
    assert.match(backend, /healthcheck:/);
    assert.match(backend, /JWT_SECRET/);
    assert.match(backend, /EMAIL_SECRET_KEY/);
    assert.match(
      serviceBlock(yaml, 'worker'),
      /node\n?\s*-?\s*worker\/dist\/src\/main\.js|node worker\/dist\/src\/main\.js/,
    );
  });

  test('a one-shot migrate service runs before backend and worker (#20)', () => {
    const yaml = resolvedConfig();
    const migrate = serviceBlock(yaml, 'migrate');
    assert.match(migrate, /target: runtime/, 'the image without a command of its own');
    assert.match(migrate, /image: nixflow:local/, 'one image: backend and worker run it too');
    assert.match(migrate, /packages\/db\/dist\/src\/cli\/migrate\.js/);
    assert.match(migrate, /DATABASE_URL: postgresql:\/\/nixflow:nixflow@db:5432\/nixflow/, 'direct to PostgreSQL');
    assert.match(migrate, /db:\n\s+condition: service_healthy/);
    assert.match(migrate, /restart: ['"]?no/);
    for (const name of ['backend', 'worker']) {
      assert.match(serviceBlock(yaml, name), /migrate:\n\s+condition: service_completed_successfully/, name);
    }
  });

  test('secrets come from the environment', () => {
    const yaml = resolvedConfig({ POSTGRES_PASSWORD: 's3cret', JWT_SECRET: 'jwt-from-env' });
    assert.match(serviceBlock(yaml, 'db'), /POSTGRES_PASSWORD: s3cret/);
    assert.match(serviceBlock(yaml, 'backend'), /DATABASE_URL: postgresql:\/\/nixflow:s3cret@db:5432\/nixflow/);
    assert.match(serviceBlock(yaml, 'backend'), /JWT_SECRET: jwt-from-env/);
  });
});

describe('Dockerfile', () => {
  const stages = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => ({ base: m[1], name: m[2] }));

  test('multi-stage: build with all dependencies, runtime with production dependencies', () => {
    assert.deepEqual(
      stages.map((s) => s.name),
      ['build', 'deps', 'runtime', 'backend', 'worker'],
    );
    const build = dockerfile.slice(dockerfile.indexOf('AS build'), dockerfile.indexOf('AS deps'));
    assert.ok(build.indexOf('npm ci') < build.indexOf('npm run build'), 'npm ci, then build');
    const deps = dockerfile.slice(dockerfile.indexOf('AS deps'), dockerfile.indexOf('AS runtime'));
    assert.match(deps, /npm ci --omit=dev/);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'), dockerfile.indexOf('AS backend'));
    assert.doesNotMatch(runtime, /COPY --from=build \/app\/node_modules/, 'no dev dependencies in the runtime');
    assert.doesNotMatch(runtime, /COPY \. /, 'no source tree in the runtime');
    assert.match(runtime, /backend\/prisma\/migrations/, 'the migration files ship for migrate-on-start');
  });

  test('runs as a non-root user', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    const users = [...runtime.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    assert.ok(users.length > 0, 'USER in the runtime stage');
    for (const u of users) assert.ok(!['root', '0'].includes(u), `USER ${u}`);
    // The final stages inherit it and do not switch back.
    for (const stage of ['backend', 'worker']) {
      const body = dockerfile.slice(dockerfile.indexOf(`AS ${stage}`)).split(/^FROM /m)[0];
      assert.doesNotMatch(body, /^USER (root|0)\b/m, stage);
    }
  });

  test('the backend image migrates before it starts the API', () => {
    const backend = dockerfile.slice(dockerfile.indexOf('AS backend'), dockerfile.indexOf('AS worker'));
    assert.match(backend, /migrate\.js && node backend\/dist\/src\/main\.js/);
  });

  test('the commands point at files the build produces', () => {
    for (const f of [
      'packages/db/dist/src/cli/migrate.js',
      'backend/dist/src/main.js',
      'worker/dist/src/main.js',
      'backend/dist/src/seed/seed-cli.js',
    ])
      assert.ok(fs.existsSync(path.join(root, f)), `${f} (run npm run build)`);
  });
});
