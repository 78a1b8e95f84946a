export { BOOKKEEPING_TABLES, readCatalog } from './catalog.js';
export * from './migration-only.js';
export { buildShadowSchema, type ShadowSchema } from './shadow.js';
export { verifySchema, type VerifyResult } from './verify.js';
