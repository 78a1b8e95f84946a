import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DmmfDatamodel,
  type DmmfField,
  pgTypeName,
  prismaConstraintName,
  prismaPrimaryKeyName,
  snapshotFromDmmf,
  unsupportedFields,
} from '../../src/schema-compare/index.js';

const f = (name: string, type: string, over: Partial<DmmfField> = {}): DmmfField => ({
  name,
  type,
  kind: 'scalar',
  isList: false,
  isRequired: true,
  nativeType: null,
  ...over,
});

const datamodel: DmmfDatamodel = {
  enums: [{ name: 'Status', values: [{ name: 'OPEN' }, { name: 'DONE', dbName: 'done' }] }],
  models: [
    {
      name: 'User',
      fields: [
        f('id', 'String', {
          nativeType: ['Uuid', []],
          hasDefaultValue: true,
          default: { name: 'dbgenerated', args: ['gen_random_uuid()'] },
        }),
        f('email', 'String'),
        f('posts', 'Post', {
          kind: 'object',
          isList: true,
          relationName: 'PostToUser',
          relationFromFields: [],
          relationToFields: [],
        }),
      ],
    },
    {
      name: 'Post',
      dbName: 'posts',
      fields: [
        f('id', 'Int', { hasDefaultValue: true, default: { name: 'autoincrement', args: [] } }),
        f('title', 'String', { dbName: 'post_title', nativeType: ['VarChar', ['200']] }),
        f('status', 'Status', { kind: 'enum', hasDefaultValue: true, default: 'DONE' }),
        f('tags', 'String', { isList: true, hasDefaultValue: true, default: [] }),
        f('statuses', 'Status', { kind: 'enum', isList: true, hasDefaultValue: true, default: ['OPEN', 'DONE'] }),
        f('meta', 'Json', { hasDefaultValue: true, default: '{}' }),
        f('score', 'Int', { hasDefaultValue: true, default: -1 }),
        f('published', 'Boolean', { hasDefaultValue: true, default: false }),
        f('createdAt', 'DateTime', { hasDefaultValue: true, default: { name: 'now', args: [] } }),
        f('day', 'DateTime', { isRequired: false, nativeType: ['Date', []] }),
        f('ref', 'String', { hasDefaultValue: true, default: { name: 'uuid', args: [4] } }),
        f('authorId', 'String', { isRequired: false, nativeType: ['Uuid', []] }),
        f('author', 'User', {
          kind: 'object',
          isRequired: false,
          relationName: 'PostToUser',
          relationFromFields: ['authorId'],
          relationToFields: ['id'],
        }),
        f('labels', 'Label', {
          kind: 'object',
          isList: true,
          relationName: 'LabelToPost',
          relationFromFields: [],
          relationToFields: [],
        }),
      ],
    },
    {
      name: 'Label',
      fields: [
        f('id', 'String', { nativeType: ['Uuid', []] }),
        f('posts', 'Post', {
          kind: 'object',
          isList: true,
          relationName: 'LabelToPost',
          relationFromFields: [],
          relationToFields: [],
        }),
      ],
    },
  ],
  indexes: [
    { model: 'User', type: 'id', fields: [{ name: 'id' }] },
    { model: 'User', type: 'unique', fields: [{ name: 'email' }] },
    { model: 'Post', type: 'id', fields: [{ name: 'id' }] },
    { model: 'Post', type: 'normal', fields: [{ name: 'status' }, { name: 'createdAt', sortOrder: 'desc' }] },
    { model: 'Post', type: 'normal', algorithm: 'Gin', fields: [{ name: 'tags' }] },
    { model: 'Post', type: 'unique', dbName: 'custom_name', fields: [{ name: 'title' }] },
    { model: 'Label', type: 'id', fields: [{ name: 'id' }] },
  ],
};

describe('Prisma naming rules', () => {
  test('Table_col_suffix, truncated to 63 bytes with the suffix kept', () => {
    assert.equal(prismaConstraintName('Ticket', ['workflowId', 'position'], 'idx'), 'Ticket_workflowId_position_idx');
    const long = prismaConstraintName(
      'KnowledgeArticleView',
      ['articleId', 'viewerKey', 'viewedOn', 'somethingElse'],
      'key',
    );
    assert.equal(long.length, 63);
    assert.ok(long.endsWith('_key'));
    assert.equal(long, 'KnowledgeArticleView_articleId_viewerKey_viewedOn_something_key');
    assert.equal(prismaPrimaryKeyName('SLAPolicy'), 'SLAPolicy_pkey');
  });
  test('type names print like format_type()', () => {
    assert.equal(pgTypeName('UserRole'), '"UserRole"');
    assert.equal(pgTypeName('status'), 'status');
  });
});

describe('snapshotFromDmmf', () => {
  const s = snapshotFromDmmf(datamodel, [{ model: 'Post', name: 'search', type: 'tsvector', isRequired: false }]);

  test('tables, @@map/@map names, enums with their database values', () => {
    assert.deepEqual(Object.keys(s.tables).sort(), ['Label', 'User', '_LabelToPost', 'posts']);
    assert.deepEqual(s.enums, { Status: ['OPEN', 'done'] });
    assert.ok(s.tables.posts.columns.post_title);
  });

  test('types, nullability and defaults as PostgreSQL prints them', () => {
    const c = s.tables.posts.columns;
    assert.deepEqual(c.id, {
      type: 'integer',
      nullable: false,
      default: "nextval('posts_id_seq'::regclass)",
      generated: null,
    });
    assert.equal(c.post_title.type, 'character varying(200)');
    assert.deepEqual([c.status.type, c.status.default], ['"Status"', `'done'::"Status"`]);
    assert.deepEqual([c.tags.type, c.tags.nullable, c.tags.default], ['text[]', true, 'ARRAY[]::text[]']);
    assert.equal(c.statuses.default, `ARRAY['OPEN'::"Status", 'done'::"Status"]`);
    assert.equal(c.meta.default, `'{}'::jsonb`);
    assert.equal(c.score.default, `'-1'::integer`);
    assert.equal(c.published.default, 'false');
    assert.deepEqual([c.createdAt.type, c.createdAt.default], ['timestamp(3) without time zone', 'CURRENT_TIMESTAMP']);
    assert.deepEqual([c.day.type, c.day.nullable], ['date', true]);
    assert.equal(c.ref.default, null, 'uuid() is generated by the client');
    assert.deepEqual(c.search, { type: 'tsvector', nullable: true, default: null, generated: null });
    assert.equal(s.tables.User.columns.id.default, 'gen_random_uuid()');
  });

  test('keys and indexes with Prisma names; GIN, DESC and mapped names', () => {
    assert.deepEqual(s.tables.posts.primaryKey, { name: 'posts_pkey', columns: ['id'] });
    assert.deepEqual(s.tables.User.indexes.User_email_key, {
      columns: ['email'],
      unique: true,
      method: 'btree',
      predicate: null,
      constraint: false,
    });
    assert.deepEqual(s.tables.posts.indexes.posts_status_createdAt_idx.columns, ['status', 'createdAt DESC']);
    assert.equal(s.tables.posts.indexes.posts_tags_idx.method, 'gin');
    assert.ok(s.tables.posts.indexes.custom_name.unique);
  });

  test('relation foreign keys: Table_col_fkey, default SET NULL for optional, ON UPDATE CASCADE', () => {
    assert.deepEqual(s.tables.posts.foreignKeys.posts_authorId_fkey, {
      columns: ['authorId'],
      referencedTable: 'User',
      referencedColumns: ['id'],
      onDelete: 'SET NULL',
      onUpdate: 'CASCADE',
    });
  });

  test('implicit many-to-many: _AToB with A/B, AB_pkey, B_index and cascading FKs', () => {
    const t = s.tables._LabelToPost;
    assert.deepEqual(t.columns.A.type, 'uuid'); // Label sorts first
    assert.deepEqual(t.columns.B.type, 'integer');
    assert.deepEqual(t.primaryKey, { name: '_LabelToPost_AB_pkey', columns: ['A', 'B'] });
    assert.ok(t.indexes._LabelToPost_B_index);
    assert.equal(t.foreignKeys._LabelToPost_B_fkey.referencedTable, 'posts');
    assert.equal(t.foreignKeys._LabelToPost_A_fkey.onDelete, 'CASCADE');
  });
});

test('unsupportedFields reads Unsupported("…") fields the DMMF omits', () => {
  const text = `model Article {\n  id String @id\n  searchVector Unsupported("tsvector")?\n  other Unsupported("circle") @map("c")\n}\n`;
  assert.deepEqual(unsupportedFields(text), [
    { model: 'Article', name: 'searchVector', dbName: null, type: 'tsvector', isRequired: false },
    { model: 'Article', name: 'other', dbName: 'c', type: 'circle', isRequired: true },
  ]);
});
