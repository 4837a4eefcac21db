# syntax=docker/dockerfile:1.7
# One image, three entry points: `node dist/main.js` (API, the default), `node dist/worker.js`,
# `node dist/cli.js <command>` (batch jobs, run by EventBridge Scheduler as ECS tasks).

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY infra/package.json infra/
COPY console/package.json console/
# The root and the console (built into dist/console, which the API serves); not the CDK app.
RUN npm ci --include-workspace-root --workspace console
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY console console
RUN npm run build

FROM node:24-slim AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY infra/package.json infra/
COPY console/package.json console/
RUN npm ci --omit=dev --workspaces=false --include-workspace-root && npm cache clean --force

FROM node:24-slim AS runtime
# DocumentDB's CA bundle, for MONGODB_TLS_CA_FILE (TLS is on by default in DocumentDB).
ADD --chmod=444 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/docdb/global-bundle.pem
ENV NODE_ENV=production \
    APP_MODE=aws \
    PORT=3000 \
    MONGODB_TLS_CA_FILE=/etc/ssl/docdb/global-bundle.pem \
    NODE_COMPILE_CACHE=/tmp/node-compile-cache
WORKDIR /app
COPY --from=production-deps --chown=root:root /app/node_modules node_modules
# dist/ holds the API and, in dist/console, the built operator console it serves.
COPY --from=build --chown=root:root /app/dist dist
COPY --chown=root:root package.json ./
# The Korean font the report charts are drawn with (src/modules/statistics/report-files).
COPY --chown=root:root assets assets
# The code is owned by root and read-only to the process, which runs as the unprivileged `node`.
USER node
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT ?? 3000}/health/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
