import {
  baseEnvShape,
  domainMailEnvShape,
  domainMailSettings,
  intVar,
  migrateEnvSchema,
  optionalIntVar,
  parseEnv,
  resolveSecrets,
  storageSettings,
  usePreparedStatements,
} from '@nixflow/db';
import type { StorageConfig } from '@nixflow/storage';
import { z } from 'zod';

/** Every variable the worker reads. README's table documents these together with the API's (test: readme-env). */
export const workerEnvSchema = z.object({
  ...baseEnvShape,
  // Inbound mail runs here (IMAP): its rate limit, and the invitations of the customers it creates.
  ...domainMailEnvShape,
  // The LISTEN connection for configuration changes must bypass a pooler (as the API's).
  DATABASE_DIRECT_URL: migrateEnvSchema.shape.DATABASE_DIRECT_URL,
  DIRECT_URL: migrateEnvSchema.shape.DIRECT_URL,
  WORKER_DATABASE_POOL_SIZE: optionalIntVar({ max: 1000 }),
  SLA_MONITOR_INTERVAL_MS: intVar(1_000),
  EVENT_CONSUMER_INTERVAL_MS: intVar(1_000),
  EVENT_CONSUMER_BATCH_SIZE: intVar(500, { max: 100_000 }),
  WORKER_CONCURRENCY: intVar(1, { max: 100 }),
  EMAIL_MAINTENANCE_INTERVAL_MS: intVar(15_000),
  EMAIL_QUEUED_GRACE_MS: intVar(5_000),
  EMAIL_IMAP_BATCH: intVar(20, { max: 1000 }),
});

/** Worker settings, read and validated once at start-up. */
export interface WorkerConfig {
  nodeEnv: string;
  databaseUrl: string;
  /** A direct (non-pooled) connection for LISTEN: DATABASE_DIRECT_URL, DIRECT_URL, else DATABASE_URL. */
  databaseListenUrl: string;
  /** WORKER_DATABASE_POOL_SIZE, else DATABASE_POOL_SIZE. */
  databasePoolSize: number;
  /** Recurring statements prepared once per connection (DATABASE_PREPARED_STATEMENTS, usePreparedStatements). */
  databasePreparedStatements: boolean;
  redisUrl: string;
  logLevel: string;
  slaMonitorIntervalMs: number;
  /** How often the event-log consumer runs (notifications, policy recomputes). */
  eventConsumerIntervalMs: number;
  eventConsumerBatchSize: number;
  concurrency: number;
  /** BullMQ key prefix: lets several deployments (or parallel test runs) share one Redis. */
  queuePrefix: string;
  emailSecretKey: Buffer;
  /** Where attachments live: the same settings as the API's (inbound mail stores through them). */
  storage: StorageConfig;
  /** The inbound rate limit and the invitation links/sender: the same settings as the API's. */
  domainMail: ReturnType<typeof domainMailSettings>;
  email: {
    sendAttempts: number;
    sendBackoffMs: number;
    maintenanceIntervalMs: number;
    queuedGraceMs: number;
    connectTimeoutMs: number;
    imapBatchSize: number;
  };
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

/** Throws ConfigError naming the variable when a value is invalid or EMAIL_SECRET_KEY is missing outside development/test. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = parseEnv(workerEnvSchema, env);
  const secrets = resolveSecrets(env, { needJwt: false });
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    databaseListenUrl: e.DATABASE_DIRECT_URL ?? e.DIRECT_URL ?? e.DATABASE_URL,
    databasePoolSize: e.WORKER_DATABASE_POOL_SIZE ?? e.DATABASE_POOL_SIZE,
    databasePreparedStatements: usePreparedStatements(e),
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    slaMonitorIntervalMs: e.SLA_MONITOR_INTERVAL_MS,
    eventConsumerIntervalMs: e.EVENT_CONSUMER_INTERVAL_MS,
    eventConsumerBatchSize: e.EVENT_CONSUMER_BATCH_SIZE,
    concurrency: e.WORKER_CONCURRENCY,
    queuePrefix: e.QUEUE_PREFIX,
    emailSecretKey: secrets.emailSecretKey,
    storage: storageSettings(e),
    domainMail: domainMailSettings(e),
    email: {
      sendAttempts: e.EMAIL_SEND_ATTEMPTS,
      sendBackoffMs: e.EMAIL_SEND_BACKOFF_MS,
      maintenanceIntervalMs: e.EMAIL_MAINTENANCE_INTERVAL_MS,
      queuedGraceMs: e.EMAIL_QUEUED_GRACE_MS,
      connectTimeoutMs: e.EMAIL_CONNECT_TIMEOUT_MS,
      imapBatchSize: e.EMAIL_IMAP_BATCH,
    },
  };
}

/** WORKER_CONCURRENCY alone, for the @Processor decorators (evaluated when their modules load). */
export function workerConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  return parseEnv(z.object({ WORKER_CONCURRENCY: workerEnvSchema.shape.WORKER_CONCURRENCY }), env).WORKER_CONCURRENCY;
}
