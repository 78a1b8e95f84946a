# Multi-stage build of both processes.
#   build    all dependencies (`npm ci`), then the Prisma client, the TypeScript and the console (web/)
#   deps     production dependencies only (its own `npm ci --omit=dev`, cached by the lockfile alone)
#   runtime  compiled code + production dependencies + the migration files, run as the non-root user `node`;
#            docker-compose.yml builds this one image once and runs migrate, backend and worker from it,
#            each with its own command
#   backend, worker  the same with a default command (and the API's HEALTHCHECK), for `docker run`
# Install scripts are skipped: nixflow needs no native engine (Prisma runs over @prisma/adapter-pg and
# the migration runner is nixflow's own), so nothing is downloaded at build time besides npm packages.
# Build time (scripts/compose-test/README.md has the figures): the layers that install packages depend
# only on the manifests and the lockfile, so a code change rebuilds neither of them; npm's download cache
# is a build cache mount (`RUN --mount=type=cache`, BuildKit and podman/buildah), so even a `--no-cache`
# build does not download again what an earlier build fetched.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/domain/package.json packages/domain/
COPY packages/storage/package.json packages/storage/
COPY packages/client/package.json packages/client/
COPY backend/package.json backend/
COPY worker/package.json worker/
COPY web/package.json web/
RUN --mount=type=cache,id=nixflow-npm,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund --prefer-offline
COPY tsconfig.base.json tsconfig.json ./
COPY scripts/prisma-generate.mjs scripts/
COPY packages ./packages
COPY backend ./backend
COPY worker ./worker
COPY web ./web
# `npm run build` without its type checks (tsc's semantic diagnostics, web's `tsc --noEmit`): the same
# JavaScript in a third of the time. The checks belong to CI, which runs the full `npm run build` and
# the linters on this very tree before an image is built from it.
RUN node scripts/prisma-generate.mjs \
 && npx tsc -b --noCheck \
 && cd web && npx vite build --logLevel warn

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/domain/package.json packages/domain/
COPY packages/storage/package.json packages/storage/
COPY backend/package.json backend/
COPY worker/package.json worker/
# npm puts a package in a workspace's own node_modules when the root one holds another version of it
# (e.g. nestjs-pino under backend/ and worker/): the runtime copies those too, so the folders must exist.
# --prefer-offline: the packages come from the cache mount the build stage filled.
RUN --mount=type=cache,id=nixflow-npm,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline \
 && mkdir -p packages/core/node_modules packages/db/node_modules packages/domain/node_modules \
    packages/storage/node_modules backend/node_modules worker/node_modules

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production UPLOAD_DIR=/app/uploads
WORKDIR /app
# Code stays owned by root (read-only for the app); only the uploads directory is writable.
# Dependencies first: these layers stay cached while only the code changes.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/packages/core/node_modules packages/core/node_modules
COPY --from=deps /app/packages/db/node_modules packages/db/node_modules
COPY --from=deps /app/packages/domain/node_modules packages/domain/node_modules
COPY --from=deps /app/packages/storage/node_modules packages/storage/node_modules
COPY --from=deps /app/backend/node_modules backend/node_modules
COPY --from=deps /app/worker/node_modules worker/node_modules
RUN mkdir -p /app/uploads && chown node:node /app/uploads
COPY package.json ./
COPY --from=build /app/packages/core/package.json packages/core/
COPY --from=build /app/packages/core/dist/src packages/core/dist/src
COPY --from=build /app/packages/db/package.json packages/db/
COPY --from=build /app/packages/db/dist/src packages/db/dist/src
COPY --from=build /app/packages/domain/package.json packages/domain/
COPY --from=build /app/packages/domain/dist/src packages/domain/dist/src
COPY --from=build /app/packages/storage/package.json packages/storage/
COPY --from=build /app/packages/storage/dist/src packages/storage/dist/src
COPY --from=build /app/backend/package.json backend/
COPY --from=build /app/backend/dist/src backend/dist/src
COPY --from=build /app/backend/prisma/migrations backend/prisma/migrations
COPY --from=build /app/worker/package.json worker/
COPY --from=build /app/worker/dist/src worker/dist/src
# The operator console (static files the API serves at /).
COPY --from=build /app/web/dist web/dist
USER node
CMD ["node", "backend/dist/src/main.js"]

FROM runtime AS backend
EXPOSE 3000
# No spaces in the script: podman splits healthcheck arguments at spaces.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations run on every start: idempotent, additive, serialised by Prisma's advisory lock.
CMD ["sh", "-c", "node packages/db/dist/src/cli/migrate.js && node backend/dist/src/main.js"]

FROM runtime AS worker
CMD ["node", "worker/dist/src/main.js"]
