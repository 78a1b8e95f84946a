import { Prisma, type PrismaClient, type Ticket, type UserRole } from '@nixflow/db/client';
import { KeyedMutex } from '../common/keyed-mutex.js';
import { lockRow, lockRowOrThrow } from '../common/row-lock.js';
import { ConflictError, ValidationError } from '../errors.js';
import type { Tx } from '../tx.js';

export type { Tx } from '../tx.js';

/** Input refused because of one field (the API answers 400 naming it, like its validation errors). */
export function fieldError(field: string, message: string): ValidationError {
  return new ValidationError('invalid_field', message, field);
}

/** Who makes a change; null = the system (anonymous form, inbound e-mail…). */
export interface Actor {
  id: string;
  role: UserRole;
}

/**
 * Interactive transaction options for ticket writes. Writes to one ticket queue on its row lock,
 * so a burst of concurrent writes needs more than Prisma's 2 s / 5 s defaults.
 */
export const TICKET_TX_OPTIONS = { maxWait: 20_000, timeout: 30_000 } as const;

/** Per-process queue of writes per ticket (see KeyedMutex): a hot ticket cannot drain the connection pool. */
const ticketWrites = new KeyedMutex();

/**
 * One write transaction on an existing ticket. Writes to the same ticket queue in this process first;
 * inside, lockTicket (SELECT … FOR UPDATE) serialises them across processes.
 */
export function ticketWriteTx<T>(prisma: PrismaClient, ticketId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return ticketWrites.run(ticketId, () => prisma.$transaction(fn, TICKET_TX_OPTIONS));
}

/** The model's columns (no @map in the schema: field name = column name), so a raw row is exactly a Ticket. */
const TICKET_COLUMNS = Prisma.raw(
  Object.values(Prisma.TicketScalarFieldEnum)
    .map((c) => `"${c}"`)
    .join(', '),
);

/**
 * Locks the ticket row (SELECT … FOR UPDATE) for the rest of the transaction and returns its current state,
 * in one statement (the raw row has the model's column names and types: uuid/text/enums as strings,
 * timestamps as Date, tags as string[]).
 */
export function lockTicket(tx: Tx, id: string): Promise<Ticket | null> {
  return lockRow<Ticket>(tx, 'Ticket', id, TICKET_COLUMNS);
}

export function lockTicketOrThrow(tx: Tx, id: string): Promise<Ticket> {
  return lockRowOrThrow<Ticket>(tx, 'Ticket', id, TICKET_COLUMNS);
}

/** HistoryLog actions that concern internal notes: hidden from customers. */
export const INTERNAL_HISTORY_ACTIONS = ['internal_note_added', 'internal_note_edited', 'internal_note_deleted'];

export function historyValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return JSON.stringify(v);
  return String(v);
}

/** Writes to a soft-deleted ticket: conflict (only admins can see it at all; for everyone else it is not found). */
export function assertNotDeleted(ticket: Ticket): void {
  if (ticket.deletedAt)
    throw new ConflictError('ticket_deleted', `Ticket #${ticket.number} is deleted; restore it first`);
}
