import { Module } from '@nestjs/common';
import { EmailAttachmentsController } from './email-attachments.controller.js';
import { EmailAttachmentsService } from './email-attachments.service.js';
import { EmailAccountsController } from './email-accounts.controller.js';
import { EmailAccountsService } from './email-accounts.service.js';
import { EmailConnectionTester } from './email-connection-tester.js';
import { EmailInboundController } from './email-inbound.controller.js';
import { EmailMessagesController } from './email-messages.controller.js';
import { EmailMessagesService } from './email-messages.service.js';
import { EmailOutboundModule } from './email-outbound.module.js';
import { EmailSecretsService } from './email-secrets.service.js';

/**
 * Email over HTTP: accounts, the inbound webhook, the intake queue, attachments. The inbound pipeline is
 * @nixflow/domain's (DomainMailModule, bound in AppModule); the worker runs it on the mail staged from IMAP.
 */
@Module({
  imports: [EmailOutboundModule],
  controllers: [EmailAccountsController, EmailInboundController, EmailMessagesController, EmailAttachmentsController],
  providers: [
    EmailSecretsService,
    EmailConnectionTester,
    EmailAccountsService,
    EmailMessagesService,
    EmailAttachmentsService,
  ],
  exports: [EmailOutboundModule],
})
export class EmailModule {}
