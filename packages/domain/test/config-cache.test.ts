import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createPrismaClient } from '@nixflow/db/client';
import { createTestDatabase, type TestDatabase } from '@nixflow/db/testing';
import { CHANGE_NOTICES_APPLICATION, ChangeNotices } from '../src/common/change-notices.js';
import { ConfigCache, KeyedConfigCache } from '../src/common/config-cache.js';
import { SlaPolicyCache } from '../src/sla/sla-policy-cache.js';

/** A load whose end the test decides. */
function gate<T>(value: T) {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  let calls = 0;
  const load = async () => {
    calls++;
    await opened;
    return value;
  };
  return { load, open, calls: () => calls };
}

describe('ConfigCache', () => {
  it('not listening: every get loads, nothing is kept', async () => {
    const cache = new ConfigCache<number>();
    let loads = 0;
    assert.equal(await cache.get(async () => ++loads), 1);
    assert.equal(await cache.get(async () => ++loads), 2);
    assert.equal(cache.listening, false);
  });

  it('listening: the snapshot is kept until a notice (invalidate), then reloaded', async () => {
    const cache = new ConfigCache<number>();
    cache.setListening(true);
    let loads = 0;
    assert.equal(await cache.get(async () => ++loads), 1);
    assert.equal(await cache.get(async () => ++loads), 1);
    cache.invalidate();
    assert.equal(await cache.get(async () => ++loads), 2);
    assert.equal(await cache.get(async () => ++loads), 2);
  });

  it("afterWrite: this process's own write drops the snapshot, whether it committed or failed", async () => {
    const cache = new ConfigCache<number>();
    cache.setListening(true);
    let loads = 0;
    assert.equal(await cache.get(async () => ++loads), 1);
    assert.equal(await cache.afterWrite(Promise.resolve('written')), 'written');
    assert.equal(await cache.get(async () => ++loads), 2);
    await assert.rejects(cache.afterWrite(Promise.reject(new Error('refused'))), /refused/);
    assert.equal(await cache.get(async () => ++loads), 3);
  });

  it('a load that overlaps a notice is returned but not stored (epoch guard)', async () => {
    const cache = new ConfigCache<string>();
    cache.setListening(true);
    const stale = gate('stale');
    const pending = cache.get(stale.load);
    cache.invalidate(); // the notice of a commit the load may not have seen
    stale.open();
    assert.equal(await pending, 'stale');
    assert.equal(await cache.get(async () => 'fresh'), 'fresh');
    assert.equal(await cache.get(async () => 'not loaded'), 'fresh');
  });

  it('losing the listener drops the snapshot and a load across the loss is not stored', async () => {
    const cache = new ConfigCache<string>();
    cache.setListening(true);
    assert.equal(await cache.get(async () => 'a'), 'a');
    const across = gate('b');
    cache.setListening(false);
    const pending = cache.get(across.load);
    cache.setListening(true);
    across.open();
    assert.equal(await pending, 'b');
    assert.equal(await cache.get(async () => 'c'), 'c', 'loaded again after recovery');
    assert.equal(await cache.get(async () => 'd'), 'c');
  });
});

describe('KeyedConfigCache', () => {
  const value = (v: string) => async () => v;

  it('not listening, or sized 0: every get loads, nothing is kept', async () => {
    const idle = new KeyedConfigCache<string>(null, [], 10);
    assert.deepEqual(await idle.get('k', value('a')), { value: 'a', hit: false });
    assert.deepEqual(await idle.get('k', value('b')), { value: 'b', hit: false });
    const off = new KeyedConfigCache<string>(null, [], 0);
    off.setListening(true);
    await off.get('k', value('a'));
    assert.deepEqual(await off.get('k', value('b')), { value: 'b', hit: false });
    assert.equal(off.size, 0);
  });

  it('keeps a value per key until a notice; afterWrite empties it', async () => {
    const cache = new KeyedConfigCache<string>(null, [], 10);
    cache.setListening(true);
    await cache.get('x', value('x1'));
    await cache.get('y', value('y1'));
    assert.deepEqual(await cache.get('x', value('x2')), { value: 'x1', hit: true });
    cache.invalidate();
    assert.deepEqual(await cache.get('x', value('x3')), { value: 'x3', hit: false });
    assert.deepEqual(await cache.get('y', value('y3')), { value: 'y3', hit: false });
    await cache.afterWrite(Promise.resolve());
    assert.deepEqual(await cache.get('y', value('y4')), { value: 'y4', hit: false });
  });

  it('bounded: the least recently used key goes first', async () => {
    const cache = new KeyedConfigCache<string>(null, [], 2);
    cache.setListening(true);
    await cache.get('a', value('a'));
    await cache.get('b', value('b'));
    await cache.get('a', value('-')); // a is now the most recently used
    await cache.get('c', value('c')); // evicts b
    assert.equal(cache.size, 2);
    assert.equal((await cache.get('a', value('a2'))).hit, true);
    assert.equal((await cache.get('c', value('c2'))).hit, true);
    assert.equal((await cache.get('b', value('b2'))).hit, false);
  });

  it('bounded by cost: the oldest go until the new value fits; one too big is not kept', async () => {
    const cache = new KeyedConfigCache<string>(null, [], 10, (_key, v) => v.length);
    cache.setListening(true);
    await cache.get('a', value('aaaa'));
    await cache.get('b', value('bbbb'));
    assert.equal(cache.cost, 8);
    await cache.get('c', value('cccccc')); // 14 > 10: a goes, then 10 fits
    assert.deepEqual([cache.size, cache.cost], [2, 10]);
    assert.equal((await cache.get('a', value('aaaa'))).hit, false, 'a was evicted (and is kept again: b goes)');
    assert.equal((await cache.get('c', value('-'))).hit, true);
    await cache.get('huge', value('x'.repeat(11)));
    assert.equal((await cache.get('huge', value('x'))).hit, false, 'larger than the whole bound: never kept');
    assert.equal((await cache.get('c', value('-'))).hit, true, 'and nothing was evicted for it');
    cache.invalidate();
    assert.deepEqual([cache.size, cache.cost], [0, 0]);
  });

  it('a load that overlaps a notice or a listener loss is returned but not stored', async () => {
    const cache = new KeyedConfigCache<string>(null, [], 10);
    cache.setListening(true);
    const stale = gate('stale');
    const pending = cache.get('k', stale.load);
    cache.invalidate();
    stale.open();
    assert.deepEqual(await pending, { value: 'stale', hit: false });
    assert.deepEqual(await cache.get('k', value('fresh')), { value: 'fresh', hit: false });
    const across = gate('across');
    const lost = cache.get('j', across.load);
    cache.setListening(false);
    cache.setListening(true);
    across.open();
    await lost;
    assert.equal(cache.size, 0, 'emptied by the loss, and the load across it not stored');
  });
});

describe('ChangeNotices + ConfigCache over PostgreSQL', () => {
  let db: TestDatabase;
  let notices: ChangeNotices;
  let sql: pg.Client;

  before(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  after(async () => {
    await notices?.onApplicationShutdown();
    await sql?.end();
    await db?.drop();
  });

  const waitFor = async (what: string, check: () => boolean) => {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > 10_000) assert.fail(`${what}: not within 10 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('a trigger notice naming one of its tables drops the snapshot; other tables do not; loss and recovery', async () => {
    notices = new ChangeNotices(db.url);
    const policies = new ConfigCache<number>(notices, ['SLAPolicy']);
    const changes: boolean[] = [];
    notices.subscribe('nixflow_config_changed', {
      onNotice: () => undefined,
      onListeningChanged: (l) => changes.push(l),
    });
    await notices.onModuleInit();
    assert.equal(notices.listening, true);
    assert.equal(policies.listening, true);

    let loads = 0;
    const get = () => policies.get(async () => ++loads);
    assert.equal(await get(), 1);
    assert.equal(await get(), 1);

    await sql.query(`INSERT INTO "Workflow" (name) VALUES ('not a policy')`);
    await notices.settled();
    assert.equal(await get(), 1, 'a Workflow notice leaves the policies alone');

    await sql.query(`INSERT INTO "SLAPolicy" (name, targets) VALUES ('Gold', '{}')`);
    await notices.settled();
    assert.equal(await get(), 2);

    // The listener's connection is killed: not listening (reads load), then back within about a second.
    const pid = await sql.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
      [CHANGE_NOTICES_APPLICATION],
    );
    assert.equal(pid.rowCount, 1);
    await sql.query('SELECT pg_terminate_backend($1)', [pid.rows[0].pid]);
    await waitFor('loss seen', () => !notices.listening);
    assert.equal(await get(), 3);
    assert.equal(await get(), 4);
    await waitFor('listening again', () => notices.listening);
    assert.deepEqual(changes, [true, false, true]);
    assert.equal(await get(), 5);
    assert.equal(await get(), 5);
  });

  it('SlaPolicyCache: no stamp query while listening; a metric naming a newer policy version reads through', async () => {
    const prisma = createPrismaClient(db.url, 2);
    try {
      const cache = new SlaPolicyCache(notices);
      await notices.settled();
      const gold = (await cache.get(prisma)).live.find((p) => p.name === 'Gold')!;
      assert.equal((await cache.get(prisma)).stamp, 'notified', 'loaded without a stamp');
      // Uncommitted, so no notice: the snapshot is behind what a metric written in this transaction says.
      await prisma.$transaction(async (tx) => {
        await tx.slaPolicy.update({ where: { id: gold.id }, data: { version: { increment: 1 }, name: 'Gold 2' } });
        assert.equal((await cache.get(tx)).byId.get(gold.id)?.name, 'Gold');
        assert.equal((await cache.forMetric(tx, gold.id, gold.version + 1))?.name, 'Gold 2');
        assert.equal((await cache.fresh(tx)).byId.get(gold.id)?.name, 'Gold 2');
      });
      await notices.settled();
      assert.equal((await cache.get(prisma)).byId.get(gold.id)?.name, 'Gold 2');
    } finally {
      await prisma.$disconnect();
    }
  });
});
