// schema.prisma → the PostgreSQL schema Prisma would create, without the schema engine: the DMMF
// comes from Prisma's wasm schema parser (@prisma/prisma-schema-wasm, offline), mapped by core.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  type DmmfDatamodel,
  type SchemaSnapshot,
  snapshotFromDmmf,
  unsupportedFields,
} from '@nixflow/core/schema-compare';

const require = createRequire(import.meta.url);

export const SCHEMA_PATH = fileURLToPath(new URL('../../../../../backend/prisma/schema.prisma', import.meta.url));

/** Prisma's DMMF datamodel of a schema text (throws Prisma's validation errors). */
export function getDatamodel(schemaText: string): DmmfDatamodel {
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] })));
  return dmmf.datamodel as DmmfDatamodel;
}

export function snapshotFromPrismaSchema(schemaText: string = fs.readFileSync(SCHEMA_PATH, 'utf8')): SchemaSnapshot {
  return snapshotFromDmmf(getDatamodel(schemaText), unsupportedFields(schemaText));
}
