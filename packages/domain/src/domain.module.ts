import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { PrismaClient } from '@nixflow/db/client';
import { CLOCK, systemClock } from './clock.js';
import { PRISMA } from './tokens.js';

export interface DomainModuleOptions {
  /** Provider of the Prisma client, e.g. `{ provide: PRISMA, useExisting: PrismaService }`. */
  prisma: Provider<PrismaClient> | Omit<Provider, 'provide'>;
  /** Modules whose exports the prisma provider needs. */
  imports?: DynamicModule['imports'];
}

/**
 * The domain services, for the API, the worker and scripts (the seed). Each process passes its own
 * Prisma client; the clock defaults to the system clock (tests override CLOCK).
 */
@Module({})
export class DomainModule {
  static forRoot(options: DomainModuleOptions): DynamicModule {
    const prisma = { ...(options.prisma as object), provide: PRISMA } as Provider;
    const providers: Provider[] = [prisma, { provide: CLOCK, useValue: systemClock }];
    return {
      module: DomainModule,
      global: true,
      imports: options.imports ?? [],
      providers,
      exports: [PRISMA, CLOCK],
    };
  }
}
