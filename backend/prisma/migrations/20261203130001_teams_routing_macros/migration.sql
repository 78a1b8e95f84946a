-- Teams, routing rules, auto-assignment and macros (#23). Additive and idempotent.

-- CreateEnum
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'AssignmentMode' AND typnamespace = current_schema()::regnamespace) THEN
        CREATE TYPE "AssignmentMode" AS ENUM ('NONE', 'ROUND_ROBIN', 'LEAST_OPEN');
    END IF;
END $$;

-- AlterTable: an agent's availability for auto-assignment.
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "isAway" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "maxOpenTickets" INTEGER;

-- CreateTable
CREATE TABLE IF NOT EXISTS "Team" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "assignmentMode" "AssignmentMode" NOT NULL DEFAULT 'NONE',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "businessHours" JSONB,
    "holidays" JSONB NOT NULL DEFAULT '[]',
    "lastAssignedUserId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE IF NOT EXISTS "TeamMember" (
    "teamId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeamMember_pkey" PRIMARY KEY ("teamId","userId")
);

-- CreateTable
CREATE TABLE IF NOT EXISTS "RoutingRule" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "conditions" JSONB NOT NULL DEFAULT '{}',
    "setTeamId" UUID,
    "setPriority" "TicketPriority",
    "addTags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoutingRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE IF NOT EXISTS "Macro" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "ownerId" UUID,
    "teamId" UUID,
    "setStatus" "TicketStatus",
    "setPriority" "TicketPriority",
    "setTeamId" UUID,
    "addTags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Macro_pkey" PRIMARY KEY ("id")
);

-- Nullable columns again: a table that exists from a partial earlier run may lack them.
ALTER TABLE "Team" ADD COLUMN IF NOT EXISTS "description" TEXT;
ALTER TABLE "Team" ADD COLUMN IF NOT EXISTS "businessHours" JSONB;
ALTER TABLE "Team" ADD COLUMN IF NOT EXISTS "lastAssignedUserId" UUID;
ALTER TABLE "RoutingRule" ADD COLUMN IF NOT EXISTS "setTeamId" UUID;
ALTER TABLE "RoutingRule" ADD COLUMN IF NOT EXISTS "setPriority" "TicketPriority";
ALTER TABLE "RoutingRule" ADD COLUMN IF NOT EXISTS "addTags" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "Macro" ADD COLUMN IF NOT EXISTS "ownerId" UUID;
ALTER TABLE "Macro" ADD COLUMN IF NOT EXISTS "teamId" UUID;
ALTER TABLE "Macro" ADD COLUMN IF NOT EXISTS "setStatus" "TicketStatus";
ALTER TABLE "Macro" ADD COLUMN IF NOT EXISTS "setPriority" "TicketPriority";
ALTER TABLE "Macro" ADD COLUMN IF NOT EXISTS "setTeamId" UUID;
ALTER TABLE "Macro" ADD COLUMN IF NOT EXISTS "addTags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "teamId" UUID;

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "Team_name_key" ON "Team"("name");
CREATE INDEX IF NOT EXISTS "TeamMember_userId_idx" ON "TeamMember"("userId");
CREATE INDEX IF NOT EXISTS "RoutingRule_isActive_position_idx" ON "RoutingRule"("isActive", "position");
CREATE INDEX IF NOT EXISTS "RoutingRule_setTeamId_idx" ON "RoutingRule"("setTeamId");
CREATE INDEX IF NOT EXISTS "Macro_ownerId_idx" ON "Macro"("ownerId");
CREATE INDEX IF NOT EXISTS "Macro_teamId_idx" ON "Macro"("teamId");
CREATE INDEX IF NOT EXISTS "Macro_setTeamId_idx" ON "Macro"("setTeamId");
-- Team filters and the sidebar's counts per team and status.
CREATE INDEX IF NOT EXISTS "Ticket_teamId_status_idx" ON "Ticket"("teamId", "status");

-- AddForeignKey
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'TeamMember_teamId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'TeamMember_userId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'RoutingRule_setTeamId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "RoutingRule" ADD CONSTRAINT "RoutingRule_setTeamId_fkey" FOREIGN KEY ("setTeamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Macro_ownerId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Macro" ADD CONSTRAINT "Macro_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Macro_teamId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Macro" ADD CONSTRAINT "Macro_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Macro_setTeamId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Macro" ADD CONSTRAINT "Macro_setTeamId_fkey" FOREIGN KEY ("setTeamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Ticket_teamId_fkey' AND connamespace = current_schema()::regnamespace) THEN
        ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- Forms: ticketDefaults.assigneeGroup (free text, never used) becomes ticketDefaults.teamId. Each distinct
-- group name becomes a team of that name (no members, no auto-assignment); a re-run finds no group left.
INSERT INTO "Team" ("name")
SELECT DISTINCT btrim(f."ticketDefaults"->>'assigneeGroup')
FROM "CustomForm" f
WHERE jsonb_typeof(f."ticketDefaults"->'assigneeGroup') = 'string' AND btrim(f."ticketDefaults"->>'assigneeGroup') <> ''
ON CONFLICT ("name") DO NOTHING;

UPDATE "CustomForm" f
SET "ticketDefaults" = (f."ticketDefaults" - 'assigneeGroup')
    || COALESCE((SELECT jsonb_build_object('teamId', t."id"::text) FROM "Team" t
                 WHERE t."name" = btrim(f."ticketDefaults"->>'assigneeGroup')), '{}'::jsonb)
WHERE f."ticketDefaults" ? 'assigneeGroup';
