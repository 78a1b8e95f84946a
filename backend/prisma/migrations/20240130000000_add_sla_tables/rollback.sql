-- ROLLBACK of migration 20240130000000_add_sla_tables - EMERGENCY USE ONLY.
--
-- ⚠ WARNING - DATA LOSS. This permanently deletes:
--   * every SLA policy, SLA metric and SLA breach (SLAPolicy, SLAMetric, SLABreach);
--   * the whole knowledge base: categories, tags, articles, versions, ratings, views, feedback,
--     attachment records and search history;
--   * every custom form, form field, submission and submission attachment record;
--   * every email account (with its stored credentials), thread, message and attachment record;
--   * the whole event log (EventLog);
--   * the link from tickets to the form they came from (column Ticket."formId");
--   * every raw inbound email waiting to be processed (EmailInboundRaw): the later migration
--     20240202000100_email_inbound_staging references EmailAccount, so it is rolled back first.
-- Tickets, users, workflows, stages, comments, history and watchers (migration 20240129000000_init)
-- and notifications (20240201000000_add_notifications_and_consumers) are NOT touched. Files on disk
-- (attachments) are not touched. There is no undo except a backup: take one first and stop the
-- backend and worker:
--     pg_dump --no-owner "$DATABASE_URL" > before-rollback.sql
--
-- Prefer restoring the backup that apply_sla_migration.sh took (backups/nixflow-<time>.sql) over
-- this script whenever you can.
--
-- Run it with psql (one transaction: either everything below happens or nothing does):
--     psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v confirm_data_loss=yes -f rollback.sql
-- Without -v confirm_data_loss=yes it refuses and changes nothing. Do not add -1: the script has
-- its own BEGIN/COMMIT.
--
-- Reverse order: first the later migrations that depend on this one's objects (listed below),
-- then this migration's own objects, each by name and without CASCADE. If a migration added after
-- this file was written makes something else depend on them, the DROP fails with "cannot drop ...
-- because other objects depend on it", nothing is changed, and that migration must be rolled back
-- first. 20240201000000_add_notifications_and_consumers references only "User" and "Ticket": it does
-- not depend on this one and stays applied. The pg_trgm extension this migration enables is left in
-- place: it holds no data and other objects may use it.
--
-- Afterwards ./apply_sla_migration.sh (or npm run db:migrate -- --repair) applies the migrations
-- again, with empty tables: this script also deletes their rows in "_prisma_migrations".

\if :{?confirm_data_loss}
\else
\echo 'rollback.sql DELETES DATA (see the warning at the top of the file) and was not confirmed. Nothing was changed.'
\echo 'Take a backup, then run:  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v confirm_data_loss=yes -f rollback.sql'
DO $$ BEGIN RAISE EXCEPTION 'rollback.sql not confirmed (-v confirm_data_loss=yes): nothing was changed'; END $$;
\quit
\endif

BEGIN;
-- Do not wait forever behind a running backend; fail instead (nothing changed).
SET LOCAL lock_timeout = '10s';

-- 20240202000100_email_inbound_staging (its table references "EmailAccount").
DROP TABLE IF EXISTS "EmailInboundRaw";
DELETE FROM "_prisma_migrations" WHERE migration_name = '20240202000100_email_inbound_staging';

-- Later migrations that added to this one's tables: their objects go with the tables (or, for the
-- ticket's link to its SLA policy and the KB vocabulary, are dropped here), and their rows in
-- "_prisma_migrations" are deleted, so that db:migrate applies them again (every migration is idempotent).
-- "_nixflow_orphaned_sla_policy_ref" (ticket references to SLA policies that a repair found dropped and
-- cleared, see 20261203107001_sla_policy_guardrails/prelude.sql) is kept: it is the only trace of them.
ALTER TABLE IF EXISTS "Ticket" DROP CONSTRAINT IF EXISTS "Ticket_slaPolicyId_fkey";
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'Ticket' AND column_name = 'slaPolicyId') THEN
    UPDATE "Ticket" SET "slaPolicyId" = NULL, "slaNextDueAt" = NULL WHERE "slaPolicyId" IS NOT NULL OR "slaNextDueAt" IS NOT NULL;
  END IF;
END $$;
DROP TABLE IF EXISTS "KnowledgeWord";
-- 20261204050001_config_change_notify: its trigger on "SLAPolicy" would go with the table; its others and
-- the function are dropped too, so that db:migrate re-creates all of them together.
DROP TRIGGER IF EXISTS "SLAPolicy_config_changed" ON "SLAPolicy";
DROP TRIGGER IF EXISTS "Workflow_config_changed" ON "Workflow";
DROP TRIGGER IF EXISTS "Stage_config_changed" ON "Stage";
DROP TRIGGER IF EXISTS "RoutingRule_config_changed" ON "RoutingRule";
-- 20261204170001_kb_search_change_notify: triggers on this migration's KB tables, with the same function.
DROP TRIGGER IF EXISTS "KnowledgeArticle_config_changed" ON "KnowledgeArticle";
DROP TRIGGER IF EXISTS "KnowledgeCategory_config_changed" ON "KnowledgeCategory";
DROP TRIGGER IF EXISTS "KnowledgeTag_config_changed" ON "KnowledgeTag";
DROP TRIGGER IF EXISTS "_KnowledgeArticleToKnowledgeTag_config_changed" ON "_KnowledgeArticleToKnowledgeTag";
DROP FUNCTION IF EXISTS "nixflow_config_changed"();
DELETE FROM "_prisma_migrations" WHERE migration_name IN (
  '20261203102001_email_trust',
  '20261203103001_email_mime_intake',
  '20261203104001_form_submission_email_verified',
  '20261203106001_utc_timestamps_in_json',
  '20261203107001_sla_policy_guardrails',
  '20261203108002_kb_search_vocabulary',
  '20261203130001_teams_routing_macros',
  '20261203150001_kb_search_title_index',
  '20261204050001_config_change_notify',
  '20261204170001_kb_search_change_notify'
);

-- 20240130000000_add_sla_tables.
ALTER TABLE IF EXISTS "Ticket" DROP CONSTRAINT IF EXISTS "Ticket_formId_fkey";
ALTER TABLE IF EXISTS "Ticket" DROP COLUMN IF EXISTS "formId";

DROP TABLE IF EXISTS
  "SLABreach", "SLAMetric", "SLAPolicy",
  "_KnowledgeArticleToKnowledgeTag", "KnowledgeSearchHistory", "KnowledgeArticleAttachment",
  "KnowledgeArticleFeedback", "KnowledgeArticleView", "KnowledgeArticleRating",
  "KnowledgeArticleVersion", "KnowledgeArticle", "KnowledgeTag", "KnowledgeCategory",
  "FormSubmissionAttachment", "FormSubmission", "FormField", "CustomForm",
  "EmailAttachment", "EmailMessage", "EmailThread", "EmailAccount",
  "EventLog";

DROP TYPE IF EXISTS
  "SLAStatus", "SLABreachType", "KBCategory", "KnowledgeArticleStatus", "FormFieldType",
  "FormStatus", "FormSubmissionStatus", "EmailMessageStatus", "EmailMessageType", "EmailDirection";

DELETE FROM "_prisma_migrations" WHERE migration_name = '20240130000000_add_sla_tables';

COMMIT;
\echo 'Rolled back 20240202000100_email_inbound_staging, 20240130000000_add_sla_tables and the later migrations that extend its tables. Run ./apply_sla_migration.sh (or npm run db:migrate -- --repair) to apply them again.'
