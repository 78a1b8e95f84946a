import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { EMAIL_INBOUND_PROCESS_QUEUE, EMAIL_INBOUND_QUEUE, EMAIL_OUTBOUND_QUEUE } from '@nixflow/core';
import { EmailInboundProcessor } from './email-inbound.processor.js';
import { EmailMaintenanceScheduler } from './email-maintenance.scheduler.js';
import { EmailMaintenanceService } from './email-maintenance.service.js';
import { EmailOutboundProcessor } from './email-outbound.processor.js';
import { EmailSenderService } from './email-sender.service.js';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';
import { EMAIL_WORKER_CONFIG, emailWorkerConfigFrom } from './email-worker.config.js';
import { ImapPollerService } from './imap-poller.service.js';
import { StagedMailProcessor } from './staged-mail.processor.js';
import { StagedMailService } from './staged-mail.service.js';

/**
 * Outbound mail (send-reply, send-notification) and inbound mail from IMAP: the poller stages messages
 * (EmailInboundRaw, queue email-inbound-process) and StagedMailProcessor turns them into tickets and
 * comments with @nixflow/domain's pipeline, the API's webhook's too (TicketsService / CommentsService with
 * their SLA hooks and events).
 */
@Module({
  imports: [
    BullModule.registerQueue(
      { name: EMAIL_OUTBOUND_QUEUE },
      { name: EMAIL_INBOUND_QUEUE },
      { name: EMAIL_INBOUND_PROCESS_QUEUE },
    ),
  ],
  providers: [
    {
      provide: EMAIL_WORKER_CONFIG,
      inject: [WORKER_CONFIG],
      useFactory: (c: WorkerConfig) => emailWorkerConfigFrom(c),
    },
    EmailSenderService,
    EmailOutboundProcessor,
    ImapPollerService,
    EmailMaintenanceService,
    EmailInboundProcessor,
    EmailMaintenanceScheduler,
    StagedMailService,
    StagedMailProcessor,
  ],
  exports: [EmailSenderService, ImapPollerService, EmailMaintenanceService],
})
export class EmailModule {}
