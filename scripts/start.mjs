#!/usr/bin/env node
// `npm start`: create and migrate the database, seed demo data when it is empty, then run the API
// and the worker side by side until one of them stops or the user presses Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const env = { ...process.env };
env.DATABASE_URL ||= 'postgresql://postgres@127.0.0.1:5432/nixflow';
env.REDIS_URL ||= 'redis://127.0.0.1:6379';
env.PORT ||= '3000';

function step(title, script, args = []) {
  console.log(`\n▶ ${title}`);
  const res = spawnSync(process.execPath, [path.join(root, script), ...args], { env, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`✖ ${title} failed (exit ${res.status}). Fix the error above, then run npm start again.`);
    process.exit(res.status ?? 1);
  }
}

step('Migrating the database (creates it if missing)', 'packages/db/dist/src/cli/migrate.js');

const client = new pg.Client({ connectionString: env.DATABASE_URL });
await client.connect();
const { rows } = await client.query('SELECT count(*)::int AS n FROM "User"');
await client.end();
if (rows[0].n === 0) step('Seeding demo data (empty database)', 'backend/dist/src/seed/seed-cli.js');
else console.log('\n▶ Database already has users: demo seed skipped (npm run db:seed adds it).');

console.log(
  `\n▶ Starting the API and the worker: open the console at http://127.0.0.1:${env.PORT}/ (API: /api, docs: /api/docs)`,
);
const children = [
  spawn(process.execPath, [path.join(root, 'backend/dist/src/main.js')], { env, stdio: 'inherit' }),
  spawn(process.execPath, [path.join(root, 'worker/dist/src/main.js')], { env, stdio: 'inherit' }),
];
const names = ['API', 'worker'];
let stopping = false;
let byUser = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
const onSignal = () => {
  if (!byUser) console.log('\n▶ Stopping the API and the worker…');
  byUser = true;
  stop('SIGTERM');
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
let exitCode = 0;
await Promise.all(
  children.map(
    (child, i) =>
      new Promise((resolve) =>
        child.on('exit', (code, signal) => {
          if (!stopping) {
            console.error(`✖ The ${names[i]} stopped (${signal ?? `exit ${code}`}); stopping the other one.`);
            exitCode = code || 1;
          }
          stop('SIGTERM');
          resolve();
        }),
      ),
  ),
);
console.log(byUser ? '✔ Stopped the API and the worker.' : '✖ Stopped the API and the worker.');
process.exit(exitCode);
