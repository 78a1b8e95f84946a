/** Injection token of the Prisma client the domain services use (the API's PrismaService, the worker's client). */
export const PRISMA = Symbol('PRISMA');
