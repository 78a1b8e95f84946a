import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DomainModule } from '@nixflow/domain';
import { LoggerModule } from 'nestjs-pino';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';
import { workerLoggerParams } from './logger.js';
import { PrismaModule } from './prisma/prisma.module.js';
import { PrismaService } from './prisma/prisma.service.js';
import { EventsModule } from './events/events.module.js';
import { SlaModule } from './sla/sla.module.js';
import { EmailModule } from './email/email.module.js';
import { workerDomainMailModule } from './email/domain-mail.bindings.js';

@Global()
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        LoggerModule.forRoot(workerLoggerParams(config)),
        BullModule.forRoot({ connection: { url: config.redisUrl }, prefix: config.queuePrefix }),
        PrismaModule,
        // The domain services (the API's too) over the worker's Prisma client.
        // Its LISTEN connection keeps the configuration caches (SLA policies, workflow, routing rules) valid.
        DomainModule.forRoot({
          prisma: { inject: [PrismaService], useFactory: (p: PrismaService) => p.client },
          listenUrl: config.databaseListenUrl,
        }),
        // Inbound mail pipeline, invitations and system mail, as in the API.
        workerDomainMailModule(),
        SlaModule,
        EventsModule,
        EmailModule,
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }],
      exports: [WORKER_CONFIG],
    };
  }
}
