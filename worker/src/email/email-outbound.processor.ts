import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import {
  EMAIL_OUTBOUND_QUEUE,
  SEND_NOTIFICATION_JOB,
  SEND_REPLY_JOB,
  type SendNotificationJobData,
  type SendReplyJobData,
} from '@nixflow/core';
import { workerConcurrency } from '../config.js';
import { runJob } from '../queues/job-failure.js';
import { EmailSenderService } from './email-sender.service.js';

@Processor(EMAIL_OUTBOUND_QUEUE, { concurrency: workerConcurrency() })
export class EmailOutboundProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailOutboundProcessor.name);

  constructor(private readonly sender: EmailSenderService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    // attemptsMade counts the failed attempts before this one.
    const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return runJob(job, this.logger, async () => {
      switch (job.name) {
        case SEND_REPLY_JOB:
          return this.sender.sendReply((job.data as SendReplyJobData).emailMessageId, isLastAttempt);
        case SEND_NOTIFICATION_JOB:
          return this.sender.sendNotification(job.data as SendNotificationJobData);
        default:
          this.logger.warn(`unknown job ${job.name} on ${EMAIL_OUTBOUND_QUEUE}`);
          return null;
      }
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
