import { DEFAULT_QUEUE_PREFIX } from '@nixflow/core';

/** Worker settings, read once from the environment at start-up. */
export interface WorkerConfig {
  databaseUrl: string;
  redisUrl: string;
  slaMonitorIntervalMs: number;
  /** How often the event-log consumer runs (notifications, policy recomputes). */
  eventConsumerIntervalMs: number;
  eventConsumerBatchSize: number;
  concurrency: number;
  /** BullMQ key prefix: lets several deployments (or parallel test runs) share one Redis. */
  queuePrefix: string;
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return {
    databaseUrl: env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/nixflow',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    slaMonitorIntervalMs: positiveInt(env.SLA_MONITOR_INTERVAL_MS, 1_000, 'SLA_MONITOR_INTERVAL_MS'),
    eventConsumerIntervalMs: positiveInt(env.EVENT_CONSUMER_INTERVAL_MS, 1_000, 'EVENT_CONSUMER_INTERVAL_MS'),
    eventConsumerBatchSize: positiveInt(env.EVENT_CONSUMER_BATCH_SIZE, 500, 'EVENT_CONSUMER_BATCH_SIZE'),
    concurrency: positiveInt(env.WORKER_CONCURRENCY, 1, 'WORKER_CONCURRENCY'),
    queuePrefix: env.QUEUE_PREFIX || DEFAULT_QUEUE_PREFIX,
  };
}
