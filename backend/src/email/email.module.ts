import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module.js';
import { EmailAccountsController } from './email-accounts.controller.js';
import { EmailAccountsService } from './email-accounts.service.js';
import { EMAIL_CONFIG, loadEmailConfig } from './email-config.js';
import { EmailConnectionTester } from './email-connection-tester.js';
import { EmailInboundConsumer } from './email-inbound.consumer.js';
import { EmailInboundController } from './email-inbound.controller.js';
import { EmailInboundService } from './email-inbound.service.js';
import { EmailMessagesController } from './email-messages.controller.js';
import { EmailMessagesService } from './email-messages.service.js';
import { EmailOutboundService } from './email-outbound.service.js';
import { EmailQueuesService } from './email-queues.service.js';
import { EmailSecretsService } from './email-secrets.service.js';

@Module({
  imports: [TicketsModule],
  controllers: [EmailAccountsController, EmailInboundController, EmailMessagesController],
  providers: [
    { provide: EMAIL_CONFIG, useFactory: () => loadEmailConfig() },
    EmailSecretsService,
    EmailConnectionTester,
    EmailAccountsService,
    EmailInboundService,
    EmailInboundConsumer,
    EmailMessagesService,
    EmailOutboundService,
    EmailQueuesService,
  ],
  exports: [EmailOutboundService, EmailQueuesService, EmailInboundService],
})
export class EmailModule {}
