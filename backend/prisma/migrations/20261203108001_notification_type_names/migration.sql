-- Notification types share one naming style, `<subject>.<event>` in lower case (`ticket.assigned`,
-- `comment.added`): the worker's SLA alerts were SLA_BREACHED / SLA_AT_RISK. Renames the existing rows;
-- idempotent (a second run finds nothing to rename), no row is removed.
UPDATE "Notification" SET "type" = 'sla.breached' WHERE "type" = 'SLA_BREACHED';
UPDATE "Notification" SET "type" = 'sla.at_risk' WHERE "type" = 'SLA_AT_RISK';
