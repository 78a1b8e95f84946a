-- Staging table for raw messages fetched over IMAP by the worker (processed by the backend).
-- Idempotent and additive: safe on an empty database, on one where this migration was
-- already applied, and on one where only some of its objects exist. It never drops anything.

-- CreateTable
CREATE TABLE IF NOT EXISTS "EmailInboundRaw" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "accountId" UUID NOT NULL,
    "source" BYTEA NOT NULL,
    "imapUidValidity" BIGINT,
    "imapUid" BIGINT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailInboundRaw_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "EmailInboundRaw" ADD COLUMN IF NOT EXISTS "accountId" UUID NOT NULL;
ALTER TABLE "EmailInboundRaw" ADD COLUMN IF NOT EXISTS "source" BYTEA NOT NULL;
ALTER TABLE "EmailInboundRaw" ADD COLUMN IF NOT EXISTS "imapUidValidity" BIGINT;
ALTER TABLE "EmailInboundRaw" ADD COLUMN IF NOT EXISTS "imapUid" BIGINT;
ALTER TABLE "EmailInboundRaw" ADD COLUMN IF NOT EXISTS "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "EmailInboundRaw" ADD COLUMN IF NOT EXISTS "lastError" TEXT;
ALTER TABLE "EmailInboundRaw" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EmailInboundRaw_createdAt_idx" ON "EmailInboundRaw"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "EmailInboundRaw_accountId_imapUidValidity_imapUid_key" ON "EmailInboundRaw"("accountId", "imapUidValidity", "imapUid");

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'EmailInboundRaw_accountId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "EmailInboundRaw" ADD CONSTRAINT "EmailInboundRaw_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;
