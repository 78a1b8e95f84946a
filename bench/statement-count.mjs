// Statements per request on the benchmarked write/read routes, counted in-process by wrapping
// pg's Client#query (every statement Prisma's pg adapter sends, BEGIN/COMMIT included).
// Usage: npm run build && node bench/statement-count.mjs [requests per route, default 20]
// STATEMENTS_SHOW=1 prints the statements of one request per route (after the warm-up).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { adminQuery, testDatabaseUrl } from '../packages/db/dist/src/testing/test-database.js';
import { watchStatements } from '../backend/dist/test/support/statement-spy.js';
import { createTestApp } from '../backend/dist/test/support/test-app.js';
import { seedDemoData } from '../backend/dist/src/seed/seed.js';

const N = Number(process.argv[2] ?? 20);
let count = 0;
let show = false;
const stopWatching = watchStatements(({ text }) => {
  count++;
  if (show) console.log(`    ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
});

// A migrated template of our own, so that the test harness can clone it.
const template = `nixflow_stmt_${randomBytes(5).toString('hex')}`;
await adminQuery(`CREATE DATABASE "${template}"`);
const migrated = spawnSync(process.execPath, ['packages/db/dist/src/cli/migrate.js'], {
  env: { ...process.env, DATABASE_URL: testDatabaseUrl(template), NIXFLOW_QUIET: '1' },
  stdio: 'inherit',
});
if (migrated.status !== 0) throw new Error('migration failed');
process.env.NIXFLOW_TEST_TEMPLATE_DB = template;
const t = await createTestApp();
try {
  await seedDemoData(t.prisma, { adminEmail: 'admin@bench.local', adminPassword: 'Admin-Password-123' });
  const agent = await t.tokenFor('AGENT');
  const customer = await t.createUser({ role: 'CUSTOMER' });
  const auth = { Authorization: `Bearer ${agent}` };
  const ticketIds = [];
  const measure = async (name, fn) => {
    await fn(0); // warm-up (prepared plans, caches)
    const before = count;
    for (let i = 1; i <= N; i++) {
      show = i === 1 && process.env.STATEMENTS_SHOW === '1';
      await fn(i);
      show = false;
    }
    console.log(`${name.padEnd(34)} ${((count - before) / N).toFixed(1)} statements/request`);
  };
  await measure('POST /api/tickets', async (i) => {
    const res = await t.http
      .post('/api/tickets')
      .set(auth)
      .send({ requesterId: customer.id, subject: `S ${i}`, description: 'D', priority: 'HIGH', tags: ['x'] });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    ticketIds.push(res.body.id);
  });
  await measure('POST /api/tickets/:id/comments', async (i) => {
    const res = await t.http
      .post(`/api/tickets/${ticketIds[i % ticketIds.length]}/comments`)
      .set(auth)
      .send({ body: 'Thanks for the report, we are looking into it.' });
    if (res.status !== 201) throw new Error(`comment: ${res.status} ${JSON.stringify(res.body)}`);
  });
  await measure('GET /api/tickets', async () => {
    const res = await t.http.get('/api/tickets?status=OPEN&priority=HIGH&page=1&pageSize=25').set(auth);
    if (res.status !== 200) throw new Error(`list: ${res.status}`);
  });
  await measure('GET /api/sla/policies', async () => {
    const res = await t.http.get('/api/sla/policies').set(auth);
    if (res.status !== 200) throw new Error(`policies: ${res.status}`);
  });
  // KB search as the bench's customer sends it: a word with matches, and a typo (correction, then the
  // corrected full-text search), each new to the result cache (another page size each time: another key),
  // then a repeated search (kept: its history row only).
  const customerAuth = { Authorization: `Bearer ${await t.tokenFor('CUSTOMER')}` };
  for (const [label, q, pageSize] of [
    ['match', 'password', (i) => 1 + (i % 50)],
    ['typo', 'pasword', (i) => 1 + (i % 50)],
    ['repeated', 'password', () => 10],
  ]) {
    await measure(`GET /api/kb/search (${label})`, async (i) => {
      const res = await t.http.get(`/api/kb/search?q=${q}&pageSize=${pageSize(i)}`).set(customerAuth);
      if (res.status !== 200 || res.body.total === 0)
        throw new Error(`kb ${q}: ${res.status} ${JSON.stringify(res.body)}`);
    });
  }
} finally {
  stopWatching();
  await t.close();
  await adminQuery(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
}
