import { fileURLToPath } from 'node:url';
import {
  baseEnvShape,
  domainMailEnvShape,
  migrateEnvSchema,
  boolVar,
  ConfigError,
  optionalBoolVar,
  DEV_JWT_SECRET,
  intVar,
  parseEnv,
  resolveSecrets,
  storageSettings,
  usePreparedStatements,
} from '@nixflow/db';
import type { StorageConfig } from '@nixflow/storage';
import { z } from 'zod';

export { ConfigError, DEV_JWT_SECRET };
export const DEFAULT_ADMIN_EMAIL = 'admin@nixflow.local';
export const DEFAULT_ADMIN_PASSWORD = 'ChangeMe-Admin-123';
/** web/dist of this checkout (this file runs from backend/dist/src/config). */
const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../../web/dist', import.meta.url));

const ttl = (fallback: string) =>
  z
    .string()
    .regex(/^\d+\s*(ms|s|m|h|d)$/, 'must be a duration like 15m, 12h or 7d')
    .default(fallback);

/** TRUST_PROXY: unset/false (never trust X-Forwarded-For), a hop count, or a comma-separated list of CIDRs/addresses. */
const trustProxy = z
  .string()
  .regex(
    /^(false|true|\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*|loopback|linklocal|uniquelocal)$/,
    'must be false, a hop count, or a comma-separated list of addresses/CIDRs',
  )
  .transform((v): boolean | number | string[] => {
    if (v === 'false') return false;
    if (v === 'true') return true;
    if (/^\d+$/.test(v)) return Number(v);
    return v.split(',').map((s) => s.trim());
  })
  .default(false);

export const CROSS_ORIGIN_RESOURCE_POLICIES = ['same-origin', 'same-site', 'cross-origin'] as const;
export type CrossOriginResourcePolicy = (typeof CROSS_ORIGIN_RESOURCE_POLICIES)[number];

/** Every variable the API reads. README's table documents exactly these (test: readme-env). */
export const apiEnvSchema = z.object({
  ...baseEnvShape,
  // PORT, the invitation links and sender, the inbound rate limit: shared with the worker's schema.
  ...domainMailEnvShape,
  // LISTEN needs a session of its own: through a transaction pooler it would never hear a notice.
  DATABASE_DIRECT_URL: migrateEnvSchema.shape.DATABASE_DIRECT_URL,
  DIRECT_URL: migrateEnvSchema.shape.DIRECT_URL,
  JWT_SECRET: z.string().optional(),
  JWT_TTL: ttl('15m'),
  JWT_REFRESH_TTL: ttl('7d'),
  ADMIN_EMAIL: z.email().default(DEFAULT_ADMIN_EMAIL),
  ADMIN_PASSWORD: z.string().min(8).default(DEFAULT_ADMIN_PASSWORD),
  CORS_ORIGINS: z
    .string()
    .regex(/^(\*|https?:\/\/[^,\s]+(\s*,\s*https?:\/\/[^,\s]+)*)$/, 'must be * or a comma-separated list of origins')
    .optional(),
  API_DOCS: optionalBoolVar(),
  HTTPS: boolVar(false),
  CROSS_ORIGIN_RESOURCE_POLICY: z.enum(CROSS_ORIGIN_RESOURCE_POLICIES).optional(),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must be a size like 1mb')
    .default('1mb'),
  TRUST_PROXY: trustProxy,
  LOGIN_THROTTLE_LIMIT: intVar(10),
  LOGIN_THROTTLE_TTL_MS: intVar(60_000),
  LOGIN_IP_THROTTLE_LIMIT: intVar(50),
  LOGIN_IP_THROTTLE_TTL_MS: intVar(60_000),
  LOGIN_MAX_CONCURRENT_HASHES: intVar(4, { max: 256 }),
  FORM_SUBMIT_THROTTLE_LIMIT: intVar(20),
  FORM_SUBMIT_THROTTLE_TTL_MS: intVar(60_000),
  FORM_MAX_ATTACHMENT_BYTES: intVar(10 * 1024 * 1024),
  FORM_UPLOAD_MAX_INFLIGHT_BYTES: intVar(256 * 1024 * 1024),
  KB_MAX_ATTACHMENT_BYTES: intVar(10 * 1024 * 1024),
  KB_SEARCH_CACHE_MB: intVar(32, { min: 0, max: 4096 }),
  EMAIL_INBOUND_MAX_BYTES: intVar(25 * 1024 * 1024),
  PASSWORD_RESET_TTL_MINUTES: intVar(60),
  EVENT_STREAM_POLL_MS: intVar(250),
  EVENT_STREAM_HEARTBEAT_MS: intVar(15_000),
  EVENT_STREAM_MAX_CLIENTS: intVar(1000),
  EVENT_STREAM_MAX_PER_USER: intVar(5),
  EVENT_STREAM_USER_CHECK_MS: intVar(5000),
  CONSOLE_DIR: z.string().min(1).optional(),
});

export interface AppConfig {
  nodeEnv: string;
  port: number;
  databaseUrl: string;
  /** A direct (non-pooled) connection for LISTEN: DATABASE_DIRECT_URL, DIRECT_URL, else DATABASE_URL. */
  databaseListenUrl: string;
  /** Connections in the API's PostgreSQL pool (PrismaPg `max`). */
  databasePoolSize: number;
  /** Recurring statements prepared once per connection (DATABASE_PREPARED_STATEMENTS, usePreparedStatements). */
  databasePreparedStatements: boolean;
  redisUrl: string;
  queuePrefix: string;
  jwtSecret: string;
  emailSecretKey: Buffer;
  jwtTtl: string;
  jwtRefreshTtl: string;
  adminEmail: string;
  adminPassword: string;
  logLevel: string;
  /** Allowed origins; false = no CORS headers. `*` allows any origin but never with credentials. */
  corsOrigins: string[] | '*' | false;
  apiDocs: boolean;
  /** Cross-Origin-Resource-Policy of every response (attachments included). */
  crossOriginResourcePolicy: CrossOriginResourcePolicy;
  /** CSP `upgrade-insecure-requests`: only when the API is served over HTTPS (HTTPS=true). */
  upgradeInsecureRequests: boolean;
  bodyLimit: string;
  /** Express `trust proxy`: false, hop count or address list. */
  trustProxy: boolean | number | string[];
  loginThrottleLimit: number;
  loginThrottleTtlMs: number;
  loginIpThrottleLimit: number;
  loginIpThrottleTtlMs: number;
  loginMaxConcurrentHashes: number;
  formSubmitThrottleLimit: number;
  formSubmitThrottleTtlMs: number;
  formMaxAttachmentBytes: number;
  /** Multipart bytes all form submissions of this process may have in flight at once. */
  formUploadMaxInflightBytes: number;
  kbMaxAttachmentBytes: number;
  /** Memory for knowledge-base search results kept per process, in MiB (0: none), see kb-search-cache.ts. */
  kbSearchCacheMb: number;
  uploadDir: string;
  /** Where attachments live (STORAGE_DRIVER, S3_*) and how downloads are served. */
  storage: StorageConfig;
  /** The built operator console (web/dist) served at `/`. */
  consoleDir: string;
  email: {
    maxInboundBytes: number;
    newTicketsPerSenderPerHour: number;
    connectTimeoutMs: number;
    sendAttempts: number;
    sendBackoffMs: number;
  };
}

/**
 * Reads and validates the API's configuration. Throws ConfigError naming the variable when a value is
 * invalid or a secret is missing outside development/test. Called once per app (the APP_CONFIG provider).
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = parseEnv(apiEnvSchema, env);
  const secrets = resolveSecrets(env);
  const nodeEnv = e.NODE_ENV;
  const cors = e.CORS_ORIGINS?.trim();
  return {
    nodeEnv,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databaseListenUrl: e.DATABASE_DIRECT_URL ?? e.DIRECT_URL ?? e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePreparedStatements: usePreparedStatements(e),
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    jwtSecret: secrets.jwtSecret,
    emailSecretKey: secrets.emailSecretKey,
    jwtTtl: e.JWT_TTL,
    jwtRefreshTtl: e.JWT_REFRESH_TTL,
    adminEmail: e.ADMIN_EMAIL.toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD,
    logLevel: e.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    // Development reflects any origin (a local front end on any port); elsewhere CORS is opt-in.
    corsOrigins:
      cors === '*'
        ? '*'
        : cors
          ? cors.split(',').map((s) => s.trim())
          : nodeEnv === 'development' || nodeEnv === 'test'
            ? '*'
            : false,
    apiDocs: e.API_DOCS ?? (nodeEnv === 'development' || nodeEnv === 'test'),
    // A front end on another origin (CORS_ORIGINS lists it) must be able to show attachments, e.g. KB images.
    crossOriginResourcePolicy:
      e.CROSS_ORIGIN_RESOURCE_POLICY ?? (cors && cors !== '*' ? 'cross-origin' : 'same-origin'),
    upgradeInsecureRequests: e.HTTPS,
    bodyLimit: e.BODY_LIMIT,
    trustProxy: e.TRUST_PROXY,
    loginThrottleLimit: e.LOGIN_THROTTLE_LIMIT,
    loginThrottleTtlMs: e.LOGIN_THROTTLE_TTL_MS,
    loginIpThrottleLimit: e.LOGIN_IP_THROTTLE_LIMIT,
    loginIpThrottleTtlMs: e.LOGIN_IP_THROTTLE_TTL_MS,
    loginMaxConcurrentHashes: e.LOGIN_MAX_CONCURRENT_HASHES,
    formSubmitThrottleLimit: e.FORM_SUBMIT_THROTTLE_LIMIT,
    formSubmitThrottleTtlMs: e.FORM_SUBMIT_THROTTLE_TTL_MS,
    formMaxAttachmentBytes: e.FORM_MAX_ATTACHMENT_BYTES,
    formUploadMaxInflightBytes: e.FORM_UPLOAD_MAX_INFLIGHT_BYTES,
    kbMaxAttachmentBytes: e.KB_MAX_ATTACHMENT_BYTES,
    kbSearchCacheMb: e.KB_SEARCH_CACHE_MB,
    uploadDir: e.UPLOAD_DIR,
    storage: storageSettings(e),
    consoleDir: e.CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR,
    email: {
      maxInboundBytes: e.EMAIL_INBOUND_MAX_BYTES,
      newTicketsPerSenderPerHour: e.EMAIL_MAX_NEW_TICKETS_PER_SENDER_PER_HOUR,
      connectTimeoutMs: e.EMAIL_CONNECT_TIMEOUT_MS,
      sendAttempts: e.EMAIL_SEND_ATTEMPTS,
      sendBackoffMs: e.EMAIL_SEND_BACKOFF_MS,
    },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
