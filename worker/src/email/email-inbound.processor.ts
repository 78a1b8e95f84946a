import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { EMAIL_INBOUND_QUEUE, EMAIL_MAINTENANCE_JOB, IMAP_POLL_JOB } from '@nixflow/core';
import { workerConcurrency } from '../config.js';
import { runJob } from '../queues/job-failure.js';
import { EmailMaintenanceService } from './email-maintenance.service.js';
import { ImapPollerService } from './imap-poller.service.js';

@Processor(EMAIL_INBOUND_QUEUE, { concurrency: workerConcurrency() })
export class EmailInboundProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailInboundProcessor.name);

  constructor(
    private readonly poller: ImapPollerService,
    private readonly maintenance: EmailMaintenanceService,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    return runJob(job, this.logger, async () => {
      switch (job.name) {
        case IMAP_POLL_JOB:
          return this.poller.poll((job.data as { accountId: string }).accountId);
        case EMAIL_MAINTENANCE_JOB:
          return this.maintenance.run();
        default:
          this.logger.warn(`unknown job ${job.name} on ${EMAIL_INBOUND_QUEUE}`);
          return null;
      }
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
