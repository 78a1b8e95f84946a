-- ROLLBACK of 20240130000000_add_sla_tables — EMERGENCY USE ONLY.
--
-- ⚠ DATA LOSS: this permanently deletes every SLA policy, metric and breach, every knowledge-base
-- category, tag, article, version, rating, view, feedback, attachment record and search, every
-- custom form, field and submission, every email account, thread, message and attachment record,
-- and the whole event log. Take a backup first (pg_dump) and stop the backend and worker.
-- Files stored on disk (attachments) are not touched.
--
-- It also removes 20240201000000_add_notifications_and_consumers, which depends on it.
-- Run it in one transaction:  psql "$DATABASE_URL" -1 -v ON_ERROR_STOP=1 -f rollback.sql
-- Afterwards `npm run db:migrate` applies both migrations again (empty tables).

DROP TABLE IF EXISTS "Notification", "EventConsumer" CASCADE;

ALTER TABLE IF EXISTS "Ticket" DROP CONSTRAINT IF EXISTS "Ticket_formId_fkey";
ALTER TABLE IF EXISTS "Ticket" DROP COLUMN IF EXISTS "formId";

DROP TABLE IF EXISTS
  "SLABreach", "SLAMetric", "SLAPolicy",
  "_KnowledgeArticleToKnowledgeTag", "KnowledgeSearchHistory", "KnowledgeArticleAttachment",
  "KnowledgeArticleFeedback", "KnowledgeArticleView", "KnowledgeArticleRating",
  "KnowledgeArticleVersion", "KnowledgeArticle", "KnowledgeTag", "KnowledgeCategory",
  "FormSubmissionAttachment", "FormSubmission", "FormField", "CustomForm",
  "EmailAttachment", "EmailMessage", "EmailThread", "EmailAccount",
  "EventLog"
  CASCADE;

DROP TYPE IF EXISTS
  "SLAStatus", "SLABreachType", "KBCategory", "KnowledgeArticleStatus", "FormFieldType",
  "FormStatus", "FormSubmissionStatus", "EmailMessageStatus", "EmailMessageType", "EmailDirection";

DELETE FROM "_prisma_migrations"
 WHERE migration_name IN ('20240130000000_add_sla_tables', '20240201000000_add_notifications_and_consumers');
