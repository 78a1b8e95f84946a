import { BullModule } from '@nestjs/bullmq';
import { EMAIL_OUTBOUND_QUEUE } from '@nixflow/core';
import {
  ACCOUNT_MAIL_OPTIONS,
  DomainMailModule,
  INBOUND_MAIL_OPTIONS,
  OUTBOUND_MAIL_QUEUE,
  type AccountMailOptions,
  type InboundMailOptions,
} from '@nixflow/domain';
import { AttachmentFiles, createFileStorage } from '@nixflow/storage';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';
import { OutboundMailQueueService } from './outbound-mail-queue.service.js';

/**
 * The domain's mail (inbound pipeline, customer invitations, system mail) over the worker's settings: the
 * same variables as the API's (domainMailEnvShape), attachments in the same storage, invitations handed to
 * this worker's `email-outbound` queue.
 */
export const workerDomainMailModule = () =>
  DomainMailModule.forRoot({
    imports: [BullModule.registerQueue({ name: EMAIL_OUTBOUND_QUEUE })],
    providers: [
      {
        provide: INBOUND_MAIL_OPTIONS,
        inject: [WORKER_CONFIG],
        useFactory: (c: WorkerConfig): InboundMailOptions => ({
          secretKey: c.emailSecretKey,
          newTicketsPerSenderPerHour: c.domainMail.newTicketsPerSenderPerHour,
        }),
      },
      {
        provide: ACCOUNT_MAIL_OPTIONS,
        inject: [WORKER_CONFIG],
        useFactory: ({ domainMail: d }: WorkerConfig): AccountMailOptions => ({
          invitationTtlMs: d.invitationTtlMs,
          publicUrl: d.publicUrl,
          systemMailAccountId: d.systemMailAccountId,
        }),
      },
      {
        provide: AttachmentFiles,
        inject: [WORKER_CONFIG],
        useFactory: (c: WorkerConfig) => new AttachmentFiles(createFileStorage(c.storage)),
      },
      { provide: OUTBOUND_MAIL_QUEUE, useClass: OutboundMailQueueService },
    ],
  });
