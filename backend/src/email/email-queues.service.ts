import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import {
  EMAIL_OUTBOUND_QUEUE,
  SEND_REPLY_JOB,
  sendReplyJobId,
  type SendNotificationJobData,
  type SendReplyJobData,
  SEND_NOTIFICATION_JOB,
} from '@nixflow/core';
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';

/** The backend's producer side of `email-outbound` (the queue is @nestjs/bullmq's, see EmailOutboundModule). */
@Injectable()
export class EmailQueuesService {
  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    @InjectQueue(EMAIL_OUTBOUND_QUEUE) private readonly outbound: Queue,
  ) {}

  async enqueueSendReply(emailMessageId: string): Promise<void> {
    const data: SendReplyJobData = { emailMessageId };
    await this.outbound.add(SEND_REPLY_JOB, data, {
      jobId: sendReplyJobId(emailMessageId),
      ...this.config.sendRetry,
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }

  async enqueueNotification(data: SendNotificationJobData): Promise<void> {
    await this.outbound.add(SEND_NOTIFICATION_JOB, data, {
      ...this.config.sendRetry,
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }
}
