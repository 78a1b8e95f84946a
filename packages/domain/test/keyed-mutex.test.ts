import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedMutex } from '../src/common/keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs tasks of one key one at a time in arrival order, other keys in parallel, and survives failures', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (key: string, i: number, fail = false) =>
      mutex.run(key, async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        log.push(`${key}${i}+`);
        await sleep(5);
        log.push(`${key}${i}-`);
        running--;
        if (fail) throw new Error(`boom ${i}`);
        return i;
      });
    const results = await Promise.allSettled([task('a', 1), task('a', 2, true), task('a', 3), task('b', 1)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    const a = log.filter((l) => l.startsWith('a'));
    assert.deepEqual(a, ['a1+', 'a1-', 'a2+', 'a2-', 'a3+', 'a3-']);
    assert.equal(maxRunning, 2, 'a and b overlap');
    assert.equal(mutex.size, 0, 'no key left behind');
  });
});
