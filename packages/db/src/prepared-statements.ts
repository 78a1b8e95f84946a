/** The protocol's unnamed statement: parsed on every call, as without a name. */
const UNNAMED = '';

/**
 * Named (prepared) statements for the pg adapter: each connection parses a statement once, then only binds
 * and executes it, so the hot paths skip PostgreSQL's parsing and analysis on every call (issue #16: about
 * a third of PostgreSQL's CPU per comment). Prisma's own query engine prepared statements by default too.
 *
 * Only statements that recur get a name: the second time a text is seen, up to `max` distinct texts per
 * process (PostgreSQL keeps a prepared statement for the life of its connection, so what each connection
 * holds is bounded too). Names are per process and per text: a name never stands for two statements.
 *
 * A prepared statement fails once its result columns change ("cached plan must not change result type"),
 * so that a migration adding a column would break the instances still running: no statement of ours
 * returns `*` of a table (TICKET_COLUMNS in @nixflow/domain); Prisma's list their columns.
 */
export function preparedStatementNames(
  options: { max?: number; after?: number } = {},
): (query: { sql: string }) => string {
  const max = options.max ?? 256;
  const after = options.after ?? 2;
  const names = new Map<string, string>();
  const seen = new Map<string, number>();
  return ({ sql }) => {
    const name = names.get(sql);
    if (name !== undefined) return name;
    if (names.size >= max) return UNNAMED;
    const count = (seen.get(sql) ?? 0) + 1;
    if (count < after) {
      if (seen.size >= 10_000) seen.clear(); // one-off texts (IN lists of every length) must not pile up
      seen.set(sql, count);
      return UNNAMED;
    }
    seen.delete(sql);
    const fresh = `nixflow_${names.size}`;
    names.set(sql, fresh);
    return fresh;
  };
}

export const PREPARED_STATEMENTS_SETTINGS = ['auto', 'true', 'false'] as const;

/**
 * DATABASE_PREPARED_STATEMENTS: `auto` (the default) prepares statements unless a separate direct URL
 * (DATABASE_DIRECT_URL or DIRECT_URL) says that DATABASE_URL goes through a pooler: PgBouncer in transaction
 * mode cannot carry them before 1.21 (Debian 12 ships 1.18), nor without `max_prepared_statements`.
 */
export function usePreparedStatements(e: {
  DATABASE_PREPARED_STATEMENTS?: (typeof PREPARED_STATEMENTS_SETTINGS)[number];
  DATABASE_URL: string;
  DATABASE_DIRECT_URL?: string;
  DIRECT_URL?: string;
}): boolean {
  const setting = e.DATABASE_PREPARED_STATEMENTS ?? 'auto';
  if (setting !== 'auto') return setting === 'true';
  const direct = e.DATABASE_DIRECT_URL ?? e.DIRECT_URL;
  return direct === undefined || direct === e.DATABASE_URL;
}
