import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { EMAIL_OUTBOUND_QUEUE } from '@nixflow/core';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EMAIL_CONFIG, emailConfigFrom } from './email-config.js';
import { EmailOutboundService } from './email-outbound.service.js';
import { EmailQueuesService } from './email-queues.service.js';

/**
 * The outbound half on its own (no dependency on TicketsModule), so that the tickets module can import
 * it to queue a mail for an agent's public comment without an import cycle; `sla` uses
 * EmailQueuesService.enqueueNotification.
 */
@Module({
  imports: [
    // Closed by @nestjs/bullmq on shutdown. QUEUE_PREFIX keeps test runs and deployments on one Redis apart.
    BullModule.registerQueueAsync({
      name: EMAIL_OUTBOUND_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => ({ connection: { url: c.redisUrl }, prefix: c.queuePrefix }),
    }),
  ],
  providers: [
    { provide: EMAIL_CONFIG, inject: [APP_CONFIG], useFactory: (c: AppConfig) => emailConfigFrom(c) },
    EmailQueuesService,
    EmailOutboundService,
  ],
  exports: [EMAIL_CONFIG, EmailQueuesService, EmailOutboundService],
})
export class EmailOutboundModule {}
