#!/usr/bin/env bash
# Proves what the Dockerfile's runtime stage does, without a Docker engine: build, install
# production dependencies only into a temporary copy, apply the schema, start `node dist/main.js`
# in aws-like mode on the embedded engine, probe /health/ready, then stop it with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
api_pid=""
cleanup() {
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then kill -KILL "$api_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> build"
npm run build >/dev/null

echo "==> production dependencies only, in $work"
mkdir -p "$work/infra" "$work/console"
cp package.json package-lock.json "$work/"
cp infra/package.json "$work/infra/"
cp console/package.json "$work/console/"
cp -R dist "$work/dist"
(cd "$work" && npm ci --omit=dev --workspaces=false --include-workspace-root --no-audit --no-fund >/dev/null)
for dev in vitest typescript cognito-local s3rver pino-pretty react vite; do
  if [ -e "$work/node_modules/$dev" ]; then echo "dev dependency $dev leaked into the production install" >&2; exit 1; fi
done

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export APP_MODE=aws HOST=127.0.0.1 PORT="$port" LOG_LEVEL=info \
  EMBEDDED_DB_DIR="$work/db" FIELD_KEYS_DIR="$work/keys" \
  COGNITO_USER_POOL_ID=ap-northeast-2_ProveStart1 COGNITO_CLIENT_ID=prove-start \
  S3_BUCKET=workmatch-prove-start SQS_EVENTS_QUEUE_URL=http://127.0.0.1:9/000000000000/events

echo "==> node $(node --version): cli db migrate"
(cd "$work" && node dist/cli.js db migrate >"$work/migrate.log" 2>&1) || { cat "$work/migrate.log"; exit 1; }

echo "==> node dist/main.js (aws mode, embedded engine) on port $port"
(cd "$work" && exec node dist/main.js >"$work/api.log" 2>&1) &
api_pid=$!

ready=""
for _ in $(seq 1 100); do
  if status=$(curl -s -o "$work/ready.json" -w '%{http_code}' "http://127.0.0.1:$port/health/ready"); then
    if [ "$status" = "200" ]; then ready=yes; break; fi
  fi
  kill -0 "$api_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "the API never became ready" >&2
  cat "$work/api.log" >&2
  exit 1
fi
echo "    /health/ready: $(cat "$work/ready.json")"

# The operator console ships in dist/console and the API serves it, as in the image.
console_status=$(curl -s -o "$work/console.html" -w '%{http_code}' "http://127.0.0.1:$port/console/")
if [ "$console_status" != "200" ] || ! grep -q '<div id="root">' "$work/console.html"; then
  echo "the API did not serve the console at /console/ ($console_status)" >&2
  exit 1
fi
echo "    /console/: the console's page"

echo "==> SIGTERM: the API drains and exits 0"
kill -TERM "$api_pid"
code=0
wait "$api_pid" || code=$?
api_pid=""
if [ "$code" != "0" ]; then
  echo "the API exited with $code after SIGTERM" >&2
  cat "$work/api.log" >&2
  exit 1
fi
grep -q '"msg":"shutdown complete"' "$work/api.log" || { echo "no 'shutdown complete' log line" >&2; exit 1; }
echo "production start path: OK"
