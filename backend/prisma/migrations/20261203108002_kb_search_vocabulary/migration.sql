-- The knowledge base's vocabulary for typo-tolerant search: every word of the titles and bodies (simple
-- configuration: lower case, not stemmed, letters only, 3–40 characters) with how many articles use it,
-- counting published ones separately so that words of drafts never reach anonymous readers through a
-- "showing results for …" correction. A misspelt query word is looked up by trigram similarity here
-- (a small table) instead of scanning every article. Statement-level triggers with transition tables
-- keep the counts exact on insert, update (only rows whose title, body, status or deletion changed) and
-- delete, set-based, so bulk imports stay fast. Idempotent and additive: the backfill sets the counts
-- from the articles (a re-run computes the same numbers).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE IF NOT EXISTS "KnowledgeWord" (
    "word" TEXT NOT NULL,
    "publishedArticles" INTEGER NOT NULL DEFAULT 0,
    "articles" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "KnowledgeWord_pkey" PRIMARY KEY ("word")
);
CREATE INDEX IF NOT EXISTS "KnowledgeWord_word_trgm_idx" ON "KnowledgeWord" USING GIN ("word" gin_trgm_ops);

-- What anonymous readers and customers search (published, not deleted) has its own smaller full-text
-- index, so that their searches skip drafts and deleted articles without reading them.
CREATE INDEX IF NOT EXISTS "KnowledgeArticle_published_searchVector_idx" ON "KnowledgeArticle" USING GIN ("searchVector")
  WHERE "status" = 'PUBLISHED' AND "deletedAt" IS NULL;

-- The distinct vocabulary words of one article.
CREATE OR REPLACE FUNCTION "knowledge_article_words"(title TEXT, body TEXT) RETURNS SETOF TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT w FROM unnest(tsvector_to_array(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, '')))) AS w
  WHERE w ~ '^[[:alpha:]]{3,40}$'
$fn$;

CREATE OR REPLACE FUNCTION "knowledge_word_sync"() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  -- d: sign +1 for the new state of a row, -1 for the old one; only live (not deleted) rows count.
  IF TG_OP = 'INSERT' THEN
  INSERT INTO "KnowledgeWord" AS k ("word", "publishedArticles", "articles")
    SELECT w.word, sum(CASE WHEN d.published THEN d.sign ELSE 0 END)::int, sum(d.sign)::int
    FROM (SELECT 1 AS sign, n.title, n.body, n.status = 'PUBLISHED' AS published
          FROM new_rows n WHERE n."deletedAt" IS NULL) d,
      LATERAL "knowledge_article_words"(d.title, d.body) AS w(word)
    GROUP BY w.word
    HAVING sum(d.sign) <> 0 OR sum(CASE WHEN d.published THEN d.sign ELSE 0 END) <> 0
    -- Sorted, so that concurrent writers lock the word rows in the same order (no deadlock).
    ORDER BY w.word
  ON CONFLICT ("word") DO UPDATE
    SET "publishedArticles" = k."publishedArticles" + EXCLUDED."publishedArticles",
        "articles" = k."articles" + EXCLUDED."articles";
  ELSIF TG_OP = 'DELETE' THEN
  INSERT INTO "KnowledgeWord" AS k ("word", "publishedArticles", "articles")
    SELECT w.word, sum(CASE WHEN d.published THEN d.sign ELSE 0 END)::int, sum(d.sign)::int
    FROM (SELECT -1 AS sign, o.title, o.body, o.status = 'PUBLISHED' AS published
          FROM old_rows o WHERE o."deletedAt" IS NULL) d,
      LATERAL "knowledge_article_words"(d.title, d.body) AS w(word)
    GROUP BY w.word
    HAVING sum(d.sign) <> 0 OR sum(CASE WHEN d.published THEN d.sign ELSE 0 END) <> 0
    -- Sorted, so that concurrent writers lock the word rows in the same order (no deadlock).
    ORDER BY w.word
  ON CONFLICT ("word") DO UPDATE
    SET "publishedArticles" = k."publishedArticles" + EXCLUDED."publishedArticles",
        "articles" = k."articles" + EXCLUDED."articles";
  ELSE
    -- View counters and ratings update articles all the time: rows whose words and visibility did not
    -- change are skipped.
  INSERT INTO "KnowledgeWord" AS k ("word", "publishedArticles", "articles")
    SELECT w.word, sum(CASE WHEN d.published THEN d.sign ELSE 0 END)::int, sum(d.sign)::int
    FROM (SELECT s.sign, s.title, s.body, s.published
          FROM old_rows o JOIN new_rows n ON n.id = o.id,
          LATERAL (VALUES (-1, o.title, o.body, o.status = 'PUBLISHED', o."deletedAt" IS NULL),
                          (1, n.title, n.body, n.status = 'PUBLISHED', n."deletedAt" IS NULL))
            AS s(sign, title, body, published, live)
          WHERE s.live AND (o.title, o.body, o.status, o."deletedAt" IS NULL)
                           IS DISTINCT FROM (n.title, n.body, n.status, n."deletedAt" IS NULL)) d,
      LATERAL "knowledge_article_words"(d.title, d.body) AS w(word)
    GROUP BY w.word
    HAVING sum(d.sign) <> 0 OR sum(CASE WHEN d.published THEN d.sign ELSE 0 END) <> 0
    -- Sorted, so that concurrent writers lock the word rows in the same order (no deadlock).
    ORDER BY w.word
  ON CONFLICT ("word") DO UPDATE
    SET "publishedArticles" = k."publishedArticles" + EXCLUDED."publishedArticles",
        "articles" = k."articles" + EXCLUDED."articles";
  END IF;
  RETURN NULL;
END
$fn$;

-- Transition tables need one trigger per event.
DROP TRIGGER IF EXISTS "KnowledgeArticle_words_insert" ON "KnowledgeArticle";
CREATE TRIGGER "KnowledgeArticle_words_insert" AFTER INSERT ON "KnowledgeArticle"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "knowledge_word_sync"();
DROP TRIGGER IF EXISTS "KnowledgeArticle_words_update" ON "KnowledgeArticle";
CREATE TRIGGER "KnowledgeArticle_words_update" AFTER UPDATE ON "KnowledgeArticle"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "knowledge_word_sync"();
DROP TRIGGER IF EXISTS "KnowledgeArticle_words_delete" ON "KnowledgeArticle";
CREATE TRIGGER "KnowledgeArticle_words_delete" AFTER DELETE ON "KnowledgeArticle"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "knowledge_word_sync"();

-- Backfill (and repair): the counts from the articles as they are now; words no longer used go to 0.
WITH counted AS (
  SELECT w.word, count(*) FILTER (WHERE a.status = 'PUBLISHED')::int AS published, count(*)::int AS total
  FROM "KnowledgeArticle" a, LATERAL "knowledge_article_words"(a.title, a.body) AS w(word)
  WHERE a."deletedAt" IS NULL
  GROUP BY w.word
), upserted AS (
  INSERT INTO "KnowledgeWord" ("word", "publishedArticles", "articles")
    SELECT word, published, total FROM counted ORDER BY word
  ON CONFLICT ("word") DO UPDATE SET "publishedArticles" = EXCLUDED."publishedArticles", "articles" = EXCLUDED."articles"
  RETURNING "word"
)
UPDATE "KnowledgeWord" k SET "publishedArticles" = 0, "articles" = 0
WHERE (k."articles" <> 0 OR k."publishedArticles" <> 0)
  AND NOT EXISTS (SELECT 1 FROM counted c WHERE c.word = k."word");
