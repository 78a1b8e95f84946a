import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Compiled layout: backend/dist/test/reliability/support → repository root. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../../../..');
export const BACKEND_MAIN = path.join(REPO_ROOT, 'backend/dist/src/main.js');
export const WORKER_MAIN = path.join(REPO_ROOT, 'worker/dist/src/main.js');
export const MIGRATE_CLI = path.join(REPO_ROOT, 'packages/db/dist/src/cli/migrate.js');

/** A TCP port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string | (() => string),
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  const label = typeof what === 'string' ? what : what();
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${label}${lastError ? ` (last error: ${lastError})` : ''}`,
  );
}

export interface NodeProcess {
  child: ChildProcess;
  /** stdout + stderr so far (bounded to the last 2 MB). */
  output(): string;
  exited(): boolean;
  /** SIGTERM, wait up to `timeoutMs`, then SIGKILL; resolves with the exit code (null when killed). */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL, as a crash would. */
  kill9(): Promise<void>;
}

/** Runs `node script` with `env` added to the current environment. */
export function spawnNode(script: string, env: Record<string, string>, args: string[] = []): NodeProcess {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const append = (b: Buffer) => {
    out += b.toString();
    if (out.length > 2_000_000) out = out.slice(-2_000_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    output: () => out,
    exited,
    stop: async (timeoutMs = 60_000) => {
      if (exited()) return child.exitCode;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        await done;
      } finally {
        clearTimeout(timer);
      }
      return child.exitCode;
    },
    kill9: async () => {
      if (exited()) return;
      const done = once(child, 'exit');
      child.kill('SIGKILL');
      await done;
    },
  };
}

/** Every process a test file started, killed in its `after` hook even when the test failed. */
export class ProcessRegistry {
  private readonly procs: NodeProcess[] = [];

  track<T extends NodeProcess>(p: T): T {
    this.procs.push(p);
    return p;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.kill9().catch(() => undefined)));
  }
}

export interface BackendProcess extends NodeProcess {
  port: number;
  baseUrl: string;
}

/** The real API (backend/dist/src/main.js) on a free loopback port, once it answers /api/health. */
export async function startBackend(env: Record<string, string>, timeoutMs = 120_000): Promise<BackendProcess> {
  const port = await freePort();
  const proc = spawnNode(BACKEND_MAIN, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    LOGIN_IP_THROTTLE_LIMIT: '100000',
    NIXFLOW_SKIP_STARTUP_SCHEMA_CHECK: '1',
    ...env,
    PORT: String(port),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (proc.exited()) throw new Error(`backend exited early:\n${proc.output()}`);
        const res = await fetch(`${baseUrl}/api/health`);
        return res.status === 200;
      },
      timeoutMs,
      () => `the backend to listen on ${port}\n${proc.output()}`,
      200,
    );
  } catch (err) {
    await proc.kill9();
    throw err;
  }
  return { ...proc, port, baseUrl };
}

/** Runs the migration CLI against `databaseUrl`; throws with its output unless it exits 0. */
export async function migrate(databaseUrl: string): Promise<void> {
  const p = spawnNode(MIGRATE_CLI, { DATABASE_URL: databaseUrl, NIXFLOW_QUIET: '1' });
  const [code] = (await once(p.child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`migrate exited ${code}:\n${p.output()}`);
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}
