import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';
import { databaseUrl } from './config.js';
import { preparedStatementNames } from './prepared-statements.js';

export * from './generated/prisma/client.js';
export { preparedStatementNames, usePreparedStatements } from './prepared-statements.js';

/**
 * A Prisma client over node-postgres (no query-engine binary); with `preparedStatements`, recurring
 * statements are prepared once per connection (prepared-statements.ts).
 */
export function createPrismaClient(
  url: string = databaseUrl(),
  poolSize?: number,
  options: { preparedStatements?: boolean; connectionTimeoutMillis?: number } = {},
): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: url, max: poolSize, connectionTimeoutMillis: options.connectionTimeoutMillis },
    options.preparedStatements ? { statementNameGenerator: preparedStatementNames() } : undefined,
  );
  return new PrismaClient({ adapter });
}
export { commitHorizon } from './commit-horizon.js';
