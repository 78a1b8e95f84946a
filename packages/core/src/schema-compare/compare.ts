import type {
  ColumnSnapshot,
  DifferenceStatus,
  ForeignKeySnapshot,
  IndexSnapshot,
  ObjectKind,
  SchemaComparison,
  SchemaDifference,
  SchemaSnapshot,
  TableSnapshot,
} from './types.js';

export interface CompareOptions {
  /**
   * Differences to leave out, each written `${status} ${key}`, e.g.
   * `extra index "KnowledgeArticle"."KnowledgeArticle_title_trgm_idx"` (a deliberate allow-list).
   */
  ignore?: Iterable<string>;
}

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function keyOf(kind: ObjectKind, name: string, table?: string): string {
  if (kind === 'table' || kind === 'enum' || kind === 'extension') return `${kind} ${q(name)}`;
  if (kind === 'enum value') return `${kind} ${q(table ?? '')}.'${name}'`;
  return `${kind} ${q(table ?? '')}.${q(name)}`;
}

function diff(
  status: DifferenceStatus,
  kind: ObjectKind,
  name: string,
  table?: string,
  details?: string[],
  note?: string,
): SchemaDifference {
  const key = keyOf(kind, name, table);
  let message = `${status} ${key}`;
  if (details?.length) message += `: ${details.join('; ')}`;
  if (note) message += ` ${note}`;
  return { status, kind, table, name, key, details, message };
}

const list = (xs: string[]): string => `(${xs.join(', ')})`;
const sameList = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const indexKind = (i: IndexSnapshot): ObjectKind => (i.constraint ? 'unique constraint' : 'index');

function columnDetails(e: ColumnSnapshot, a: ColumnSnapshot): string[] {
  const d: string[] = [];
  if (e.type !== a.type) d.push(`type ${e.type} ≠ ${a.type}`);
  if (e.nullable !== a.nullable) d.push(`${e.nullable ? 'NULL' : 'NOT NULL'} ≠ ${a.nullable ? 'NULL' : 'NOT NULL'}`);
  const eg = e.generated ?? null;
  const ag = a.generated ?? null;
  if (eg !== ag) d.push(`generated ${eg ?? 'none'} ≠ ${ag ?? 'none'}`);
  else if (eg === null && (e.default ?? null) !== (a.default ?? null)) {
    d.push(`default ${e.default ?? 'none'} ≠ ${a.default ?? 'none'}`);
  }
  return d;
}

function indexDetails(e: IndexSnapshot, a: IndexSnapshot): string[] {
  const d: string[] = [];
  if (!sameList(e.columns, a.columns)) d.push(`columns ${list(e.columns)} ≠ ${list(a.columns)}`);
  if (e.unique !== a.unique) d.push(`${e.unique ? 'unique' : 'not unique'} ≠ ${a.unique ? 'unique' : 'not unique'}`);
  if (e.method !== a.method) d.push(`method ${e.method} ≠ ${a.method}`);
  if ((e.predicate ?? null) !== (a.predicate ?? null))
    d.push(`WHERE ${e.predicate ?? 'none'} ≠ ${a.predicate ?? 'none'}`);
  if (!!e.constraint !== !!a.constraint) {
    d.push(`${e.constraint ? 'UNIQUE constraint' : 'index'} ≠ ${a.constraint ? 'UNIQUE constraint' : 'index'}`);
  }
  return d;
}

function foreignKeyDetails(e: ForeignKeySnapshot, a: ForeignKeySnapshot): string[] {
  const d: string[] = [];
  if (!sameList(e.columns, a.columns)) d.push(`columns ${list(e.columns)} ≠ ${list(a.columns)}`);
  const er = `${q(e.referencedTable)}${list(e.referencedColumns)}`;
  const ar = `${q(a.referencedTable)}${list(a.referencedColumns)}`;
  if (er !== ar) d.push(`references ${er} ≠ ${ar}`);
  if (e.onDelete !== a.onDelete) d.push(`ON DELETE ${e.onDelete} ≠ ${a.onDelete}`);
  if (e.onUpdate !== a.onUpdate) d.push(`ON UPDATE ${e.onUpdate} ≠ ${a.onUpdate}`);
  return d;
}

/** Objects a table brings with it, counted for the summary and named in "missing table" lines. */
function tableContents(t: TableSnapshot): { count: number; note: string } {
  const c = Object.keys(t.columns).length;
  const i = Object.keys(t.indexes).length;
  const f = Object.keys(t.foreignKeys).length;
  const k = Object.keys(t.checks ?? {}).length;
  const parts = [`${c} column${c === 1 ? '' : 's'}`];
  if (i) parts.push(`${i} index${i === 1 ? '' : 'es'}`);
  if (f) parts.push(`${f} foreign key${f === 1 ? '' : 's'}`);
  if (k) parts.push(`${k} check${k === 1 ? '' : 's'}`);
  return { count: c + i + f + k + (t.primaryKey ? 1 : 0), note: `(with its ${parts.join(', ')})` };
}

/**
 * Compares the schema a database should have (`expected`) with the one it has (`actual`).
 * Missing and different objects are errors; extra objects (a user's own index, table …) are
 * reported but never make `ok` false. A missing table or enum is one line, not one per column.
 */
export function compareSchemas(
  expected: SchemaSnapshot,
  actual: SchemaSnapshot,
  options: CompareOptions = {},
): SchemaComparison {
  const out: SchemaDifference[] = [];
  let expectedCount = 0;
  let presentCount = 0;
  const found = (): void => {
    expectedCount++;
    presentCount++;
  };

  if (expected.extensions && actual.extensions) {
    const have = new Set(actual.extensions);
    for (const ext of expected.extensions) {
      if (have.has(ext)) found();
      else {
        expectedCount++;
        out.push(diff('missing', 'extension', ext));
      }
    }
    const want = new Set(expected.extensions);
    for (const ext of actual.extensions) if (!want.has(ext)) out.push(diff('extra', 'extension', ext));
  }

  for (const [name, values] of Object.entries(expected.enums)) {
    const have = actual.enums[name];
    if (!have) {
      expectedCount += 1 + values.length;
      out.push(diff('missing', 'enum', name, undefined, undefined, `(with its values ${values.join(', ')})`));
      continue;
    }
    found();
    for (const v of values) {
      if (have.includes(v)) found();
      else {
        expectedCount++;
        out.push(diff('missing', 'enum value', v, name));
      }
    }
    for (const v of have) if (!values.includes(v)) out.push(diff('extra', 'enum value', v, name));
  }
  for (const name of Object.keys(actual.enums)) if (!expected.enums[name]) out.push(diff('extra', 'enum', name));

  for (const [table, e] of Object.entries(expected.tables)) {
    const a = actual.tables[table];
    if (!a) {
      const { count, note } = tableContents(e);
      expectedCount += 1 + count;
      out.push(diff('missing', 'table', table, undefined, undefined, note));
      continue;
    }
    found();

    for (const [col, ec] of Object.entries(e.columns)) {
      const ac = a.columns[col];
      expectedCount++;
      if (!ac) out.push(diff('missing', 'column', col, table));
      else {
        const d = columnDetails(ec, ac);
        if (d.length) out.push(diff('different', 'column', col, table, d));
        else presentCount++;
      }
    }
    for (const col of Object.keys(a.columns)) if (!e.columns[col]) out.push(diff('extra', 'column', col, table));

    if (e.primaryKey) {
      expectedCount++;
      const ap = a.primaryKey;
      if (!ap) out.push(diff('missing', 'primary key', e.primaryKey.name, table));
      else {
        const d: string[] = [];
        if (ap.name !== e.primaryKey.name) d.push(`name ${e.primaryKey.name} ≠ ${ap.name}`);
        if (!sameList(e.primaryKey.columns, ap.columns))
          d.push(`columns ${list(e.primaryKey.columns)} ≠ ${list(ap.columns)}`);
        if (d.length) out.push(diff('different', 'primary key', e.primaryKey.name, table, d));
        else presentCount++;
      }
    } else if (a.primaryKey) out.push(diff('extra', 'primary key', a.primaryKey.name, table));

    for (const [idx, ei] of Object.entries(e.indexes)) {
      const ai = a.indexes[idx];
      expectedCount++;
      if (!ai) out.push(diff('missing', indexKind(ei), idx, table));
      else {
        const d = indexDetails(ei, ai);
        if (d.length) out.push(diff('different', indexKind(ei), idx, table, d));
        else presentCount++;
      }
    }
    for (const [idx, ai] of Object.entries(a.indexes))
      if (!e.indexes[idx]) out.push(diff('extra', indexKind(ai), idx, table));

    for (const [fk, ef] of Object.entries(e.foreignKeys)) {
      const af = a.foreignKeys[fk];
      expectedCount++;
      if (!af) out.push(diff('missing', 'foreign key', fk, table));
      else {
        const d = foreignKeyDetails(ef, af);
        if (d.length) out.push(diff('different', 'foreign key', fk, table, d));
        else presentCount++;
      }
    }
    for (const fk of Object.keys(a.foreignKeys))
      if (!e.foreignKeys[fk]) out.push(diff('extra', 'foreign key', fk, table));

    const ek = e.checks ?? {};
    const ak = a.checks ?? {};
    for (const [ck, def] of Object.entries(ek)) {
      expectedCount++;
      if (ak[ck] === undefined) out.push(diff('missing', 'check constraint', ck, table));
      else if (ak[ck] !== def) out.push(diff('different', 'check constraint', ck, table, [`${def} ≠ ${ak[ck]}`]));
      else presentCount++;
    }
    if (e.checks && a.checks)
      for (const ck of Object.keys(ak))
        if (ek[ck] === undefined) out.push(diff('extra', 'check constraint', ck, table));
  }
  for (const table of Object.keys(actual.tables)) if (!expected.tables[table]) out.push(diff('extra', 'table', table));

  const ignore = new Set(options.ignore ?? []);
  const kept = out.filter((d) => !ignore.has(`${d.status} ${d.key}`));
  const by = (s: DifferenceStatus) => kept.filter((d) => d.status === s);
  const missing = by('missing');
  const different = by('different');
  return {
    ok: missing.length === 0 && different.length === 0,
    missing,
    different,
    extra: by('extra'),
    presentCount,
    expectedCount,
  };
}

/** Human-readable report: one line per missing / different / extra object, then a summary line. */
export function formatComparison(c: SchemaComparison): string[] {
  const lines = [...c.missing, ...c.different, ...c.extra].map((d) => d.message);
  const errors = c.missing.length + c.different.length;
  const extra = c.extra.length ? `; ${c.extra.length} extra (not errors: objects added outside the migrations)` : '';
  lines.push(
    errors === 0
      ? `All ${c.expectedCount} expected objects present${extra}.`
      : `${c.missing.length} missing, ${c.different.length} different, ${c.presentCount} of ${c.expectedCount} expected objects present${extra}.`,
  );
  return lines;
}
