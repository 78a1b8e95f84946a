-- Tickets API: index for the workflow filter and the "workflow in use" check (FK columns are not indexed by PostgreSQL).

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Ticket_workflowId_idx" ON "Ticket"("workflowId");
