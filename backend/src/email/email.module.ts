import { Module } from '@nestjs/common';
import { CUSTOMER_INVITER, EmailInboundService, INBOUND_MAIL_OPTIONS, type InboundMailOptions } from '@nixflow/domain';
import { AccountModule } from '../auth/account.module.js';
import { AccountService } from '../auth/account.service.js';
import { EmailAttachmentsController } from './email-attachments.controller.js';
import { EmailAttachmentsService } from './email-attachments.service.js';
import { EmailAccountsController } from './email-accounts.controller.js';
import { EmailAccountsService } from './email-accounts.service.js';
import { EmailConnectionTester } from './email-connection-tester.js';
import { EmailInboundConsumer } from './email-inbound.consumer.js';
import { EmailInboundController } from './email-inbound.controller.js';
import { EmailMessagesController } from './email-messages.controller.js';
import { EmailMessagesService } from './email-messages.service.js';
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';
import { EmailOutboundModule } from './email-outbound.module.js';
import { EmailSecretsService } from './email-secrets.service.js';

@Module({
  imports: [EmailOutboundModule, AccountModule],
  controllers: [EmailAccountsController, EmailInboundController, EmailMessagesController, EmailAttachmentsController],
  providers: [
    EmailSecretsService,
    EmailConnectionTester,
    EmailAccountsService,
    // The inbound pipeline lives in @nixflow/domain; this process supplies its settings and the inviter.
    {
      provide: INBOUND_MAIL_OPTIONS,
      inject: [EMAIL_CONFIG],
      useFactory: (c: EmailConfig): InboundMailOptions => ({
        secretKey: c.secretKey,
        newTicketsPerSenderPerHour: c.newTicketsPerSenderPerHour,
      }),
    },
    { provide: CUSTOMER_INVITER, useExisting: AccountService },
    EmailInboundService,
    EmailInboundConsumer,
    EmailMessagesService,
    EmailAttachmentsService,
  ],
  exports: [EmailOutboundModule, EmailInboundService],
})
export class EmailModule {}
