// The real stack (issue 22): the project's Dockerfile built and docker-compose.yml run by docker-compose
// against a Docker-compatible engine (podman here; run.sh sets DOCKER_HOST, COMPOSE_FILE and
// COMPOSE_PROJECT_NAME). The steps build on each other, so they run in order and stop at the first failure.
// Run through run.sh, never alone: `bash scripts/compose-test/run.sh`.
/* global fetch, FormData, Blob */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');
const cache = process.env.NIXFLOW_COMPOSE_CACHE || path.join(process.env.HOME || '/tmp', '.cache/nixflow-compose-test');
const project = process.env.COMPOSE_PROJECT_NAME;
if (!process.env.DOCKER_HOST || !project || !process.env.COMPOSE_FILE) {
  throw new Error(
    'Run this through scripts/compose-test/run.sh (it sets DOCKER_HOST, COMPOSE_FILE, COMPOSE_PROJECT_NAME).',
  );
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

const secrets = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  EMAIL_SECRET_KEY: randomBytes(32).toString('hex'),
  POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
  ADMIN_EMAIL: 'admin@compose.test',
  ADMIN_PASSWORD: `Compose-${randomBytes(6).toString('hex')}`,
};
let baseEnv;
let api;
const timings = {};

/** docker-compose with the test's environment; `unset` removes variables from it. */
function compose(args, { unset = [], timeout = 600_000, check = true } = {}) {
  const env = { ...baseEnv };
  for (const name of unset) delete env[name];
  const res = spawnSync('docker-compose', args, { cwd: root, env, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (check) assert.equal(res.status, 0, `docker-compose ${args.join(' ')} failed (${res.status}):\n${out}`);
  return { code: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '', out };
}

/** A query run by psql inside the db container (as the official image allows: local trust). */
function sql(query) {
  const res = compose(['exec', '-T', 'db', 'psql', '-U', 'nixflow', '-d', 'nixflow', '-At', '-v', 'ON_ERROR_STOP=1', '-c', query]); // prettier-ignore
  return res.stdout.trim();
}

/** The state of a service's container as docker-compose reports it, e.g. "Up (healthy)", "Exit 0". */
function serviceState(service) {
  const ids = compose(['ps', '-q', service]).stdout.trim().split('\n').filter(Boolean);
  if (ids.length === 0) return { count: 0 };
  const res = spawnSync('podman', ['inspect', ids[0]], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  const s = JSON.parse(res.stdout)[0].State;
  return { count: ids.length, status: s.Status, exitCode: s.ExitCode, health: (s.Health ?? s.Healthcheck)?.Status };
}

/**
 * `docker-compose run -d` of a service with one variable overridden; its exit code and output once it
 * has stopped. (Detached: podman's attach can miss the output of a container that exits at once.)
 */
function oneOff(service, assignment) {
  const name = compose(['run', '-d', '--no-deps', '-e', assignment, service]).stdout.trim().split('\n').at(-1);
  const wait = spawnSync('podman', ['wait', name], { encoding: 'utf8', timeout: 120_000 });
  const logs = spawnSync('podman', ['logs', name], { encoding: 'utf8' });
  spawnSync('podman', ['rm', '-f', name]);
  return { exitCode: Number(wait.stdout.trim()), logs: `${logs.stdout}${logs.stderr}` };
}

async function waitFor(what, fn, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`); // prettier-ignore
}

const healthy = (service) => waitFor(`${service} healthy`, () => serviceState(service).health === 'healthy');
const running = (service) => waitFor(`${service} running`, () => serviceState(service).status === 'running');

/**
 * fetch, retried once when the server closed a kept-alive connection as the request went out ("other side
 * closed", no response: the request was not processed). Idle pooled sockets meet that after the long waits.
 */
async function fetchOnce(url, init) {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (err?.cause?.code !== 'UND_ERR_SOCKET') throw err;
    return fetch(url, init);
  }
}

async function request(method, url, { token, json, body, headers = {} } = {}) {
  const res = await fetchOnce(`${api}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: json ? JSON.stringify(json) : body,
  });
  const text = await res.text();
  let data = text;
  try {
    data = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, data, text };
}

async function login() {
  const res = await request('POST', '/auth/login', {
    json: { email: secrets.ADMIN_EMAIL, password: secrets.ADMIN_PASSWORD },
  });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.data.accessToken, res.text);
  return res.data.accessToken;
}

const ready = () =>
  waitFor('/api/health/ready to answer 200', async () => (await request('GET', '/health/ready')).status === 200);

/** Redis' clock, in ms (the worker's container shares the host's clock). */
function redisNowMs() {
  const [sec, usec] = compose(['exec', '-T', 'redis', 'redis-cli', 'TIME']).stdout.trim().split('\n').map(Number);
  return sec * 1000 + Math.floor(usec / 1000);
}

/**
 * When the worker finished its latest SLA sweep (ms), or 0: BullMQ's completed set of the sla-monitor
 * queue, scored by finishedOn. Its size is no signal (the scheduler keeps only the last 100 jobs).
 */
function lastSweepFinishedAt() {
  const key = 'nixflow:sla-monitor:completed';
  const out = compose(['exec', '-T', 'redis', 'redis-cli', 'ZREVRANGE', key, '0', '0', 'WITHSCORES']).stdout;
  const [, score] = out.trim().split('\n');
  return Number(score) || 0;
}

/** Rows an SLA repair must not touch, as text. */
const untouchedData = () =>
  sql(`SELECT json_build_object(
         'users', (SELECT json_agg(x ORDER BY x.id) FROM (SELECT id, email, role, "passwordHash" FROM "User") x),
         'tickets', (SELECT json_agg(x ORDER BY x.id) FROM (SELECT id, number, subject, description, priority FROM "Ticket") x),
         'comments', (SELECT json_agg(x ORDER BY x.id) FROM (SELECT id, "ticketId", body FROM "Comment") x),
         'articles', (SELECT json_agg(x ORDER BY x.id) FROM (SELECT id, title, body FROM "KnowledgeArticle") x),
         'attachments', (SELECT json_agg(x ORDER BY x.id) FROM "KnowledgeArticleAttachment" x))`);

const history = () =>
  sql(`SELECT json_agg(x ORDER BY x.migration_name) FROM (SELECT id, migration_name, checksum, finished_at,
       applied_steps_count, rolled_back_at FROM "_prisma_migrations") x`);

function applyScript(...args) {
  const env = { ...baseEnv };
  delete env.DATABASE_URL;
  // stderr into stdout, so that the transcript keeps the order the operator sees.
  const res = spawnSync(
    'bash',
    ['-c', 'exec bash "$0" "$@" 2>&1', path.join(root, 'apply_sla_migration.sh'), ...args],
    {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 600_000,
    },
  );
  return { code: res.status, out: res.stdout };
}

const migrationNames = fs
  .readdirSync(path.join(root, 'backend/prisma/migrations'))
  .filter((d) => fs.existsSync(path.join(root, 'backend/prisma/migrations', d, 'migration.sql')))
  .sort();

const state = {};
const transcript = [];

before(async () => {
  const port = await freePort();
  api = `http://127.0.0.1:${port}/api`;
  baseEnv = { ...process.env, ...secrets, PORT: String(port) };
  delete baseEnv.DATABASE_URL;
  delete baseEnv.REDIS_URL;
  // A stack left over by an interrupted run.
  compose(['down', '-v', '--remove-orphans'], { check: false });
});

after(() => {
  if (process.env.NIXFLOW_COMPOSE_KEEP === '1') {
    console.log(`Stack kept up (NIXFLOW_COMPOSE_KEEP=1): ${api}`);
  } else {
    compose(['down', '-v', '--remove-orphans'], { check: false });
  }
  for (const f of state.backups ?? []) fs.rmSync(path.join(root, f), { force: true });
  if (transcript.length) {
    fs.mkdirSync(cache, { recursive: true });
    fs.writeFileSync(path.join(cache, 'apply-transcript.txt'), transcript.join('\n'));
  }
  console.log(`Timings (s): ${JSON.stringify(timings)}`);
});

describe('the compose stack, for real', { concurrency: 1 }, () => {
  test('one image is built (run.sh: docker-compose build), and migrate, backend and worker run it', () => {
    timings.build = Number(process.env.NIXFLOW_COMPOSE_BUILD_SECONDS) || undefined;
    const images = spawnSync('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' });
    assert.match(images.stdout, /nixflow:local/);
    const config = compose(['config']).stdout;
    assert.equal(config.match(/image: nixflow:local/g)?.length, 3, config);
  });

  test('secrets unset: compose refuses to start, and so does the image itself', () => {
    for (const missing of ['JWT_SECRET', 'EMAIL_SECRET_KEY']) {
      const res = compose(['up', '-d'], { unset: [missing], check: false });
      assert.notEqual(res.code, 0, `up without ${missing} must fail`);
      assert.match(res.out, new RegExp(`set ${missing}: openssl rand -hex 32`));
    }
    assert.equal(compose(['ps', '-q']).stdout.trim(), '', 'nothing was started');
    // Past compose (a value emptied by an override, say): the processes refuse with the config error.
    const api = oneOff('backend', 'JWT_SECRET=');
    assert.notEqual(api.exitCode, 0, api.logs);
    assert.match(api.logs, /JWT_SECRET is not set \(NODE_ENV=production\); make one with: openssl rand -hex 32/);
    const worker = oneOff('worker', 'EMAIL_SECRET_KEY=');
    assert.notEqual(worker.exitCode, 0, worker.logs);
    assert.match(
      worker.logs,
      /EMAIL_SECRET_KEY is not set \(NODE_ENV=production\); make one with: openssl rand -hex 32/,
    );
    compose(['rm', '-f', '-s'], { check: false });
  });

  test('up: the migrate step runs once, then backend and worker become healthy and ready', async () => {
    const started = Date.now();
    compose(['up', '-d'], { timeout: 900_000 });
    await healthy('backend');
    await running('worker');
    await ready();
    timings.start = Math.round((Date.now() - started) / 1000);
    const migrate = serviceState('migrate');
    assert.equal(migrate.count, 1, 'one migrate container');
    assert.equal(migrate.status, 'exited');
    assert.equal(migrate.exitCode, 0);
    const logs = compose(['logs', '--no-color', 'migrate']).stdout;
    for (const name of migrationNames) {
      assert.equal(logs.split(`applied   ${name}`).length - 1, 1, `${name} applied once:\n${logs}`);
    }
    const recorded = sql(`SELECT count(*) || ' ' || count(DISTINCT migration_name) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`); // prettier-ignore
    assert.equal(recorded, `${migrationNames.length} ${migrationNames.length}`);
    // The backend and the worker do not migrate themselves (the command has no migrate.js).
    assert.doesNotMatch(compose(['logs', '--no-color', 'backend', 'worker']).stdout, /Migrating postgresql/);
  });

  test('the runtime image runs as a non-root user; only the uploads directory is writable', () => {
    for (const svc of ['backend', 'worker']) {
      const uid = compose(['exec', '-T', svc, 'id', '-u']).stdout.trim();
      assert.notEqual(uid, '0', `${svc} runs as root`);
      assert.equal(uid, '1000', svc);
      compose(['exec', '-T', svc, 'sh', '-c', 'test -w /app/uploads && ! test -w /app/backend && ! test -w /app/node_modules']); // prettier-ignore
    }
  });

  test('login works; a ticket is created and its SLA metric exists; the worker sweeps', async () => {
    const seed = compose(['exec', '-T', 'backend', 'node', 'backend/dist/src/seed/seed-cli.js']);
    assert.match(seed.out, /Seed complete/);
    const token = await login();
    const created = await request('POST', '/tickets', {
      token,
      json: {
        subject: 'Printer on fire (compose test)',
        description: 'Created through the real stack',
        priority: 'HIGH',
      },
    });
    assert.equal(created.status, 201, created.text);
    state.ticketId = created.data.id;
    const metrics = await waitFor('the SLA metric of the new ticket', async () => {
      const res = await request('GET', `/tickets/${state.ticketId}/sla`, { token });
      return res.status === 200 && res.data.length > 0 ? res.data : undefined;
    });
    assert.ok(metrics.length > 0);
    assert.equal(sql(`SELECT count(*) > 0 FROM "SLAMetric" WHERE "ticketId" = '${state.ticketId}'`), 't');
    // The worker announces its schedule once, then sweeps (an idle sweep logs at debug only): wait for a
    // sweep that finished after this ticket existed, and no failed one.
    const workerLogs = await waitFor('the worker to schedule the SLA sweep', () => {
      const logs = compose(['logs', '--no-color', 'worker']).stdout;
      return /SLA sweep scheduled every \d+ ms/.test(logs) ? logs : undefined;
    });
    assert.doesNotMatch(workerLogs, /Nest can't resolve|UnhandledPromiseRejection/);
    const since = redisNowMs();
    await waitFor('an SLA sweep completed by the worker after the ticket was created', () => lastSweepFinishedAt() > since, 120_000); // prettier-ignore
    const failed = compose(['exec', '-T', 'redis', 'redis-cli', 'ZCARD', 'nixflow:sla-monitor:failed']).stdout.trim();
    assert.equal(failed, '0', 'no failed SLA sweep');
  });

  test('an upload is stored in the uploads volume', async () => {
    const token = await login();
    const article = await request('POST', '/kb/articles', {
      token,
      json: { title: 'Compose upload', body: 'An article with an attachment', status: 'PUBLISHED' },
    });
    assert.equal(article.status, 201, article.text);
    state.articleId = article.data.id;
    state.upload = `compose test ${randomBytes(16).toString('hex')}\n`;
    const form = new FormData();
    form.append('file', new Blob([state.upload], { type: 'text/plain' }), 'notes.txt');
    const up = await request('POST', `/kb/articles/${state.articleId}/attachments`, { token, body: form });
    assert.equal(up.status, 201, up.text);
    state.attachmentId = up.data.id;
    const down = await request('GET', `/kb/articles/${state.articleId}/attachments/${state.attachmentId}`, { token });
    assert.equal(down.status, 200, down.text);
    assert.equal(down.text, state.upload);
  });

  test('seed-003 drift made in the db container, repaired by ./apply_sla_migration.sh in compose mode', async () => {
    // History says applied, SLA tables gone (as tests/operator/apply-sla-migration*.test.mjs make it).
    sql('DROP TABLE "SLABreach", "SLAMetric", "SLAPolicy" CASCADE');
    assert.equal(sql(`SELECT count(*) FROM "_prisma_migrations" WHERE migration_name = '20240130000000_add_sla_tables' AND finished_at IS NOT NULL`), '1'); // prettier-ignore
    const data = untouchedData();
    // Tickets keep the ids of the dropped policies (the foreign key went with SLAPolicy).
    const dangling = Number(sql(`SELECT count(*) FROM "Ticket" WHERE "slaPolicyId" IS NOT NULL`));
    assert.ok(dangling > 0, 'the seeded tickets point at SLA policies');
    const check = applyScript('--check');
    transcript.push('$ ./apply_sla_migration.sh --check', check.out, `(exit ${check.code})`, '');
    assert.equal(check.code, 4, check.out);
    assert.match(check.out, /SLAPolicy/);

    const first = applyScript();
    transcript.push('$ ./apply_sla_migration.sh', first.out, `(exit ${first.code})`, '');
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /DATABASE_URL is not set; using the docker compose service 'db'/);
    // (In the order `docker-compose ps` lists them, which is not fixed.)
    assert.match(first.out, /Stopping (backend worker|worker backend) \.\.\./);
    assert.match(first.out, /Restarting (backend worker|worker backend) \.\.\./);
    assert.match(first.out, /\[OK\] The database schema is complete/);
    assert.match(
      first.out,
      new RegExp(`${dangling} tickets referenced SLA policies that no longer exist; their references were cleared and kept in _nixflow_orphaned_sla_policy_ref`), // prettier-ignore
    );
    assert.equal(sql(`SELECT count(*) FROM "_nixflow_orphaned_sla_policy_ref"`), String(dangling));
    const backup = /Backup written: (\S+)/.exec(first.out)?.[1];
    assert.ok(backup, first.out);
    state.backups = [backup];
    const dump = fs.readFileSync(path.join(root, backup), 'utf8');
    assert.match(dump, /CREATE TABLE public\."Ticket"/);
    assert.match(dump, /Printer on fire \(compose test\)/, 'the backup holds the data');
    for (const t of ['SLAPolicy', 'SLAMetric', 'SLABreach']) {
      assert.equal(sql(`SELECT to_regclass('public."${t}"') IS NOT NULL`), 't', `${t} is back`);
    }
    assert.equal(untouchedData(), data, 'data unchanged');
    await healthy('backend');
    await running('worker');
    await ready();
    const hist = history();

    const second = applyScript();
    transcript.push('$ ./apply_sla_migration.sh   # again', second.out, `(exit ${second.code})`, '');
    assert.equal(second.code, 0, second.out);
    assert.match(second.out, /Nothing is missing/);
    state.backups.push(/Backup written: (\S+)/.exec(second.out)?.[1]);
    assert.equal(history(), hist, 'the second run changes no migration history');
    assert.equal(untouchedData(), data, 'data unchanged');
    await healthy('backend');
    await ready();
  });

  test('down and up again keep the data (named volumes); the upload survives', async () => {
    compose(['down'], { timeout: 300_000 });
    assert.equal(compose(['ps', '-q']).stdout.trim(), '');
    const started = Date.now();
    compose(['up', '-d'], { timeout: 600_000 });
    await healthy('backend');
    await ready();
    timings.restart = Math.round((Date.now() - started) / 1000);
    assert.match(compose(['logs', '--no-color', 'migrate']).stdout, /No pending migrations/);
    const token = await login();
    const ticket = await request('GET', `/tickets/${state.ticketId}`, { token });
    assert.equal(ticket.status, 200, ticket.text);
    assert.equal(ticket.data.subject, 'Printer on fire (compose test)');
    const file = await request('GET', `/kb/articles/${state.articleId}/attachments/${state.attachmentId}`, { token });
    assert.equal(file.status, 200, file.text);
    assert.equal(file.text, state.upload);
  });
});
