-- SLA, knowledge base, custom forms, email integration and the event log.
-- Idempotent and additive: safe on an empty database, on one where this migration was
-- already applied, and on one where only some of its objects exist (the state seed 003
-- describes). It never drops anything. Rollback: rollback.sql beside this file (destroys data).

-- AddColumn: tickets created from a custom form
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "formId" UUID;

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "SLAStatus" AS ENUM ('ACTIVE', 'PAUSED', 'AT_RISK', 'MET', 'BREACHED', 'CANCELLED');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "SLAStatus" ADD VALUE IF NOT EXISTS 'ACTIVE';
ALTER TYPE "SLAStatus" ADD VALUE IF NOT EXISTS 'PAUSED';
ALTER TYPE "SLAStatus" ADD VALUE IF NOT EXISTS 'AT_RISK';
ALTER TYPE "SLAStatus" ADD VALUE IF NOT EXISTS 'MET';
ALTER TYPE "SLAStatus" ADD VALUE IF NOT EXISTS 'BREACHED';
ALTER TYPE "SLAStatus" ADD VALUE IF NOT EXISTS 'CANCELLED';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "SLABreachType" AS ENUM ('FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "SLABreachType" ADD VALUE IF NOT EXISTS 'FIRST_RESPONSE';
ALTER TYPE "SLABreachType" ADD VALUE IF NOT EXISTS 'NEXT_RESPONSE';
ALTER TYPE "SLABreachType" ADD VALUE IF NOT EXISTS 'RESOLUTION';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "KBCategory" AS ENUM ('GENERAL', 'FAQ', 'HOW_TO', 'TROUBLESHOOTING', 'POLICY', 'RELEASE_NOTES');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "KBCategory" ADD VALUE IF NOT EXISTS 'GENERAL';
ALTER TYPE "KBCategory" ADD VALUE IF NOT EXISTS 'FAQ';
ALTER TYPE "KBCategory" ADD VALUE IF NOT EXISTS 'HOW_TO';
ALTER TYPE "KBCategory" ADD VALUE IF NOT EXISTS 'TROUBLESHOOTING';
ALTER TYPE "KBCategory" ADD VALUE IF NOT EXISTS 'POLICY';
ALTER TYPE "KBCategory" ADD VALUE IF NOT EXISTS 'RELEASE_NOTES';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "KnowledgeArticleStatus" AS ENUM ('DRAFT', 'IN_REVIEW', 'PUBLISHED', 'ARCHIVED');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "KnowledgeArticleStatus" ADD VALUE IF NOT EXISTS 'DRAFT';
ALTER TYPE "KnowledgeArticleStatus" ADD VALUE IF NOT EXISTS 'IN_REVIEW';
ALTER TYPE "KnowledgeArticleStatus" ADD VALUE IF NOT EXISTS 'PUBLISHED';
ALTER TYPE "KnowledgeArticleStatus" ADD VALUE IF NOT EXISTS 'ARCHIVED';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "FormFieldType" AS ENUM ('TEXT', 'TEXTAREA', 'NUMBER', 'EMAIL', 'URL', 'PHONE', 'DATE', 'DATETIME', 'SELECT', 'MULTISELECT', 'CHECKBOX', 'RADIO', 'FILE');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'TEXT';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'TEXTAREA';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'NUMBER';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'EMAIL';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'URL';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'PHONE';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'DATE';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'DATETIME';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'SELECT';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'MULTISELECT';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'CHECKBOX';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'RADIO';
ALTER TYPE "FormFieldType" ADD VALUE IF NOT EXISTS 'FILE';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "FormStatus" AS ENUM ('DRAFT', 'PUBLISHED', 'ARCHIVED');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "FormStatus" ADD VALUE IF NOT EXISTS 'DRAFT';
ALTER TYPE "FormStatus" ADD VALUE IF NOT EXISTS 'PUBLISHED';
ALTER TYPE "FormStatus" ADD VALUE IF NOT EXISTS 'ARCHIVED';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "FormSubmissionStatus" AS ENUM ('RECEIVED', 'TICKET_CREATED', 'REJECTED', 'SPAM');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "FormSubmissionStatus" ADD VALUE IF NOT EXISTS 'RECEIVED';
ALTER TYPE "FormSubmissionStatus" ADD VALUE IF NOT EXISTS 'TICKET_CREATED';
ALTER TYPE "FormSubmissionStatus" ADD VALUE IF NOT EXISTS 'REJECTED';
ALTER TYPE "FormSubmissionStatus" ADD VALUE IF NOT EXISTS 'SPAM';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "EmailMessageStatus" AS ENUM ('RECEIVED', 'PROCESSED', 'FLAGGED', 'IGNORED', 'QUEUED', 'SENDING', 'SENT', 'FAILED');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "EmailMessageStatus" ADD VALUE IF NOT EXISTS 'RECEIVED';
ALTER TYPE "EmailMessageStatus" ADD VALUE IF NOT EXISTS 'PROCESSED';
ALTER TYPE "EmailMessageStatus" ADD VALUE IF NOT EXISTS 'FLAGGED';
ALTER TYPE "EmailMessageStatus" ADD VALUE IF NOT EXISTS 'IGNORED';
ALTER TYPE "EmailMessageStatus" ADD VALUE IF NOT EXISTS 'QUEUED';
ALTER TYPE "EmailMessageStatus" ADD VALUE IF NOT EXISTS 'SENDING';
ALTER TYPE "EmailMessageStatus" ADD VALUE IF NOT EXISTS 'SENT';
ALTER TYPE "EmailMessageStatus" ADD VALUE IF NOT EXISTS 'FAILED';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "EmailMessageType" AS ENUM ('NEW_TICKET', 'REPLY', 'AUTO_REPLY', 'BOUNCE', 'OUTBOUND_REPLY', 'NOTIFICATION');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "EmailMessageType" ADD VALUE IF NOT EXISTS 'NEW_TICKET';
ALTER TYPE "EmailMessageType" ADD VALUE IF NOT EXISTS 'REPLY';
ALTER TYPE "EmailMessageType" ADD VALUE IF NOT EXISTS 'AUTO_REPLY';
ALTER TYPE "EmailMessageType" ADD VALUE IF NOT EXISTS 'BOUNCE';
ALTER TYPE "EmailMessageType" ADD VALUE IF NOT EXISTS 'OUTBOUND_REPLY';
ALTER TYPE "EmailMessageType" ADD VALUE IF NOT EXISTS 'NOTIFICATION';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "EmailDirection" AS ENUM ('INBOUND', 'OUTBOUND');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "EmailDirection" ADD VALUE IF NOT EXISTS 'INBOUND';
ALTER TYPE "EmailDirection" ADD VALUE IF NOT EXISTS 'OUTBOUND';

-- CreateTable
CREATE TABLE IF NOT EXISTS "SLAPolicy" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,
    "conditions" JSONB NOT NULL DEFAULT '{}',
    "targets" JSONB NOT NULL DEFAULT '{}',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "businessHours" JSONB,
    "holidays" JSONB NOT NULL DEFAULT '[]',
    "pauseStatuses" "TicketStatus"[] DEFAULT ARRAY['PENDING_CUSTOMER', 'ON_HOLD']::"TicketStatus"[],
    "warningThresholdPercent" INTEGER NOT NULL DEFAULT 80,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "SLAPolicy_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "name" TEXT NOT NULL;
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "description" TEXT;
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "isActive" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "position" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "conditions" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "targets" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "timezone" TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "businessHours" JSONB;
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "holidays" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "pauseStatuses" "TicketStatus"[] DEFAULT ARRAY['PENDING_CUSTOMER', 'ON_HOLD']::"TicketStatus"[];
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "warningThresholdPercent" INTEGER NOT NULL DEFAULT 80;
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "version" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "SLAPolicy" ADD COLUMN IF NOT EXISTS "deletedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE IF NOT EXISTS "SLAMetric" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ticketId" UUID NOT NULL,
    "policyId" UUID NOT NULL,
    "policyVersion" INTEGER NOT NULL DEFAULT 1,
    "type" "SLABreachType" NOT NULL,
    "cycle" INTEGER NOT NULL DEFAULT 1,
    "targetMinutes" INTEGER NOT NULL,
    "status" "SLAStatus" NOT NULL DEFAULT 'ACTIVE',
    "startedAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "warningAt" TIMESTAMP(3),
    "pausedAt" TIMESTAMP(3),
    "pausedBusinessSeconds" INTEGER NOT NULL DEFAULT 0,
    "completedAt" TIMESTAMP(3),
    "breachedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SLAMetric_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "ticketId" UUID NOT NULL;
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "policyId" UUID NOT NULL;
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "policyVersion" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "type" "SLABreachType" NOT NULL;
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "cycle" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "targetMinutes" INTEGER NOT NULL;
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "status" "SLAStatus" NOT NULL DEFAULT 'ACTIVE';
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "startedAt" TIMESTAMP(3) NOT NULL;
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "dueAt" TIMESTAMP(3) NOT NULL;
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "warningAt" TIMESTAMP(3);
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "pausedAt" TIMESTAMP(3);
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "pausedBusinessSeconds" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "completedAt" TIMESTAMP(3);
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "breachedAt" TIMESTAMP(3);
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "SLAMetric" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "SLABreach" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ticketId" UUID NOT NULL,
    "metricId" UUID NOT NULL,
    "policyId" UUID NOT NULL,
    "type" "SLABreachType" NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "breachedAt" TIMESTAMP(3) NOT NULL,
    "detectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "notifiedAt" TIMESTAMP(3),
    "acknowledgedById" UUID,
    "acknowledgedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SLABreach_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "ticketId" UUID NOT NULL;
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "metricId" UUID NOT NULL;
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "policyId" UUID NOT NULL;
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "type" "SLABreachType" NOT NULL;
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "dueAt" TIMESTAMP(3) NOT NULL;
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "breachedAt" TIMESTAMP(3) NOT NULL;
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "detectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "notifiedAt" TIMESTAMP(3);
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "acknowledgedById" UUID;
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "acknowledgedAt" TIMESTAMP(3);
ALTER TABLE "SLABreach" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "KnowledgeCategory" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT,
    "kind" "KBCategory" NOT NULL DEFAULT 'GENERAL',
    "parentId" UUID,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnowledgeCategory_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "KnowledgeCategory" ADD COLUMN IF NOT EXISTS "name" TEXT NOT NULL;
ALTER TABLE "KnowledgeCategory" ADD COLUMN IF NOT EXISTS "slug" TEXT NOT NULL;
ALTER TABLE "KnowledgeCategory" ADD COLUMN IF NOT EXISTS "description" TEXT;
ALTER TABLE "KnowledgeCategory" ADD COLUMN IF NOT EXISTS "kind" "KBCategory" NOT NULL DEFAULT 'GENERAL';
ALTER TABLE "KnowledgeCategory" ADD COLUMN IF NOT EXISTS "parentId" UUID;
ALTER TABLE "KnowledgeCategory" ADD COLUMN IF NOT EXISTS "position" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "KnowledgeCategory" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "KnowledgeCategory" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "KnowledgeTag" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnowledgeTag_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "KnowledgeTag" ADD COLUMN IF NOT EXISTS "name" TEXT NOT NULL;
ALTER TABLE "KnowledgeTag" ADD COLUMN IF NOT EXISTS "slug" TEXT NOT NULL;
ALTER TABLE "KnowledgeTag" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "KnowledgeArticle" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "title" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "excerpt" TEXT,
    "status" "KnowledgeArticleStatus" NOT NULL DEFAULT 'DRAFT',
    "categoryId" UUID,
    "authorId" UUID NOT NULL,
    "currentVersion" INTEGER NOT NULL DEFAULT 1,
    "publishedAt" TIMESTAMP(3),
    "viewCount" INTEGER NOT NULL DEFAULT 0,
    "helpfulCount" INTEGER NOT NULL DEFAULT 0,
    "notHelpfulCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),
    "searchVector" tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce("title", '')), 'A') || setweight(to_tsvector('english', coalesce("excerpt", '')), 'B') || setweight(to_tsvector('english', coalesce("body", '')), 'C')) STORED,

    CONSTRAINT "KnowledgeArticle_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "title" TEXT NOT NULL;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "slug" TEXT NOT NULL;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "body" TEXT NOT NULL;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "excerpt" TEXT;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "status" "KnowledgeArticleStatus" NOT NULL DEFAULT 'DRAFT';
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "categoryId" UUID;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "authorId" UUID NOT NULL;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "currentVersion" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "publishedAt" TIMESTAMP(3);
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "viewCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "helpfulCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "notHelpfulCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "deletedAt" TIMESTAMP(3);
ALTER TABLE "KnowledgeArticle" ADD COLUMN IF NOT EXISTS "searchVector" tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce("title", '')), 'A') || setweight(to_tsvector('english', coalesce("excerpt", '')), 'B') || setweight(to_tsvector('english', coalesce("body", '')), 'C')) STORED;

-- CreateTable
CREATE TABLE IF NOT EXISTS "KnowledgeArticleVersion" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "articleId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "excerpt" TEXT,
    "authorId" UUID,
    "changeNote" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnowledgeArticleVersion_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "KnowledgeArticleVersion" ADD COLUMN IF NOT EXISTS "articleId" UUID NOT NULL;
ALTER TABLE "KnowledgeArticleVersion" ADD COLUMN IF NOT EXISTS "version" INTEGER NOT NULL;
ALTER TABLE "KnowledgeArticleVersion" ADD COLUMN IF NOT EXISTS "title" TEXT NOT NULL;
ALTER TABLE "KnowledgeArticleVersion" ADD COLUMN IF NOT EXISTS "body" TEXT NOT NULL;
ALTER TABLE "KnowledgeArticleVersion" ADD COLUMN IF NOT EXISTS "excerpt" TEXT;
ALTER TABLE "KnowledgeArticleVersion" ADD COLUMN IF NOT EXISTS "authorId" UUID;
ALTER TABLE "KnowledgeArticleVersion" ADD COLUMN IF NOT EXISTS "changeNote" TEXT;
ALTER TABLE "KnowledgeArticleVersion" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "KnowledgeArticleRating" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "articleId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "helpful" BOOLEAN,
    "score" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnowledgeArticleRating_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "KnowledgeArticleRating" ADD COLUMN IF NOT EXISTS "articleId" UUID NOT NULL;
ALTER TABLE "KnowledgeArticleRating" ADD COLUMN IF NOT EXISTS "userId" UUID NOT NULL;
ALTER TABLE "KnowledgeArticleRating" ADD COLUMN IF NOT EXISTS "helpful" BOOLEAN;
ALTER TABLE "KnowledgeArticleRating" ADD COLUMN IF NOT EXISTS "score" INTEGER;
ALTER TABLE "KnowledgeArticleRating" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "KnowledgeArticleRating" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "KnowledgeArticleView" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "articleId" UUID NOT NULL,
    "viewerKey" TEXT NOT NULL,
    "viewedOn" DATE NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnowledgeArticleView_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "KnowledgeArticleView" ADD COLUMN IF NOT EXISTS "articleId" UUID NOT NULL;
ALTER TABLE "KnowledgeArticleView" ADD COLUMN IF NOT EXISTS "viewerKey" TEXT NOT NULL;
ALTER TABLE "KnowledgeArticleView" ADD COLUMN IF NOT EXISTS "viewedOn" DATE NOT NULL;
ALTER TABLE "KnowledgeArticleView" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "KnowledgeArticleFeedback" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "articleId" UUID NOT NULL,
    "userId" UUID,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'NEW',
    "resolvedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnowledgeArticleFeedback_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "KnowledgeArticleFeedback" ADD COLUMN IF NOT EXISTS "articleId" UUID NOT NULL;
ALTER TABLE "KnowledgeArticleFeedback" ADD COLUMN IF NOT EXISTS "userId" UUID;
ALTER TABLE "KnowledgeArticleFeedback" ADD COLUMN IF NOT EXISTS "body" TEXT NOT NULL;
ALTER TABLE "KnowledgeArticleFeedback" ADD COLUMN IF NOT EXISTS "status" TEXT NOT NULL DEFAULT 'NEW';
ALTER TABLE "KnowledgeArticleFeedback" ADD COLUMN IF NOT EXISTS "resolvedAt" TIMESTAMP(3);
ALTER TABLE "KnowledgeArticleFeedback" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "KnowledgeArticleFeedback" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "KnowledgeArticleAttachment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "articleId" UUID NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "storagePath" TEXT NOT NULL,
    "sha256" TEXT,
    "uploadedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnowledgeArticleAttachment_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "KnowledgeArticleAttachment" ADD COLUMN IF NOT EXISTS "articleId" UUID NOT NULL;
ALTER TABLE "KnowledgeArticleAttachment" ADD COLUMN IF NOT EXISTS "fileName" TEXT NOT NULL;
ALTER TABLE "KnowledgeArticleAttachment" ADD COLUMN IF NOT EXISTS "contentType" TEXT NOT NULL;
ALTER TABLE "KnowledgeArticleAttachment" ADD COLUMN IF NOT EXISTS "sizeBytes" INTEGER NOT NULL;
ALTER TABLE "KnowledgeArticleAttachment" ADD COLUMN IF NOT EXISTS "storagePath" TEXT NOT NULL;
ALTER TABLE "KnowledgeArticleAttachment" ADD COLUMN IF NOT EXISTS "sha256" TEXT;
ALTER TABLE "KnowledgeArticleAttachment" ADD COLUMN IF NOT EXISTS "uploadedById" UUID;
ALTER TABLE "KnowledgeArticleAttachment" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "KnowledgeSearchHistory" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "query" TEXT NOT NULL,
    "normalizedQuery" TEXT NOT NULL,
    "resultCount" INTEGER NOT NULL,
    "userId" UUID,
    "clickedArticleId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnowledgeSearchHistory_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "KnowledgeSearchHistory" ADD COLUMN IF NOT EXISTS "query" TEXT NOT NULL;
ALTER TABLE "KnowledgeSearchHistory" ADD COLUMN IF NOT EXISTS "normalizedQuery" TEXT NOT NULL;
ALTER TABLE "KnowledgeSearchHistory" ADD COLUMN IF NOT EXISTS "resultCount" INTEGER NOT NULL;
ALTER TABLE "KnowledgeSearchHistory" ADD COLUMN IF NOT EXISTS "userId" UUID;
ALTER TABLE "KnowledgeSearchHistory" ADD COLUMN IF NOT EXISTS "clickedArticleId" UUID;
ALTER TABLE "KnowledgeSearchHistory" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "CustomForm" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT,
    "status" "FormStatus" NOT NULL DEFAULT 'DRAFT',
    "version" INTEGER NOT NULL DEFAULT 1,
    "publishedVersion" INTEGER,
    "allowAnonymous" BOOLEAN NOT NULL DEFAULT false,
    "ticketDefaults" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "CustomForm_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "CustomForm" ADD COLUMN IF NOT EXISTS "name" TEXT NOT NULL;
ALTER TABLE "CustomForm" ADD COLUMN IF NOT EXISTS "description" TEXT;
ALTER TABLE "CustomForm" ADD COLUMN IF NOT EXISTS "status" "FormStatus" NOT NULL DEFAULT 'DRAFT';
ALTER TABLE "CustomForm" ADD COLUMN IF NOT EXISTS "version" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "CustomForm" ADD COLUMN IF NOT EXISTS "publishedVersion" INTEGER;
ALTER TABLE "CustomForm" ADD COLUMN IF NOT EXISTS "allowAnonymous" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "CustomForm" ADD COLUMN IF NOT EXISTS "ticketDefaults" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "CustomForm" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "CustomForm" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "CustomForm" ADD COLUMN IF NOT EXISTS "deletedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE IF NOT EXISTS "FormField" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "formId" UUID NOT NULL,
    "formVersion" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "helpText" TEXT,
    "type" "FormFieldType" NOT NULL,
    "required" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL,
    "defaultValue" JSONB,
    "options" JSONB,
    "validation" JSONB,
    "visibleWhen" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FormField_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "formId" UUID NOT NULL;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "formVersion" INTEGER NOT NULL;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "key" TEXT NOT NULL;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "label" TEXT NOT NULL;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "helpText" TEXT;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "type" "FormFieldType" NOT NULL;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "required" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "position" INTEGER NOT NULL;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "defaultValue" JSONB;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "options" JSONB;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "validation" JSONB;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "visibleWhen" JSONB;
ALTER TABLE "FormField" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "FormSubmission" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "formId" UUID NOT NULL,
    "formVersion" INTEGER NOT NULL,
    "submitterId" UUID,
    "submitterEmail" TEXT,
    "answers" JSONB NOT NULL,
    "status" "FormSubmissionStatus" NOT NULL DEFAULT 'RECEIVED',
    "ticketId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FormSubmission_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "FormSubmission" ADD COLUMN IF NOT EXISTS "formId" UUID NOT NULL;
ALTER TABLE "FormSubmission" ADD COLUMN IF NOT EXISTS "formVersion" INTEGER NOT NULL;
ALTER TABLE "FormSubmission" ADD COLUMN IF NOT EXISTS "submitterId" UUID;
ALTER TABLE "FormSubmission" ADD COLUMN IF NOT EXISTS "submitterEmail" TEXT;
ALTER TABLE "FormSubmission" ADD COLUMN IF NOT EXISTS "answers" JSONB NOT NULL;
ALTER TABLE "FormSubmission" ADD COLUMN IF NOT EXISTS "status" "FormSubmissionStatus" NOT NULL DEFAULT 'RECEIVED';
ALTER TABLE "FormSubmission" ADD COLUMN IF NOT EXISTS "ticketId" UUID;
ALTER TABLE "FormSubmission" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "FormSubmission" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "FormSubmissionAttachment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "submissionId" UUID NOT NULL,
    "fieldKey" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "storagePath" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FormSubmissionAttachment_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "FormSubmissionAttachment" ADD COLUMN IF NOT EXISTS "submissionId" UUID NOT NULL;
ALTER TABLE "FormSubmissionAttachment" ADD COLUMN IF NOT EXISTS "fieldKey" TEXT NOT NULL;
ALTER TABLE "FormSubmissionAttachment" ADD COLUMN IF NOT EXISTS "fileName" TEXT NOT NULL;
ALTER TABLE "FormSubmissionAttachment" ADD COLUMN IF NOT EXISTS "contentType" TEXT NOT NULL;
ALTER TABLE "FormSubmissionAttachment" ADD COLUMN IF NOT EXISTS "sizeBytes" INTEGER NOT NULL;
ALTER TABLE "FormSubmissionAttachment" ADD COLUMN IF NOT EXISTS "storagePath" TEXT NOT NULL;
ALTER TABLE "FormSubmissionAttachment" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "EmailAccount" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "address" TEXT NOT NULL,
    "displayName" TEXT,
    "imapHost" TEXT,
    "imapPort" INTEGER,
    "imapTls" BOOLEAN NOT NULL DEFAULT true,
    "imapUser" TEXT,
    "imapPasswordEnc" TEXT,
    "imapFolder" TEXT NOT NULL DEFAULT 'INBOX',
    "pollIntervalSeconds" INTEGER NOT NULL DEFAULT 60,
    "imapUidValidity" BIGINT,
    "imapLastUid" BIGINT,
    "lastPolledAt" TIMESTAMP(3),
    "smtpHost" TEXT,
    "smtpPort" INTEGER,
    "smtpTls" BOOLEAN NOT NULL DEFAULT true,
    "smtpUser" TEXT,
    "smtpPasswordEnc" TEXT,
    "defaultWorkflowId" UUID,
    "defaultPriority" "TicketPriority" NOT NULL DEFAULT 'NORMAL',
    "inboundTokenHash" TEXT,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailAccount_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "address" TEXT NOT NULL;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "displayName" TEXT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "imapHost" TEXT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "imapPort" INTEGER;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "imapTls" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "imapUser" TEXT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "imapPasswordEnc" TEXT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "imapFolder" TEXT NOT NULL DEFAULT 'INBOX';
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "pollIntervalSeconds" INTEGER NOT NULL DEFAULT 60;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "imapUidValidity" BIGINT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "imapLastUid" BIGINT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "lastPolledAt" TIMESTAMP(3);
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "smtpHost" TEXT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "smtpPort" INTEGER;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "smtpTls" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "smtpUser" TEXT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "smtpPasswordEnc" TEXT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "defaultWorkflowId" UUID;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "defaultPriority" "TicketPriority" NOT NULL DEFAULT 'NORMAL';
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "inboundTokenHash" TEXT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "isActive" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "lastError" TEXT;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "EmailAccount" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "EmailThread" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "accountId" UUID NOT NULL,
    "ticketId" UUID,
    "subject" TEXT NOT NULL,
    "lastMessageAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailThread_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "EmailThread" ADD COLUMN IF NOT EXISTS "accountId" UUID NOT NULL;
ALTER TABLE "EmailThread" ADD COLUMN IF NOT EXISTS "ticketId" UUID;
ALTER TABLE "EmailThread" ADD COLUMN IF NOT EXISTS "subject" TEXT NOT NULL;
ALTER TABLE "EmailThread" ADD COLUMN IF NOT EXISTS "lastMessageAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "EmailThread" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "EmailMessage" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "accountId" UUID NOT NULL,
    "threadId" UUID,
    "ticketId" UUID,
    "commentId" UUID,
    "messageId" TEXT NOT NULL,
    "inReplyTo" TEXT,
    "references" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "direction" "EmailDirection" NOT NULL,
    "type" "EmailMessageType" NOT NULL,
    "status" "EmailMessageStatus" NOT NULL,
    "fromAddress" TEXT NOT NULL,
    "fromName" TEXT,
    "to" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "cc" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "subject" TEXT NOT NULL,
    "textBody" TEXT,
    "htmlBody" TEXT,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "flagReason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "receivedAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailMessage_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "accountId" UUID NOT NULL;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "threadId" UUID;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "ticketId" UUID;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "commentId" UUID;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "messageId" TEXT NOT NULL;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "inReplyTo" TEXT;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "references" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "direction" "EmailDirection" NOT NULL;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "type" "EmailMessageType" NOT NULL;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "status" "EmailMessageStatus" NOT NULL;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "fromAddress" TEXT NOT NULL;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "fromName" TEXT;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "to" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "cc" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "subject" TEXT NOT NULL;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "textBody" TEXT;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "htmlBody" TEXT;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "headers" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "flagReason" TEXT;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "lastError" TEXT;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "receivedAt" TIMESTAMP(3);
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "sentAt" TIMESTAMP(3);
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "EmailMessage" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "EmailAttachment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "messageId" UUID NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "storagePath" TEXT NOT NULL,
    "contentId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailAttachment_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "EmailAttachment" ADD COLUMN IF NOT EXISTS "messageId" UUID NOT NULL;
ALTER TABLE "EmailAttachment" ADD COLUMN IF NOT EXISTS "fileName" TEXT NOT NULL;
ALTER TABLE "EmailAttachment" ADD COLUMN IF NOT EXISTS "contentType" TEXT NOT NULL;
ALTER TABLE "EmailAttachment" ADD COLUMN IF NOT EXISTS "sizeBytes" INTEGER NOT NULL;
ALTER TABLE "EmailAttachment" ADD COLUMN IF NOT EXISTS "storagePath" TEXT NOT NULL;
ALTER TABLE "EmailAttachment" ADD COLUMN IF NOT EXISTS "contentId" TEXT;
ALTER TABLE "EmailAttachment" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "EventLog" (
    "id" BIGSERIAL NOT NULL,
    "txId" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint,
    "type" TEXT NOT NULL,
    "aggregateType" TEXT NOT NULL,
    "aggregateId" TEXT NOT NULL,
    "actorId" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EventLog_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "EventLog" ADD COLUMN IF NOT EXISTS "txId" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint;
ALTER TABLE "EventLog" ADD COLUMN IF NOT EXISTS "type" TEXT NOT NULL;
ALTER TABLE "EventLog" ADD COLUMN IF NOT EXISTS "aggregateType" TEXT NOT NULL;
ALTER TABLE "EventLog" ADD COLUMN IF NOT EXISTS "aggregateId" TEXT NOT NULL;
ALTER TABLE "EventLog" ADD COLUMN IF NOT EXISTS "actorId" TEXT;
ALTER TABLE "EventLog" ADD COLUMN IF NOT EXISTS "payload" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "EventLog" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "_KnowledgeArticleToKnowledgeTag" (
    "A" UUID NOT NULL,
    "B" UUID NOT NULL,

    CONSTRAINT "_KnowledgeArticleToKnowledgeTag_AB_pkey" PRIMARY KEY ("A","B")
);


-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "SLAPolicy_name_key" ON "SLAPolicy"("name");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "SLAPolicy_isActive_position_idx" ON "SLAPolicy"("isActive", "position");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "SLAMetric_status_dueAt_idx" ON "SLAMetric"("status", "dueAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "SLAMetric_status_warningAt_idx" ON "SLAMetric"("status", "warningAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "SLAMetric_policyId_idx" ON "SLAMetric"("policyId");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "SLAMetric_ticketId_type_cycle_key" ON "SLAMetric"("ticketId", "type", "cycle");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "SLABreach_metricId_key" ON "SLABreach"("metricId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "SLABreach_ticketId_idx" ON "SLABreach"("ticketId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "SLABreach_policyId_detectedAt_idx" ON "SLABreach"("policyId", "detectedAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "SLABreach_detectedAt_idx" ON "SLABreach"("detectedAt");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "KnowledgeCategory_slug_key" ON "KnowledgeCategory"("slug");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "KnowledgeCategory_parentId_position_idx" ON "KnowledgeCategory"("parentId", "position");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "KnowledgeTag_name_key" ON "KnowledgeTag"("name");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "KnowledgeTag_slug_key" ON "KnowledgeTag"("slug");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "KnowledgeArticle_slug_key" ON "KnowledgeArticle"("slug");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "KnowledgeArticle_status_publishedAt_idx" ON "KnowledgeArticle"("status", "publishedAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "KnowledgeArticle_categoryId_idx" ON "KnowledgeArticle"("categoryId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "KnowledgeArticle_authorId_idx" ON "KnowledgeArticle"("authorId");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "KnowledgeArticleVersion_articleId_version_key" ON "KnowledgeArticleVersion"("articleId", "version");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "KnowledgeArticleRating_articleId_userId_key" ON "KnowledgeArticleRating"("articleId", "userId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "KnowledgeArticleView_viewedOn_idx" ON "KnowledgeArticleView"("viewedOn");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "KnowledgeArticleView_articleId_viewerKey_viewedOn_key" ON "KnowledgeArticleView"("articleId", "viewerKey", "viewedOn");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "KnowledgeArticleFeedback_articleId_status_idx" ON "KnowledgeArticleFeedback"("articleId", "status");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "KnowledgeArticleAttachment_articleId_idx" ON "KnowledgeArticleAttachment"("articleId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "KnowledgeSearchHistory_normalizedQuery_idx" ON "KnowledgeSearchHistory"("normalizedQuery");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "KnowledgeSearchHistory_createdAt_idx" ON "KnowledgeSearchHistory"("createdAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "CustomForm_status_idx" ON "CustomForm"("status");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "FormField_formId_formVersion_position_idx" ON "FormField"("formId", "formVersion", "position");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "FormField_formId_formVersion_key_key" ON "FormField"("formId", "formVersion", "key");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "FormSubmission_ticketId_key" ON "FormSubmission"("ticketId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "FormSubmission_formId_createdAt_idx" ON "FormSubmission"("formId", "createdAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "FormSubmission_answers_idx" ON "FormSubmission" USING GIN ("answers");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "FormSubmissionAttachment_submissionId_idx" ON "FormSubmissionAttachment"("submissionId");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "EmailAccount_address_key" ON "EmailAccount"("address");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "EmailAccount_inboundTokenHash_key" ON "EmailAccount"("inboundTokenHash");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EmailThread_accountId_idx" ON "EmailThread"("accountId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EmailThread_ticketId_idx" ON "EmailThread"("ticketId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EmailMessage_messageId_idx" ON "EmailMessage"("messageId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EmailMessage_threadId_idx" ON "EmailMessage"("threadId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EmailMessage_ticketId_idx" ON "EmailMessage"("ticketId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EmailMessage_status_idx" ON "EmailMessage"("status");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "EmailMessage_accountId_messageId_key" ON "EmailMessage"("accountId", "messageId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EmailAttachment_messageId_idx" ON "EmailAttachment"("messageId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EventLog_txId_id_idx" ON "EventLog"("txId", "id");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EventLog_aggregateType_aggregateId_idx" ON "EventLog"("aggregateType", "aggregateId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "EventLog_type_createdAt_idx" ON "EventLog"("type", "createdAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "_KnowledgeArticleToKnowledgeTag_B_index" ON "_KnowledgeArticleToKnowledgeTag"("B");

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Ticket_formId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_formId_fkey" FOREIGN KEY ("formId") REFERENCES "CustomForm"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'SLAMetric_ticketId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "SLAMetric" ADD CONSTRAINT "SLAMetric_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'SLAMetric_policyId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "SLAMetric" ADD CONSTRAINT "SLAMetric_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "SLAPolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'SLABreach_ticketId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "SLABreach" ADD CONSTRAINT "SLABreach_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'SLABreach_metricId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "SLABreach" ADD CONSTRAINT "SLABreach_metricId_fkey" FOREIGN KEY ("metricId") REFERENCES "SLAMetric"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'SLABreach_policyId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "SLABreach" ADD CONSTRAINT "SLABreach_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "SLAPolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'SLABreach_acknowledgedById_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "SLABreach" ADD CONSTRAINT "SLABreach_acknowledgedById_fkey" FOREIGN KEY ("acknowledgedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeCategory_parentId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeCategory" ADD CONSTRAINT "KnowledgeCategory_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "KnowledgeCategory"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticle_categoryId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticle" ADD CONSTRAINT "KnowledgeArticle_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "KnowledgeCategory"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticle_authorId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticle" ADD CONSTRAINT "KnowledgeArticle_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticleVersion_articleId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticleVersion" ADD CONSTRAINT "KnowledgeArticleVersion_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "KnowledgeArticle"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticleVersion_authorId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticleVersion" ADD CONSTRAINT "KnowledgeArticleVersion_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticleRating_articleId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticleRating" ADD CONSTRAINT "KnowledgeArticleRating_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "KnowledgeArticle"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticleRating_userId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticleRating" ADD CONSTRAINT "KnowledgeArticleRating_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticleView_articleId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticleView" ADD CONSTRAINT "KnowledgeArticleView_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "KnowledgeArticle"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticleFeedback_articleId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticleFeedback" ADD CONSTRAINT "KnowledgeArticleFeedback_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "KnowledgeArticle"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticleFeedback_userId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticleFeedback" ADD CONSTRAINT "KnowledgeArticleFeedback_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticleAttachment_articleId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticleAttachment" ADD CONSTRAINT "KnowledgeArticleAttachment_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "KnowledgeArticle"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeArticleAttachment_uploadedById_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeArticleAttachment" ADD CONSTRAINT "KnowledgeArticleAttachment_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeSearchHistory_userId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeSearchHistory" ADD CONSTRAINT "KnowledgeSearchHistory_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'KnowledgeSearchHistory_clickedArticleId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "KnowledgeSearchHistory" ADD CONSTRAINT "KnowledgeSearchHistory_clickedArticleId_fkey" FOREIGN KEY ("clickedArticleId") REFERENCES "KnowledgeArticle"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'FormField_formId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "FormField" ADD CONSTRAINT "FormField_formId_fkey" FOREIGN KEY ("formId") REFERENCES "CustomForm"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'FormSubmission_formId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "FormSubmission" ADD CONSTRAINT "FormSubmission_formId_fkey" FOREIGN KEY ("formId") REFERENCES "CustomForm"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'FormSubmission_submitterId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "FormSubmission" ADD CONSTRAINT "FormSubmission_submitterId_fkey" FOREIGN KEY ("submitterId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'FormSubmission_ticketId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "FormSubmission" ADD CONSTRAINT "FormSubmission_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'FormSubmissionAttachment_submissionId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "FormSubmissionAttachment" ADD CONSTRAINT "FormSubmissionAttachment_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "FormSubmission"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'EmailAccount_defaultWorkflowId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "EmailAccount" ADD CONSTRAINT "EmailAccount_defaultWorkflowId_fkey" FOREIGN KEY ("defaultWorkflowId") REFERENCES "Workflow"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'EmailThread_accountId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "EmailThread" ADD CONSTRAINT "EmailThread_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'EmailThread_ticketId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "EmailThread" ADD CONSTRAINT "EmailThread_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'EmailMessage_accountId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "EmailMessage" ADD CONSTRAINT "EmailMessage_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'EmailMessage_threadId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "EmailMessage" ADD CONSTRAINT "EmailMessage_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "EmailThread"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'EmailMessage_ticketId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "EmailMessage" ADD CONSTRAINT "EmailMessage_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'EmailMessage_commentId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "EmailMessage" ADD CONSTRAINT "EmailMessage_commentId_fkey" FOREIGN KEY ("commentId") REFERENCES "Comment"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'EmailAttachment_messageId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "EmailAttachment" ADD CONSTRAINT "EmailAttachment_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "EmailMessage"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '_KnowledgeArticleToKnowledgeTag_A_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "_KnowledgeArticleToKnowledgeTag" ADD CONSTRAINT "_KnowledgeArticleToKnowledgeTag_A_fkey" FOREIGN KEY ("A") REFERENCES "KnowledgeArticle"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '_KnowledgeArticleToKnowledgeTag_B_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "_KnowledgeArticleToKnowledgeTag" ADD CONSTRAINT "_KnowledgeArticleToKnowledgeTag_B_fkey" FOREIGN KEY ("B") REFERENCES "KnowledgeTag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;


-- Search and SLA sweep support that the Prisma schema language cannot express
-- (listed in packages/db/src/verify/sql-only-objects.ts so that drift checks expect them).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX IF NOT EXISTS "KnowledgeArticle_searchVector_idx" ON "KnowledgeArticle" USING GIN ("searchVector");

CREATE INDEX IF NOT EXISTS "KnowledgeArticle_title_trgm_idx" ON "KnowledgeArticle" USING GIN ("title" gin_trgm_ops);

-- The SLA monitor only ever looks at open metrics: keep that index small and hot.
CREATE INDEX IF NOT EXISTS "SLAMetric_open_dueAt_idx" ON "SLAMetric" ("dueAt") WHERE "status" IN ('ACTIVE', 'AT_RISK');

CREATE INDEX IF NOT EXISTS "SLAMetric_open_warningAt_idx" ON "SLAMetric" ("warningAt") WHERE "status" = 'ACTIVE';
