import { Injectable, Logger, OnApplicationBootstrap, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { PrismaService } from '../prisma/prisma.service.js';
import { DatabaseHealthIndicator, RedisHealthIndicator, SchemaHealthIndicator } from './health.indicators.js';
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

/** One indicator's terminus detail in the report's shape: up or down (degraded Redis is down), `error` for its message. */
function toCheck(detail: HealthIndicatorResult[string] | undefined): CheckResult & Record<string, unknown> {
  if (!detail) return { status: 'down', error: 'not checked' };
  const { status, message, responseTime: _responseTime, cachedResponse: _cached, ...rest } = detail;
  return {
    ...rest,
    status: status === 'up' ? 'up' : 'down',
    ...(message === undefined ? {} : { error: String(message).split('\n')[0] }),
  };
}

const msg = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));

@Injectable()
export class HealthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly prisma: PrismaService,
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly schema: SchemaHealthIndicator,
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

  /** Terminus runs the three indicators; its ok/degraded/error result becomes the readiness report. */
  async readiness(): Promise<ReadinessReport> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check([
        () => this.database.check('database'),
        () => this.redis.check('redis'),
        () => this.schema.check('schema'),
      ]);
    } catch (e) {
      // 503: terminus throws its result (status error, or shutting_down while the app stops).
      if (!(e instanceof ServiceUnavailableException)) throw e;
      result = e.getResponse() as HealthCheckResult;
    }
    const status = result.status === 'ok' ? 'ready' : result.status === 'degraded' ? 'degraded' : 'not_ready';
    const details = result.details;
    return {
      status,
      checks: { database: toCheck(details.database), redis: toCheck(details.redis), schema: toCheck(details.schema) },
    };
  }
}
