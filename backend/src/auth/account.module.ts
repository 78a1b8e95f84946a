import { Module } from '@nestjs/common';
import { EmailOutboundModule } from '../email/email-outbound.module.js';
import { ACCOUNT_CONFIG, loadAccountConfig } from './account-config.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';
import { SystemMailService } from './system-mail.service.js';

/** Password change, reset and invitations; the mails go out through the outbound mail queue. */
@Module({
  imports: [EmailOutboundModule],
  controllers: [AccountController],
  providers: [{ provide: ACCOUNT_CONFIG, useFactory: () => loadAccountConfig() }, SystemMailService, AccountService],
  exports: [AccountService],
})
export class AccountModule {}
