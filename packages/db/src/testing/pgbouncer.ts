import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Debian's PgBouncer (`apt-get install -y pgbouncer`), or undefined when it is not installed. */
export const PGBOUNCER_BIN = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => fs.existsSync(p));

export interface PgBouncer {
  port: number;
  /** The pooler URL of one of its databases. */
  url(database: string): string;
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A real PgBouncer in transaction pool mode on a free loopback port, with its own config in a temp dir, in
 * front of `databases` on the local PostgreSQL (any other name gets "no such database", SQLSTATE 08P01).
 * Resolves once a query goes through it.
 */
export async function startPgBouncer(databases: string[], options: { poolSize?: number } = {}): Promise<PgBouncer> {
  if (!PGBOUNCER_BIN) throw new Error('pgbouncer is not installed (apt-get install -y pgbouncer)');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-pgbouncer-'));
  fs.chmodSync(dir, 0o777); // pgbouncer refuses to run as root: under root it switches to postgres
  fs.writeFileSync(path.join(dir, 'users.txt'), '"postgres" ""\n', { mode: 0o644 });
  const logfile = path.join(dir, 'pgbouncer.log');
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      ...databases.map((d) => `${d} = host=127.0.0.1 port=5432 dbname=${d}`),
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 5}`,
      'max_client_conn = 500',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${logfile}`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
  const child: ChildProcess = spawn(PGBOUNCER_BIN, [...asRoot, path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const log = () => (fs.existsSync(logfile) ? fs.readFileSync(logfile, 'utf8') : '');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000; // generous: PgBouncer starts slowly on a loaded machine
  for (;;) {
    const c = new pg.Client({ connectionString: url(databases[0]!) });
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      return { port, url, log, stop };
    } catch (err) {
      await c.end().catch(() => undefined);
      if (Date.now() > deadline || child.exitCode !== null) {
        const text = log();
        await stop();
        throw new Error(`pgbouncer did not start: ${(err as Error).message}\n${text}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
