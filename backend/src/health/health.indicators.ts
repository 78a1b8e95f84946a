import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { checkSchema } from './schema-check.js';

const DATABASE_TIMEOUT_MS = 3000;
const REDIS_TIMEOUT_MS = 1500;
const SCHEMA_TIMEOUT_MS = 3000;

/** `SELECT 1` through the API's own pool (terminus' PrismaHealthIndicator pings with a Mongo command first). */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly prisma: PrismaService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  check(key: 'database') {
    return this.indicators
      .check(key)
      .attempt(async () => {
        await this.prisma.$queryRawUnsafe('SELECT 1');
      })
      .withTimeout(DATABASE_TIMEOUT_MS);
  }
}

/**
 * A fresh connection and PING. Redis down is `degraded`, not `down`: the API keeps serving requests,
 * only background jobs wait (terminus answers 200 for degraded).
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: 'redis') {
    const client = new Redis(this.config.redisUrl, {
      lazyConnect: true,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      const result = await this.indicators
        .check(key)
        .attempt(async () => {
          await client.connect();
          await client.ping();
        })
        .withTimeout(REDIS_TIMEOUT_MS);
      const { status, ...data } = result[key];
      return status === 'up' ? result : this.indicators.check(key).degraded(data);
    } finally {
      client.disconnect();
    }
  }
}

/** The live catalog against the models and the migrations folder (schema-check.ts). */
@Injectable()
export class SchemaHealthIndicator {
  constructor(
    private readonly prisma: PrismaService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: 'schema') {
    const session = this.indicators.check(key);
    const attempt = await session
      .attempt(async () => ({ ...(await checkSchema(this.prisma)) }))
      .withTimeout(SCHEMA_TIMEOUT_MS);
    const { status, ok, responseTime: _ms, ...details } = attempt[key] as typeof attempt.schema & { ok?: boolean };
    if (status !== 'up') return attempt; // the check itself failed or timed out: down, with its message
    // A mismatch is a completed check that found something missing: down, with the lists.
    return ok ? session.up(details) : session.down(details);
  }
}
