#!/usr/bin/env node
// npm run db:migrate [-- --repair | --resolve-rolled-back <name> | --resolve-applied <name>]
// Prisma-compatible `migrate deploy` (see packages/db/src/migrate/runner.ts). Exit codes:
// 0 ok · 2 database unreachable · 3 a migration failed or a failed one blocks (P3009) · 1 other.
import { parseArgs } from 'node:util';
import { migrationDatabaseUrl, migrationUrlSetting } from '../config.js';
import { redactUrl } from '../migrate/connection.js';
import { MigrationSetupError } from '../migrate/errors.js';
import { migrate, resolveApplied, resolveRolledBack } from '../migrate/runner.js';
import { quiet, runCli } from './exit.js';

const USAGE = `Usage: migrate [--repair | --baseline] [--resolve-rolled-back <name>] [--resolve-applied <name>]
  (no option)                  apply pending migrations, creating the database if missing
  --repair                     also re-run applied migrations (idempotent) to restore dropped objects
  --baseline                   a schema without migration history (P3005): check that it matches the
                               migrations, then record them all as applied
  --resolve-rolled-back <name> mark a failed migration rolled back (it is applied again next run)
  --resolve-applied <name>     record a migration you applied by hand as applied
Env: DATABASE_DIRECT_URL (or DIRECT_URL, else DATABASE_URL), MIGRATE_LOCK_TIMEOUT_MS, MIGRATIONS_DIR, NIXFLOW_QUIET=1`;

await runCli(async () => {
  let args;
  try {
    args = parseArgs({
      options: {
        repair: { type: 'boolean' },
        baseline: { type: 'boolean' },
        'resolve-rolled-back': { type: 'string' },
        'resolve-applied': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new MigrationSetupError(`${(err as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const url = migrationDatabaseUrl();
  const log = quiet() ? () => undefined : (l: string) => console.log(l);
  if (args['resolve-rolled-back']) {
    await resolveRolledBack(args['resolve-rolled-back'], { url });
    console.log(`Marked ${args['resolve-rolled-back']} as rolled back: the next npm run db:migrate applies it again.`);
    return 0;
  }
  if (args['resolve-applied']) {
    await resolveApplied(args['resolve-applied'], { url });
    console.log(`Recorded ${args['resolve-applied']} as applied.`);
    return 0;
  }
  log(`Migrating ${redactUrl(url)}${args.repair ? ' (with --repair)' : ''} …`);
  const started = Date.now();
  if (args.repair && args.baseline)
    throw new MigrationSetupError(`--repair and --baseline do not go together.\n${USAGE}`);
  // urlSetting: a refusal names the variable the URL came from (DATABASE_URL behind a pooler).
  const result = await migrate({
    url,
    urlSetting: migrationUrlSetting(),
    repair: args.repair,
    baseline: args.baseline,
    log,
  });
  if (args.repair) {
    log(
      `Repair: re-ran ${result.repaired.length} applied migration(s); _prisma_migrations was not changed by the re-runs.`,
    );
  }
  log(`Done in ${Date.now() - started} ms.`);
  return 0;
});
