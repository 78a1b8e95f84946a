import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createPrismaClient, PrismaClient } from '@nixflow/db/client';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';

/** Owns the worker's single Prisma client; closed last, after the queue workers have drained. */
@Injectable()
export class PrismaService implements OnApplicationShutdown {
  readonly client: PrismaClient;

  constructor(@Inject(WORKER_CONFIG) config: WorkerConfig) {
    this.client = createPrismaClient(config.databaseUrl, config.databasePoolSize, {
      preparedStatements: config.databasePreparedStatements,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.$disconnect();
  }
}
