import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, type TestDatabase } from '@nixflow/db/testing';
import { mapPrismaError } from '../../src/common/prisma-errors.js';
import { freePort } from './support/processes.js';

/** The error a real call throws (fails the test when it does not throw). */
async function errorOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail');
}

// The errors here come from a real Prisma client over @prisma/adapter-pg, not hand-made copies,
// so a Prisma upgrade that changes their shape fails this file instead of turning outages into 500s.
describe('central database error mapping (real Prisma errors)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  before(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, 2);
  });
  after(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('maps "connection refused" (P1001 / DatabaseNotReachable) to 503 for model, raw and transaction calls', async () => {
    const port = await freePort();
    const down = createPrismaClient(`postgresql://postgres@127.0.0.1:${port}/nowhere`, 1);
    try {
      for (const call of [
        () => down.user.findMany(),
        () => down.$queryRawUnsafe('SELECT 1'),
        () => down.$transaction(async (tx) => tx.user.count()),
      ]) {
        const mapped = mapPrismaError(await errorOf(call));
        assert.equal(mapped?.status, 503);
        assert.match(mapped!.message, /Database unavailable/);
        assert.match(mapped!.log!.line, /^\[DB-UNAVAILABLE\] \S/, 'the log line says why');
      }
    } finally {
      await down.$disconnect();
    }
  });

  it('maps a connection terminated by the server (57P01) to 503', async () => {
    const victim = createPrismaClient(db.url, 1);
    try {
      const err = await errorOf(() => victim.$queryRawUnsafe('SELECT pg_terminate_backend(pg_backend_pid())'));
      assert.equal(mapPrismaError(err)?.status, 503);
      const inTx = await errorOf(() =>
        victim.$transaction(async (tx) => {
          await tx.$executeRawUnsafe('SELECT pg_terminate_backend(pg_backend_pid())');
        }),
      );
      assert.equal(mapPrismaError(inTx)?.status, 503);
    } finally {
      await victim.$disconnect();
    }
  });

  it('maps NUL bytes in text (22021) to 400, for reads and writes', async () => {
    const read = await errorOf(() => prisma.user.findMany({ where: { name: 'a\u0000b' } }));
    const write = await errorOf(() => prisma.user.create({ data: { email: 'nul\u0000@x.test', name: 'n' } }));
    for (const err of [read, write]) {
      const mapped = mapPrismaError(err);
      assert.equal(mapped?.status, 400, JSON.stringify(err));
      assert.match(mapped!.message, /NUL/);
    }
    assert.equal(await prisma.user.count({ where: { name: 'n' } }), 0);
  });

  it('maps malformed or out-of-range literals (class 22) to 400', async () => {
    const badUuid = await errorOf(() => prisma.$queryRawUnsafe(`SELECT 'not-a-uuid'::uuid`));
    assert.equal(mapPrismaError(badUuid)?.status, 400);
    const overflow = await errorOf(() => prisma.$queryRawUnsafe(`SELECT 2147483647::int + 1`));
    assert.equal(mapPrismaError(overflow)?.status, 400);
  });

  it('maps adapter error kinds and raw node-postgres errors it cannot easily provoke', () => {
    const adapter = (kind: string, code = 'P2010') => ({
      name: 'PrismaClientKnownRequestError',
      code,
      message: '\nInvalid call\n\nboom',
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind } } },
    });
    for (const kind of ['SocketTimeout', 'TooManyConnections', 'ConnectionClosed', 'DatabaseNotReachable'])
      assert.equal(mapPrismaError(adapter(kind))?.status, 503, kind);
    for (const kind of ['LengthMismatch', 'ValueOutOfRange', 'InvalidInputValue'])
      assert.equal(mapPrismaError(adapter(kind))?.status, 400, kind);
    assert.equal(mapPrismaError({ code: '57P03', message: 'the database system is starting up' })?.status, 503);
    assert.equal(mapPrismaError({ code: '08006', message: 'connection failure' })?.status, 503);
    assert.equal(mapPrismaError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' })?.status, 503);
    assert.equal(mapPrismaError(new Error('Connection terminated unexpectedly'))?.status, 503);
    assert.equal(mapPrismaError({ code: '22021', message: 'invalid byte sequence' })?.status, 400);
    // Not a database error: left to the generic handler.
    assert.equal(mapPrismaError(new Error('something else')), undefined);
  });
});
