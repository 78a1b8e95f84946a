-- nixflow core: users, workflows, tickets, comments, watchers, history.
-- Idempotent and additive: safe on an empty database, on one where this migration was
-- already applied, and on one where only some of its objects exist. It never drops anything.

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "UserRole" AS ENUM ('ADMIN', 'AGENT', 'CUSTOMER');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "UserRole" ADD VALUE IF NOT EXISTS 'ADMIN';
ALTER TYPE "UserRole" ADD VALUE IF NOT EXISTS 'AGENT';
ALTER TYPE "UserRole" ADD VALUE IF NOT EXISTS 'CUSTOMER';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "TicketStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'PENDING_CUSTOMER', 'ON_HOLD', 'RESOLVED', 'CLOSED');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "TicketStatus" ADD VALUE IF NOT EXISTS 'OPEN';
ALTER TYPE "TicketStatus" ADD VALUE IF NOT EXISTS 'IN_PROGRESS';
ALTER TYPE "TicketStatus" ADD VALUE IF NOT EXISTS 'PENDING_CUSTOMER';
ALTER TYPE "TicketStatus" ADD VALUE IF NOT EXISTS 'ON_HOLD';
ALTER TYPE "TicketStatus" ADD VALUE IF NOT EXISTS 'RESOLVED';
ALTER TYPE "TicketStatus" ADD VALUE IF NOT EXISTS 'CLOSED';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "TicketPriority" AS ENUM ('LOW', 'NORMAL', 'HIGH', 'URGENT');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "TicketPriority" ADD VALUE IF NOT EXISTS 'LOW';
ALTER TYPE "TicketPriority" ADD VALUE IF NOT EXISTS 'NORMAL';
ALTER TYPE "TicketPriority" ADD VALUE IF NOT EXISTS 'HIGH';
ALTER TYPE "TicketPriority" ADD VALUE IF NOT EXISTS 'URGENT';

-- CreateEnum
DO $$ BEGIN
    CREATE TYPE "TicketChannel" AS ENUM ('WEB', 'EMAIL', 'FORM', 'API');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TYPE "TicketChannel" ADD VALUE IF NOT EXISTS 'WEB';
ALTER TYPE "TicketChannel" ADD VALUE IF NOT EXISTS 'EMAIL';
ALTER TYPE "TicketChannel" ADD VALUE IF NOT EXISTS 'FORM';
ALTER TYPE "TicketChannel" ADD VALUE IF NOT EXISTS 'API';

-- CreateTable
CREATE TABLE IF NOT EXISTS "User" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "role" "UserRole" NOT NULL DEFAULT 'CUSTOMER',
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "tokenVersion" INTEGER NOT NULL DEFAULT 0,
    "lastLoginAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "email" TEXT NOT NULL;
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "name" TEXT NOT NULL;
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "passwordHash" TEXT;
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "role" "UserRole" NOT NULL DEFAULT 'CUSTOMER';
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "isActive" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "tokenVersion" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "lastLoginAt" TIMESTAMP(3);
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "deletedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE IF NOT EXISTS "Workflow" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Workflow_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Workflow" ADD COLUMN IF NOT EXISTS "name" TEXT NOT NULL;
ALTER TABLE "Workflow" ADD COLUMN IF NOT EXISTS "description" TEXT;
ALTER TABLE "Workflow" ADD COLUMN IF NOT EXISTS "isDefault" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Workflow" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "Workflow" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "Stage" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workflowId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "status" "TicketStatus",
    "isInitial" BOOLEAN NOT NULL DEFAULT false,
    "allowedTransitionIds" UUID[] DEFAULT ARRAY[]::UUID[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Stage_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Stage" ADD COLUMN IF NOT EXISTS "workflowId" UUID NOT NULL;
ALTER TABLE "Stage" ADD COLUMN IF NOT EXISTS "name" TEXT NOT NULL;
ALTER TABLE "Stage" ADD COLUMN IF NOT EXISTS "position" INTEGER NOT NULL;
ALTER TABLE "Stage" ADD COLUMN IF NOT EXISTS "status" "TicketStatus";
ALTER TABLE "Stage" ADD COLUMN IF NOT EXISTS "isInitial" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Stage" ADD COLUMN IF NOT EXISTS "allowedTransitionIds" UUID[] DEFAULT ARRAY[]::UUID[];
ALTER TABLE "Stage" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "Stage" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "Ticket" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" SERIAL NOT NULL,
    "subject" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "status" "TicketStatus" NOT NULL DEFAULT 'OPEN',
    "priority" "TicketPriority" NOT NULL DEFAULT 'NORMAL',
    "channel" "TicketChannel" NOT NULL DEFAULT 'WEB',
    "requesterId" UUID NOT NULL,
    "assigneeId" UUID,
    "workflowId" UUID,
    "stageId" UUID,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "version" INTEGER NOT NULL DEFAULT 1,
    "firstRespondedAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "Ticket_pkey" PRIMARY KEY ("id")
);
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'Ticket' AND column_name = 'number') THEN
        ALTER TABLE "Ticket" ADD COLUMN "number" SERIAL NOT NULL;
    END IF;
END $$;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "subject" TEXT NOT NULL;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "description" TEXT NOT NULL;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "status" "TicketStatus" NOT NULL DEFAULT 'OPEN';
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "priority" "TicketPriority" NOT NULL DEFAULT 'NORMAL';
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "channel" "TicketChannel" NOT NULL DEFAULT 'WEB';
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "requesterId" UUID NOT NULL;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "assigneeId" UUID;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "workflowId" UUID;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "stageId" UUID;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "version" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "firstRespondedAt" TIMESTAMP(3);
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "resolvedAt" TIMESTAMP(3);
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "closedAt" TIMESTAMP(3);
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "deletedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE IF NOT EXISTS "HistoryLog" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ticketId" UUID NOT NULL,
    "actorId" UUID,
    "action" TEXT NOT NULL,
    "field" TEXT,
    "oldValue" TEXT,
    "newValue" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HistoryLog_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "HistoryLog" ADD COLUMN IF NOT EXISTS "ticketId" UUID NOT NULL;
ALTER TABLE "HistoryLog" ADD COLUMN IF NOT EXISTS "actorId" UUID;
ALTER TABLE "HistoryLog" ADD COLUMN IF NOT EXISTS "action" TEXT NOT NULL;
ALTER TABLE "HistoryLog" ADD COLUMN IF NOT EXISTS "field" TEXT;
ALTER TABLE "HistoryLog" ADD COLUMN IF NOT EXISTS "oldValue" TEXT;
ALTER TABLE "HistoryLog" ADD COLUMN IF NOT EXISTS "newValue" TEXT;
ALTER TABLE "HistoryLog" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE IF NOT EXISTS "Comment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ticketId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "channel" "TicketChannel" NOT NULL DEFAULT 'WEB',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Comment" ADD COLUMN IF NOT EXISTS "ticketId" UUID NOT NULL;
ALTER TABLE "Comment" ADD COLUMN IF NOT EXISTS "authorId" UUID NOT NULL;
ALTER TABLE "Comment" ADD COLUMN IF NOT EXISTS "body" TEXT NOT NULL;
ALTER TABLE "Comment" ADD COLUMN IF NOT EXISTS "internal" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Comment" ADD COLUMN IF NOT EXISTS "channel" "TicketChannel" NOT NULL DEFAULT 'WEB';
ALTER TABLE "Comment" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "Comment" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "Comment" ADD COLUMN IF NOT EXISTS "deletedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE IF NOT EXISTS "TicketWatcher" (
    "ticketId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketWatcher_pkey" PRIMARY KEY ("ticketId","userId")
);
ALTER TABLE "TicketWatcher" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "User_role_idx" ON "User"("role");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "Workflow_name_key" ON "Workflow"("name");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Stage_workflowId_position_idx" ON "Stage"("workflowId", "position");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "Stage_workflowId_name_key" ON "Stage"("workflowId", "name");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "Ticket_number_key" ON "Ticket"("number");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Ticket_status_idx" ON "Ticket"("status");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Ticket_priority_idx" ON "Ticket"("priority");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Ticket_requesterId_idx" ON "Ticket"("requesterId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Ticket_assigneeId_idx" ON "Ticket"("assigneeId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Ticket_stageId_idx" ON "Ticket"("stageId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Ticket_createdAt_idx" ON "Ticket"("createdAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Ticket_tags_idx" ON "Ticket" USING GIN ("tags");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "HistoryLog_ticketId_createdAt_idx" ON "HistoryLog"("ticketId", "createdAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Comment_ticketId_createdAt_idx" ON "Comment"("ticketId", "createdAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Comment_authorId_idx" ON "Comment"("authorId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "TicketWatcher_userId_idx" ON "TicketWatcher"("userId");

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Stage_workflowId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Stage" ADD CONSTRAINT "Stage_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Ticket_requesterId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Ticket_assigneeId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Ticket_workflowId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Ticket_stageId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_stageId_fkey" FOREIGN KEY ("stageId") REFERENCES "Stage"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'HistoryLog_ticketId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "HistoryLog" ADD CONSTRAINT "HistoryLog_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'HistoryLog_actorId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "HistoryLog" ADD CONSTRAINT "HistoryLog_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Comment_ticketId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Comment" ADD CONSTRAINT "Comment_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Comment_authorId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Comment" ADD CONSTRAINT "Comment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'TicketWatcher_ticketId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "TicketWatcher" ADD CONSTRAINT "TicketWatcher_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'TicketWatcher_userId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "TicketWatcher" ADD CONSTRAINT "TicketWatcher_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $$;
