// apply_sla_migration.sh under docker compose (no DATABASE_URL). There is no Docker engine here, so a
// stand-in `docker-compose` on PATH records every call and runs what compose would run inside the
// containers on this machine instead: pg_dump for `exec -T db`, the db CLIs for `run … backend`,
// against a real database. What is checked is the script's orchestration: which database it picks,
// backup via the db service, stop → migrate → verify → restart, restart on failure, logs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase } from '../../packages/db/dist/src/testing/test-database.js';

const root = path.resolve(import.meta.dirname, '../..');
const databases = [];
const tmpDirs = [];
after(async () => {
  await Promise.all(databases.map((d) => d.drop()));
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

const FAKE_COMPOSE = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_COMPOSE_LOG"
case "$1" in
  version) echo "docker-compose version 0 (test stand-in)" ;;
  ps) for s in $FAKE_RUNNING; do echo "$s"; done ;;
  stop | start) ;;
  logs) echo "backend_1  | nixflow API listening on http://0.0.0.0:3000/api" ;;
  exec) # exec -T db sh -c '…': the db container's environment
    shift; [ "$1" = -T ] && shift; shift
    POSTGRES_USER=postgres POSTGRES_DB="$FAKE_DB" PGHOST=127.0.0.1 exec "$@" ;;
  run) # run --rm --no-deps -T migrate node …: the migrate container's environment
    [ -n "$FAKE_RUN_FAIL" ] && { echo "$FAKE_RUN_FAIL" >&2; exit 1; }
    shift; while [ "\${1#-}" != "$1" ]; do shift; done; shift
    DATABASE_URL="$FAKE_DATABASE_URL" exec "$@" ;;
  *) echo "unexpected docker-compose call: $*" >&2; exit 99 ;;
esac
`;

async function setup({ running = 'db backend worker', runFails = '' } = {}) {
  const db = await createTestDatabase({ migrated: true });
  databases.push(db);
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-fake-compose-'));
  tmpDirs.push(bin);
  fs.writeFileSync(path.join(bin, 'docker-compose'), FAKE_COMPOSE, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\nexit 1\n', { mode: 0o755 }); // no compose plugin
  const log = path.join(bin, 'calls.log');
  const run = (...args) => {
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      FAKE_COMPOSE_LOG: log,
      FAKE_RUNNING: running,
      FAKE_DB: db.name,
      FAKE_DATABASE_URL: db.url,
      FAKE_RUN_FAIL: runFails,
      NIXFLOW_QUIET: '',
    };
    delete env.DATABASE_URL;
    const res = spawnSync('bash', [path.join(root, 'apply_sla_migration.sh'), ...args], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 180_000,
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
    fs.rmSync(log, { force: true });
    return { code: res.status, out: `${res.stdout}${res.stderr}`, calls };
  };
  return { db, run };
}

async function query(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The calls in order, without the version probe and the `ps` queries. */
const actions = (calls) =>
  calls
    .filter((c) => !c.startsWith('version') && !c.startsWith('ps '))
    .map((c) => c.replace(/ node packages\/db\/dist\/src\/cli\/(\w+)\.js/, ' $1').replace(/sh -c .*/, 'sh -c pg_dump'));

describe('apply_sla_migration.sh under docker compose', () => {
  test('seed 003 state: uses the db service, backs up through it, stops, repairs, restarts, shows logs', async () => {
    const { db, run } = await setup();
    await query(db.url, 'DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    const res = run();
    assert.equal(res.code, 0, res.out);
    assert.match(res.out, /DATABASE_URL is not set; using the docker compose service 'db'/);
    assert.deepEqual(actions(res.calls), [
      'run --rm --no-deps -T migrate verify',
      'exec -T db sh -c pg_dump',
      'stop backend worker',
      'run --rm --no-deps -T migrate migrate --repair',
      'run --rm --no-deps -T migrate status',
      'run --rm --no-deps -T migrate verify',
      'start backend worker',
      'logs --no-color --tail 20 backend worker',
    ]);
    assert.match(res.out, /\[9\/9\] Last log lines of backend and worker:\n.*nixflow API listening/);
    assert.match(res.out, /\[7\/9\] No source tree here/);
    const file = /Backup written: (\S+)/.exec(res.out)?.[1];
    assert.ok(file, res.out);
    try {
      assert.match(fs.readFileSync(path.join(root, file), 'utf8'), /CREATE TABLE public\."Ticket"/);
    } finally {
      fs.rmSync(path.join(root, file), { force: true });
    }
    const tables = await query(db.url, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('SLAPolicy', 'SLAMetric', 'SLABreach')`); // prettier-ignore
    assert.equal(tables.rows[0].n, 3);
  });

  test('a failed migration: exit 3, the compose way out, and backend and worker are started again', async () => {
    const { db, run } = await setup();
    await query(
      db.url,
      `UPDATE "_prisma_migrations" SET finished_at = NULL, logs = 'boom' WHERE migration_name = '20240201000000_add_notifications_and_consumers'`,
    );
    const res = run('--no-backup');
    assert.equal(res.code, 3, res.out);
    assert.match(
      res.out,
      /docker-compose run --rm migrate node packages\/db\/dist\/src\/cli\/migrate\.js --resolve-rolled-back <name>/,
    );
    const acts = actions(res.calls);
    assert.ok(acts.indexOf('stop backend worker') < acts.indexOf('start backend worker'), acts.join('\n'));
    assert.equal(acts.at(-1), 'start backend worker');
  });

  test('--no-stop leaves the services alone; only running services are stopped', async () => {
    const noStop = await setup();
    const res = noStop.run('--no-backup', '--no-stop');
    assert.equal(res.code, 0, res.out);
    assert.match(res.out, /Not stopping services \(--no-stop\)/);
    assert.ok(!actions(res.calls).some((a) => /^(stop|start) /.test(a)), res.calls.join('\n'));

    const onlyBackend = await setup({ running: 'db backend' });
    const res2 = onlyBackend.run('--no-backup');
    assert.equal(res2.code, 0, res2.out);
    assert.ok(actions(res2.calls).includes('stop backend'));
    assert.ok(actions(res2.calls).includes('start backend'));
  });

  test('the CLIs cannot run in the migrate container: "Tooling failed", exit 1, nothing stopped', async () => {
    const { run } = await setup({ runFails: 'Error: no container with name or ID "migrate" found' });
    const res = run();
    assert.equal(res.code, 1, res.out);
    assert.match(
      res.out,
      /\[2\/9\] Tooling failed: db:verify did not compare the schema \(exit 1, error above\); nothing was changed\. To fix: rebuild the image \('docker-compose build migrate'\), check that 'docker-compose run --rm --no-deps migrate node packages\/db\/dist\/src\/cli\/verify\.js' runs, then this script again\./,
    );
    assert.doesNotMatch(res.out, /objects listed above are missing/);
    assert.deepEqual(actions(res.calls), ['run --rm --no-deps -T migrate verify']);
  });

  test('compose present but its db service not running: exit 2 with what to do', async () => {
    const { run } = await setup({ running: 'redis' });
    const res = run('--check');
    assert.equal(res.code, 2, res.out);
    assert.match(res.out, /No database found/);
    assert.match(res.out, /docker compose up -d db/);
  });
});
