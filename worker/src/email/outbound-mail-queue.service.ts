import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import {
  EMAIL_OUTBOUND_QUEUE,
  emailSendRetryPolicy,
  SEND_REPLY_JOB,
  sendReplyJobOptions,
  type RetryPolicy,
} from '@nixflow/core';
import type { OutboundMailQueue } from '@nixflow/domain';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';

/** The worker's producer side of `email-outbound`, for the invitations its inbound mail queues. */
@Injectable()
export class OutboundMailQueueService implements OutboundMailQueue {
  private readonly retry: RetryPolicy;

  constructor(
    @InjectQueue(EMAIL_OUTBOUND_QUEUE) private readonly outbound: Queue,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    this.retry = emailSendRetryPolicy(config.email.sendAttempts, config.email.sendBackoffMs);
  }

  async enqueueSendReply(emailMessageId: string): Promise<void> {
    await this.outbound.add(SEND_REPLY_JOB, { emailMessageId }, sendReplyJobOptions(emailMessageId, this.retry));
  }
}
