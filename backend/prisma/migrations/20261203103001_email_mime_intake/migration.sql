-- E-mail intake keeps what customers sent: the sanitised HTML of a mail that opened a ticket or became a
-- comment, and inline images (cid:) as attachments marked inline. Additive and idempotent.
ALTER TABLE "Ticket" ADD COLUMN IF NOT EXISTS "descriptionHtml" TEXT;
ALTER TABLE "Comment" ADD COLUMN IF NOT EXISTS "bodyHtml" TEXT;
ALTER TABLE "EmailAttachment" ADD COLUMN IF NOT EXISTS "inline" BOOLEAN NOT NULL DEFAULT false;
