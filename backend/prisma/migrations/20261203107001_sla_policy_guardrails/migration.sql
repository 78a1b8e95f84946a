-- SLA policy guardrails (#18): explicit "no SLA" policies, business-hours-only notifications, the policy
-- that applied to a ticket, and the ticket's next SLA deadline for the "about to breach" sort.
-- Additive and idempotent.

-- AlterTable
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "noSla" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "notifyDuringBusinessHoursOnly" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "slaPolicyId" UUID;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "slaNextDueAt" TIMESTAMP(3);

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Ticket_slaPolicyId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_slaPolicyId_fkey" FOREIGN KEY ("slaPolicyId") REFERENCES "SLAPolicy"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Ticket_slaPolicyId_idx" ON "Ticket"("slaPolicyId");

-- The ticket list's sort=slaDueAt&order=asc: ORDER BY "slaNextDueAt" ASC NULLS LAST, "number" over live
-- tickets reads this index in order (EXPLAIN at 200k tickets: 0.2 ms index scan instead of 390 ms seq scan + sort).
CREATE INDEX IF NOT EXISTS "Ticket_slaNextDueAt_idx" ON "Ticket" ("slaNextDueAt", "number") WHERE "deletedAt" IS NULL;

-- Backfill: the policy of the ticket's latest metric (metrics carry it), and the earliest deadline still
-- running or breached and unanswered. Only rows not filled yet, so a re-run does nothing.
UPDATE "Ticket" t
SET "slaPolicyId" = (SELECT m."policyId" FROM "SLAMetric" m WHERE m."ticketId" = t."id"
                     ORDER BY m."startedAt" DESC, m."id" DESC LIMIT 1)
WHERE t."slaPolicyId" IS NULL AND EXISTS (SELECT 1 FROM "SLAMetric" m WHERE m."ticketId" = t."id");

UPDATE "Ticket" t
SET "slaNextDueAt" = n."due"
FROM (SELECT m."ticketId", min(m."dueAt") AS "due" FROM "SLAMetric" m
      WHERE m."status" IN ('ACTIVE', 'AT_RISK') OR (m."status" = 'BREACHED' AND m."completedAt" IS NULL)
      GROUP BY m."ticketId") n
WHERE t."id" = n."ticketId" AND t."slaNextDueAt" IS NULL;
