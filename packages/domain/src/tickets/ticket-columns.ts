import { Prisma } from '@nixflow/db/client';

/**
 * Every "Ticket" column by name, for raw statements that return whole tickets. Spelt out rather than `*`: a
 * prepared statement (DATABASE_PREPARED_STATEMENTS) fails once its result columns change, so `*` would break
 * the instances still running when a migration adds a column. Taken from the generated client: the columns
 * of the schema this process was built with.
 */
export const TICKET_COLUMNS = Prisma.raw(
  Object.values(Prisma.TicketScalarFieldEnum)
    .map((column) => `"${column}"`)
    .join(', '),
);
