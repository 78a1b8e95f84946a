export * from './types.js';
export { compareSchemas, formatComparison, type CompareOptions } from './compare.js';
export {
  type DmmfDatamodel,
  type DmmfField,
  type DmmfIndex,
  type DmmfModel,
  pgTypeName,
  prismaConstraintName,
  prismaPrimaryKeyName,
  snapshotFromDmmf,
  type UnsupportedField,
  unsupportedFields,
} from './prisma-dmmf.js';
