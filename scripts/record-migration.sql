-- Records one migration in "_prisma_migrations" exactly as Prisma does after applying it by hand
-- (SLA_MIGRATION_README.md, "Manual steps"). Variables: name (the folder name) and sum (SHA-256 of
-- its migration.sql in lowercase hex, which is Prisma's checksum):
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v name=<folder> -v sum=<sha256> -f scripts/record-migration.sql
-- Creates the history table as Prisma creates it when it is missing; records nothing when the
-- migration is already recorded as applied, so running it twice is harmless.
\if :{?name}
\if :{?sum}
\else
\echo 'record-migration.sql: -v sum=<sha256 of migration.sql> is required'
DO $$ BEGIN RAISE EXCEPTION 'record-migration.sql: -v sum=... is required'; END $$;
\quit
\endif
\else
\echo 'usage: psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v name=<migration folder> -v sum=<sha256 of its migration.sql> -f scripts/record-migration.sql'
DO $$ BEGIN RAISE EXCEPTION 'record-migration.sql: -v name=... and -v sum=... are required'; END $$;
\quit
\endif

SELECT (:'sum' ~* '^[0-9a-f]{64}$') AS sum_ok \gset
\if :sum_ok
\else
\echo 'record-migration.sql: sum must be the 64 hex characters of the SHA-256 of migration.sql'
DO $$ BEGIN RAISE EXCEPTION 'record-migration.sql: malformed sum'; END $$;
\quit
\endif

CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);

INSERT INTO "_prisma_migrations"
       (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
SELECT gen_random_uuid()::text, lower(:'sum'), now(), :'name', NULL, NULL, now(), 1
 WHERE NOT EXISTS (SELECT 1 FROM "_prisma_migrations"
                    WHERE migration_name = :'name' AND finished_at IS NOT NULL AND rolled_back_at IS NULL);

SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE migration_name = :'name';
