// commitHorizon against real PostgreSQL: an open transaction here holds it back, one elsewhere does not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { commitHorizon, createPrismaClient, type PrismaClient } from '../src/client.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.js';

let here: TestDatabase;
let elsewhere: TestDatabase;
let prisma: PrismaClient;
const clients: pg.Client[] = [];

before(async () => {
  [here, elsewhere] = await Promise.all([
    createTestDatabase({ migrated: false }),
    createTestDatabase({ migrated: false }),
  ]);
  prisma = createPrismaClient(here.url, 2);
});
after(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await prisma?.$disconnect();
  await Promise.all([here?.drop(), elsewhere?.drop()]);
});

/** A session that has begun a transaction and holds a transaction id until it is told to end. */
async function openTransaction(url: string): Promise<{ xid: bigint; end(): Promise<void> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  clients.push(c);
  await c.query('BEGIN');
  const { rows } = await c.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
  return { xid: BigInt(rows[0]!.xid), end: async () => void (await c.query('COMMIT')) };
}

test('a transaction open in this database holds the horizon at its id until it ends', async () => {
  const tx = await openTransaction(here.url);
  assert.ok((await commitHorizon(prisma)) <= tx.xid);
  await tx.end();
  assert.ok((await commitHorizon(prisma)) > tx.xid);
});

test('a long transaction in another database of the cluster does not hold this one back', async () => {
  const foreign = await openTransaction(elsewhere.url);
  const local = await openTransaction(here.url);
  await local.end();
  // Everything of ours has finished, so the horizon passes our last transaction despite the foreign one.
  assert.ok((await commitHorizon(prisma)) > local.xid);
  assert.ok(local.xid > foreign.xid);
  await foreign.end();
});
