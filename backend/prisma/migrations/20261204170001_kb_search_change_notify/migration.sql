-- Each API process keeps recent knowledge-base search results (backend/src/knowledge-base/kb-search-cache.ts)
-- and empties them on a notice naming one of the tables a search reads: the same channel and function as
-- the configuration caches (migration 20261204050001), statement-level, sent at commit by whoever writes.
-- KnowledgeArticle notifies on every column a search can show or filter on, not on the counters a reader
-- moves (views, ratings): an article read must not empty every instance's search cache. The generated
-- "searchVector" follows title and body, which are listed. kb-search-cache.e2e checks that this list is
-- every column of the table but those three, so that a column added later cannot be left out unseen.
DROP TRIGGER IF EXISTS "KnowledgeArticle_config_changed" ON "KnowledgeArticle";
CREATE TRIGGER "KnowledgeArticle_config_changed"
  AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF
    "id", "title", "slug", "body", "excerpt", "status", "categoryId", "authorId", "currentVersion",
    "publishedAt", "createdAt", "updatedAt", "deletedAt"
  ON "KnowledgeArticle" FOR EACH STATEMENT
  EXECUTE FUNCTION "nixflow_config_changed"();

DROP TRIGGER IF EXISTS "KnowledgeCategory_config_changed" ON "KnowledgeCategory";
CREATE TRIGGER "KnowledgeCategory_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "KnowledgeCategory"
  FOR EACH STATEMENT EXECUTE FUNCTION "nixflow_config_changed"();

DROP TRIGGER IF EXISTS "KnowledgeTag_config_changed" ON "KnowledgeTag";
CREATE TRIGGER "KnowledgeTag_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "KnowledgeTag"
  FOR EACH STATEMENT EXECUTE FUNCTION "nixflow_config_changed"();

DROP TRIGGER IF EXISTS "_KnowledgeArticleToKnowledgeTag_config_changed" ON "_KnowledgeArticleToKnowledgeTag";
CREATE TRIGGER "_KnowledgeArticleToKnowledgeTag_config_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "_KnowledgeArticleToKnowledgeTag"
  FOR EACH STATEMENT EXECUTE FUNCTION "nixflow_config_changed"();

-- The typo-correction vocabulary ("KnowledgeWord") changes only with the articles, through their triggers,
-- which notify above; a trigger of its own would fire on every view too (the vocabulary trigger's upsert
-- runs, with no rows, on every article update).
