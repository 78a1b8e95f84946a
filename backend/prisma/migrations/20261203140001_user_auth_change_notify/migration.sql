-- Every API instance caches (user -> tokenVersion, role, active, name, e-mail) for the bearer-token check
-- (backend/src/auth/user-auth-cache.ts) and drops an entry when this channel names the user. A trigger,
-- not the application, sends it: every writer (API, worker, scripts, psql) invalidates, and NOTIFY is
-- delivered at commit, so no instance can re-read the old row after the notice.
CREATE OR REPLACE FUNCTION "nixflow_user_auth_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('nixflow_user_auth_changed', OLD.id::text);
    RETURN OLD;
  END IF;
  PERFORM pg_notify('nixflow_user_auth_changed', NEW.id::text);
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS "User_auth_changed_update" ON "User";
CREATE TRIGGER "User_auth_changed_update" AFTER UPDATE ON "User" FOR EACH ROW
  WHEN (
    OLD."tokenVersion" IS DISTINCT FROM NEW."tokenVersion"
    OR OLD.role IS DISTINCT FROM NEW.role
    OR OLD."isActive" IS DISTINCT FROM NEW."isActive"
    OR OLD."deletedAt" IS DISTINCT FROM NEW."deletedAt"
    OR OLD.email IS DISTINCT FROM NEW.email
    OR OLD.name IS DISTINCT FROM NEW.name
    OR OLD.id IS DISTINCT FROM NEW.id
  )
  EXECUTE FUNCTION "nixflow_user_auth_changed"();

DROP TRIGGER IF EXISTS "User_auth_changed_delete" ON "User";
CREATE TRIGGER "User_auth_changed_delete" AFTER DELETE ON "User" FOR EACH ROW
  EXECUTE FUNCTION "nixflow_user_auth_changed"();
