-- Completes a "PasswordToken" table left half-made by an interrupted run of 20261203108003_password_tokens
-- (its CREATE TABLE IF NOT EXISTS skips an existing table without this nullable column). Applied
-- migrations are never edited, so the repair lives here. Idempotent and additive.
ALTER TABLE "PasswordToken" ADD COLUMN IF NOT EXISTS "usedAt" TIMESTAMP(3);
