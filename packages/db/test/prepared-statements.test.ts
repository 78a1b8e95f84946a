import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '../src/client.js';
import { preparedStatementNames, usePreparedStatements } from '../src/prepared-statements.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.js';

describe('preparedStatementNames', () => {
  test('a text is named the second time it is seen, always with the same name, never sharing one', () => {
    const name = preparedStatementNames();
    assert.equal(name({ sql: 'SELECT 1' }), '', 'first sight: unnamed');
    const one = name({ sql: 'SELECT 1' });
    assert.match(one, /^nixflow_\d+$/);
    assert.equal(name({ sql: 'SELECT 1' }), one);
    name({ sql: 'SELECT 2' });
    const two = name({ sql: 'SELECT 2' });
    assert.notEqual(two, one);
  });

  test('at most `max` names; further texts stay unnamed', () => {
    const name = preparedStatementNames({ max: 2 });
    const named = ['a', 'b', 'c'].map((sql) => (name({ sql }), name({ sql })));
    assert.deepEqual(named.map(Boolean), [true, true, false]);
    assert.equal(name({ sql: 'a' }), named[0], 'the first keep theirs');
  });
});

describe('usePreparedStatements', () => {
  const url = 'postgresql://db/app';
  test('auto: on against PostgreSQL itself, off when a separate direct URL says DATABASE_URL is a pooler', () => {
    assert.equal(usePreparedStatements({ DATABASE_URL: url }), true);
    assert.equal(usePreparedStatements({ DATABASE_URL: url, DATABASE_DIRECT_URL: url }), true);
    assert.equal(usePreparedStatements({ DATABASE_URL: 'postgresql://bouncer/app', DIRECT_URL: url }), false);
    assert.equal(usePreparedStatements({ DATABASE_URL: 'postgresql://bouncer/app', DATABASE_DIRECT_URL: url }), false);
  });
  test('true and false decide', () => {
    const pooled = { DATABASE_URL: 'postgresql://bouncer/app', DATABASE_DIRECT_URL: url };
    assert.equal(usePreparedStatements({ ...pooled, DATABASE_PREPARED_STATEMENTS: 'true' }), true);
    assert.equal(usePreparedStatements({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: 'false' }), false);
  });
});

describe('prepared statements over PostgreSQL', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  before(async () => {
    db = await createTestDatabase({ migrated: false });
    prisma = createPrismaClient(db.url, 1, { preparedStatements: true });
    await prisma.$executeRawUnsafe('CREATE TABLE probe (a int)');
    await prisma.$executeRawUnsafe('INSERT INTO probe VALUES (1)');
  });
  after(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  const prepared = async () =>
    (await prisma.$queryRawUnsafe<{ statement: string }[]>('SELECT statement FROM pg_prepared_statements')).map(
      (r) => r.statement,
    );

  test('a recurring statement is prepared on the connection and reused', async () => {
    for (let i = 0; i < 3; i++)
      assert.deepEqual(await prisma.$queryRaw`SELECT a FROM probe WHERE a = ${1}`, [{ a: 1 }]);
    assert.ok(
      (await prepared()).some((s) => s.includes('SELECT a FROM probe WHERE a = $1')),
      'listed in pg_prepared_statements',
    );
  });

  test('why no statement of ours returns `*`: a column added under a prepared `*` breaks it, a spelt-out list survives', async () => {
    for (let i = 0; i < 2; i++) {
      await prisma.$queryRawUnsafe('SELECT * FROM probe');
      await prisma.$queryRawUnsafe('SELECT a FROM probe');
    }
    await prisma.$executeRawUnsafe('ALTER TABLE probe ADD COLUMN b int');
    await assert.rejects(prisma.$queryRawUnsafe('SELECT * FROM probe'), /cached plan must not change result type/);
    assert.deepEqual(await prisma.$queryRawUnsafe('SELECT a FROM probe'), [{ a: 1 }]);
  });
});
