import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compareSchemas,
  formatComparison,
  type SchemaSnapshot,
  type TableSnapshot,
} from '../../src/schema-compare/index.js';

const table = (over: Partial<TableSnapshot> = {}): TableSnapshot => ({
  columns: {
    id: { type: 'uuid', nullable: false, default: 'gen_random_uuid()', generated: null },
    subject: { type: 'text', nullable: false, default: null, generated: null },
    status: { type: '"TicketStatus"', nullable: false, default: `'OPEN'::"TicketStatus"`, generated: null },
    requesterId: { type: 'uuid', nullable: false, default: null, generated: null },
  },
  primaryKey: { name: 'Ticket_pkey', columns: ['id'] },
  indexes: {
    Ticket_status_idx: { columns: ['status'], unique: false, method: 'btree', predicate: null, constraint: false },
  },
  foreignKeys: {
    Ticket_requesterId_fkey: {
      columns: ['requesterId'],
      referencedTable: 'User',
      referencedColumns: ['id'],
      onDelete: 'RESTRICT',
      onUpdate: 'CASCADE',
    },
  },
  checks: {},
  ...over,
});

const user = (): TableSnapshot => ({
  columns: { id: { type: 'uuid', nullable: false, default: null, generated: null } },
  primaryKey: { name: 'User_pkey', columns: ['id'] },
  indexes: {},
  foreignKeys: {},
  checks: {},
});

const schema = (): SchemaSnapshot => ({
  tables: { Ticket: table(), User: user() },
  enums: { TicketStatus: ['OPEN', 'CLOSED'] },
  extensions: ['pg_trgm'],
});

const clone = <T>(x: T): T => structuredClone(x);

describe('compareSchemas', () => {
  test('identical schemas: ok, everything present, nothing reported', () => {
    const c = compareSchemas(schema(), schema());
    assert.equal(c.ok, true);
    assert.deepEqual([c.missing, c.different, c.extra], [[], [], []]);
    // 1 extension + 1 enum + 2 values + 2 tables + 5 columns + 2 PKs + 1 index + 1 FK
    assert.equal(c.expectedCount, 15);
    assert.equal(c.presentCount, 15);
    assert.deepEqual(formatComparison(c), ['All 15 expected objects present.']);
  });

  test('a missing table is one line naming it (not one per column) and fails', () => {
    const actual = clone(schema());
    delete actual.tables.Ticket;
    const c = compareSchemas(schema(), actual);
    assert.equal(c.ok, false);
    assert.deepEqual(
      c.missing.map((d) => d.message),
      ['missing table "Ticket" (with its 4 columns, 1 index, 1 foreign key)'],
    );
    assert.equal(c.presentCount, c.expectedCount - 8); // table + 4 columns + PK + index + FK
    assert.match(formatComparison(c).at(-1)!, /^1 missing, 0 different, 7 of 15 expected objects present\.$/);
  });

  test('missing column, changed type/nullability/default: one line each, expected ≠ actual', () => {
    const actual = clone(schema());
    delete actual.tables.Ticket.columns.requesterId;
    actual.tables.Ticket.columns.subject = { type: 'varchar', nullable: true, default: null, generated: null };
    actual.tables.Ticket.columns.status.default = null;
    const c = compareSchemas(schema(), actual);
    assert.deepEqual(
      [...c.missing, ...c.different].map((d) => d.message),
      [
        'missing column "Ticket"."requesterId"',
        'different column "Ticket"."subject": type text ≠ varchar; NOT NULL ≠ NULL',
        `different column "Ticket"."status": default 'OPEN'::"TicketStatus" ≠ none`,
      ],
    );
    assert.equal(c.ok, false);
  });

  test('indexes: missing, different columns/method/predicate/uniqueness', () => {
    const expected = clone(schema());
    expected.tables.Ticket.indexes.Ticket_open_idx = {
      columns: ['subject'],
      unique: false,
      method: 'btree',
      predicate: `(status = 'OPEN'::"TicketStatus")`,
      constraint: false,
    };
    const actual = clone(expected);
    delete actual.tables.Ticket.indexes.Ticket_status_idx;
    actual.tables.Ticket.indexes.Ticket_open_idx = {
      columns: ['subject', 'status'],
      unique: true,
      method: 'gin',
      predicate: null,
    };
    const c = compareSchemas(expected, actual);
    assert.deepEqual(
      c.missing.map((d) => d.message),
      ['missing index "Ticket"."Ticket_status_idx"'],
    );
    assert.equal(c.different.length, 1);
    assert.deepEqual(c.different[0].details, [
      'columns (subject) ≠ (subject, status)',
      'not unique ≠ unique',
      'method btree ≠ gin',
      `WHERE (status = 'OPEN'::"TicketStatus") ≠ none`,
    ]);
  });

  test('foreign keys: missing, and a changed ON DELETE action', () => {
    const actual = clone(schema());
    actual.tables.Ticket.foreignKeys.Ticket_requesterId_fkey.onDelete = 'CASCADE';
    let c = compareSchemas(schema(), actual);
    assert.deepEqual(
      c.different.map((d) => d.message),
      ['different foreign key "Ticket"."Ticket_requesterId_fkey": ON DELETE RESTRICT ≠ CASCADE'],
    );
    delete actual.tables.Ticket.foreignKeys.Ticket_requesterId_fkey;
    c = compareSchemas(schema(), actual);
    assert.deepEqual(
      c.missing.map((d) => d.key),
      ['foreign key "Ticket"."Ticket_requesterId_fkey"'],
    );
  });

  test('primary key: missing or on other columns', () => {
    const actual = clone(schema());
    actual.tables.Ticket.primaryKey = { name: 'Ticket_pkey', columns: ['id', 'subject'] };
    actual.tables.User.primaryKey = null;
    const c = compareSchemas(schema(), actual);
    assert.deepEqual(
      c.missing.map((d) => d.message),
      ['missing primary key "User"."User_pkey"'],
    );
    assert.deepEqual(
      c.different.map((d) => d.message),
      ['different primary key "Ticket"."Ticket_pkey": columns (id) ≠ (id, subject)'],
    );
  });

  test('enums: a missing enum is one line; a missing value is reported; value order is not compared', () => {
    const actual = clone(schema());
    actual.enums.TicketStatus = ['CLOSED'];
    let c = compareSchemas(schema(), actual);
    assert.deepEqual(
      c.missing.map((d) => d.message),
      [`missing enum value "TicketStatus".'OPEN'`],
    );
    actual.enums.TicketStatus = ['CLOSED', 'OPEN'];
    assert.equal(compareSchemas(schema(), actual).ok, true);
    delete actual.enums.TicketStatus;
    c = compareSchemas(schema(), actual);
    assert.deepEqual(
      c.missing.map((d) => d.message),
      ['missing enum "TicketStatus" (with its values OPEN, CLOSED)'],
    );
  });

  test('extra objects a user added are reported as extra and never fail', () => {
    const actual = clone(schema());
    actual.tables.Audit = user();
    actual.tables.Ticket.columns.note = { type: 'text', nullable: true, default: null, generated: null };
    actual.tables.Ticket.indexes.my_idx = { columns: ['subject'], unique: false, method: 'btree', predicate: null };
    actual.enums.TicketStatus.push('ARCHIVED');
    actual.extensions!.push('citext');
    const c = compareSchemas(schema(), actual);
    assert.equal(c.ok, true);
    assert.deepEqual(c.extra.map((d) => d.message).sort(), [
      'extra column "Ticket"."note"',
      'extra enum value "TicketStatus".\'ARCHIVED\'',
      'extra extension "citext"',
      'extra index "Ticket"."my_idx"',
      'extra table "Audit"',
    ]);
    assert.match(formatComparison(c).at(-1)!, /All 15 expected objects present; 5 extra \(not errors/);
  });

  test('generated columns compare their expression, not a default', () => {
    const expected = clone(schema());
    expected.tables.Ticket.columns.search = {
      type: 'tsvector',
      nullable: true,
      default: null,
      generated: 'to_tsvector(subject)',
    };
    const actual = clone(expected);
    actual.tables.Ticket.columns.search.generated = null;
    const c = compareSchemas(expected, actual);
    assert.deepEqual(
      c.different.map((d) => d.details),
      [['generated to_tsvector(subject) ≠ none']],
    );
  });

  test('ignore: an allow-list of `${status} ${key}` leaves exactly those out', () => {
    const actual = clone(schema());
    actual.tables.Ticket.indexes.Ticket_partial_idx = {
      columns: ['subject'],
      unique: false,
      method: 'btree',
      predicate: 'x',
    };
    delete actual.tables.User.columns.id;
    const c = compareSchemas(schema(), actual, {
      ignore: ['extra index "Ticket"."Ticket_partial_idx"'],
    });
    assert.deepEqual(c.extra, []);
    assert.deepEqual(
      c.missing.map((d) => d.key),
      ['column "User"."id"'],
      'other differences are kept',
    );
  });

  test('check constraints are compared when both sides know them', () => {
    const expected = clone(schema());
    expected.tables.Ticket.checks = { Ticket_subject_check: 'CHECK (length(subject) > 0)' };
    const actual = clone(expected);
    actual.tables.Ticket.checks = {};
    assert.deepEqual(
      compareSchemas(expected, actual).missing.map((d) => d.message),
      ['missing check constraint "Ticket"."Ticket_subject_check"'],
    );
  });
});
