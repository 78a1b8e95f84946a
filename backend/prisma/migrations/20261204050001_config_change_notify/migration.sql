-- Every process caches the configuration a ticket write reads (SLA policies, the default workflow and its
-- stages, routing rules: packages/domain/src/common/config-cache.ts) and reloads it after a notice on
-- this channel naming the table. A trigger, not the application, sends it: every writer (API, worker,
-- scripts, psql) invalidates, and NOTIFY is delivered at commit, so no process can keep the old rows after
-- the notice. Statement-level: one notice per statement whatever the number of rows (NOTIFY also folds
-- identical notices of one transaction into one). TRUNCATE too: it empties a table without DELETE.
CREATE OR REPLACE FUNCTION "nixflow_config_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('nixflow_config_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS "SLAPolicy_config_changed" ON "SLAPolicy";
CREATE TRIGGER "SLAPolicy_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "SLAPolicy" FOR EACH STATEMENT
  EXECUTE FUNCTION "nixflow_config_changed"();

DROP TRIGGER IF EXISTS "Workflow_config_changed" ON "Workflow";
CREATE TRIGGER "Workflow_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Workflow" FOR EACH STATEMENT
  EXECUTE FUNCTION "nixflow_config_changed"();

DROP TRIGGER IF EXISTS "Stage_config_changed" ON "Stage";
CREATE TRIGGER "Stage_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Stage" FOR EACH STATEMENT
  EXECUTE FUNCTION "nixflow_config_changed"();

DROP TRIGGER IF EXISTS "RoutingRule_config_changed" ON "RoutingRule";
CREATE TRIGGER "RoutingRule_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "RoutingRule" FOR EACH STATEMENT
  EXECUTE FUNCTION "nixflow_config_changed"();
