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

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got "${raw}")`);
  return n;
}

export function loadEventStreamConfig(env: NodeJS.ProcessEnv = process.env): EventStreamConfig {
  return {
    pollMs: positiveInt(env, 'EVENT_STREAM_POLL_MS', 250),
    heartbeatMs: positiveInt(env, 'EVENT_STREAM_HEARTBEAT_MS', 15_000),
    maxClients: positiveInt(env, 'EVENT_STREAM_MAX_CLIENTS', 1000),
    maxPerUser: positiveInt(env, 'EVENT_STREAM_MAX_PER_USER', 5),
    batchSize: 500,
    maxBacklog: 5000,
    userCheckMs: positiveInt(env, 'EVENT_STREAM_USER_CHECK_MS', 5000),
  };
}
