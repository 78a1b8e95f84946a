export { migrationChecksum, scriptMatchesChecksum } from './checksum.js';
export {
  acquireMigrationLock,
  connect,
  connectCreatingDatabase,
  databaseName,
  PRISMA_ADVISORY_LOCK_KEY,
  quoteIdent,
  redactUrl,
  releaseMigrationLock,
  withAdmin,
  withDatabase,
} from './connection.js';
export { DatabaseUnreachableError, MigrationBlockedError, MigrationSetupError, isUnreachable } from './errors.js';
export { CREATE_MIGRATIONS_TABLE, type HistoryRow, readHistory } from './history.js';
export { defaultMigrationsDir, type LocalMigration, readMigrations } from './migrations-folder.js';
export { migrate, type MigrateOptions, type MigrateResult, resolveApplied, resolveRolledBack } from './runner.js';
export { classifyMigrations, type FailedMigration, migrationStatus, type MigrationStatus } from './status.js';
