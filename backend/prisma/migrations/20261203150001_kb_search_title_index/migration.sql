-- Full-text index of article titles alone, so that KB search can put title matches among the articles it
-- ranks without reading every match: a common word matches thousands of articles, of which search ranks
-- a bounded set (see KbSearchService.fulltext). The expression must stay exactly the one the search uses
-- (to_tsvector('english'::regconfig, title)). Not partial: readers (published only) and staff (drafts too)
-- share it. Idempotent and additive.
CREATE INDEX IF NOT EXISTS "KnowledgeArticle_title_tsv_idx" ON "KnowledgeArticle"
  USING GIN (to_tsvector('english'::regconfig, "title"));
