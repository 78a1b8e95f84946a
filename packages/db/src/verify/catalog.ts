import type pg from 'pg';
import type { ColumnSnapshot, ReferentialAction, SchemaSnapshot, TableSnapshot } from '@nixflow/core/schema-compare';

/**
 * Tables of the migration tooling itself, never part of the compared schema: Prisma's history, and the
 * record of SLA policy references the repair cleared (20261203107001_sla_policy_guardrails/prelude.sql).
 */
export const BOOKKEEPING_TABLES = ['_prisma_migrations', '_nixflow_orphaned_sla_policy_ref'];

const ACTIONS: Record<string, ReferentialAction> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

// All queries read pg_catalog for current_schema() only (Prisma's default schema, "public").
const TABLES_SQL = `
  SELECT c.oid, c.relname AS name FROM pg_class c
   WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   ORDER BY c.relname`;

const COLUMNS_SQL = `
  SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
         NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS expr, a.attgenerated AS generated
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
     AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY c.relname, a.attnum`;

const CONSTRAINTS_SQL = `
  SELECT con.conname AS name, con.contype AS type, c.relname AS table,
         ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns,
         rc.relname AS ref_table,
         ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS ref_columns,
         con.confdeltype AS on_delete, con.confupdtype AS on_update,
         CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid, true) END AS definition
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    LEFT JOIN pg_class rc ON rc.oid = con.confrelid
   WHERE con.connamespace = current_schema()::regnamespace AND con.contype IN ('p', 'f', 'c')
   ORDER BY c.relname, con.conname`;

const INDEXES_SQL = `
  SELECT ic.relname AS name, tc.relname AS table, am.amname AS method, i.indisunique AS unique,
         pg_get_expr(i.indpred, i.indrelid) AS predicate,
         EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype = 'u') AS constraint,
         ARRAY(
           SELECT CASE WHEN i.indkey[k - 1] <> 0
                         THEN (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1])
                         ELSE pg_get_indexdef(i.indexrelid, k, true) END
                  || CASE WHEN oc.opcdefault THEN '' ELSE ' ' || oc.opcname END
                  || CASE WHEN i.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END
                  || CASE WHEN i.indoption[k - 1] & 2 = 2 AND i.indoption[k - 1] & 1 = 0 THEN ' NULLS FIRST'
                          WHEN i.indoption[k - 1] & 2 = 0 AND i.indoption[k - 1] & 1 = 1 THEN ' NULLS LAST'
                          ELSE '' END
             FROM generate_series(1, i.indnkeyatts) k
             JOIN pg_opclass oc ON oc.oid = i.indclass[k - 1]
            ORDER BY k)::text[] AS columns
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_class tc ON tc.oid = i.indrelid
    JOIN pg_am am ON am.oid = ic.relam
   WHERE tc.relnamespace = current_schema()::regnamespace AND tc.relkind IN ('r', 'p') AND NOT i.indisprimary
   ORDER BY tc.relname, ic.relname`;

const ENUMS_SQL = `
  SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
   WHERE t.typnamespace = current_schema()::regnamespace
   GROUP BY t.typname ORDER BY t.typname`;

const EXTENSIONS_SQL = `SELECT extname AS name FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname`;

/** Reads the schema of the connected database's current schema from pg_catalog. */
export async function readCatalog(client: pg.ClientBase): Promise<SchemaSnapshot> {
  const skip = new Set(BOOKKEEPING_TABLES);
  const tables: Record<string, TableSnapshot> = {};
  for (const { name } of (await client.query<{ name: string }>(TABLES_SQL)).rows) {
    if (!skip.has(name)) tables[name] = { columns: {}, primaryKey: null, indexes: {}, foreignKeys: {}, checks: {} };
  }
  type ColumnRow = {
    table: string;
    name: string;
    type: string;
    nullable: boolean;
    expr: string | null;
    generated: string;
  };
  for (const r of (await client.query<ColumnRow>(COLUMNS_SQL)).rows) {
    const t = tables[r.table];
    if (!t) continue;
    const isGenerated = r.generated === 's';
    const column: ColumnSnapshot = {
      type: r.type,
      nullable: r.nullable,
      default: isGenerated ? null : r.expr,
      generated: isGenerated ? r.expr : null,
    };
    t.columns[r.name] = column;
  }
  type ConstraintRow = {
    name: string;
    type: 'p' | 'f' | 'c';
    table: string;
    columns: string[];
    ref_table: string | null;
    ref_columns: string[];
    on_delete: string;
    on_update: string;
    definition: string | null;
  };
  for (const r of (await client.query<ConstraintRow>(CONSTRAINTS_SQL)).rows) {
    const t = tables[r.table];
    if (!t) continue;
    if (r.type === 'p') t.primaryKey = { name: r.name, columns: r.columns };
    else if (r.type === 'c') t.checks![r.name] = r.definition ?? '';
    else {
      t.foreignKeys[r.name] = {
        columns: r.columns,
        referencedTable: r.ref_table ?? '',
        referencedColumns: r.ref_columns,
        onDelete: ACTIONS[r.on_delete] ?? 'NO ACTION',
        onUpdate: ACTIONS[r.on_update] ?? 'NO ACTION',
      };
    }
  }
  type IndexRow = {
    name: string;
    table: string;
    method: string;
    unique: boolean;
    predicate: string | null;
    constraint: boolean;
    columns: string[];
  };
  for (const r of (await client.query<IndexRow>(INDEXES_SQL)).rows) {
    const t = tables[r.table];
    if (!t) continue;
    t.indexes[r.name] = {
      columns: r.columns,
      unique: r.unique,
      method: r.method,
      predicate: r.predicate,
      constraint: r.constraint,
    };
  }
  const enums: Record<string, string[]> = {};
  for (const r of (await client.query<{ name: string; values: string[] }>(ENUMS_SQL)).rows) enums[r.name] = r.values;
  const extensions = (await client.query<{ name: string }>(EXTENSIONS_SQL)).rows.map((r) => r.name);
  return { tables, enums, extensions };
}
