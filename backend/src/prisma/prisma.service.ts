import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { pgAdapter, PrismaClient } from '@nixflow/db/client';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      adapter: pgAdapter(config.databaseUrl, {
        poolSize: config.databasePoolSize,
        preparedStatements: config.databasePreparedStatements,
        connectionTimeoutMillis: 5000,
      }),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  /** After the HTTP server has closed (Nest runs this hook after dispose): in-flight requests still have the pool. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
