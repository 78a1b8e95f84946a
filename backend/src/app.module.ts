import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AccountModule } from './auth/account.module.js';
import { AuthModule } from './auth/auth.module.js';
import { loggerParams } from './common/logger.js';
import { RequestLogMiddleware } from './common/request-log.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { HealthModule } from './health/health.module.js';
import { PrismaModule } from './prisma/prisma.module.js';
import { PrismaService } from './prisma/prisma.service.js';
import {
  ACCOUNT_MAIL_OPTIONS,
  DomainMailModule,
  DomainModule,
  INBOUND_MAIL_OPTIONS,
  OUTBOUND_MAIL_QUEUE,
  TICKET_REPLY_MAILER,
  type InboundMailOptions,
} from '@nixflow/domain';
import { loadAccountConfig } from './auth/account-config.js';
import { EMAIL_CONFIG, type EmailConfig } from './email/email-config.js';
import { EmailOutboundModule } from './email/email-outbound.module.js';
import { EmailOutboundService } from './email/email-outbound.service.js';
import { EmailQueuesService } from './email/email-queues.service.js';
import { UsersModule } from './users/users.module.js';
import { EventsModule } from './events/events.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';
import { TicketsModule } from './tickets/tickets.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { KnowledgeBaseModule } from './knowledge-base/knowledge-base.module.js';
import { SlaModule } from './sla/sla.module.js';
import { EmailModule } from './email/email.module.js';
import { FormsModule } from './forms/forms.module.js';
import { TeamsModule } from './teams/teams.module.js';
import { loginThrottlers } from './auth/login-throttler.guard.js';
import { RateLimitModule } from './common/rate-limit.module.js';
import { StorageModule } from './common/storage.module.js';
import { RedisThrottlerStorage, THROTTLER_REDIS_STORAGE } from './common/redis-throttler-storage.js';
import { formSubmitThrottler } from './forms/form-submit-throttler.guard.js';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({
      imports: [],
      providers: [],
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => loggerParams(config),
    }),
    // Named throttlers, each used by its own guard: login (per IP + e-mail, and per IP across e-mails)
    // and formSubmit (per IP). Counts live in Redis, shared by every API instance.
    ThrottlerModule.forRootAsync({
      imports: [RateLimitModule],
      inject: [APP_CONFIG, THROTTLER_REDIS_STORAGE],
      useFactory: (config: AppConfig, storage: RedisThrottlerStorage) => ({
        throttlers: [
          ...loginThrottlers(
            { limit: config.loginThrottleLimit, ttl: config.loginThrottleTtlMs },
            { limit: config.loginIpThrottleLimit, ttl: config.loginIpThrottleTtlMs },
          ),
          formSubmitThrottler(config.formSubmitThrottleLimit, config.formSubmitThrottleTtlMs),
        ],
        storage,
      }),
    }),
    PrismaModule,
    // The domain services (tickets, comments, SLA lifecycle, events) over this process's Prisma client;
    // staff replies on e-mail tickets are mailed through the outbound module.
    DomainModule.forRoot({
      prisma: { useExisting: PrismaService },
      imports: [EmailOutboundModule],
      providers: [{ provide: TICKET_REPLY_MAILER, useExisting: EmailOutboundService }],
      // LISTEN for user and configuration changes (the token check's and the config caches).
      listenUrl: { inject: [APP_CONFIG], useFactory: (config: AppConfig) => config.databaseListenUrl },
    }),
    // The domain's mail (inbound pipeline for the webhook and release, invitations, system mail), with this
    // process's settings and outbound queue; the worker binds the same module to its own.
    DomainMailModule.forRoot({
      imports: [EmailOutboundModule],
      providers: [
        {
          provide: INBOUND_MAIL_OPTIONS,
          inject: [EMAIL_CONFIG],
          useFactory: (c: EmailConfig): InboundMailOptions => ({
            secretKey: c.secretKey,
            newTicketsPerSenderPerHour: c.newTicketsPerSenderPerHour,
          }),
        },
        { provide: ACCOUNT_MAIL_OPTIONS, useFactory: () => loadAccountConfig() },
        { provide: OUTBOUND_MAIL_QUEUE, useExisting: EmailQueuesService },
      ],
    }),
    StorageModule,
    AuthModule,
    AccountModule,
    UsersModule,
    HealthModule,
    EventsModule,
    WorkflowsModule,
    TicketsModule,
    NotificationsModule,
    KnowledgeBaseModule,
    SlaModule,
    EmailModule,
    FormsModule,
    TeamsModule,
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Every route, in path-to-regexp 8 syntax (the default '*' makes Nest warn about a legacy route).
    consumer.apply(RequestLogMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
