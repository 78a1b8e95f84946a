-- SLA events and notifications written by the worker carried zone-less UTC text in their JSON
-- ("dueAt": "2026-12-03T12:51:24.301"). Append the `Z` they were missing. Idempotent: only values
-- without a zone match; no rows are added or removed, no schema changes.
UPDATE "Notification" n
SET "data" = n."data" || jsonb_build_object('dueAt', (n."data"->>'dueAt') || 'Z')
WHERE n."type" IN ('SLA_BREACHED', 'SLA_AT_RISK')
  AND n."data"->>'dueAt' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$';

UPDATE "EventLog" e
SET "payload" = e."payload" || jsonb_build_object('dueAt', (e."payload"->>'dueAt') || 'Z')
WHERE e."type" IN ('SLABreached', 'SLAAtRisk')
  AND e."payload"->>'dueAt' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$';

UPDATE "EventLog" e
SET "payload" = e."payload" || jsonb_build_object('warningAt', (e."payload"->>'warningAt') || 'Z')
WHERE e."type" = 'SLAAtRisk'
  AND e."payload"->>'warningAt' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$';
