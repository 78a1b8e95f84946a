#!/usr/bin/env bash
# apply_sla_migration.sh - bring a nixflow database up to date and repair schema drift
# (e.g. "The table `public.SLAPolicy` does not exist", Prisma P2021/P2022). Safe to run twice.
# It only ever adds objects; it never drops anything. See SLA_MIGRATION_README.md.
#
# Usage: apply_sla_migration.sh [--check] [--no-backup] [--no-stop] [--help]
#   --check      dry run: report what is missing and stop (exit 0 when nothing is, 4 otherwise)
#   --no-backup  skip the pg_dump backup (not recommended)
#   --no-stop    do not stop/restart backend and worker under docker compose
# Database: DATABASE_DIRECT_URL (or DIRECT_URL) if set, else DATABASE_URL, else the docker compose
# service 'db' if it is running. Behind PgBouncer, set DATABASE_DIRECT_URL to PostgreSQL itself.
# Exit codes: 0 ok, 1 usage, missing tool or tooling failure, 2 database unreachable, 3 migration failed,
#             4 verification failed (or --check found something missing), 5 backup failed
set -uo pipefail
cd "$(dirname "$0")" || exit 1

CHECK=0 BACKUP=1 STOP=1
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    --no-backup) BACKUP=0 ;;
    --no-stop) STOP=0 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "Unknown option: $arg (see --help)" >&2; exit 1 ;;
  esac
done

say() { printf '[%s] %s\n' "$1" "$2"; }

COMPOSE=""
if docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"
elif command -v docker-compose >/dev/null 2>&1; then COMPOSE="docker-compose"; fi
compose() { $COMPOSE "$@"; }
# The compose services that run, as " svc1 svc2 " (a string, not a pipe: grep -q under pipefail can
# fail with SIGPIPE when it stops reading early).
running_services() {
  local list=""
  [ -n "$COMPOSE" ] && list="$(compose ps --services --filter status=running 2>/dev/null)"
  echo " $(echo $list) "
}

# Services stopped in step 4 are started again whatever happens next (error, Ctrl-C).
STOPPED=""
restart_services() {
  if [ -n "$STOPPED" ]; then
    say 8/9 "Restarting $STOPPED ..."
    # shellcheck disable=SC2086
    compose start $STOPPED
    STOPPED=""
  fi
}
trap restart_services EXIT

# Step 1: find the database.
MODE=""
if [ -n "${DATABASE_DIRECT_URL:-}${DIRECT_URL:-}${DATABASE_URL:-}" ]; then
  MODE=local
  if ! command -v node >/dev/null 2>&1; then
    say 1/9 "Node.js not found: install Node.js 20 or later, or run the stack under docker compose."
    exit 1
  fi
  node scripts/apply-sla-helper.mjs show-url
  if [ ! -f packages/db/dist/src/cli/verify.js ]; then
    say 1/9 "Building the tools first (npm run build) ..."
    (node scripts/ensure-install.mjs && npm run build --silent) >/dev/null
    if [ ! -f packages/db/dist/src/cli/verify.js ]; then
      say 1/9 "Build failed: run 'npm ci' and 'npm run build' and read their errors."
      exit 1
    fi
  fi
elif [[ "$(running_services)" == *" db "* ]]; then
  MODE=compose
  say 1/9 "DATABASE_URL is not set; using the docker compose service 'db'."
else
  say 1/9 "No database found: DATABASE_URL is not set and no docker compose service 'db' is running."
  say 1/9 "Set DATABASE_URL (e.g. postgresql://user:pass@host:5432/nixflow) or start the stack with 'docker compose up -d db'."
  exit 2
fi

# Runs one of the database CLIs (packages/db) on this machine, or under compose in a one-off container of
# the migrate service (its image holds the CLIs and its DATABASE_URL points at db directly, never through a
# pooler; a one-off container works whether backend and worker run or are stopped).
db_cli() {
  local cli="$1"
  shift
  if [ "$MODE" = local ]; then
    node "packages/db/dist/src/cli/$cli.js" "$@"
  else
    compose run --rm --no-deps -T migrate node "packages/db/dist/src/cli/$cli.js" "$@"
  fi
}
if [ "$MODE" = local ]; then
  RESOLVE="npm run db:migrate -- --resolve-rolled-back <name>"
  TOOLING="run 'npm ci' and 'npm run build', then this script again"
else
  RESOLVE="$COMPOSE run --rm migrate node packages/db/dist/src/cli/migrate.js --resolve-rolled-back <name>"
  TOOLING="rebuild the image ('$COMPOSE build migrate'), check that '$COMPOSE run --rm --no-deps migrate node packages/db/dist/src/cli/verify.js' runs, then this script again"
fi

# db:verify, shown as it runs; VERIFY is what its summary line says, not only its exit code (exit 1 is
# also how a crash ends): 0 all present, 1 something missing or different, 2 unreachable, 9 the tool
# failed before it could compare (no summary line).
verify_schema() {
  local out rc
  out="$(mktemp)"
  db_cli verify 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  if [ "$rc" -eq 2 ]; then VERIFY=2
  elif [ "$rc" -eq 0 ] && grep -Eq '^All [0-9]+ expected objects present' "$out"; then VERIFY=0
  elif [ "$rc" -eq 1 ] && grep -Eq '^[0-9]+ missing, [0-9]+ different, [0-9]+ of [0-9]+ expected objects present' "$out"; then VERIFY=1
  else VERIFY=9 VERIFY_EXIT=$rc; fi
  rm -f "$out"
}

# Step 2: check.
say 2/9 "Checking the schema (db:verify) ..."
verify_schema
if [ "$VERIFY" -eq 2 ]; then
  say 2/9 "The database is unreachable: check that it is running and that the URL, user and password are right."
  exit 2
fi
if [ "$VERIFY" -eq 9 ]; then
  say 2/9 "Tooling failed: db:verify did not compare the schema (exit $VERIFY_EXIT, error above); nothing was changed. To fix: $TOOLING."
  exit 1
fi
if [ "$CHECK" -eq 1 ]; then
  if [ "$VERIFY" -eq 0 ]; then say 2/9 "Dry run: nothing is missing."; exit 0; fi
  say 2/9 "Dry run: the objects listed above are missing. Run without --check to repair them."
  exit 4
fi
if [ "$VERIFY" -eq 0 ]; then say 2/9 "Nothing is missing; the next steps confirm that the history is complete."
else say 2/9 "The objects listed above are missing: step 5 adds them."; fi

# Step 3: back up.
BACKUP_FILE=""
if [ "$BACKUP" -eq 1 ]; then
  mkdir -p backups
  BACKUP_FILE="backups/nixflow-$(date -u +%Y%m%dT%H%M%SZ).sql"
  say 3/9 "Backing up to $BACKUP_FILE ..."
  if [ "$MODE" = local ]; then
    node scripts/apply-sla-helper.mjs pg-dump "$BACKUP_FILE"
    DUMP=$?
    if [ "$DUMP" -eq 127 ]; then
      rm -f "$BACKUP_FILE"
      say 3/9 "pg_dump not found: install the PostgreSQL client tools (the server's major version or newer), or pass --no-backup."
      exit 5
    fi
  else
    compose exec -T db sh -c 'pg_dump --no-owner --no-privileges -U "$POSTGRES_USER" "$POSTGRES_DB"' >"$BACKUP_FILE"
    DUMP=$?
  fi
  if [ "$DUMP" -ne 0 ] || [ ! -s "$BACKUP_FILE" ]; then
    rm -f "$BACKUP_FILE"
    say 3/9 "Backup failed: nothing was changed. Fix the error above, or pass --no-backup to go on without one."
    exit 5
  fi
  SIZE="$(wc -c <"$BACKUP_FILE" | tr -d ' ')"
  say 3/9 "Backup written: $BACKUP_FILE ($SIZE bytes)."
  say 3/9 "To restore it, into a new empty database: psql -v ON_ERROR_STOP=1 -d <empty database URL> -f $BACKUP_FILE"
else
  say 3/9 "Backup skipped (--no-backup)."
fi

# Step 4: stop the application under compose.
if [ "$MODE" != compose ]; then
  say 4/9 "Not under docker compose: nothing to stop (the migrations only add objects)."
elif [ "$STOP" -eq 0 ]; then
  say 4/9 "Not stopping services (--no-stop)."
else
  TO_STOP=""
  for svc in $(running_services); do
    case "$svc" in backend | worker) TO_STOP="${TO_STOP:+$TO_STOP }$svc" ;; esac
  done
  if [ -z "$TO_STOP" ]; then
    say 4/9 "backend and worker are not running: nothing to stop."
  else
    say 4/9 "Stopping $TO_STOP ..."
    # shellcheck disable=SC2086
    compose stop $TO_STOP && STOPPED="$TO_STOP"
  fi
fi

# Steps 5 and 6: apply pending migrations, repair drift, record history as Prisma does.
say 5/9 "Applying pending migrations and repairing drift (only adds objects) ..."
db_cli migrate --repair
MIGRATE=$?
if [ "$MIGRATE" -eq 2 ]; then
  say 5/9 "The database is unreachable: check that it is running and that the URL, user and password are right."
  exit 2
fi
if [ "$MIGRATE" -ne 0 ]; then
  say 5/9 "Migration failed (exit $MIGRATE): the error is above. A failed migration is rolled back as a whole."
  say 5/9 "If a failed migration blocks the runner (P3009): fix its cause, then run: $RESOLVE"
  say 5/9 "and run this script again. See 'Troubleshooting' in SLA_MIGRATION_README.md."
  exit 3
fi
say 6/9 "Migration history (_prisma_migrations, recorded as Prisma does):"
db_cli status

# Step 7: regenerate the Prisma client where the source tree is present and it is older than the schema.
if [ "$MODE" = local ] && [ -f backend/prisma/schema.prisma ] && [ -d node_modules/prisma ]; then
  if node scripts/apply-sla-helper.mjs client-stale; then
    say 7/9 "Regenerating the Prisma client (npm run build) ..."
    npm run build --silent >/dev/null || say 7/9 "Warning: the build failed; run 'npm run build' and read its errors."
  else
    say 7/9 "The Prisma client is up to date with schema.prisma."
  fi
else
  say 7/9 "No source tree here: the Prisma client ships with the build."
fi

# Step 8: verify.
say 8/9 "Verifying (db:verify) ..."
verify_schema
restart_services
if [ "$VERIFY" -eq 2 ]; then
  say 8/9 "The database is unreachable: check that it is running and that the URL, user and password are right."
  exit 2
fi
if [ "$VERIFY" -eq 9 ]; then
  say 8/9 "Tooling failed: db:verify did not compare the schema (exit $VERIFY_EXIT, error above); the repair ran. To fix: $TOOLING."
  exit 1
fi
if [ "$VERIFY" -ne 0 ]; then
  say 8/9 "Verification failed: the objects listed above are still missing. Nothing was dropped. See SLA_MIGRATION_README.md."
  exit 4
fi

# Step 9: show recent logs under compose.
if [ "$MODE" = compose ]; then
  sleep 5
  say 9/9 "Last log lines of backend and worker:"
  compose logs --no-color --tail 20 backend worker
else
  say 9/9 "Done. Restart the API and worker if they run (npm start, or your service manager)."
fi
say OK "The database schema is complete."
exit 0
