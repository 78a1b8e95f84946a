-- Anonymous form submissions keep the e-mail they gave as an unverified contact (never attached to an
-- existing account). Existing rows were made by signed-in users or matched accounts: verified.
ALTER TABLE "FormSubmission" ADD COLUMN IF NOT EXISTS "submitterEmailVerified" BOOLEAN NOT NULL DEFAULT true;
