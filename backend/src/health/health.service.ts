import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { checkSchema, mismatchLines, type SchemaCheck } from './schema-check.js';

export interface CheckResult {
  status: 'up' | 'down';
  error?: string;
}

export interface ReadinessReport {
  /** degraded: the API serves requests, but background jobs (Redis) are unavailable. */
  status: 'ready' | 'degraded' | 'not_ready';
  checks: {
    database: CheckResult;
    redis: CheckResult;
    schema: CheckResult & Partial<Omit<SchemaCheck, 'ok'>>;
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const msg = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));

@Injectable()
export class HealthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Says loudly (but without crashing) when the database is behind the code. */
  async onApplicationBootstrap(): Promise<void> {
    if (process.env.NIXFLOW_SKIP_STARTUP_SCHEMA_CHECK === '1') return;
    try {
      const schema = await withTimeout(checkSchema(this.prisma), 5000, 'schema check');
      // One line per missing table, column and migration; the app keeps serving what works.
      for (const { level, line } of mismatchLines(schema)) this.logger[level](line);
    } catch (e) {
      this.logger.warn(`Startup schema check skipped: ${msg(e)}`);
    }
  }

  async database(): Promise<CheckResult> {
    try {
      await withTimeout(this.prisma.$queryRawUnsafe('SELECT 1'), 3000, 'database');
      return { status: 'up' };
    } catch (e) {
      return { status: 'down', error: msg(e) };
    }
  }

  async redis(): Promise<CheckResult> {
    const client = new Redis(this.config.redisUrl, {
      lazyConnect: true,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await withTimeout(
        (async () => {
          await client.connect();
          await client.ping();
        })(),
        1500,
        'redis',
      );
      return { status: 'up' };
    } catch (e) {
      return { status: 'down', error: msg(e) };
    } finally {
      client.disconnect();
    }
  }

  async schema(): Promise<ReadinessReport['checks']['schema']> {
    try {
      const s = await withTimeout(checkSchema(this.prisma), 3000, 'schema check');
      return {
        status: s.ok ? 'up' : 'down',
        missingTables: s.missingTables,
        missingColumns: s.missingColumns,
        pendingMigrations: s.pendingMigrations,
        failedMigrations: s.failedMigrations,
      };
    } catch (e) {
      return { status: 'down', error: msg(e) };
    }
  }

  async readiness(): Promise<ReadinessReport> {
    const [database, redis, schema] = await Promise.all([this.database(), this.redis(), this.schema()]);
    const serving = database.status === 'up' && schema.status === 'up';
    const status = !serving ? 'not_ready' : redis.status === 'up' ? 'ready' : 'degraded';
    return { status, checks: { database, redis, schema } };
  }
}
