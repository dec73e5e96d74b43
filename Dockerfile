# syntax=docker/dockerfile:1
# One image per app, from one Dockerfile:
#   docker build --build-arg APP=order --build-arg PORT=3003 -t shop/order:dev .
# (docker compose builds all five; deploy/README.md has the details.)
# CI builds and runs them with the classic builder (`npm run compose:test`,
# tools/compose); tools/workspace/test/dockerfile.spec.ts also checks this file statically.

ARG NODE_IMAGE=node:20.20-bookworm-slim

# --- build: the whole workspace's dependencies, then `nx run <app>:build` ---
FROM ${NODE_IMAGE} AS build
WORKDIR /workspace
# Manifests first, so the npm ci layer is reused until they change.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
ARG APP
RUN test -n "${APP}" || { echo 'build with --build-arg APP=<gateway|user|catalog|order|payment>' >&2; exit 1; }
RUN NX_DAEMON=false NX_TUI=false NX_NO_CLOUD=true npx nx run "${APP}:build" --outputStyle=static

# --- production-dependencies: only the packages this app loads (dist/apps/<app>/package.json) ---
FROM ${NODE_IMAGE} AS production-dependencies
ARG APP
WORKDIR /app
COPY --from=build /workspace/dist/apps/${APP}/package.json /workspace/dist/apps/${APP}/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: node, tini, the compiled app and its production node_modules ---
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: it forwards SIGTERM to node and reaps zombies. Node as PID 1
# gets no default signal actions, so Nest's shutdown hook, which re-raises the
# signal once the app is closed, would leave the process hanging until SIGKILL.
RUN apt-get update \
  && apt-get install --yes --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ARG APP
ARG PORT
ENV NODE_ENV=production \
    PORT=${PORT}
WORKDIR /app
# Owned by root, read-only for the app's user: the process cannot change its own code.
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /workspace/dist/apps/${APP} ./
USER node
EXPOSE ${PORT}
# Liveness only (the process answers); readiness (/health/ready) needs the
# stores and the broker, and is what compose and Kubernetes wait on.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# `node .` runs the package.json `main` (apps/<app>/src/main.js); the
# migrations and the seed run as `node apps/<app>/src/migrate.js` / `seed.js`.
CMD ["node", "--max-semi-space-size=4", "."]
