# Multi-stage build for both processes: `--target backend` or `--target worker`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY backend/package.json backend/
COPY worker/package.json worker/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=node:node /app /app
USER node

FROM runtime AS backend
EXPOSE 3000
# Migrations run on every start; they are idempotent and serialised by Prisma's advisory lock.
CMD ["sh", "-c", "node packages/db/dist/src/cli/migrate.js && node backend/dist/src/main.js"]

FROM runtime AS worker
CMD ["node", "worker/dist/src/main.js"]
