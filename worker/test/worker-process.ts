import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Compiled to worker/dist/test; the worker entry point sits next to it in worker/dist/src.
const MAIN = path.resolve(import.meta.dirname, '../src/main.js');
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
}

/** Starts the real worker (dist/src/main.js) with its own environment. */
export function startWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [MAIN], {
    // debug: the tests wait for the sweep's log line, which an idle sweep writes at debug level.
    env: { ...process.env, LOG_LEVEL: 'debug', REDIS_URL, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return { child, output: () => out };
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** SIGTERM, then the exit code; fails if the process takes longer than `timeoutMs`. */
export async function stop(w: WorkerProcess, timeoutMs = 60_000): Promise<number | null> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return w.child.exitCode;
  const exited = once(w.child, 'exit') as Promise<[number | null, string | null]>;
  w.child.kill('SIGTERM');
  const abort = new AbortController();
  const timer = sleep(timeoutMs, undefined, { signal: abort.signal }).then(() => {
    w.child.kill('SIGKILL');
    throw new Error(`worker did not exit within ${timeoutMs} ms:\n${w.output()}`);
  });
  timer.catch(() => undefined); // the abort below rejects it once the worker has exited
  try {
    const [code] = await Promise.race([exited, timer]);
    return code;
  } finally {
    abort.abort();
  }
}

/** kill -9: no shutdown hooks, a transaction in flight is cut off. */
export async function kill9(w: WorkerProcess): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  const exited = once(w.child, 'exit');
  w.child.kill('SIGKILL');
  await exited;
}
