import pg from 'pg';
import { DatabaseUnreachableError, isUnreachable, MigrationSetupError } from './errors.js';

/** Our sessions' application_name, so that `pg_stat_activity` (and a waiting runner) names them. */
export const MIGRATE_APPLICATION_NAME = 'nixflow-migrate';

const DIRECT_URL_ADVICE =
  "Migrations need a direct connection to PostgreSQL: set DATABASE_DIRECT_URL (or DIRECT_URL, as Prisma's directUrl) to the server itself, bypassing the pooler; the API and worker keep using DATABASE_URL.";

/** Hides the password of a connection URL for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function unreachable(url: string, err: unknown): DatabaseUnreachableError {
  const reason = (err as Error)?.message || (err as { code?: string })?.code || String(err);
  return new DatabaseUnreachableError(
    `Database unreachable at ${redactUrl(url)}: ${reason}. Check that PostgreSQL is running and that DATABASE_URL (host, port, user, password) is right.`,
  );
}

/** Connects, turning "cannot reach the server" into DatabaseUnreachableError. */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    application_name: MIGRATE_APPLICATION_NAME,
    keepAlive: true,
  });
  client.on('error', () => undefined); // a dropped connection surfaces on the next query
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    if (isUnreachable(err)) throw unreachable(url, err);
    // PgBouncer answers a database it does not know (or cannot reach) with a protocol violation.
    if ((err as { code?: string }).code === '08P01') {
      throw new MigrationSetupError(
        `Connecting to ${redactUrl(url)} failed with a protocol error (SQLSTATE 08P01: ${(err as Error).message}). This is how a pooler such as PgBouncer answers for a database it does not know or cannot reach (e.g. a database that does not exist yet: it cannot be created through the pooler). ${DIRECT_URL_ADVICE}`,
      );
    }
    throw err;
  }
}

/** Runs `fn` on a connection to the server's maintenance database (postgres, else template1). */
export async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  let client: pg.Client;
  try {
    client = await connect(withDatabase(url, 'postgres'));
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
    client = await connect(withDatabase(url, 'template1'));
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Connects to the database of `url`, creating it first when it does not exist (as
 * `prisma migrate deploy` does). Returns whether it was created.
 */
export async function connectCreatingDatabase(url: string): Promise<{ client: pg.Client; created: boolean }> {
  try {
    return { client: await connect(url), created: false };
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err; // invalid_catalog_name
  }
  let created = false;
  await withAdmin(url, async (admin) => {
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(databaseName(url))}`);
      created = true;
    } catch (err) {
      // Another runner created it at the same moment.
      const code = (err as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw err;
    }
  });
  return { client: await connect(url), created };
}

/** Prisma Migrate's advisory lock key: holding it keeps our runner and Prisma's from interleaving. */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

/** A session holding Prisma's migration lock, as `pg_locks` and `pg_stat_activity` show it. */
export interface LockHolder {
  pid: number;
  applicationName: string;
  clientAddr: string | null;
  since: Date | null;
  state: string | null;
}

export function describeLockHolder(h: LockHolder): string {
  return `pid ${h.pid}, application_name "${h.applicationName}", client ${h.clientAddr ?? 'local socket'}, connected since ${h.since?.toISOString() ?? 'unknown'}, ${h.state ?? 'state unknown'}`;
}

/** Who holds the migration lock (a bigint advisory key: classid = high 32 bits, objid = low 32 bits). */
export async function migrationLockHolders(client: pg.ClientBase): Promise<LockHolder[]> {
  const { rows } = await client.query<{
    pid: number;
    application_name: string;
    client_addr: string | null;
    backend_start: Date | null;
    state: string | null;
  }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [PRISMA_ADVISORY_LOCK_KEY],
  );
  return rows.map((r) => ({
    pid: r.pid,
    applicationName: r.application_name,
    clientAddr: r.client_addr,
    since: r.backend_start,
    state: r.state,
  }));
}

/** The wait for another runner's lock ran out (Prisma's P1002). */
export class MigrationLockTimeoutError extends Error {
  override name = 'MigrationLockTimeoutError';
}

/**
 * Takes Prisma's session-level advisory lock, waiting up to `timeoutMs` (default
 * MIGRATE_LOCK_TIMEOUT_MS, 10 s as Prisma) for another runner (ours or Prisma's) to finish.
 * `onWait` is called once, with who holds it, if we have to wait; `shouldStop` ends the wait.
 */
export async function acquireMigrationLock(
  client: pg.ClientBase,
  options: {
    timeoutMs?: number;
    onWait?: (holders: LockHolder[]) => void;
    shouldStop?: () => boolean;
  } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      PRISMA_ADVISORY_LOCK_KEY,
    ]);
    if (rows[0]?.ok) return;
    if (!told) {
      told = true;
      options.onWait?.(await migrationLockHolders(client).catch(() => []));
    }
    if (options.shouldStop?.())
      throw new MigrationInterruptedError('Interrupted while waiting for the migration lock.');
    if (Date.now() >= deadline) {
      const holders = await migrationLockHolders(client).catch(() => []);
      throw new MigrationLockTimeoutError(
        [
          `Error P1002: timed out after ${timeoutMs / 1000} s waiting for the migration lock (pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})): another migration run holds it.`,
          ...(holders.length
            ? holders.map((h) => `  held by ${describeLockHolder(h)}`)
            : ['  (the holder ended just now: run again)']),
          'Wait for that run to finish and run again, or set MIGRATE_LOCK_TIMEOUT_MS (milliseconds) to wait longer. A holder that should not exist can be ended with SELECT pg_terminate_backend(<pid>).',
        ].join('\n'),
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGINT/SIGTERM asked the run to stop (between migrations; nothing is half-applied). */
export class MigrationInterruptedError extends Error {
  override name = 'MigrationInterruptedError';
}

export async function releaseMigrationLock(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
}

/**
 * Whether `client` goes through a transaction (or statement) pooler, where one client connection
 * does not keep one server session: a session-level advisory lock would then not keep runners
 * apart, and could stay held by an idle pooled server connection. PgBouncer does not answer SHOW
 * commands on a database connection, so we observe it: while a second connection holds a
 * transaction open, a pooler hands that transaction the server session our first statement just
 * used (PgBouncer reuses the most recent one), or gives our next statement another session; a
 * direct connection keeps its own backend pid throughout. Returns a description, or null.
 */
export async function detectPooler(url: string, client: pg.ClientBase): Promise<string | null> {
  const pid = async (c: pg.ClientBase): Promise<number> =>
    (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const first = await pid(client);
  const other = await connect(url);
  try {
    try {
      await other.query('BEGIN');
    } catch (err) {
      // PgBouncer in statement mode refuses transaction blocks.
      return `the server refused a transaction block (${(err as Error).message}): a statement pooler`;
    }
    const otherPid = await pid(other);
    const second = await pid(client);
    await other.query('ROLLBACK').catch(() => undefined);
    if (otherPid === first) {
      return `another client connection ran on the server session (pid ${first}) this connection had just used: a transaction pooler`;
    }
    if (second !== first) {
      return `two statements of one client connection ran on different server sessions (pid ${first}, then ${second}): a transaction pooler`;
    }
    return null;
  } finally {
    await other.end().catch(() => undefined);
  }
}

/** Refuses to migrate through a transaction pooler (see detectPooler). */
export async function refusePooler(url: string, client: pg.ClientBase, setting: string): Promise<void> {
  const pooler = await detectPooler(url, client);
  if (pooler) {
    throw new MigrationSetupError(
      `Refusing to migrate through a connection pooler: ${setting} (${redactUrl(url)}) does not keep one server session per connection (${pooler}, e.g. PgBouncer with pool_mode = transaction). Prisma's advisory lock would not keep concurrent runners apart, and a failed migration could be recorded falsely. ${DIRECT_URL_ADVICE}`,
    );
  }
}
