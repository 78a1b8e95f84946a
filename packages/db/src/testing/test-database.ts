import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const adminUrl = (): string => process.env.TEST_ADMIN_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

/** URL of database `name` on the test server. */
export function testDatabaseUrl(name: string): string {
  return adminUrl().replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
}

export async function adminQuery(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one test file. `migrated` (default) clones the run's migrated template
 * (scripts/run-tests.mjs makes it); otherwise the database is empty. Names carry the run id so
 * that the runner drops anything a crashed test left behind.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  const runId = process.env.NIXFLOW_TEST_RUN_ID ?? 'adhoc';
  const name = `nixflow_t_${runId}_${randomBytes(5).toString('hex')}`;
  const template = process.env.NIXFLOW_TEST_TEMPLATE_DB;
  if (migrated && !template) {
    throw new Error('NIXFLOW_TEST_TEMPLATE_DB is not set: run tests through `npm test` (scripts/run-tests.mjs).');
  }
  await adminQuery(migrated ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`);
  return {
    name,
    url: testDatabaseUrl(name),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * A BullMQ key prefix for one test on the shared Redis. It carries the run id, so that
 * scripts/run-tests.mjs deletes every key the run left behind (`nixflow-test-<runId>-*`).
 */
export function testQueuePrefix(): string {
  return `nixflow-test-${process.env.NIXFLOW_TEST_RUN_ID ?? 'adhoc'}-${randomBytes(5).toString('hex')}`;
}
