import { AccountModule } from '../auth/account.module.js';
import { Module } from '@nestjs/common';
import { EmailAttachmentsController } from './email-attachments.controller.js';
import { EmailAttachmentsService } from './email-attachments.service.js';
import { EmailAccountsController } from './email-accounts.controller.js';
import { EmailAccountsService } from './email-accounts.service.js';
import { EmailConnectionTester } from './email-connection-tester.js';
import { EmailInboundConsumer } from './email-inbound.consumer.js';
import { EmailInboundController } from './email-inbound.controller.js';
import { EmailInboundService } from './email-inbound.service.js';
import { EmailMessagesController } from './email-messages.controller.js';
import { EmailMessagesService } from './email-messages.service.js';
import { EmailOutboundModule } from './email-outbound.module.js';
import { EmailSecretsService } from './email-secrets.service.js';

@Module({
  imports: [EmailOutboundModule, AccountModule],
  controllers: [EmailAccountsController, EmailInboundController, EmailMessagesController, EmailAttachmentsController],
  providers: [
    EmailSecretsService,
    EmailConnectionTester,
    EmailAccountsService,
    EmailInboundService,
    EmailInboundConsumer,
    EmailMessagesService,
    EmailAttachmentsService,
  ],
  exports: [EmailOutboundModule, EmailInboundService],
})
export class EmailModule {}
