-- E-mail trust and intake (#13, #14): the receiving server whose Authentication-Results are believed,
-- spam-complaint messages, outbound mail cancelled with its comment, and when staff released a flagged message. Additive and idempotent.

ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "trustedAuthservId" TEXT;

ALTER TYPE "EmailMessageType" ADD VALUE IF NOT EXISTS 'COMPLAINT';
-- An outbound reply whose comment was deleted before it was sent.
ALTER TYPE "EmailMessageStatus" ADD VALUE IF NOT EXISTS 'CANCELLED';

ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "releasedAt" TIMESTAMP(3);
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "releasedById" UUID;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'EmailMessage_releasedById_fkey') THEN
    ALTER TABLE "EmailMessage" ADD CONSTRAINT "EmailMessage_releasedById_fkey"
      FOREIGN KEY ("releasedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
  END IF;
END $$;

-- The staff intake list filters by status and type over all accounts.
CREATE INDEX IF NOT EXISTS "EmailMessage_status_type_createdAt_idx" ON "EmailMessage"("status", "type", "createdAt");
