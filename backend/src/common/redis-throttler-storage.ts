import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';

// Fixed-window counter plus a block key, in one atomic script, so that every API instance sharing the
// Redis shares the limits. (@nest-lab/throttler-storage-redis does the same but does not accept Nest 12.)
const INCREMENT = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
  return {hits, redis.call('PTTL', KEYS[1]), 1, blockTtl}
end
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}
`;

/** A fixed-window counter in this process: the fallback while Redis cannot be reached. */
class LocalWindows {
  private readonly windows = new Map<string, { hits: number; resetAt: number; blockedUntil: number }>();

  increment(key: string, ttl: number, limit: number, blockDuration: number) {
    const now = Date.now();
    if (this.windows.size > 100_000) for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    let w = this.windows.get(key);
    if (!w || (w.resetAt <= now && w.blockedUntil <= now)) {
      w = { hits: 0, resetAt: now + Math.max(1, ttl), blockedUntil: 0 };
      this.windows.set(key, w);
    }
    if (w.blockedUntil > now)
      return { hits: w.hits, ttlMs: w.resetAt - now, blocked: 1, blockMs: w.blockedUntil - now };
    w.hits++;
    if (w.hits > limit) {
      w.blockedUntil = now + Math.max(1, blockDuration || ttl);
      return { hits: w.hits, ttlMs: w.resetAt - now, blocked: 1, blockMs: w.blockedUntil - now };
    }
    return { hits: w.hits, ttlMs: w.resetAt - now, blocked: 0, blockMs: 0 };
  }
}

/**
 * @nestjs/throttler storage in Redis (keys `<prefix>:throttle:<hash>`, expiring with their window). While
 * Redis cannot be reached the limits are counted in this process instead (still enforced, per instance),
 * so a Redis outage neither opens the limits nor stops the API from answering.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly local = new LocalWindows();
  private readonly logger = new Logger('RateLimits');
  private degraded = false;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    // One reconnection try per command and a time bound: while Redis is away a command fails within
    // moments, and the local count takes over.
    this.redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, commandTimeout: 2000 });
    this.redis.on('error', () => undefined); // surfaced by the failing command instead
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const base = `${this.prefix}:throttle:${throttlerName}:${key}`;
    let result: { hits: number; ttlMs: number; blocked: number; blockMs: number };
    try {
      const [hits, ttlMs, blocked, blockMs] = (await this.redis.eval(
        INCREMENT,
        2,
        base,
        `${base}:blocked`,
        String(Math.max(1, ttl)),
        String(limit),
        String(Math.max(1, blockDuration || ttl)),
      )) as [number, number, number, number];
      result = { hits, ttlMs, blocked, blockMs };
      if (this.degraded) {
        this.degraded = false;
        this.logger.log('Redis is back: rate limits are shared again');
      }
    } catch (err) {
      if (!this.degraded) {
        this.degraded = true;
        this.logger.warn(`Redis unreachable (${(err as Error).message}): counting rate limits in this process`);
      }
      result = this.local.increment(base, ttl, limit, blockDuration);
    }
    return {
      totalHits: result.hits,
      timeToExpire: Math.max(0, Math.ceil(result.ttlMs / 1000)),
      isBlocked: result.blocked === 1,
      timeToBlockExpire: Math.max(0, Math.ceil(result.blockMs / 1000)),
    };
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

export const THROTTLER_REDIS_STORAGE = Symbol('THROTTLER_REDIS_STORAGE');
