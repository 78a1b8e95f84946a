import pg from 'pg';
import { DatabaseUnreachableError, isUnreachable } from './errors.js';

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
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // a dropped connection surfaces on the next query
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    if (isUnreachable(err)) throw unreachable(url, err);
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

/**
 * Takes Prisma's session-level advisory lock, waiting for another runner (ours or Prisma's) to
 * finish. `onWait` is called once if we have to wait.
 */
export async function acquireMigrationLock(
  client: pg.ClientBase,
  options: { timeoutMs?: number; onWait?: () => void } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      PRISMA_ADVISORY_LOCK_KEY,
    ]);
    if (rows[0]?.ok) return;
    if (!told) {
      told = true;
      options.onWait?.();
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for the migration lock (pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})): another migration run holds it. Find it with: SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = ${PRISMA_ADVISORY_LOCK_KEY};`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function releaseMigrationLock(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
}
