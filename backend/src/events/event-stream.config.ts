import { apiEnvSchema } from '../config/app-config.js';
import { parseEnv } from '@nixflow/db';

/** Live-update stream settings (GET /api/events/stream). */
export interface EventStreamConfig {
  /** How often the instance reads new events while a stream is open. */
  pollMs: number;
  /** Heartbeat frame interval: keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  maxClients: number;
  maxPerUser: number;
  batchSize: number;
  /** A resuming client further behind than this gets a `reset` frame instead of a replay. */
  maxBacklog: number;
  /** How often connected users are re-checked (logout, deactivation, role change) when nothing happens. */
  userCheckMs: number;
}

export const EVENT_STREAM_CONFIG = Symbol('EVENT_STREAM_CONFIG');

/** From the API's schema (validated at start-up with the rest of the configuration). */
export function loadEventStreamConfig(env: NodeJS.ProcessEnv = process.env): EventStreamConfig {
  const e = parseEnv(
    apiEnvSchema.pick({
      EVENT_STREAM_POLL_MS: true,
      EVENT_STREAM_HEARTBEAT_MS: true,
      EVENT_STREAM_MAX_CLIENTS: true,
      EVENT_STREAM_MAX_PER_USER: true,
      EVENT_STREAM_USER_CHECK_MS: true,
    }),
    env,
  );
  return {
    pollMs: e.EVENT_STREAM_POLL_MS,
    heartbeatMs: e.EVENT_STREAM_HEARTBEAT_MS,
    maxClients: e.EVENT_STREAM_MAX_CLIENTS,
    maxPerUser: e.EVENT_STREAM_MAX_PER_USER,
    batchSize: 500,
    maxBacklog: 5000,
    userCheckMs: e.EVENT_STREAM_USER_CHECK_MS,
  };
}
