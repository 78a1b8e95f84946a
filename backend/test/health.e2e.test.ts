import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from './support/test-app.js';
import { REQUIRED_TABLES } from '../src/health/schema-check.js';

describe('health', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  it('liveness is public', async () => {
    const res = await t.http.get('/api/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  it('requires every model table', () => {
    for (const table of ['User', 'Ticket', 'SLAPolicy', 'SLAMetric', 'EventLog', 'Notification']) {
      assert.ok(REQUIRED_TABLES.includes(table), table);
    }
  });

  it('is ready on a migrated database', async () => {
    const res = await t.http.get('/api/health/ready');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'ready');
    assert.equal(res.body.checks.database.status, 'up');
    assert.equal(res.body.checks.redis.status, 'up');
    assert.deepEqual(res.body.checks.schema.missingTables, []);
    assert.deepEqual(res.body.checks.schema.pendingMigrations, []);
  });

  it('is not ready (503) and names the table when SLAPolicy is dropped', async () => {
    await t.prisma.$executeRawUnsafe('DROP TABLE "SLAPolicy" CASCADE');
    const res = await t.http.get('/api/health/ready');
    assert.equal(res.status, 503);
    assert.equal(res.body.status, 'not_ready');
    assert.equal(res.body.checks.database.status, 'up');
    assert.deepEqual(res.body.checks.schema.missingTables, ['SLAPolicy']);
  });

  it('reports pending migrations', async () => {
    await t.prisma.$executeRawUnsafe(
      `DELETE FROM "_prisma_migrations" WHERE migration_name = '20240201000000_add_notifications_and_consumers'`,
    );
    const res = await t.http.get('/api/health/ready');
    assert.equal(res.status, 503);
    assert.ok(res.body.checks.schema.pendingMigrations.includes('20240201000000_add_notifications_and_consumers'));
  });
});
