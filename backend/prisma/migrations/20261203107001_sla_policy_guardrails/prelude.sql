-- Prelude of 20261203107001_sla_policy_guardrails: runs before migration.sql, in the same transaction,
-- whenever nixflow's runner runs it (db:migrate, and db:migrate --repair, which apply_sla_migration.sh
-- uses). Not part of the migration's checksum (Prisma reads only migration.sql), so it may change
-- without marking the applied migration as modified.
--
-- Why: migration.sql adds "Ticket_slaPolicyId_fkey". After seed-003 drift (SLA tables dropped, the
-- history kept) the repair recreates "SLAPolicy" empty while tickets still carry the ids of the dropped
-- policies, and adding the foreign key fails. Never lose data, never leave the operator stuck: the
-- dangling references are copied into "_nixflow_orphaned_sla_policy_ref" (kept; rollback.sql does not
-- touch it), then cleared, so that the foreign key can be added. Idempotent: a second run finds none.
-- Acts only when the foreign key is absent (with it, no reference can dangle).
DO $$
DECLARE
  cleared integer;
BEGIN
  IF to_regclass('"Ticket"') IS NULL OR to_regclass('"SLAPolicy"') IS NULL
     OR NOT EXISTS (SELECT 1 FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = 'Ticket' AND column_name = 'slaPolicyId')
     OR EXISTS (SELECT 1 FROM pg_constraint
                 WHERE conname = 'Ticket_slaPolicyId_fkey' AND connamespace = current_schema()::regnamespace) THEN
    RETURN;
  END IF;
  CREATE TABLE IF NOT EXISTS "_nixflow_orphaned_sla_policy_ref" (
    "ticketId" UUID NOT NULL,
    "slaPolicyId" UUID NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "_nixflow_orphaned_sla_policy_ref_pkey" PRIMARY KEY ("ticketId", "slaPolicyId")
  );
  ALTER TABLE "_nixflow_orphaned_sla_policy_ref"
    ADD COLUMN IF NOT EXISTS "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
  INSERT INTO "_nixflow_orphaned_sla_policy_ref" ("ticketId", "slaPolicyId")
  SELECT t."id", t."slaPolicyId" FROM "Ticket" t
   WHERE t."slaPolicyId" IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM "SLAPolicy" p WHERE p."id" = t."slaPolicyId")
  ON CONFLICT DO NOTHING;
  UPDATE "Ticket" t SET "slaPolicyId" = NULL
   WHERE t."slaPolicyId" IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM "SLAPolicy" p WHERE p."id" = t."slaPolicyId");
  GET DIAGNOSTICS cleared = ROW_COUNT;
  IF cleared > 0 THEN
    RAISE WARNING '% tickets referenced SLA policies that no longer exist; their references were cleared and kept in _nixflow_orphaned_sla_policy_ref', cleared;
  END IF;
END $$;
