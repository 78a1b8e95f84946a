// The Redis-backed rate limits keep counting, in the process, while Redis cannot be reached.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RedisThrottlerStorage } from '../src/common/redis-throttler-storage.js';

// Nothing listens on port 1: every Redis command fails at once.
const storage = new RedisThrottlerStorage('redis://127.0.0.1:1', 'nixflow-test-unreachable');
after(() => storage.onApplicationShutdown());

test('with Redis unreachable the limit is still enforced (locally), and the API gets an answer', async () => {
  const hits = [];
  for (let i = 0; i < 4; i++) hits.push(await storage.increment('login:1.2.3.4', 60_000, 3, 60_000, 'login'));
  assert.deepEqual(
    hits.map((h) => [h.totalHits, h.isBlocked]),
    [
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ],
  );
  assert.ok(hits[3]!.timeToBlockExpire > 0);
  // Another key has its own window.
  assert.equal((await storage.increment('login:5.6.7.8', 60_000, 3, 60_000, 'login')).isBlocked, false);
});
