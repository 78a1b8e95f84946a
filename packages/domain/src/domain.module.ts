import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { PrismaClient } from '@nixflow/db/client';
import { CLOCK, systemClock } from './clock.js';
import { CHANGE_NOTICES_URL, ChangeNotices } from './common/change-notices.js';
import { EventsService } from './events/events.service.js';
import { SlaLifecycleService } from './sla/sla-lifecycle.service.js';
import { CommentsService } from './tickets/comments.service.js';
import { DefaultWorkflowCache } from './tickets/default-workflow.js';
import { TicketAccessRevocationService } from './tickets/ticket-access-revocation.js';
import { TicketAccessService } from './tickets/ticket-access.service.js';
import { TicketDeletionService } from './tickets/ticket-deletion.service.js';
import { TicketNotifierService } from './tickets/ticket-notifier.service.js';
import { TicketQueriesService } from './tickets/ticket-queries.service.js';
import { TicketsService } from './tickets/tickets.service.js';
import { WatchersService } from './tickets/watchers.service.js';
import { PRISMA } from './tokens.js';
import { MacrosService } from './macros/macros.service.js';
import { AssignmentService } from './routing/assignment.service.js';
import { RoutingRulesService } from './routing/routing-rules.service.js';
import { TicketPlacementService } from './routing/ticket-placement.service.js';
import { TeamsService } from './teams/teams.service.js';

export interface DomainModuleOptions {
  /** Provider of the Prisma client, e.g. `{ provide: PRISMA, useExisting: PrismaService }`. */
  prisma: Provider<PrismaClient> | Omit<Provider, 'provide'>;
  /** Modules whose exports the prisma provider (and `providers`) need. */
  imports?: DynamicModule['imports'];
  /** Optional bindings the process supplies, e.g. `{ provide: TICKET_REPLY_MAILER, useExisting: … }`. */
  providers?: Provider[];
  /**
   * Direct (non-pooled) database URL for the process's LISTEN connection (ChangeNotices), as a value or a
   * provider (e.g. `{ inject: [APP_CONFIG], useFactory: … }`). Without it the caches it keeps valid
   * (SLA policies, default workflow, routing rules) fall back to reading the database on every use.
   */
  listenUrl?: string | Omit<Provider, 'provide'>;
}

/** The domain services every process gets (all stateless apart from per-process caches). */
const DOMAIN_SERVICES = [
  // The process's one LISTEN connection, and the configuration caches it keeps valid.
  ChangeNotices,
  DefaultWorkflowCache,
  EventsService,
  SlaLifecycleService,
  TicketAccessService,
  TicketNotifierService,
  TicketsService,
  CommentsService,
  WatchersService,
  TicketQueriesService,
  TicketDeletionService,
  TicketAccessRevocationService,
  // Teams, routing, auto-assignment and macros (#23): ticket creation places tickets in every process.
  TeamsService,
  RoutingRulesService,
  AssignmentService,
  TicketPlacementService,
  MacrosService,
];

/**
 * The domain services, for the API, the worker and scripts (the seed). Each process passes its own
 * Prisma client; the clock defaults to the system clock (tests override CLOCK).
 */
@Module({})
export class DomainModule {
  static forRoot(options: DomainModuleOptions): DynamicModule {
    const prisma = { ...(options.prisma as object), provide: PRISMA } as Provider;
    const listenUrl = (
      typeof options.listenUrl === 'object'
        ? { ...options.listenUrl, provide: CHANGE_NOTICES_URL }
        : { provide: CHANGE_NOTICES_URL, useValue: options.listenUrl ?? null }
    ) as Provider;
    const providers: Provider[] = [
      prisma,
      listenUrl,
      { provide: CLOCK, useValue: systemClock },
      ...(options.providers ?? []),
      ...DOMAIN_SERVICES,
    ];
    return {
      module: DomainModule,
      global: true,
      imports: options.imports ?? [],
      providers,
      exports: [PRISMA, CLOCK, ...DOMAIN_SERVICES],
    };
  }
}
