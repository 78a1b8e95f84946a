-- Single-use tokens for password reset and invitation mails (only the SHA-256 of the token is stored).
-- Idempotent and additive.
DO $$ BEGIN
  CREATE TYPE "PasswordTokenPurpose" AS ENUM ('PASSWORD_RESET', 'INVITATION');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE TABLE IF NOT EXISTS "PasswordToken" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "userId" UUID NOT NULL,
    "purpose" "PasswordTokenPurpose" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PasswordToken_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "PasswordToken_tokenHash_key" ON "PasswordToken"("tokenHash");
CREATE INDEX IF NOT EXISTS "PasswordToken_userId_purpose_createdAt_idx" ON "PasswordToken"("userId", "purpose", "createdAt");

DO $$ BEGIN
  ALTER TABLE "PasswordToken" ADD CONSTRAINT "PasswordToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
