#!/usr/bin/env bash
# apply_sla_migration.sh — bring a nixflow database up to date and repair schema drift
# (e.g. "The table `public.SLAPolicy` does not exist", Prisma P2021/P2022). Safe to run twice.
# It only ever adds objects; it never drops anything. See SLA_MIGRATION_README.md.
#
# Usage: ./apply_sla_migration.sh [--check] [--no-backup] [--no-stop] [--help]
#   --check      dry run: report what is missing and stop (exit 0 when nothing is, 4 otherwise)
#   --no-backup  skip the pg_dump backup (not recommended)
#   --no-stop    do not stop/restart backend and worker under docker compose
# Exit codes: 0 ok · 1 usage or missing tool · 2 database unreachable · 3 migration failed
#             4 verification failed · 5 backup failed
set -uo pipefail
cd "$(dirname "$0")" || exit 1

CHECK=0 BACKUP=1 STOP=1
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    --no-backup) BACKUP=0 ;;
    --no-stop) STOP=0 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown option: $arg (see --help)" >&2; exit 1 ;;
  esac
done

say() { printf '[%s] %s\n' "$1" "$2"; }
compose() { if docker compose version >/dev/null 2>&1; then docker compose "$@"; else docker-compose "$@"; fi; }

# Step 1: find the database.
MODE=""
if [ -n "${DATABASE_URL:-}" ]; then
  MODE=local
  say 1/9 "Using DATABASE_URL: $(printf '%s' "$DATABASE_URL" | sed -E 's#//([^:@/]+):[^@/]*@#//\1:***@#')"
elif command -v docker >/dev/null 2>&1 && [ -n "$(compose ps -q db 2>/dev/null)" ]; then
  MODE=compose
  say 1/9 "DATABASE_URL is not set; using the docker compose service 'db'"
else
  say 1/9 "No database found: set DATABASE_URL (e.g. postgresql://user:pass@host:5432/nixflow) or start the stack with 'docker compose up -d db'."
  exit 2
fi

# Runs one of the database CLIs (packages/db) on the host, or inside the backend image under compose.
db_cli() {
  local cli="$1"; shift
  if [ "$MODE" = local ]; then
    if [ ! -f "packages/db/dist/src/cli/$cli.js" ]; then
      say "  " "Building the tools first (npm run build) …"
      (node scripts/ensure-install.mjs && npm run build --silent) >/dev/null || { say "  " "Build failed: run 'npm ci && npm run build' and read its errors."; exit 1; }
    fi
    node "packages/db/dist/src/cli/$cli.js" "$@"
  else
    compose run --rm --no-deps -T backend node "packages/db/dist/src/cli/$cli.js" "$@"
  fi
}

# Step 2: check.
say 2/9 "Checking the schema (db:verify) …"
db_cli verify; VERIFY=$?
if [ "$VERIFY" -eq 2 ]; then say 2/9 "The database is unreachable: check that it is running and that the URL, user and password are right."; exit 2; fi
if [ "$CHECK" -eq 1 ]; then
  if [ "$VERIFY" -eq 0 ]; then say 2/9 "Dry run: nothing is missing."; exit 0; fi
  say 2/9 "Dry run: the objects above are missing. Run without --check to repair."; exit 4
fi

# Step 3: back up.
if [ "$BACKUP" -eq 1 ]; then
  mkdir -p backups
  FILE="backups/nixflow-$(date -u +%Y%m%dT%H%M%SZ).sql"
  say 3/9 "Backing up to $FILE …"
  if [ "$MODE" = local ]; then
    command -v pg_dump >/dev/null 2>&1 || { say 3/9 "pg_dump not found: install the PostgreSQL client tools, or pass --no-backup."; exit 1; }
    pg_dump --no-owner "$DATABASE_URL" >"$FILE"
  else
    compose exec -T db sh -c 'pg_dump --no-owner -U "$POSTGRES_USER" "$POSTGRES_DB"' >"$FILE"
  fi
  if [ $? -ne 0 ] || [ ! -s "$FILE" ]; then say 3/9 "Backup failed: nothing was changed. Fix the error above or pass --no-backup."; exit 5; fi
  say 3/9 "Backup written ($(wc -c <"$FILE") bytes). Restore with: psql \"\$DATABASE_URL\" -f $FILE"
else
  say 3/9 "Backup skipped (--no-backup)."
fi

# Step 4: stop the application under compose.
STOPPED=0
if [ "$MODE" = compose ] && [ "$STOP" -eq 1 ]; then
  say 4/9 "Stopping backend and worker …"; compose stop backend worker && STOPPED=1
else
  say 4/9 "Not stopping services (not under compose, or --no-stop)."
fi

# Steps 5 and 6: apply pending migrations, repair drift, record history as Prisma does.
say 5/9 "Applying pending migrations and repairing drift (only adds objects) …"
db_cli migrate --repair; MIGRATE=$?
if [ "$MIGRATE" -ne 0 ]; then
  say 5/9 "Migration failed (exit $MIGRATE): the error is above; nothing of the failed migration was kept. See 'Troubleshooting' in SLA_MIGRATION_README.md."
  [ "$STOPPED" -eq 1 ] && compose start backend worker >/dev/null
  [ "$MIGRATE" -eq 2 ] && exit 2
  exit 3
fi
say 6/9 "Migration history recorded in _prisma_migrations."

# Step 7: regenerate the Prisma client where the source tree is present.
if [ "$MODE" = local ] && [ -f backend/prisma/schema.prisma ] && [ -d node_modules/prisma ]; then
  say 7/9 "Regenerating the Prisma client …"; node scripts/prisma-generate.mjs >/dev/null || say 7/9 "warning: prisma generate failed; run 'npm run prisma:generate'."
else
  say 7/9 "Prisma client regeneration not needed here."
fi

# Step 8: verify.
say 8/9 "Verifying …"
db_cli verify; VERIFY=$?
[ "$STOPPED" -eq 1 ] && { say 8/9 "Restarting backend and worker …"; compose start backend worker; }
if [ "$VERIFY" -ne 0 ]; then say 8/9 "Verification failed: the objects listed above are still missing. See SLA_MIGRATION_README.md."; exit 4; fi

# Step 9: show recent logs under compose.
if [ "$MODE" = compose ]; then
  sleep 3; say 9/9 "Last log lines:"; compose logs --tail 20 backend worker
else
  say 9/9 "Done. Restart the API and worker if they are running (npm start, or your service manager)."
fi
say OK "The database schema is complete."
exit 0
