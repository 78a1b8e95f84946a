#!/usr/bin/env node
// npm run db:verify [-- --json]: compares the live database with the schema its migrations declare.
// Exit 0 nothing expected missing or different · 1 something is · 2 database unreachable.
import { parseArgs } from 'node:util';
import { formatComparison } from '@nixflow/core/schema-compare';
import { migrationDatabaseUrl } from '../config.js';
import { redactUrl } from '../migrate/connection.js';
import { MigrationSetupError } from '../migrate/errors.js';
import { verifySchema } from '../verify/verify.js';
import { quiet, runCli } from './exit.js';

await runCli(async () => {
  let json: boolean | undefined;
  try {
    json = parseArgs({ options: { json: { type: 'boolean' } } }).values.json;
  } catch (err) {
    throw new MigrationSetupError(`${(err as Error).message}\nUsage: verify [--json]`);
  }
  const url = migrationDatabaseUrl();
  if (!json && !quiet()) console.log(`Verifying ${redactUrl(url)} against the schema its migrations declare …`);
  const result = await verifySchema({ url });
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    for (const line of formatComparison(result)) console.log(line);
    if (result.hint) console.log(result.hint);
  }
  return result.ok ? 0 : 1;
});
