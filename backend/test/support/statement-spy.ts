import pg from 'pg';

/** A statement as a pg client was asked to run it: its text and, when prepared, its name. */
export interface SentStatement {
  text: string;
  name?: string;
}

/**
 * Calls `seen` for every statement any pg client of this process sends, Prisma's adapter included (the
 * bench's way of counting, bench/statement-count.mjs). Returns the function that stops watching.
 */
export function watchStatements(seen: (statement: SentStatement) => void): () => void {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: unknown; name?: unknown } | undefined;
    if (typeof first === 'string') seen({ text: first });
    else {
      const name = typeof first?.name === 'string' && first.name ? first.name : undefined;
      seen({ text: String(first?.text ?? ''), ...(name ? { name } : {}) });
    }
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return () => {
    pg.Client.prototype.query = query;
  };
}
