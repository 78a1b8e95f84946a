@echo off
REM apply_sla_migration.bat - bring a nixflow database up to date and repair schema drift
REM (e.g. "The table `public.SLAPolicy` does not exist", Prisma P2021/P2022). Safe to run twice.
REM It only ever adds objects; it never drops anything. See SLA_MIGRATION_README.md.
REM
REM Usage: apply_sla_migration.bat [--check] [--no-backup] [--no-stop] [--help]
REM   --check      dry run: report what is missing and stop (exit 0 when nothing is, 4 otherwise)
REM   --no-backup  skip the pg_dump backup (not recommended)
REM   --no-stop    do not stop/restart backend and worker under docker compose
REM Exit codes: 0 ok, 1 usage or missing tool, 2 database unreachable, 3 migration failed,
REM             4 verification failed, 5 backup failed
setlocal EnableExtensions EnableDelayedExpansion
cd /d "%~dp0"

set CHECK=0
set BACKUP=1
set STOP=1
:parse
if "%~1"=="" goto parsed
if /i "%~1"=="--check" (set CHECK=1& shift & goto parse)
if /i "%~1"=="--no-backup" (set BACKUP=0& shift & goto parse)
if /i "%~1"=="--no-stop" (set STOP=0& shift & goto parse)
if /i "%~1"=="--help" goto help
if /i "%~1"=="-h" (goto help)
echo Unknown option: %~1 (see --help)
exit /b 1
:help
findstr /b "REM" "%~f0"
exit /b 0
:parsed

set COMPOSE=docker compose
docker compose version >nul 2>&1 || set COMPOSE=docker-compose

REM Step 1: find the database.
set MODE=
if defined DATABASE_URL (
  set MODE=local
  echo [1/9] Using DATABASE_URL
) else (
  for /f %%i in ('%COMPOSE% ps -q db 2^>nul') do set MODE=compose
  if "!MODE!"=="compose" (
    echo [1/9] DATABASE_URL is not set; using the docker compose service 'db'
  ) else (
    echo [1/9] No database found: set DATABASE_URL ^(e.g. postgresql://user:pass@host:5432/nixflow^) or start the stack with 'docker compose up -d db'.
    exit /b 2
  )
)

REM Step 2: check.
echo [2/9] Checking the schema (db:verify) ...
call :db_cli verify
set VERIFY=%ERRORLEVEL%
if "%VERIFY%"=="2" (echo [2/9] The database is unreachable: check that it is running and that the URL, user and password are right.& exit /b 2)
if "%CHECK%"=="1" (
  if "%VERIFY%"=="0" (echo [2/9] Dry run: nothing is missing.& exit /b 0)
  echo [2/9] Dry run: the objects above are missing. Run without --check to repair.
  exit /b 4
)

REM Step 3: back up.
if "%BACKUP%"=="1" (
  if not exist backups mkdir backups
  for /f %%t in ('powershell -NoProfile -Command "(Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ')"') do set STAMP=%%t
  set FILE=backups\nixflow-!STAMP!.sql
  echo [3/9] Backing up to !FILE! ...
  if "%MODE%"=="local" (
    where pg_dump >nul 2>&1 || (echo [3/9] pg_dump not found: install the PostgreSQL client tools, or pass --no-backup.& exit /b 1)
    pg_dump --no-owner "%DATABASE_URL%" > "!FILE!"
  ) else (
    %COMPOSE% exec -T db sh -c "pg_dump --no-owner -U \"$POSTGRES_USER\" \"$POSTGRES_DB\"" > "!FILE!"
  )
  if errorlevel 1 (echo [3/9] Backup failed: nothing was changed. Fix the error above or pass --no-backup.& exit /b 5)
  for %%A in ("!FILE!") do if %%~zA==0 (echo [3/9] Backup failed: nothing was changed. Fix the error above or pass --no-backup.& exit /b 5)
  echo [3/9] Backup written. Restore with: psql "%%DATABASE_URL%%" -f !FILE!
) else (
  echo [3/9] Backup skipped ^(--no-backup^).
)

REM Step 4: stop the application under compose.
set STOPPED=0
if "%MODE%"=="compose" if "%STOP%"=="1" (
  echo [4/9] Stopping backend and worker ...
  %COMPOSE% stop backend worker && set STOPPED=1
)
if "%STOPPED%"=="0" echo [4/9] Not stopping services (not under compose, or --no-stop).

REM Steps 5 and 6: apply pending migrations, repair drift, record history as Prisma does.
echo [5/9] Applying pending migrations and repairing drift (only adds objects) ...
call :db_cli migrate --repair
set MIGRATE=%ERRORLEVEL%
if not "%MIGRATE%"=="0" (
  echo [5/9] Migration failed ^(exit %MIGRATE%^): the error is above; nothing of the failed migration was kept. See 'Troubleshooting' in SLA_MIGRATION_README.md.
  if "%STOPPED%"=="1" %COMPOSE% start backend worker >nul
  if "%MIGRATE%"=="2" exit /b 2
  exit /b 3
)
echo [6/9] Migration history recorded in _prisma_migrations.

REM Step 7: regenerate the Prisma client where the source tree is present.
if "%MODE%"=="local" if exist backend\prisma\schema.prisma if exist node_modules\prisma (
  echo [7/9] Regenerating the Prisma client ...
  node scripts\prisma-generate.mjs >nul || echo [7/9] warning: prisma generate failed; run 'npm run prisma:generate'.
  goto verify
)
echo [7/9] Prisma client regeneration not needed here.

:verify
REM Step 8: verify.
echo [8/9] Verifying ...
call :db_cli verify
set VERIFY=%ERRORLEVEL%
if "%STOPPED%"=="1" (echo [8/9] Restarting backend and worker ...& %COMPOSE% start backend worker)
if not "%VERIFY%"=="0" (echo [8/9] Verification failed: the objects listed above are still missing. See SLA_MIGRATION_README.md.& exit /b 4)

REM Step 9: show recent logs under compose.
if "%MODE%"=="compose" (
  timeout /t 3 >nul
  echo [9/9] Last log lines:
  %COMPOSE% logs --tail 20 backend worker
) else (
  echo [9/9] Done. Restart the API and worker if they are running ^(npm start, or your service manager^).
)
echo [OK] The database schema is complete.
exit /b 0

REM Runs one of the database CLIs (packages/db) on the host, or inside the backend image under compose.
:db_cli
if "%MODE%"=="local" (
  if not exist packages\db\dist\src\cli\%1.js (
    echo [  ] Building the tools first ^(npm run build^) ...
    call npm run build --silent >nul || (echo [  ] Build failed: run 'npm ci ^&^& npm run build' and read its errors.& exit /b 1)
  )
  node packages\db\dist\src\cli\%1.js %2 %3
  exit /b !ERRORLEVEL!
)
%COMPOSE% run --rm --no-deps -T backend node packages/db/dist/src/cli/%1.js %2 %3
exit /b %ERRORLEVEL%
