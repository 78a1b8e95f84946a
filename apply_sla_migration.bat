@echo off
REM apply_sla_migration.bat - bring a nixflow database up to date and repair schema drift
REM Same steps, options, messages and exit codes as apply_sla_migration.sh (see --help).
REM It only ever adds objects; it never drops anything. See SLA_MIGRATION_README.md.
setlocal EnableExtensions EnableDelayedExpansion
cd /d "%~dp0"

set "CHECK=0"
set "BACKUP=1"
set "STOP=1"
:parse
if "%~1"=="" goto parsed
if /i "%~1"=="--check" (set "CHECK=1" & shift & goto parse)
if /i "%~1"=="--no-backup" (set "BACKUP=0" & shift & goto parse)
if /i "%~1"=="--no-stop" (set "STOP=0" & shift & goto parse)
if /i "%~1"=="--help" goto help
if /i "%~1"=="-h" goto help
echo Unknown option: %~1 (see --help) 1>&2
exit /b 1

:help
echo apply_sla_migration.bat - bring a nixflow database up to date and repair schema drift
echo (e.g. "The table `public.SLAPolicy` does not exist", Prisma P2021/P2022). Safe to run twice.
echo It only ever adds objects; it never drops anything. See SLA_MIGRATION_README.md.
echo.
echo Usage: apply_sla_migration.bat [--check] [--no-backup] [--no-stop] [--help]
echo   --check      dry run: report what is missing and stop (exit 0 when nothing is, 4 otherwise)
echo   --no-backup  skip the pg_dump backup (not recommended)
echo   --no-stop    do not stop/restart backend and worker under docker compose
echo Database: DATABASE_DIRECT_URL (or DIRECT_URL) if set, else DATABASE_URL, else the docker compose
echo service 'db' if it is running. Behind PgBouncer, set DATABASE_DIRECT_URL to PostgreSQL itself.
echo Exit codes: 0 ok, 1 usage, missing tool or tooling failure, 2 database unreachable, 3 migration failed,
echo             4 verification failed (or --check found something missing), 5 backup failed
exit /b 0

:parsed
set "COMPOSE="
docker compose version >nul 2>&1
if not errorlevel 1 set "COMPOSE=docker compose"
if defined COMPOSE goto compose_known
docker-compose version >nul 2>&1
if not errorlevel 1 set "COMPOSE=docker-compose"
:compose_known
set "STOPPED="

REM Step 1: find the database.
set "MODE="
if defined DATABASE_DIRECT_URL goto use_url
if defined DIRECT_URL goto use_url
if defined DATABASE_URL goto use_url
call :running_services
set "HAS_DB="
for %%s in (!RUNNING!) do if "%%s"=="db" set "HAS_DB=1"
if defined HAS_DB (
  set "MODE=compose"
  echo [1/9] DATABASE_URL is not set; using the docker compose service 'db'.
  set "RESOLVE=%COMPOSE% run --rm migrate node packages/db/dist/src/cli/migrate.js --resolve-rolled-back <name>"
  set "TOOLING=rebuild the image ('%COMPOSE% build migrate'), check that '%COMPOSE% run --rm --no-deps migrate node packages/db/dist/src/cli/verify.js' runs, then this script again"
  goto step2
)
echo [1/9] No database found: DATABASE_URL is not set and no docker compose service 'db' is running.
echo [1/9] Set DATABASE_URL (e.g. postgresql://user:pass@host:5432/nixflow) or start the stack with 'docker compose up -d db'.
exit /b 2

:use_url
set "MODE=local"
set "RESOLVE=npm run db:migrate -- --resolve-rolled-back <name>"
set "TOOLING=run 'npm ci' and 'npm run build', then this script again"
node --version >nul 2>&1
if errorlevel 1 (
  echo [1/9] Node.js not found: install Node.js 20 or later, or run the stack under docker compose.
  exit /b 1
)
REM The helper reads DATABASE_URL from the environment: ! and % in passwords never meet cmd parsing.
node scripts/apply-sla-helper.mjs show-url
if exist packages\db\dist\src\cli\verify.js goto step2
echo [1/9] Building the tools first (npm run build) ...
call node scripts\ensure-install.mjs >nul
call npm run build --silent >nul
if exist packages\db\dist\src\cli\verify.js goto step2
echo [1/9] Build failed: run 'npm ci' and 'npm run build' and read their errors.
exit /b 1

REM Step 2: check.
:step2
echo [2/9] Checking the schema (db:verify) ...
call :verify_schema
if "!VERIFY!"=="2" (
  echo [2/9] The database is unreachable: check that it is running and that the URL, user and password are right.
  exit /b 2
)
if not "!VERIFY!"=="9" goto step2_checked
echo [2/9] Tooling failed: db:verify did not compare the schema ^(exit !VERIFY_EXIT!, error above^); nothing was changed. To fix: !TOOLING!.
exit /b 1
:step2_checked
if "%CHECK%"=="0" goto step2_report
if "!VERIFY!"=="0" (
  echo [2/9] Dry run: nothing is missing.
  exit /b 0
)
echo [2/9] Dry run: the objects listed above are missing. Run without --check to repair them.
exit /b 4

:step2_report
if "!VERIFY!"=="0" (
  echo [2/9] Nothing is missing; the next steps confirm that the history is complete.
) else (
  echo [2/9] The objects listed above are missing: step 5 adds them.
)

REM Step 3: back up.
:step3
set "BACKUP_FILE="
if "%BACKUP%"=="1" goto backup
echo [3/9] Backup skipped (--no-backup).
goto step4
:backup
if not exist backups mkdir backups
set "STAMP="
for /f "delims=" %%t in ('powershell -NoProfile -Command "(Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ')"') do set "STAMP=%%t"
if not defined STAMP set "STAMP=%RANDOM%%RANDOM%"
set "BACKUP_FILE=backups\nixflow-!STAMP!.sql"
echo [3/9] Backing up to !BACKUP_FILE! ...
if "%MODE%"=="compose" goto backup_compose
REM (forward slashes: node takes them on Windows too)
node scripts/apply-sla-helper.mjs pg-dump "backups/nixflow-!STAMP!.sql"
set "DUMP=!ERRORLEVEL!"
if not "!DUMP!"=="127" goto backup_check
if exist "!BACKUP_FILE!" del /q "!BACKUP_FILE!"
echo [3/9] pg_dump not found: install the PostgreSQL client tools (the server's major version or newer), or pass --no-backup.
exit /b 5
:backup_compose
%COMPOSE% exec -T db sh -c "pg_dump --no-owner --no-privileges -U $POSTGRES_USER $POSTGRES_DB" > "!BACKUP_FILE!"
set "DUMP=!ERRORLEVEL!"
:backup_check
set "SIZE=0"
if exist "!BACKUP_FILE!" for %%A in ("!BACKUP_FILE!") do set "SIZE=%%~zA"
if not "!DUMP!"=="0" goto backup_failed
if "!SIZE!"=="0" goto backup_failed
echo [3/9] Backup written: !BACKUP_FILE! (!SIZE! bytes).
echo [3/9] To restore it, into a new empty database: psql -v ON_ERROR_STOP=1 -d ^<empty database URL^> -f !BACKUP_FILE!
goto step4
:backup_failed
if exist "!BACKUP_FILE!" del /q "!BACKUP_FILE!"
echo [3/9] Backup failed: nothing was changed. Fix the error above, or pass --no-backup to go on without one.
exit /b 5

REM Step 4: stop the application under compose.
:step4
if "%MODE%"=="compose" goto step4_compose
echo [4/9] Not under docker compose: nothing to stop (the migrations only add objects).
goto step5
:step4_compose
if "%STOP%"=="1" goto step4_stop
echo [4/9] Not stopping services (--no-stop).
goto step5
:step4_stop
call :running_services
set "TO_STOP="
for %%s in (!RUNNING!) do (
  if "%%s"=="backend" call :add_to_stop backend
  if "%%s"=="worker" call :add_to_stop worker
)
if defined TO_STOP goto step4_stopping
echo [4/9] backend and worker are not running: nothing to stop.
goto step5
:step4_stopping
echo [4/9] Stopping !TO_STOP! ...
%COMPOSE% stop !TO_STOP!
if not errorlevel 1 set "STOPPED=!TO_STOP!"

REM Steps 5 and 6: apply pending migrations, repair drift, record history as Prisma does.
:step5
echo [5/9] Applying pending migrations and repairing drift (only adds objects) ...
call :db_cli migrate --repair
set "MIGRATE=!ERRORLEVEL!"
if "!MIGRATE!"=="2" (
  echo [5/9] The database is unreachable: check that it is running and that the URL, user and password are right.
  call :restart_services
  exit /b 2
)
if "!MIGRATE!"=="0" goto step6
echo [5/9] Migration failed (exit !MIGRATE!): the error is above. A failed migration is rolled back as a whole.
echo [5/9] If a failed migration blocks the runner (P3009): fix its cause, then run: !RESOLVE!
echo [5/9] and run this script again. See 'Troubleshooting' in SLA_MIGRATION_README.md.
call :restart_services
exit /b 3
:step6
echo [6/9] Migration history (_prisma_migrations, recorded as Prisma does):
call :db_cli status

REM Step 7: regenerate the Prisma client where the source tree is present and it is older than the schema.
if not "%MODE%"=="local" goto no_source
if not exist backend\prisma\schema.prisma goto no_source
if not exist node_modules\prisma goto no_source
node scripts/apply-sla-helper.mjs client-stale
if not errorlevel 1 goto regenerate
echo [7/9] The Prisma client is up to date with schema.prisma.
goto step8
:regenerate
echo [7/9] Regenerating the Prisma client (npm run build) ...
call npm run build --silent >nul
if errorlevel 1 echo [7/9] Warning: the build failed; run 'npm run build' and read its errors.
goto step8
:no_source
echo [7/9] No source tree here: the Prisma client ships with the build.

REM Step 8: verify.
:step8
echo [8/9] Verifying (db:verify) ...
call :verify_schema
call :restart_services
if "!VERIFY!"=="2" (
  echo [8/9] The database is unreachable: check that it is running and that the URL, user and password are right.
  exit /b 2
)
if not "!VERIFY!"=="9" goto step8_checked
echo [8/9] Tooling failed: db:verify did not compare the schema ^(exit !VERIFY_EXIT!, error above^); the repair ran. To fix: !TOOLING!.
exit /b 1
:step8_checked
if "!VERIFY!"=="0" goto step9
echo [8/9] Verification failed: the objects listed above are still missing. Nothing was dropped. See SLA_MIGRATION_README.md.
exit /b 4

REM Step 9: show recent logs under compose.
:step9
if "%MODE%"=="compose" goto step9_logs
echo [9/9] Done. Restart the API and worker if they run (npm start, or your service manager).
goto done
:step9_logs
REM ping instead of timeout: timeout fails when input is redirected.
ping -n 6 127.0.0.1 >nul
echo [9/9] Last log lines of backend and worker:
%COMPOSE% logs --no-color --tail 20 backend worker
:done
echo [OK] The database schema is complete.
exit /b 0

REM Runs one of the database CLIs (packages/db) on this machine, or under compose in a one-off container
REM of the migrate service (its image holds the CLIs; its DATABASE_URL points at db directly).
:db_cli
if "%MODE%"=="compose" goto db_cli_compose
node packages/db/dist/src/cli/%~1.js %2 %3
exit /b !ERRORLEVEL!
:db_cli_compose
%COMPOSE% run --rm --no-deps -T migrate node packages/db/dist/src/cli/%~1.js %2 %3
exit /b !ERRORLEVEL!

REM db:verify, shown once it ran; VERIFY is what its summary line says, not only its exit code (exit 1 is
REM also how a crash ends): 0 all present, 1 something missing or different, 2 unreachable, 9 the tool
REM failed before it could compare (no summary line).
:verify_schema
set "VOUT=%TEMP%\nixflow-verify-%RANDOM%%RANDOM%.txt"
call :db_cli verify >"!VOUT!" 2>&1
set "VERIFY_EXIT=!ERRORLEVEL!"
type "!VOUT!"
set "VERIFY=9"
if "!VERIFY_EXIT!"=="2" set "VERIFY=2"
if "!VERIFY_EXIT!"=="0" (findstr /r /c:"^All [0-9]* expected objects present" "!VOUT!" >nul && set "VERIFY=0")
if "!VERIFY_EXIT!"=="1" (findstr /r /c:"^[0-9]* missing, [0-9]* different, [0-9]* of [0-9]* expected objects present" "!VOUT!" >nul && set "VERIFY=1")
del /q "!VOUT!" 2>nul
exit /b 0

REM Services stopped in step 4 are started again on every way out after it.
:restart_services
if not defined STOPPED exit /b 0
echo [8/9] Restarting !STOPPED! ...
%COMPOSE% start !STOPPED!
set "STOPPED="
exit /b 0

REM Sets RUNNING to the compose services that run, separated by spaces (empty without compose).
:running_services
set "RUNNING="
if not defined COMPOSE exit /b 0
for /f "delims=" %%s in ('%COMPOSE% ps --services --filter status^=running 2^>nul') do set "RUNNING=!RUNNING! %%s"
exit /b 0

:add_to_stop
if defined TO_STOP (set "TO_STOP=!TO_STOP! %~1") else (set "TO_STOP=%~1")
exit /b 0
