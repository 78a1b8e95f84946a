import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';
import { databaseUrl } from './config.js';
import { preparedStatementNames } from './prepared-statements.js';

export * from './generated/prisma/client.js';
export { preparedStatementNames, usePreparedStatements } from './prepared-statements.js';

export interface PgAdapterOptions {
  poolSize?: number;
  /** Recurring statements prepared once per connection (prepared-statements.ts). */
  preparedStatements?: boolean;
  connectionTimeoutMillis?: number;
}

/** The node-postgres driver adapter every Prisma client of ours runs on (no query-engine binary). */
export function pgAdapter(url: string, options: PgAdapterOptions = {}): PrismaPg {
  return new PrismaPg(
    { connectionString: url, max: options.poolSize, connectionTimeoutMillis: options.connectionTimeoutMillis },
    options.preparedStatements ? { statementNameGenerator: preparedStatementNames() } : undefined,
  );
}

/** A Prisma client over node-postgres (pgAdapter). */
export function createPrismaClient(
  url: string = databaseUrl(),
  poolSize?: number,
  options: Omit<PgAdapterOptions, 'poolSize'> = {},
): PrismaClient {
  return new PrismaClient({ adapter: pgAdapter(url, { ...options, poolSize }) });
}
export { commitHorizon } from './commit-horizon.js';
