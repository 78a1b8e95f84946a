import { randomBytes } from 'node:crypto';
import type { SchemaSnapshot } from '@nixflow/core/schema-compare';
import { compareSchemas } from '@nixflow/core/schema-compare';
import { connect, quoteIdent, withAdmin, withDatabase } from '../migrate/connection.js';
import { describePgError } from '../migrate/errors.js';
import type { LocalMigration } from '../migrate/migrations-folder.js';
import { readCatalog } from './catalog.js';

export interface ShadowSchema {
  snapshot: SchemaSnapshot;
  /** `${kind} key` of each object → the migration that first created it. */
  introducedBy: Map<string, string>;
}

/** Keys of the objects in `after` that `before` lacks (tables count as one object). */
function newObjects(before: SchemaSnapshot, after: SchemaSnapshot): string[] {
  return compareSchemas(after, before).missing.map((d) => d.key);
}

/**
 * Builds the schema the migrations declare, as Prisma's shadow database does: a scratch database
 * `nixflow_shadow_<random>` on the same server, every migration.sql applied in order, its catalog
 * read, and the database dropped again whatever happens.
 */
export async function buildShadowSchema(url: string, migrations: LocalMigration[]): Promise<ShadowSchema> {
  const run = process.env.NIXFLOW_TEST_RUN_ID; // lets the test runner drop a leftover of a killed run
  const name = `nixflow_shadow_${run ? `${run}_` : ''}${randomBytes(5).toString('hex')}`;
  await withAdmin(url, (admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}`));
  try {
    const client = await connect(withDatabase(url, name));
    try {
      let snapshot = await readCatalog(client);
      const introducedBy = new Map<string, string>();
      for (const m of migrations) {
        try {
          await client.query('BEGIN');
          await client.query(m.script);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(
            `Migration ${m.name} does not apply to an empty database, so the expected schema cannot be built: ${describePgError(err)}`,
            { cause: err },
          );
        }
        const next = await readCatalog(client);
        for (const key of newObjects(snapshot, next)) if (!introducedBy.has(key)) introducedBy.set(key, m.name);
        snapshot = next;
      }
      return { snapshot, introducedBy };
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    await withAdmin(url, (admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).catch(
      (err) => console.warn(`warning: could not drop scratch database ${name}: ${(err as Error).message}`),
    );
  }
}
