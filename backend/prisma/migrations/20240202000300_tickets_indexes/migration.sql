-- Tickets API: indexes for the workflow filter / "workflow in use" check and the per-aggregate event feed.

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Ticket_workflowId_idx" ON "Ticket"("workflowId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EventLog_aggregateId_id_idx" ON "EventLog"("aggregateId", "id");
