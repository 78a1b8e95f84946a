import { Logger } from '@nestjs/common';

export interface AppConfig {
  nodeEnv: string;
  port: number;
  databaseUrl: string;
  /** Connections in the API's PostgreSQL pool (PrismaPg `max`). */
  databasePoolSize: number;
  redisUrl: string;
  jwtSecret: string;
  jwtTtl: string;
  jwtRefreshTtl: string;
  adminEmail: string;
  adminPassword: string;
  logLevel: string;
  corsOrigins: string[] | true;
  /** Cross-Origin-Resource-Policy of every response (attachments included). */
  crossOriginResourcePolicy: CrossOriginResourcePolicy;
  /** CSP `upgrade-insecure-requests`: only when the API is served over HTTPS (HTTPS=true). */
  upgradeInsecureRequests: boolean;
  bcryptCost: number;
  bodyLimit: string;
  loginThrottleLimit: number;
  loginThrottleTtlMs: number;
  formSubmitThrottleLimit: number;
  formSubmitThrottleTtlMs: number;
}

export const CROSS_ORIGIN_RESOURCE_POLICIES = ['same-origin', 'same-site', 'cross-origin'] as const;
export type CrossOriginResourcePolicy = (typeof CROSS_ORIGIN_RESOURCE_POLICIES)[number];

/**
 * CROSS_ORIGIN_RESOURCE_POLICY when valid; otherwise `cross-origin` when CORS_ORIGINS lists origins (a
 * front end there must be able to show attachments, e.g. KB images), else `same-origin`.
 */
function crossOriginResourcePolicy(env: NodeJS.ProcessEnv, corsListed: boolean): CrossOriginResourcePolicy {
  const v = (env.CROSS_ORIGIN_RESOURCE_POLICY || '').trim().toLowerCase();
  if ((CROSS_ORIGIN_RESOURCE_POLICIES as readonly string[]).includes(v)) return v as CrossOriginResourcePolicy;
  if (v) new Logger('Config').warn(`CROSS_ORIGIN_RESOURCE_POLICY=${v} is not one of ${CROSS_ORIGIN_RESOURCE_POLICIES}`);
  return corsListed ? 'cross-origin' : 'same-origin';
}

/** Development defaults. Override every secret in production. */
export const DEV_JWT_SECRET = 'nixflow-dev-jwt-secret-change-me';
export const DEFAULT_ADMIN_EMAIL = 'admin@nixflow.local';
export const DEFAULT_ADMIN_PASSWORD = 'ChangeMe-Admin-123';

function int(value: string | undefined, fallback: number): number {
  const n = value === undefined || value === '' ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : fallback;
}

let warnedSecret = false;

/** Reads the configuration from the environment (call it when needed, not at import time). */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV || 'development';
  let jwtSecret = env.JWT_SECRET;
  if (!jwtSecret) {
    jwtSecret = DEV_JWT_SECRET;
    if (nodeEnv === 'production' && !warnedSecret) {
      warnedSecret = true;
      new Logger('Config').warn('JWT_SECRET is not set: using the development default. Set JWT_SECRET in production!');
    }
  }
  const cors = (env.CORS_ORIGINS || '').trim();
  return {
    nodeEnv,
    port: int(env.PORT, 3000),
    databaseUrl: env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/nixflow',
    databasePoolSize: Math.max(1, int(env.DATABASE_POOL_SIZE, 10)),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    jwtSecret,
    jwtTtl: env.JWT_TTL || '15m',
    jwtRefreshTtl: env.JWT_REFRESH_TTL || '7d',
    adminEmail: (env.ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL).toLowerCase(),
    adminPassword: env.ADMIN_PASSWORD || DEFAULT_ADMIN_PASSWORD,
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    corsOrigins:
      cors === '' || cors === '*'
        ? true
        : cors
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    crossOriginResourcePolicy: crossOriginResourcePolicy(env, cors !== '' && cors !== '*'),
    upgradeInsecureRequests: /^(1|true|yes)$/i.test((env.HTTPS || '').trim()),
    bcryptCost: int(env.BCRYPT_COST, 10),
    bodyLimit: env.BODY_LIMIT || '1mb',
    loginThrottleLimit: int(env.LOGIN_THROTTLE_LIMIT, 10),
    loginThrottleTtlMs: int(env.LOGIN_THROTTLE_TTL_MS, 60_000),
    formSubmitThrottleLimit: int(env.FORM_SUBMIT_THROTTLE_LIMIT, 20),
    formSubmitThrottleTtlMs: int(env.FORM_SUBMIT_THROTTLE_TTL_MS, 60_000),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
