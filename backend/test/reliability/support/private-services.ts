import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, waitFor } from './processes.js';

/**
 * Private Redis and PostgreSQL instances for fault tests: they may be stopped, killed and restarted
 * without touching the shared services other test files (and other people) use.
 */

export interface PrivateRedis {
  port: number;
  url: string;
  running(): boolean;
  start(): Promise<void>;
  /** SIGTERM and wait: like an orderly Redis shutdown (no persistence, so data is gone on restart). */
  stop(): Promise<void>;
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function redisServerBinary(): string | undefined {
  return which('redis-server');
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const bin = redisServerBinary();
  if (!bin) throw new Error('redis-server is not installed');
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';
  const ping = async (): Promise<boolean> => {
    const { Redis } = await import('ioredis');
    const c = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  };
  const self: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    start: async () => {
      if (self.running()) return;
      child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
      child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
      await waitFor(ping, 10_000, () => `private redis on ${port}\n${log}`);
    },
    stop: async () => {
      if (!self.running()) return;
      const done = once(child!, 'exit');
      child!.kill('SIGTERM');
      const t = setTimeout(() => child?.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(t);
    },
  };
  await self.start();
  return self;
}

export interface PrivatePostgres {
  port: number;
  /** URL of database `name` on this cluster. */
  url(name: string): string;
  adminUrl: string;
  start(): Promise<void>;
  /** Fast shutdown: open connections are terminated, as when the database restarts. */
  stop(): Promise<void>;
  /** Stops the cluster and deletes its directory. */
  destroy(): Promise<void>;
  query(sql: string, database?: string): Promise<pg.QueryResult>;
}

export function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : undefined;
}

/** initdb/pg_ctl refuse to run as root: run them as the `postgres` OS user then. */
function runPg(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const r = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' })
    : spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

/** A throw-away cluster on a free loopback port, trust auth, fsync off. Takes about a second. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const binDir = postgresBinDir();
  if (!binDir) throw new Error('PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are not installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-pg-'));
  if (process.getuid?.() === 0) {
    const r = spawnSync('chown', ['postgres:', dir]);
    if (r.status !== 0) throw new Error(`chown postgres ${dir} failed`);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let started = false;
  const self: PrivatePostgres = {
    port,
    adminUrl,
    url: (name) => `postgresql://postgres@127.0.0.1:${port}/${name}`,
    start: async () => {
      runPg(path.join(binDir, 'pg_ctl'), [
        '-D',
        data,
        '-l',
        path.join(dir, 'server.log'),
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`,
        '-w',
        '-t',
        '30',
        'start',
      ]);
      started = true;
    },
    stop: async () => {
      if (!started) return;
      runPg(path.join(binDir, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      started = false;
    },
    destroy: async () => {
      try {
        if (started) runPg(path.join(binDir, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
      } finally {
        started = false;
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    query: async (sql, database = 'postgres') => {
      const client = new pg.Client({ connectionString: self.url(database) });
      await client.connect();
      try {
        return await client.query(sql);
      } finally {
        await client.end();
      }
    },
  };
  try {
    runPg(path.join(binDir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8']);
    await self.start();
  } catch (err) {
    await self.destroy().catch(() => undefined);
    throw err;
  }
  return self;
}

/** Why the private services cannot run here, or undefined when they can (tests skip with the reason). */
export function privateServicesUnavailable(): string | undefined {
  if (!redisServerBinary()) return 'redis-server is not installed';
  if (!postgresBinDir()) return 'PostgreSQL server binaries are not installed';
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres']).status !== 0) return 'no postgres OS user';
  return undefined;
}
