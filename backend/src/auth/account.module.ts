import { Module } from '@nestjs/common';
import { ACCOUNT_CONFIG, loadAccountConfig } from './account-config.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';

/**
 * Password change, reset and invitations; the mails go out through the outbound mail queue (system mail and
 * the invitation are @nixflow/domain's DomainMailModule, global).
 */
@Module({
  controllers: [AccountController],
  providers: [{ provide: ACCOUNT_CONFIG, useFactory: () => loadAccountConfig() }, AccountService],
  exports: [AccountService],
})
export class AccountModule {}
