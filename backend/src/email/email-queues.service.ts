import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  EMAIL_OUTBOUND_QUEUE,
  SEND_REPLY_JOB,
  sendReplyJobId,
  type SendNotificationJobData,
  type SendReplyJobData,
  SEND_NOTIFICATION_JOB,
} from '@nixflow/core';
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';

/** The backend's producer side of `email-outbound`; the Redis connection opens on first use. */
@Injectable()
export class EmailQueuesService implements OnApplicationShutdown {
  private outbound?: Queue;

  constructor(@Inject(EMAIL_CONFIG) private readonly config: EmailConfig) {}

  private outboundQueue(): Queue {
    this.outbound ??= new Queue(EMAIL_OUTBOUND_QUEUE, {
      connection: { url: this.config.redisUrl },
      prefix: this.config.queuePrefix,
    });
    return this.outbound;
  }

  async enqueueSendReply(emailMessageId: string): Promise<void> {
    const data: SendReplyJobData = { emailMessageId };
    await this.outboundQueue().add(SEND_REPLY_JOB, data, {
      jobId: sendReplyJobId(emailMessageId),
      ...this.config.sendRetry,
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }

  async enqueueNotification(data: SendNotificationJobData): Promise<void> {
    await this.outboundQueue().add(SEND_NOTIFICATION_JOB, data, {
      ...this.config.sendRetry,
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.outbound?.close();
  }
}
