-- Post-migration checks for 20240130000000_add_sla_tables. Every row must say ok = true.
--   psql "$DATABASE_URL" -f validation.sql
-- (`npm run db:verify` does a complete comparison; this is the quick manual check.)
SELECT t AS "table", to_regclass(format('public.%I', t)) IS NOT NULL AS ok
  FROM unnest(ARRAY[
    'SLAPolicy', 'SLAMetric', 'SLABreach', 'KnowledgeCategory', 'KnowledgeTag', 'KnowledgeArticle',
    'KnowledgeArticleVersion', 'KnowledgeArticleRating', 'KnowledgeArticleView', 'KnowledgeArticleFeedback',
    'KnowledgeArticleAttachment', 'KnowledgeSearchHistory', 'CustomForm', 'FormField', 'FormSubmission',
    'FormSubmissionAttachment', 'EmailAccount', 'EmailMessage', 'EmailAttachment', 'EmailThread', 'EventLog'
  ]) AS t
UNION ALL
SELECT 'migration recorded', EXISTS (
  SELECT 1 FROM "_prisma_migrations"
   WHERE migration_name = '20240130000000_add_sla_tables' AND finished_at IS NOT NULL AND rolled_back_at IS NULL);
