import type { Prisma } from '@nixflow/db/client';

/** The one transaction-client type: a Prisma interactive transaction (or the client itself, for reads). */
export type Tx = Prisma.TransactionClient;
