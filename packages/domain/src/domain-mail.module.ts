import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { CustomerInvitationService } from './accounts/customer-invitations.service.js';
import { SystemMailService } from './accounts/system-mail.service.js';
import { EmailInboundService } from './email/email-inbound.service.js';

export interface DomainMailModuleOptions {
  /** Modules whose exports the bindings below need (the process's config, its BullMQ queue). */
  imports?: DynamicModule['imports'];
  /**
   * The process's bindings of INBOUND_MAIL_OPTIONS, ACCOUNT_MAIL_OPTIONS and OUTBOUND_MAIL_QUEUE, and of
   * AttachmentFiles (@nixflow/storage) unless a global module provides it.
   */
  providers: Provider[];
}

const MAIL_SERVICES = [SystemMailService, CustomerInvitationService, EmailInboundService];

/**
 * The mail the domain reads and writes, for the API (webhook, release, invitations, resets) and the worker
 * (mail staged from IMAP): the inbound pipeline, customer invitations and system mail. Next to
 * DomainModule (whose PRISMA and ticket services it uses); global like it.
 */
@Module({})
export class DomainMailModule {
  static forRoot(options: DomainMailModuleOptions): DynamicModule {
    return {
      module: DomainMailModule,
      global: true,
      imports: options.imports ?? [],
      providers: [...options.providers, ...MAIL_SERVICES],
      exports: MAIL_SERVICES,
    };
  }
}
