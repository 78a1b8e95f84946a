-- Live updates (GET /api/events/stream) follow notifications the way the event consumer follows the
-- event log: in (txId, seq) order, reading only transactions below the oldest running one, so that a
-- row whose transaction commits late is never skipped. Additive and idempotent; existing rows get the
-- migration's transaction id and sequence numbers in any order (they are all in the past).
ALTER TABLE "Notification" ADD COLUMN IF NOT EXISTS "txId" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint;
ALTER TABLE "Notification" ADD COLUMN IF NOT EXISTS "seq" BIGSERIAL NOT NULL;
CREATE INDEX IF NOT EXISTS "Notification_txId_seq_idx" ON "Notification" ("txId", "seq");
