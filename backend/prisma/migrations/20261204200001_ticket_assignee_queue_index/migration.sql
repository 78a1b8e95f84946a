-- An agent's queue ("my open tickets": assignee + status, newest first) read in index order. Without it a
-- page walks "Ticket_createdAt_idx" and filters: at 1M tickets, 10–56 ms for a page of 25, 2.5–2.9 ms with
-- it (bench/README.md, "Ticket list count"). The unassigned queue (assigneeId IS NULL) uses it too.
-- Idempotent and additive: "Ticket_assigneeId_idx" stays, although this index now covers its lookups.
CREATE INDEX IF NOT EXISTS "Ticket_assigneeId_status_createdAt_idx" ON "Ticket"("assigneeId", "status", "createdAt");
