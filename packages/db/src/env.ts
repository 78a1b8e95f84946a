// Configuration shared by the API and the worker: one zod schema per process, built from the base
// below, parsed once at start-up. An invalid value stops the start with one message naming every
// offending variable; secrets are required outside development and test.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV_EMAIL_SECRET_SEED, resolveEmailSecretKey } from '@nixflow/core';
import { z } from 'zod';
import { DEFAULT_DATABASE_URL } from './defaults.js';
import { PREPARED_STATEMENTS_SETTINGS } from './prepared-statements.js';

/** A configuration problem: the process must not start. The message names the variable(s). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A positive (or ≥ min) decimal integer given as a string; the default when unset or empty. */
function int({ min = 1, max = Number.MAX_SAFE_INTEGER } = {}) {
  const message = `must be a whole number between ${min} and ${max}`;
  return z
    .string()
    .regex(/^\s*\d+\s*$/, message)
    .transform((s) => Number(s.trim()))
    .pipe(z.number().int().min(min, message).max(max, message));
}

export function intVar(fallback: number, bounds: { min?: number; max?: number } = {}) {
  return int(bounds).default(fallback);
}

/** Like intVar, undefined when unset (the caller falls back to another variable). */
export const optionalIntVar = (bounds: { min?: number; max?: number } = {}) => int(bounds).optional();

const bool = () =>
  z
    .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => ['true', '1', 'on', 'yes'].includes(v));

/** true/false (1/0, on/off, yes/no); the default when unset, or undefined without one. */
export function boolVar(fallback: boolean) {
  return bool().default(fallback);
}
export const optionalBoolVar = () => bool().optional();

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables both processes read. */
export const baseEnvShape = {
  NODE_ENV: z.string().default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default(DEFAULT_DATABASE_URL),
  DATABASE_POOL_SIZE: intVar(10, { max: 1000 }),
  /** auto | true | false: see usePreparedStatements (prepared-statements.ts). */
  DATABASE_PREPARED_STATEMENTS: z
    .enum(PREPARED_STATEMENTS_SETTINGS, { message: 'must be auto, true or false' })
    .default('auto'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, 'letters, digits, _ . : - only')
    .default('nixflow'),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  EMAIL_SECRET_KEY: z.string().optional(),
  EMAIL_SEND_ATTEMPTS: intVar(5, { max: 100 }),
  EMAIL_SEND_BACKOFF_MS: intVar(30_000),
  EMAIL_CONNECT_TIMEOUT_MS: intVar(10_000),
  UPLOAD_DIR: z.string().default('./uploads'),
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  STORAGE_DOWNLOAD_MODE: z.enum(['stream', 'redirect']).default('stream'),
  STORAGE_SIGNED_URL_TTL_SECONDS: intVar(300, { max: 7 * 24 * 3600 }),
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  S3_FORCE_PATH_STYLE: boolVar(false),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
};

/**
 * Variables of the mail the domain writes in either process: the inbound pipeline (the API's webhook, the
 * worker's IMAP intake) and the invitations and password resets it queues. Both schemas include them, so
 * that a customer created from mail gets the same link whichever process created them.
 */
export const domainMailEnvShape = {
  // The API's port; the worker reads it only for the default of APP_PUBLIC_URL, so both build the same links.
  PORT: intVar(3000, { min: 0, max: 65535 }),
  EMAIL_MAX_NEW_TICKETS_PER_SENDER_PER_HOUR: intVar(20),
  INVITATION_TTL_HOURS: intVar(168),
  APP_PUBLIC_URL: z.url({ message: 'must be an http(s) URL' }).optional(),
  SYSTEM_MAIL_ACCOUNT_ID: z.uuid({ message: 'must be an e-mail account id (uuid)' }).optional(),
};

type DomainMailEnv = z.output<z.ZodObject<typeof domainMailEnvShape>>;

/** The settings @nixflow/domain's mail providers take (INBOUND_MAIL_OPTIONS, ACCOUNT_MAIL_OPTIONS), secrets aside. */
export function domainMailSettings(e: DomainMailEnv) {
  return {
    newTicketsPerSenderPerHour: e.EMAIL_MAX_NEW_TICKETS_PER_SENDER_PER_HOUR,
    invitationTtlMs: e.INVITATION_TTL_HOURS * 3_600_000,
    publicUrl: (e.APP_PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    systemMailAccountId: e.SYSTEM_MAIL_ACCOUNT_ID ?? null,
  };
}

type BaseEnv = z.output<z.ZodObject<typeof baseEnvShape>>;

/**
 * Where attachments live (the shape @nixflow/storage's createFileStorage takes). Throws ConfigError when the
 * S3 driver lacks its bucket, or only one half of the static key pair is set.
 */
export function storageSettings(e: BaseEnv) {
  const common = {
    uploadDir: e.UPLOAD_DIR,
    downloadMode: e.STORAGE_DOWNLOAD_MODE,
    signedUrlTtlSeconds: e.STORAGE_SIGNED_URL_TTL_SECONDS,
  };
  if (e.STORAGE_DRIVER === 'local') return { driver: 'local' as const, ...common };
  if (!e.S3_BUCKET) throw new ConfigError('Invalid configuration:\n  S3_BUCKET: required when STORAGE_DRIVER=s3');
  if (!e.S3_ACCESS_KEY_ID !== !e.S3_SECRET_ACCESS_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both, or neither (the SDK default chain)',
    );
  }
  return {
    driver: 's3' as const,
    ...common,
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
    endpoint: e.S3_ENDPOINT,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
  };
}

/** Variables the migration CLIs (db:migrate, db:status, db:verify) and the operator scripts read. */
export const migrateEnvSchema = z.object({
  DATABASE_URL: baseEnvShape.DATABASE_URL,
  DATABASE_DIRECT_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  DIRECT_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  MIGRATE_LOCK_TIMEOUT_MS: intVar(10_000, { min: 0 }),
});

/**
 * Parses `env` with `schema`. Empty strings count as unset (compose passes `VAR: ''`).
 * Throws one ConfigError listing every invalid variable.
 */
export function parseEnv<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** The variable names a schema declares (for the README table check). */
export function envVariables(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}

// ---- Secrets ---------------------------------------------------------------------------------

export const MIN_JWT_SECRET_LENGTH = 32;
/** Values that were ever published as defaults: never accepted outside development and test. */
export const DEV_JWT_SECRET = 'nixflow-dev-jwt-secret-change-me';
const KNOWN_JWT_SECRETS = new Set([DEV_JWT_SECRET, 'changeme', 'change-me', 'secret', 'jwt-secret']);
const KNOWN_EMAIL_KEY_HEX = resolveEmailSecretKey(undefined).key.toString('hex');

const HOW_TO = 'make one with: openssl rand -hex 32';

export interface Secrets {
  jwtSecret: string;
  /** 32-byte AES-256-GCM key for the mail passwords at rest. */
  emailSecretKey: Buffer;
  /** Where they came from: env, the developer's generated file, or the fixed test values. */
  source: 'env' | 'dev-file' | 'test-defaults';
}

/** Development and test may run without set-up; anything else (production, staging, …) needs real secrets. */
export function isDevelopmentLike(nodeEnv: string): boolean {
  return nodeEnv === 'development' || nodeEnv === 'test';
}

/** `.nixflow/dev-secrets.json` at the repository root, shared by the API and the worker (gitignored). */
export function devSecretsFile(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.NIXFLOW_DEV_SECRETS_FILE ||
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../.nixflow/dev-secrets.json')
  );
}

/** Reads the file, creating it (mode 0600) once with random values; atomic, so two processes agree. */
function readOrCreateDevSecrets(file: string): { jwtSecret: string; emailSecretKey: string } {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const values = { jwtSecret: randomBytes(32).toString('hex'), emailSecretKey: randomBytes(32).toString('hex') };
  fs.writeFileSync(tmp, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file); // fails if another process created it first: then theirs wins
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function checkJwtSecret(value: string, strict: boolean): string[] {
  if (!strict) return [];
  if (KNOWN_JWT_SECRETS.has(value)) return [`JWT_SECRET is a published default value; ${HOW_TO}`];
  if (value.length < MIN_JWT_SECRET_LENGTH)
    return [`JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters; ${HOW_TO}`];
  return [];
}

function parseEmailKey(value: string, strict: boolean, problems: string[]): Buffer {
  try {
    const { key } = resolveEmailSecretKey(value);
    if (strict && key.toString('hex') === KNOWN_EMAIL_KEY_HEX)
      problems.push(`EMAIL_SECRET_KEY is the published development key; ${HOW_TO}`);
    return key;
  } catch {
    problems.push(`EMAIL_SECRET_KEY must be 32 bytes as 64 hex characters or base64; ${HOW_TO}`);
    return Buffer.alloc(32);
  }
}

/**
 * The secrets, from the environment when set. When unset: test uses fixed values, development a
 * file of random values made once; any other NODE_ENV refuses to start (ConfigError naming the variable).
 * `needJwt` is false for the worker, which signs nothing.
 */
export function resolveSecrets(env: NodeJS.ProcessEnv, { needJwt = true } = {}): Secrets {
  const nodeEnv = env.NODE_ENV?.trim() || 'development';
  const strict = !isDevelopmentLike(nodeEnv);
  const jwtEnv = env.JWT_SECRET?.trim() || undefined;
  const emailEnv = env.EMAIL_SECRET_KEY?.trim() || undefined;
  const problems: string[] = [];
  if (strict) {
    if (needJwt && !jwtEnv) problems.push(`JWT_SECRET is not set (NODE_ENV=${nodeEnv}); ${HOW_TO}`);
    if (!emailEnv) problems.push(`EMAIL_SECRET_KEY is not set (NODE_ENV=${nodeEnv}); ${HOW_TO}`);
  }
  let source: Secrets['source'] = 'env';
  let fallback: { jwtSecret: string; emailSecretKey: Buffer } | undefined;
  if (!strict && (!emailEnv || (needJwt && !jwtEnv))) {
    if (nodeEnv === 'test') {
      fallback = { jwtSecret: DEV_JWT_SECRET, emailSecretKey: resolveEmailSecretKey(undefined).key };
      source = 'test-defaults';
    } else {
      const file = readOrCreateDevSecrets(devSecretsFile(env));
      fallback = { jwtSecret: file.jwtSecret, emailSecretKey: Buffer.from(file.emailSecretKey, 'hex') };
      source = 'dev-file';
    }
  }
  const jwtSecret = jwtEnv ?? fallback?.jwtSecret ?? '';
  if (needJwt && jwtEnv) problems.push(...checkJwtSecret(jwtEnv, strict));
  const emailSecretKey = emailEnv
    ? parseEmailKey(emailEnv, strict, problems)
    : (fallback?.emailSecretKey ?? Buffer.alloc(32));
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { jwtSecret, emailSecretKey, source };
}

export { DEV_EMAIL_SECRET_SEED };
