import { Module } from '@nestjs/common';
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
  providers: [
    { provide: EMAIL_CONFIG, inject: [APP_CONFIG], useFactory: (c: AppConfig) => emailConfigFrom(c) },
    EmailQueuesService,
    EmailOutboundService,
  ],
  exports: [EMAIL_CONFIG, EmailQueuesService, EmailOutboundService],
})
export class EmailOutboundModule {}
