import { Prisma } from '@nixflow/db/client';
import { NotFoundError } from '../errors.js';
import type { Tx } from '../tx.js';

/**
 * The tables whose rows are locked one at a time by id, with what "not found" says for each (the API
 * answers 404 with that message). A table name is SQL, so only these can be named.
 *
 * Not here, on purpose: the SLA sweep's `FOR UPDATE OF m SKIP LOCKED` batches (worker/src/sla/sla-sweep.sql.ts),
 * the event-log consumer's `FOR UPDATE SKIP LOCKED` claim (worker/src/events/event-log.ts), the metric store's
 * lock of one ticket's metrics and the policy recompute/retire chunks: those claim sets of rows or work
 * queues, not one row by id.
 */
const LOCKABLE = {
  Ticket: { code: 'ticket_not_found', message: 'Ticket not found' },
  Workflow: { code: 'workflow_not_found', message: 'Workflow not found' },
  KnowledgeArticle: { code: 'article_not_found', message: 'Article not found' },
  SLAPolicy: { code: 'sla_policy_not_found', message: 'SLA policy not found' },
  CustomForm: { code: 'form_not_found', message: 'Form not found' },
  Team: { code: 'team_not_found', message: 'Team not found' },
  EmailMessage: { code: 'email_message_not_found', message: 'Email message not found' },
} as const satisfies Record<string, { code: string; message: string }>;

export type LockableTable = keyof typeof LOCKABLE;

const ID_ONLY = Prisma.sql`id`;

/**
 * Locks one row (SELECT … FOR UPDATE) for the rest of the transaction and returns the given columns of it
 * (default: its id), or null when there is no such row.
 */
export async function lockRow<T extends object = { id: string }>(
  tx: Tx,
  table: LockableTable,
  id: string,
  columns: Prisma.Sql = ID_ONLY,
): Promise<T | null> {
  if (!Object.hasOwn(LOCKABLE, table)) throw new Error(`Not a lockable table: ${String(table)}`);
  const rows = await tx.$queryRaw<
    T[]
  >`SELECT ${columns} FROM ${Prisma.raw(`"${table}"`)} WHERE id = ${id}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

/** lockRow, or the table's NotFoundError when the row does not exist. */
export async function lockRowOrThrow<T extends object = { id: string }>(
  tx: Tx,
  table: LockableTable,
  id: string,
  columns?: Prisma.Sql,
): Promise<T> {
  const row = await lockRow<T>(tx, table, id, columns);
  if (!row) throw new NotFoundError(LOCKABLE[table].code, LOCKABLE[table].message);
  return row;
}
