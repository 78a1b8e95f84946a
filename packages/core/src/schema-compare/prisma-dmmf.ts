/**
 * The schema that schema.prisma implies on PostgreSQL, from Prisma's DMMF (`get_dmmf` of
 * @prisma/prisma-schema-wasm, or `getDMMF` of @prisma/internals), with Prisma's naming and type
 * rules: tables and columns named as models and fields (@@map/@map), `Table_pkey`,
 * `Table_a_b_key` unique indexes, `Table_a_b_idx` indexes, `Table_a_fkey` foreign keys, implicit
 * many-to-many `_AToB` tables. Pure: no Prisma import, the DMMF is passed in.
 */
import type { ColumnSnapshot, ReferentialAction, SchemaSnapshot, TableSnapshot } from './types.js';

/** The parts of Prisma's DMMF this mapping reads. */
export interface DmmfDatamodel {
  enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[];
  models: DmmfModel[];
  indexes: DmmfIndex[];
}
export interface DmmfModel {
  name: string;
  dbName?: string | null;
  fields: DmmfField[];
  primaryKey?: { name?: string | null; fields: string[] } | null;
}
export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  hasDefaultValue?: boolean;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc' | 'Asc' | 'Desc'; operatorClass?: string }[];
}

/** A field the DMMF leaves out: `name Unsupported("type")` (see unsupportedFields). */
export interface UnsupportedField {
  model: string;
  name: string;
  dbName?: string | null;
  type: string;
  isRequired: boolean;
}

const MAX_IDENTIFIER = 63; // PostgreSQL NAMEDATALEN - 1

/** Prisma's default constraint name: `Table_col1_col2_suffix`, truncated to fit 63 bytes. */
export function prismaConstraintName(table: string, columns: string[], suffix: 'key' | 'idx' | 'fkey'): string {
  const sfx = `_${suffix}`;
  let base = `${table}_${columns.join('_')}`;
  if (base.length >= MAX_IDENTIFIER - sfx.length) base = base.slice(0, MAX_IDENTIFIER - sfx.length);
  return base + sfx;
}

export function prismaPrimaryKeyName(table: string): string {
  return `${table.length >= MAX_IDENTIFIER - 5 ? table.slice(0, MAX_IDENTIFIER - 5) : table}_pkey`;
}

/** How format_type() prints a type name: bare when a plain lowercase identifier, else quoted. */
export function pgTypeName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Bytes: 'bytea',
};

function nativeTypeName(native: [string, string[]]): string {
  const [name, args] = native;
  const a = args.join(',');
  switch (name) {
    case 'Uuid':
      return 'uuid';
    case 'Text':
      return 'text';
    case 'VarChar':
      return a ? `character varying(${a})` : 'character varying';
    case 'Char':
      return a ? `character(${a})` : 'character(1)';
    case 'Date':
      return 'date';
    case 'Timestamp':
      return `timestamp(${a || '6'}) without time zone`;
    case 'Timestamptz':
      return `timestamp(${a || '6'}) with time zone`;
    case 'Time':
      return `time(${a || '6'}) without time zone`;
    case 'Timetz':
      return `time(${a || '6'}) with time zone`;
    case 'SmallInt':
      return 'smallint';
    case 'Integer':
      return 'integer';
    case 'BigInt':
      return 'bigint';
    case 'Real':
      return 'real';
    case 'DoublePrecision':
      return 'double precision';
    case 'Decimal':
      return a ? `numeric(${a})` : 'numeric';
    case 'Money':
      return 'money';
    case 'Json':
      return 'json';
    case 'JsonB':
      return 'jsonb';
    case 'ByteA':
      return 'bytea';
    case 'Boolean':
      return 'boolean';
    case 'Inet':
      return 'inet';
    case 'Citext':
      return 'citext';
    case 'Xml':
      return 'xml';
    case 'Bit':
      return `bit(${a || '1'})`;
    case 'VarBit':
      return a ? `bit varying(${a})` : 'bit varying';
    default:
      return name.toLowerCase();
  }
}

const quoteLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The column default as pg_get_expr() prints it, or null when Prisma keeps no database default. */
function renderDefault(
  field: DmmfField,
  table: string,
  column: string,
  pgType: string,
  enumDbName?: (n: string) => string,
): string | null {
  if (!field.hasDefaultValue && field.default === undefined) return null;
  const d = field.default as unknown;
  if (d && typeof d === 'object' && !Array.isArray(d) && 'name' in (d as object)) {
    const fn = d as { name: string; args: unknown[] };
    switch (fn.name) {
      case 'now':
        return 'CURRENT_TIMESTAMP';
      case 'autoincrement':
        return `nextval('${pgTypeName(`${table}_${column}_seq`)}'::regclass)`;
      case 'dbgenerated':
        return fn.args.length ? String(fn.args[0]) : null;
      case 'sequence':
        return `nextval('${pgTypeName(`${table}_${column}_seq`)}'::regclass)`;
      default:
        return null; // uuid(), cuid(), nanoid(), ulid(): generated by the client, no database default
    }
  }
  const scalarType = pgType.replace(/\[\]$/, '');
  const literal = (v: unknown): string => {
    if (field.kind === 'enum') {
      const value = enumDbName ? enumDbName(String(v)) : String(v);
      return `${quoteLiteral(value)}::${scalarType}`;
    }
    switch (field.type) {
      case 'Boolean':
        return String(v);
      case 'Int':
      case 'BigInt':
      case 'Float':
      case 'Decimal': {
        const n = String(v);
        return n.startsWith('-') ? `${quoteLiteral(n)}::${scalarType}` : n;
      }
      case 'Json':
        return `${quoteLiteral(typeof v === 'string' ? v : JSON.stringify(v))}::${scalarType}`;
      default:
        return `${quoteLiteral(String(v))}::${scalarType}`;
    }
  };
  if (Array.isArray(d)) {
    return d.length === 0 ? `ARRAY[]::${pgType}` : `ARRAY[${d.map(literal).join(', ')}]`;
  }
  return literal(d);
}

const ACTIONS: Record<string, ReferentialAction> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

/**
 * `name Unsupported("type")` fields, which the DMMF omits: read from the schema text (one field
 * per line, as `prisma format` writes them).
 */
export function unsupportedFields(schemaText: string): UnsupportedField[] {
  const out: UnsupportedField[] = [];
  const modelRe = /^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm;
  for (const [, model, body] of schemaText.matchAll(modelRe)) {
    for (const line of body.split('\n')) {
      const m = line.match(/^\s*(\w+)\s+Unsupported\(\s*"([^"]+)"\s*\)(\?|\[\])?(.*)$/);
      if (!m) continue;
      const map = m[4].match(/@map\(\s*"([^"]+)"\s*\)/)?.[1] ?? null;
      const type = m[3] === '[]' ? `${m[2]}[]` : m[2];
      out.push({ model, name: m[1], dbName: map, type, isRequired: m[3] !== '?' });
    }
  }
  return out;
}

/** The PostgreSQL schema Prisma would create for `datamodel` (public schema, default naming). */
export function snapshotFromDmmf(datamodel: DmmfDatamodel, unsupported: UnsupportedField[] = []): SchemaSnapshot {
  const enumNames = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const enumValues = new Map(
    datamodel.enums.map((e) => [e.name, new Map(e.values.map((v) => [v.name, v.dbName ?? v.name]))]),
  );
  const models = new Map(datamodel.models.map((m) => [m.name, m]));
  const tableOf = (model: string): string => models.get(model)?.dbName ?? model;
  const columnOf = (model: string, field: string): string => {
    const f = models.get(model)?.fields.find((x) => x.name === field);
    return f?.dbName ?? field;
  };

  const enums: Record<string, string[]> = {};
  for (const e of datamodel.enums) enums[e.dbName ?? e.name] = e.values.map((v) => v.dbName ?? v.name);

  const tables: Record<string, TableSnapshot> = {};
  for (const model of datamodel.models) {
    const table = tableOf(model.name);
    const t: TableSnapshot = { columns: {}, primaryKey: null, indexes: {}, foreignKeys: {} };
    tables[table] = t;
    for (const f of model.fields) {
      if (f.kind === 'object') continue;
      const column = f.dbName ?? f.name;
      let type: string;
      if (f.kind === 'enum') type = pgTypeName(enumNames.get(f.type) ?? f.type);
      else if (f.nativeType) type = nativeTypeName(f.nativeType);
      else type = SCALAR_TYPES[f.type] ?? f.type.toLowerCase();
      if (f.isList) type += '[]';
      const values = enumValues.get(f.type);
      const col: ColumnSnapshot = {
        type,
        // Prisma creates scalar lists as nullable array columns (`"tags" TEXT[]`), required or not.
        nullable: !f.isRequired || f.isList,
        default: renderDefault(f, table, column, type, values ? (v) => values.get(v) ?? v : undefined),
        generated: null,
      };
      t.columns[column] = col;
    }
    for (const u of unsupported.filter((x) => x.model === model.name)) {
      t.columns[u.dbName ?? u.name] = { type: u.type, nullable: !u.isRequired, default: null, generated: null };
    }
    // Foreign keys live on the side that holds the scalar fields.
    for (const f of model.fields) {
      if (f.kind !== 'object' || !f.relationFromFields?.length) continue;
      const columns = f.relationFromFields.map((x) => columnOf(model.name, x));
      const anyOptional = f.relationFromFields.some((x) => !model.fields.find((y) => y.name === x)?.isRequired);
      t.foreignKeys[prismaConstraintName(table, columns, 'fkey')] = {
        columns,
        referencedTable: tableOf(f.type),
        referencedColumns: (f.relationToFields ?? []).map((x) => columnOf(f.type, x)),
        onDelete: ACTIONS[f.relationOnDelete ?? (anyOptional ? 'SetNull' : 'Restrict')] ?? 'RESTRICT',
        onUpdate: ACTIONS[f.relationOnUpdate ?? 'Cascade'] ?? 'CASCADE',
      };
    }
  }

  for (const idx of datamodel.indexes) {
    const table = tableOf(idx.model);
    const t = tables[table];
    if (!t) continue;
    const columns = idx.fields.map((f) => columnOf(idx.model, f.name));
    if (idx.type === 'id') {
      t.primaryKey = { name: idx.dbName ?? prismaPrimaryKeyName(table), columns };
      continue;
    }
    if (idx.type === 'fulltext') continue; // MySQL only
    const unique = idx.type === 'unique';
    const name = idx.dbName ?? prismaConstraintName(table, columns, unique ? 'key' : 'idx');
    t.indexes[name] = {
      columns: idx.fields.map((f, i) => {
        let c = columns[i];
        if (f.operatorClass) c += ` ${f.operatorClass.toLowerCase()}`;
        if (f.sortOrder && f.sortOrder.toLowerCase() === 'desc') c += ' DESC';
        return c;
      }),
      unique,
      method: (idx.algorithm ?? 'BTree').toLowerCase(),
      predicate: null,
      constraint: false,
    };
  }

  // Implicit many-to-many relations: both sides are lists without scalar fields.
  const seen = new Set<string>();
  for (const model of datamodel.models) {
    for (const f of model.fields) {
      if (f.kind !== 'object' || !f.isList || f.relationFromFields?.length || !f.relationName) continue;
      const other = models
        .get(f.type)
        ?.fields.find(
          (x) => x.kind === 'object' && x.relationName === f.relationName && x.type === model.name && x !== f,
        );
      if (!other || !other.isList || seen.has(f.relationName)) continue;
      seen.add(f.relationName);
      const [a, b] = [model.name, f.type].sort();
      const idType = (m: string): string => {
        const pk = models
          .get(m)
          ?.fields.find((x) =>
            datamodel.indexes.some(
              (i) => i.model === m && i.type === 'id' && i.fields.length === 1 && i.fields[0].name === x.name,
            ),
          );
        if (!pk) return 'text';
        return pk.nativeType ? nativeTypeName(pk.nativeType) : (SCALAR_TYPES[pk.type] ?? 'text');
      };
      const pkCol = (m: string): string => {
        const idx = datamodel.indexes.find((i) => i.model === m && i.type === 'id');
        return idx ? columnOf(m, idx.fields[0].name) : 'id';
      };
      const table = `_${f.relationName}`;
      tables[table] = {
        columns: {
          A: { type: idType(a), nullable: false, default: null, generated: null },
          B: { type: idType(b), nullable: false, default: null, generated: null },
        },
        primaryKey: { name: `${table}_AB_pkey`, columns: ['A', 'B'] },
        indexes: {
          [`${table}_B_index`]: { columns: ['B'], unique: false, method: 'btree', predicate: null, constraint: false },
        },
        foreignKeys: {
          [`${table}_A_fkey`]: {
            columns: ['A'],
            referencedTable: tableOf(a),
            referencedColumns: [pkCol(a)],
            onDelete: 'CASCADE',
            onUpdate: 'CASCADE',
          },
          [`${table}_B_fkey`]: {
            columns: ['B'],
            referencedTable: tableOf(b),
            referencedColumns: [pkCol(b)],
            onDelete: 'CASCADE',
            onUpdate: 'CASCADE',
          },
        },
      };
    }
  }
  return { tables, enums };
}
