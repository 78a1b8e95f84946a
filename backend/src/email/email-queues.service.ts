import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import {
  EMAIL_OUTBOUND_QUEUE,
  SEND_REPLY_JOB,
  sendReplyJobOptions,
  type SendNotificationJobData,
  type SendReplyJobData,
  SEND_NOTIFICATION_JOB,
} from '@nixflow/core';
import type { OutboundMailQueue } from '@nixflow/domain';
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';

/**
 * The backend's producer side of `email-outbound` (the queue is @nestjs/bullmq's, see EmailOutboundModule);
 * the domain's system mail (OUTBOUND_MAIL_QUEUE) enqueues through it too.
 */
@Injectable()
export class EmailQueuesService implements OutboundMailQueue {
  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    @InjectQueue(EMAIL_OUTBOUND_QUEUE) private readonly outbound: Queue,
  ) {}

  async enqueueSendReply(emailMessageId: string): Promise<void> {
    const data: SendReplyJobData = { emailMessageId };
    await this.outbound.add(SEND_REPLY_JOB, data, sendReplyJobOptions(emailMessageId, this.config.sendRetry));
  }

  async enqueueNotification(data: SendNotificationJobData): Promise<void> {
    await this.outbound.add(SEND_NOTIFICATION_JOB, data, {
      ...this.config.sendRetry,
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }
}
