-- Read-only checks for migration 20240130000000_add_sla_tables: one row per check, status 'ok' or
-- what is missing. Changes nothing (it runs in a read-only transaction).
--     psql "$DATABASE_URL" -f validation.sql
-- Every row must say ok. `npm run db:verify` compares everything (types, defaults, index columns,
-- delete actions); this is the quick check that needs nothing but psql.
BEGIN READ ONLY;

WITH expected (position, "table", columns, indexes) AS (
  VALUES
    (1, 'SLAPolicy',
     ARRAY['id', 'name', 'description', 'isActive', 'position', 'conditions', 'targets', 'timezone', 'businessHours', 'holidays', 'pauseStatuses', 'warningThresholdPercent', 'version', 'createdAt', 'updatedAt', 'deletedAt'],
     ARRAY['SLAPolicy_isActive_position_idx', 'SLAPolicy_name_key', 'SLAPolicy_pkey']),
    (2, 'SLAMetric',
     ARRAY['id', 'ticketId', 'policyId', 'policyVersion', 'type', 'cycle', 'targetMinutes', 'status', 'startedAt', 'dueAt', 'warningAt', 'pausedAt', 'pausedBusinessSeconds', 'completedAt', 'breachedAt', 'createdAt', 'updatedAt'],
     ARRAY['SLAMetric_open_dueAt_idx', 'SLAMetric_open_warningAt_idx', 'SLAMetric_pkey', 'SLAMetric_policyId_idx', 'SLAMetric_status_dueAt_idx', 'SLAMetric_status_warningAt_idx', 'SLAMetric_ticketId_type_cycle_key']),
    (3, 'SLABreach',
     ARRAY['id', 'ticketId', 'metricId', 'policyId', 'type', 'dueAt', 'breachedAt', 'detectedAt', 'notifiedAt', 'acknowledgedById', 'acknowledgedAt', 'createdAt'],
     ARRAY['SLABreach_detectedAt_idx', 'SLABreach_metricId_key', 'SLABreach_pkey', 'SLABreach_policyId_detectedAt_idx', 'SLABreach_ticketId_idx']),
    (4, 'KnowledgeCategory',
     ARRAY['id', 'name', 'slug', 'description', 'kind', 'parentId', 'position', 'createdAt', 'updatedAt'],
     ARRAY['KnowledgeCategory_parentId_position_idx', 'KnowledgeCategory_pkey', 'KnowledgeCategory_slug_key']),
    (5, 'KnowledgeTag',
     ARRAY['id', 'name', 'slug', 'createdAt'],
     ARRAY['KnowledgeTag_name_key', 'KnowledgeTag_pkey', 'KnowledgeTag_slug_key']),
    (6, 'KnowledgeArticle',
     ARRAY['id', 'title', 'slug', 'body', 'excerpt', 'status', 'categoryId', 'authorId', 'currentVersion', 'publishedAt', 'viewCount', 'helpfulCount', 'notHelpfulCount', 'createdAt', 'updatedAt', 'deletedAt', 'searchVector'],
     ARRAY['KnowledgeArticle_authorId_idx', 'KnowledgeArticle_categoryId_idx', 'KnowledgeArticle_pkey', 'KnowledgeArticle_searchVector_idx', 'KnowledgeArticle_slug_key', 'KnowledgeArticle_status_publishedAt_idx', 'KnowledgeArticle_title_trgm_idx']),
    (7, 'KnowledgeArticleVersion',
     ARRAY['id', 'articleId', 'version', 'title', 'body', 'excerpt', 'authorId', 'changeNote', 'createdAt'],
     ARRAY['KnowledgeArticleVersion_articleId_version_key', 'KnowledgeArticleVersion_pkey']),
    (8, 'KnowledgeArticleRating',
     ARRAY['id', 'articleId', 'userId', 'helpful', 'score', 'createdAt', 'updatedAt'],
     ARRAY['KnowledgeArticleRating_articleId_userId_key', 'KnowledgeArticleRating_pkey']),
    (9, 'KnowledgeArticleView',
     ARRAY['id', 'articleId', 'viewerKey', 'viewedOn', 'createdAt'],
     ARRAY['KnowledgeArticleView_articleId_viewerKey_viewedOn_key', 'KnowledgeArticleView_pkey', 'KnowledgeArticleView_viewedOn_idx']),
    (10, 'KnowledgeArticleFeedback',
     ARRAY['id', 'articleId', 'userId', 'body', 'status', 'resolvedAt', 'createdAt', 'updatedAt'],
     ARRAY['KnowledgeArticleFeedback_articleId_status_idx', 'KnowledgeArticleFeedback_pkey']),
    (11, 'KnowledgeArticleAttachment',
     ARRAY['id', 'articleId', 'fileName', 'contentType', 'sizeBytes', 'storagePath', 'sha256', 'uploadedById', 'createdAt'],
     ARRAY['KnowledgeArticleAttachment_articleId_idx', 'KnowledgeArticleAttachment_pkey']),
    (12, 'KnowledgeSearchHistory',
     ARRAY['id', 'query', 'normalizedQuery', 'resultCount', 'userId', 'clickedArticleId', 'createdAt'],
     ARRAY['KnowledgeSearchHistory_createdAt_idx', 'KnowledgeSearchHistory_normalizedQuery_idx', 'KnowledgeSearchHistory_pkey']),
    (13, 'CustomForm',
     ARRAY['id', 'name', 'description', 'status', 'version', 'publishedVersion', 'allowAnonymous', 'ticketDefaults', 'createdAt', 'updatedAt', 'deletedAt'],
     ARRAY['CustomForm_pkey', 'CustomForm_status_idx']),
    (14, 'FormField',
     ARRAY['id', 'formId', 'formVersion', 'key', 'label', 'helpText', 'type', 'required', 'position', 'defaultValue', 'options', 'validation', 'visibleWhen', 'createdAt'],
     ARRAY['FormField_formId_formVersion_key_key', 'FormField_formId_formVersion_position_idx', 'FormField_pkey']),
    (15, 'FormSubmission',
     ARRAY['id', 'formId', 'formVersion', 'submitterId', 'submitterEmail', 'answers', 'status', 'ticketId', 'createdAt', 'updatedAt'],
     ARRAY['FormSubmission_answers_idx', 'FormSubmission_formId_createdAt_idx', 'FormSubmission_pkey', 'FormSubmission_ticketId_key']),
    (16, 'FormSubmissionAttachment',
     ARRAY['id', 'submissionId', 'fieldKey', 'fileName', 'contentType', 'sizeBytes', 'storagePath', 'createdAt'],
     ARRAY['FormSubmissionAttachment_pkey', 'FormSubmissionAttachment_submissionId_idx']),
    (17, 'EmailAccount',
     ARRAY['id', 'address', 'displayName', 'imapHost', 'imapPort', 'imapTls', 'imapUser', 'imapPasswordEnc', 'imapFolder', 'pollIntervalSeconds', 'imapUidValidity', 'imapLastUid', 'lastPolledAt', 'smtpHost', 'smtpPort', 'smtpTls', 'smtpUser', 'smtpPasswordEnc', 'defaultWorkflowId', 'defaultPriority', 'inboundTokenHash', 'isActive', 'lastError', 'createdAt', 'updatedAt'],
     ARRAY['EmailAccount_address_key', 'EmailAccount_inboundTokenHash_key', 'EmailAccount_pkey']),
    (18, 'EmailThread',
     ARRAY['id', 'accountId', 'ticketId', 'subject', 'lastMessageAt', 'createdAt'],
     ARRAY['EmailThread_accountId_idx', 'EmailThread_pkey', 'EmailThread_ticketId_idx']),
    (19, 'EmailMessage',
     ARRAY['id', 'accountId', 'threadId', 'ticketId', 'commentId', 'messageId', 'inReplyTo', 'references', 'direction', 'type', 'status', 'fromAddress', 'fromName', 'to', 'cc', 'subject', 'textBody', 'htmlBody', 'headers', 'flagReason', 'attempts', 'lastError', 'receivedAt', 'sentAt', 'createdAt', 'updatedAt'],
     ARRAY['EmailMessage_accountId_messageId_key', 'EmailMessage_messageId_idx', 'EmailMessage_pkey', 'EmailMessage_status_idx', 'EmailMessage_threadId_idx', 'EmailMessage_ticketId_idx']),
    (20, 'EmailAttachment',
     ARRAY['id', 'messageId', 'fileName', 'contentType', 'sizeBytes', 'storagePath', 'contentId', 'createdAt'],
     ARRAY['EmailAttachment_messageId_idx', 'EmailAttachment_pkey']),
    (21, 'EventLog',
     ARRAY['id', 'txId', 'type', 'aggregateType', 'aggregateId', 'actorId', 'payload', 'createdAt'],
     ARRAY['EventLog_aggregateType_aggregateId_idx', 'EventLog_pkey', 'EventLog_txId_id_idx', 'EventLog_type_createdAt_idx']),
    (22, '_KnowledgeArticleToKnowledgeTag',
     ARRAY['A', 'B'],
     ARRAY['_KnowledgeArticleToKnowledgeTag_AB_pkey', '_KnowledgeArticleToKnowledgeTag_B_index'])
),
checks AS (
  SELECT e.position,
         'table ' || e."table" AS "check",
         CASE
           WHEN to_regclass(format('public.%I', e."table")) IS NULL THEN 'missing: the whole table'
           ELSE coalesce(
             'missing: ' || nullif(concat_ws(', ',
               (SELECT 'columns ' || string_agg(c, ', ') FROM unnest(e.columns) c
                 WHERE NOT EXISTS (SELECT 1 FROM information_schema.columns ic
                                    WHERE ic.table_schema = 'public' AND ic.table_name = e."table" AND ic.column_name = c)),
               (SELECT 'indexes ' || string_agg(i, ', ') FROM unnest(e.indexes) i
                 WHERE NOT EXISTS (SELECT 1 FROM pg_indexes pi
                                    WHERE pi.schemaname = 'public' AND pi.tablename = e."table" AND pi.indexname = i))
             ), ''),
             'ok')
         END AS status
    FROM expected e
  UNION ALL
  SELECT 100, 'column Ticket.formId',
         CASE WHEN EXISTS (SELECT 1 FROM information_schema.columns
                            WHERE table_schema = 'public' AND table_name = 'Ticket' AND column_name = 'formId')
              THEN 'ok' ELSE 'missing' END
  UNION ALL
  SELECT 101, 'foreign keys',
         coalesce('missing: ' || (SELECT string_agg(f, ', ') FROM unnest(ARRAY['EmailAccount_defaultWorkflowId_fkey', 'EmailAttachment_messageId_fkey', 'EmailMessage_accountId_fkey', 'EmailMessage_commentId_fkey', 'EmailMessage_threadId_fkey', 'EmailMessage_ticketId_fkey', 'EmailThread_accountId_fkey', 'EmailThread_ticketId_fkey', 'FormField_formId_fkey', 'FormSubmissionAttachment_submissionId_fkey', 'FormSubmission_formId_fkey', 'FormSubmission_submitterId_fkey', 'FormSubmission_ticketId_fkey', 'KnowledgeArticleAttachment_articleId_fkey', 'KnowledgeArticleAttachment_uploadedById_fkey', 'KnowledgeArticleFeedback_articleId_fkey', 'KnowledgeArticleFeedback_userId_fkey', 'KnowledgeArticleRating_articleId_fkey', 'KnowledgeArticleRating_userId_fkey', 'KnowledgeArticleVersion_articleId_fkey', 'KnowledgeArticleVersion_authorId_fkey', 'KnowledgeArticleView_articleId_fkey', 'KnowledgeArticle_authorId_fkey', 'KnowledgeArticle_categoryId_fkey', 'KnowledgeCategory_parentId_fkey', 'KnowledgeSearchHistory_clickedArticleId_fkey', 'KnowledgeSearchHistory_userId_fkey', 'SLABreach_acknowledgedById_fkey', 'SLABreach_metricId_fkey', 'SLABreach_policyId_fkey', 'SLABreach_ticketId_fkey', 'SLAMetric_policyId_fkey', 'SLAMetric_ticketId_fkey', 'Ticket_formId_fkey', '_KnowledgeArticleToKnowledgeTag_A_fkey', '_KnowledgeArticleToKnowledgeTag_B_fkey']) f
                                   WHERE NOT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND conname = f)),
                  'ok')
  UNION ALL
  SELECT 102, 'enum types',
         coalesce('missing: ' || (SELECT string_agg(t, ', ') FROM unnest(ARRAY[
                    'SLAStatus', 'SLABreachType', 'KBCategory', 'KnowledgeArticleStatus', 'FormFieldType', 'FormStatus',
                    'FormSubmissionStatus', 'EmailMessageStatus', 'EmailMessageType', 'EmailDirection']) t
                   WHERE to_regtype(format('public.%I', t)) IS NULL),
                  'ok')
  UNION ALL
  SELECT 103, 'extension pg_trgm',
         CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN 'ok' ELSE 'missing' END
  UNION ALL
  SELECT 104, 'recorded in _prisma_migrations',
         CASE
           WHEN to_regclass('public._prisma_migrations') IS NULL THEN 'missing: no _prisma_migrations table'
           WHEN EXISTS (SELECT 1 FROM "_prisma_migrations"
                         WHERE migration_name = '20240130000000_add_sla_tables'
                           AND finished_at IS NOT NULL AND rolled_back_at IS NULL) THEN 'ok'
           ELSE 'missing: not recorded as applied (run npm run db:migrate)'
         END
)
SELECT "check", status FROM checks ORDER BY position;

ROLLBACK;
