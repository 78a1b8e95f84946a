import { ConflictException, NotFoundException } from '@nestjs/common';
import type { Prisma, PrismaClient, Ticket, UserRole } from '@nixflow/db/client';
import { KeyedMutex } from '../common/keyed-mutex.js';
export { fieldError } from '../common/field-error.js';

export type Tx = Prisma.TransactionClient;

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

/** Locks the ticket row (SELECT … FOR UPDATE) for the rest of the transaction and returns its current state. */
export async function lockTicket(tx: Tx, id: string): Promise<Ticket | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Ticket" WHERE id = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) return null;
  return tx.ticket.findUnique({ where: { id } });
}

export async function lockTicketOrThrow(tx: Tx, id: string): Promise<Ticket> {
  const ticket = await lockTicket(tx, id);
  if (!ticket) throw new NotFoundException('Ticket not found');
  return ticket;
}

/** HistoryLog actions that concern internal notes: hidden from customers. */
export const INTERNAL_HISTORY_ACTIONS = ['internal_note_added', 'internal_note_edited', 'internal_note_deleted'];

export function historyValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return JSON.stringify(v);
  return String(v);
}

/** Writes to a soft-deleted ticket: 409 (only admins can see it at all). */
export function assertNotDeleted(ticket: Ticket): void {
  if (ticket.deletedAt) throw new ConflictException(`Ticket #${ticket.number} is deleted; restore it first`);
}
