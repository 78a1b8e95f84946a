import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';
import { databaseUrl } from './config.js';

export * from './generated/prisma/client.js';

/** A Prisma client over node-postgres (no query-engine binary). */
export function createPrismaClient(url: string = databaseUrl(), poolSize?: number): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize });
  return new PrismaClient({ adapter });
}
export { commitHorizon } from './commit-horizon.js';
