/**
 * A database schema as the comparison sees it: what PostgreSQL's catalogs say about one schema
 * (the live database, the scratch database built from the migrations) or what schema.prisma
 * implies. Plain JSON-able data so that the comparison is a pure function.
 */
export interface SchemaSnapshot {
  tables: Record<string, TableSnapshot>;
  /** Enum type name → its labels (order is not compared: ADD VALUE appends). */
  enums: Record<string, string[]>;
  /** Installed extensions (e.g. pg_trgm), when the source knows them. */
  extensions?: string[];
}

export interface TableSnapshot {
  columns: Record<string, ColumnSnapshot>;
  primaryKey: { name: string; columns: string[] } | null;
  /** Every index except the primary key's, including those behind UNIQUE constraints. */
  indexes: Record<string, IndexSnapshot>;
  foreignKeys: Record<string, ForeignKeySnapshot>;
  /** CHECK constraints: name → definition. */
  checks?: Record<string, string>;
}

export interface ColumnSnapshot {
  /** As format_type() prints it: text, integer, timestamp(3) without time zone, "UserRole", text[] … */
  type: string;
  nullable: boolean;
  /** As pg_get_expr() prints it, or null. A generated column has its expression in `generated` instead. */
  default: string | null;
  /** Expression of a STORED generated column, or null. */
  generated?: string | null;
}

export interface IndexSnapshot {
  /** Key columns in order: a column name, or an expression; " DESC" and a non-default operator class appended. */
  columns: string[];
  unique: boolean;
  /** Access method: btree, gin, gist, hash … */
  method: string;
  /** WHERE clause of a partial index, as pg_get_expr() prints it, or null. */
  predicate: string | null;
  /** true when the index backs a UNIQUE constraint (ALTER TABLE … ADD CONSTRAINT … UNIQUE). */
  constraint?: boolean;
}

export type ReferentialAction = 'CASCADE' | 'RESTRICT' | 'NO ACTION' | 'SET NULL' | 'SET DEFAULT';

export interface ForeignKeySnapshot {
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export type ObjectKind =
  | 'extension'
  | 'enum'
  | 'enum value'
  | 'table'
  | 'column'
  | 'primary key'
  | 'index'
  | 'unique constraint'
  | 'foreign key'
  | 'check constraint';

export type DifferenceStatus = 'missing' | 'different' | 'extra';

export interface SchemaDifference {
  status: DifferenceStatus;
  kind: ObjectKind;
  /** Table of the object, when it belongs to one. */
  table?: string;
  /** Object name: the table, column, index, constraint, enum or value. */
  name: string;
  /** Stable identity, e.g. `column "SLAMetric"."warningAt"`: allow-lists match on `${status} ${key}`. */
  key: string;
  /** For `different`: what differs, `expected ≠ actual` per attribute. */
  details?: string[];
  /** One line for people, e.g. `missing column "SLAMetric"."warningAt"`. */
  message: string;
}

export interface SchemaComparison {
  /** Nothing expected is missing or different (extra objects never make this false). */
  ok: boolean;
  missing: SchemaDifference[];
  different: SchemaDifference[];
  extra: SchemaDifference[];
  /** Expected objects found and equal. */
  presentCount: number;
  /** Expected objects looked for (tables, columns, keys, indexes, foreign keys, checks, enums, enum values, extensions). */
  expectedCount: number;
}
