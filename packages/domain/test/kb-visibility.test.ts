import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createPrismaClient, KnowledgeArticleStatus, Prisma, UserRole, type PrismaClient } from '@nixflow/db/client';
import { createTestDatabase, type TestDatabase } from '@nixflow/db/testing';
import { KB_VISIBLE_STATUSES, KbVisibility, type KbReader } from '../src/index.js';

const READERS: KbReader[] = ['staff', 'public'];

/** The Prisma where and the SQL filter of KbVisibility select the same rows, over every status and deletion. */
describe('KbVisibility over PostgreSQL', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  const ids = new Map<string, { status: KnowledgeArticleStatus; deleted: boolean }>();
  let tagId: string;
  let taggedId: string;

  before(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, 2);
    const author = await prisma.user.create({
      data: { email: `kb-${randomBytes(5).toString('hex')}@test.nixflow.local`, name: 'author', role: UserRole.AGENT },
    });
    const tag = await prisma.knowledgeTag.create({ data: { name: `vis-${author.id}`, slug: `vis-${author.id}` } });
    tagId = tag.id;
    for (const status of Object.values(KnowledgeArticleStatus)) {
      for (const deleted of [false, true]) {
        const slug = `vis-${status.toLowerCase()}-${deleted ? 'deleted' : 'live'}-${randomBytes(3).toString('hex')}`;
        const a = await prisma.knowledgeArticle.create({
          data: {
            title: slug,
            slug,
            body: 'visibility',
            status,
            authorId: author.id,
            deletedAt: deleted ? new Date() : null,
            ...(status === KnowledgeArticleStatus.PUBLISHED && !deleted ? { tags: { connect: { id: tag.id } } } : {}),
          },
        });
        ids.set(a.id, { status, deleted });
        if (status === KnowledgeArticleStatus.PUBLISHED && !deleted) taggedId = a.id;
      }
    }
  });

  after(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  const viaPrisma = async (reader: KbReader) =>
    (await prisma.knowledgeArticle.findMany({ where: KbVisibility.where(reader), select: { id: true } }))
      .map((r) => r.id)
      .sort();
  const viaSql = async (reader: KbReader) =>
    (
      await prisma.$queryRaw<
        { id: string }[]
      >`SELECT a.id::text AS id FROM "KnowledgeArticle" a WHERE ${KbVisibility.sql(reader)}`
    )
      .map((r) => r.id)
      .sort();

  for (const reader of READERS) {
    it(`${reader}: the SQL filter and the Prisma where select the same articles, as KB_VISIBLE_STATUSES says`, async () => {
      const expected = [...ids]
        .filter(([, a]) => !a.deleted && (KB_VISIBLE_STATUSES[reader]?.includes(a.status) ?? true))
        .map(([id]) => id)
        .sort();
      assert.ok(expected.length > 0);
      assert.deepEqual(await viaPrisma(reader), expected);
      assert.deepEqual(await viaSql(reader), expected);
    });
  }

  it('the public sees only published live articles; staff every live one', async () => {
    assert.deepEqual(
      (await viaPrisma('public')).map((id) => ids.get(id)!.status),
      [KnowledgeArticleStatus.PUBLISHED],
    );
    assert.equal((await viaSql('staff')).length, Object.values(KnowledgeArticleStatus).length);
    assert.equal(KbVisibility.readerOf({ role: UserRole.AGENT }), 'staff');
    assert.equal(KbVisibility.readerOf({ role: UserRole.CUSTOMER }), 'public');
    assert.equal(KbVisibility.readerOf(undefined), 'public');
  });

  it('taggedSql reads the article–tag relation the way Prisma writes it', async () => {
    const rows = await prisma.$queryRaw<{ id: string }[]>`
      SELECT a.id::text AS id FROM "KnowledgeArticle" a
      WHERE ${KbVisibility.taggedSql(Prisma.sql`t.id = ${tagId}::uuid`)}`;
    assert.deepEqual(
      rows.map((r) => r.id),
      [taggedId],
    );
  });
});
