#!/usr/bin/env node
// npm run db:status [-- --json]: like `prisma migrate status`. Exit 0 up to date · 1 pending, failed
// or unknown migrations (a modified one is a warning) · 2 database unreachable.
import { parseArgs } from 'node:util';
import { migrationDatabaseUrl } from '../config.js';
import { redactUrl } from '../migrate/connection.js';
import { MigrationSetupError } from '../migrate/errors.js';
import { resolveHint } from '../migrate/runner.js';
import { migrationStatus } from '../migrate/status.js';
import { runCli } from './exit.js';

await runCli(async () => {
  let json: boolean | undefined;
  try {
    json = parseArgs({ options: { json: { type: 'boolean' } } }).values.json;
  } catch (err) {
    throw new MigrationSetupError(`${(err as Error).message}\nUsage: status [--json]`);
  }
  const url = migrationDatabaseUrl();
  const s = await migrationStatus({ url });
  if (json) {
    console.log(JSON.stringify({ database: redactUrl(url), ...s }, null, 2));
    return s.upToDate ? 0 : 1;
  }
  s.warnings.forEach((w) => console.warn(`warning: ${w}`));
  console.log(`${s.migrations.length} migrations found in ${s.migrationsDir}`);
  console.log(
    `Database ${redactUrl(url)}${s.databaseExists ? '' : ' does not exist yet (npm run db:migrate creates it)'}`,
  );
  for (const m of s.migrations) {
    const note =
      m.state === 'failed' ? '  ← blocks further migrations' : m.modified ? '  (modified: checksum differs)' : '';
    console.log(`  ${m.state.padEnd(8)} ${m.name}${note}`);
  }
  for (const name of s.unknown) console.log(`  unknown  ${name}  (applied in the database, missing from the folder)`);
  const counts = `${s.applied.length} applied, ${s.pending.length} pending, ${s.failed.length} failed, ${s.modified.length} modified, ${s.unknown.length} unknown`;
  console.log(counts);
  for (const f of s.failed) {
    console.log(
      `\nFailed: ${f.name} (started ${f.startedAt.toISOString()}):\n${(f.logs ?? '(no log)').replace(/^/gm, '    ')}`,
    );
    console.log(`Fix the cause, then: ${resolveHint(f.name)}`);
  }
  if (s.modified.length > 0) {
    console.log(
      '\nModified migrations were edited after they were applied: restore them from git, or put the change in a new migration.',
    );
  }
  if (s.unknown.length > 0) {
    console.log('\nUnknown migrations were applied from another checkout or branch: update this checkout.');
  }
  if (s.pending.length > 0) console.log('\nPending migrations: run npm run db:migrate');
  if (s.upToDate) {
    // The seed 003 trap: the history can be complete while tables are gone. Say what was checked.
    console.log(
      'Migration history is up to date. (This reads _prisma_migrations only: npm run db:verify checks the objects themselves.)',
    );
  }
  return s.upToDate ? 0 : 1;
});
