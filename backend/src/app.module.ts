import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AccountModule } from './auth/account.module.js';
import { AuthModule } from './auth/auth.module.js';
import { loggerParams } from './common/logger.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { HealthModule } from './health/health.module.js';
import { PrismaModule } from './prisma/prisma.module.js';
import { UsersModule } from './users/users.module.js';
import { EventsModule } from './events/events.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';
import { TicketsModule } from './tickets/tickets.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { KnowledgeBaseModule } from './knowledge-base/knowledge-base.module.js';
import { SlaModule } from './sla/sla.module.js';
import { EmailModule } from './email/email.module.js';
import { FormsModule } from './forms/forms.module.js';
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
    // Named throttlers, each used by its own guard: login (N attempts per minute per IP + e-mail) and
    // formSubmit (form submissions per IP). In-memory storage.
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          { name: 'login', ttl: config.loginThrottleTtlMs, limit: config.loginThrottleLimit },
          formSubmitThrottler(config.formSubmitThrottleLimit, config.formSubmitThrottleTtlMs),
        ],
      }),
    }),
    PrismaModule,
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
  ],
})
export class AppModule {}
