// Shared helpers for the benchmark scripts: options, progress lines, child processes, memory.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

const started = Date.now();

/** A progress line with the elapsed time, on stderr so that stdout stays the table. */
export function progress(msg) {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${s}s] ${msg}\n`);
}

/**
 * Options from `--name=value` / `--name value` flags, then BENCH_NAME env, then the default.
 * Numbers are parsed when the default is a number, booleans when it is a boolean.
 */
export function options(defaults, argv = process.argv.slice(2)) {
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    const key = m[1].replace(/-(\w)/g, (_, c) => c.toUpperCase());
    if (m[2] !== undefined) flags[key] = m[2];
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) flags[key] = argv[++i];
    else flags[key] = 'true';
  }
  const out = {};
  for (const [key, def] of Object.entries(defaults)) {
    const env = process.env[`BENCH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`];
    const raw = flags[key] ?? env;
    if (raw === undefined) out[key] = def;
    else if (typeof def === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--${key} must be a non-negative number, got "${raw}"`);
      out[key] = n;
    } else if (typeof def === 'boolean') out[key] = raw === 'true' || raw === '1' || raw === '';
    else out[key] = raw;
  }
  return out;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in MiB (VmRSS from /proc), or null when unavailable. */
/** CPU time (user + system) a process has used, in ms; /proc's clock ticks are 1/100 s on Linux. */
export function cpuMs(pid) {
  try {
    // The fields after the command name (which may hold spaces), so utime/stime are fields 12 and 13 here.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/** CPU time of every PostgreSQL server process on this machine (ms): the database's share of a run. */
export function postgresCpuMs() {
  let total = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += cpuMs(pid) ?? 0;
  }
  return total;
}

export function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/**
 * Starts a node script as a child process; its output is kept (last 200 lines) for error messages
 * and echoed when BENCH_VERBOSE=1. `stop()` sends SIGTERM and waits (SIGKILL after 5 s).
 */
export function startNode(script, args, env, name) {
  // BENCH_API_CPU_PROF=<dir>: CPU profile of the API under load (bench/lib/cpu-profile.mjs).
  const profile =
    name === 'api' && process.env.BENCH_API_CPU_PROF ? ['--import', `${ROOT}/bench/lib/cpu-profile.mjs`] : [];
  const child = spawn(process.execPath, [...profile, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 200) tail.shift();
      if (process.env.BENCH_VERBOSE === '1') process.stderr.write(`  [${name}] ${line}\n`);
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let dead = false;
  exited.then(() => (dead = true));
  return {
    child,
    name,
    get pid() {
      return child.pid;
    },
    get dead() {
      return dead;
    },
    output: () => tail.join('\n'),
    exited,
    async stop() {
      if (dead) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => !dead && child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers (any status below 500) or the process dies / time runs out. */
export async function waitForHttp(url, proc, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc?.dead) throw new Error(`${proc.name} exited during start-up:\n${proc.output()}`);
    try {
      const res = await globalThis.fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms${proc ? `:\n${proc.output()}` : ''}`);
}

/** Runs a node script to completion, resolving with its stdout; rejects on a non-zero exit. */
export function runNode(script, args, env, name, onLine) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (onLine) for (const line of String(c).split(/[\r\n]+/)) if (line.trim()) onLine(line.trim());
      if (process.env.BENCH_VERBOSE === '1') process.stderr.write(c);
    });
    child.stderr.on('data', (c) => {
      err += c;
      if (process.env.BENCH_VERBOSE === '1') process.stderr.write(c);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${name} exited with ${code}:\n${err.slice(-4000)}${out.slice(-2000)}`)),
    );
  });
}

export function writeJson(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}

export const round = (x, digits = 1) =>
  x == null || Number.isNaN(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits;
