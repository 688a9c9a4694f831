#!/usr/bin/env bash
# Approximates the service image without a container engine, to check what `docker build` cannot
# be run for here: lays out /app as the Dockerfile's runtime stage does (production dependencies
# from `npm ci --omit=dev`, the packages' and the example's compiled dist/, no TypeScript), then runs one
# service from it as an unprivileged user that cannot write to it (like the read-only root
# filesystem), checks /ready and /metrics on the admin port (and that the public port answers
# 404 for them), sends SIGTERM and waits for the orderly exit.
#
#   examples/blog-platform/deploy/simulate-image.sh [service]      (from the repository root, as root)
#
# NODE_OPTIONS_SIM passes NODE_OPTIONS to the service (e.g. the manifest's, from deploy/platform.ts).
#
# Needs PostgreSQL and Redis on 127.0.0.1 (uses schema <service>_imgsim and prefix imgsim:, removed
# at the end) and runs `npm ci --omit=dev` in a temporary directory (npm cache or registry).
set -euo pipefail
service="${1:-auth}"
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
node="$(readlink -f "$repo/node_modules/.bin/node")"
app="$(mktemp -d /tmp/podkit-image-sim.XXXX)"
port="${PORT:-18481}"
admin_port="${ADMIN_PORT:-19481}"
cleanup() {
  psql -h 127.0.0.1 -U postgres -qc "DROP SCHEMA IF EXISTS ${service}_imgsim CASCADE" >/dev/null 2>&1 || true
  redis-cli --scan --pattern 'imgsim:*' | xargs -r redis-cli del >/dev/null || true
  rm -rf "$app"
}
trap cleanup EXIT

echo "== prod-deps stage: npm ci --omit=dev in $app"
cp "$repo/package.json" "$repo/package-lock.json" "$app/"
for p in packages/config packages/core packages/consumers packages/http packages/otel packages/service examples/blog-platform docs; do
  mkdir -p "$app/$p" && cp "$repo/$p/package.json" "$app/$p/"
done
(cd "$app" && PATH="$(dirname "$node"):$PATH" npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error)

echo "== build stage: tsc -b (packages and the example to dist/)"
(cd "$repo" && PATH="$repo/node_modules/.bin:$PATH" tsc -b tsconfig.build.json)
for p in config core consumers http otel service; do cp -R "$repo/packages/$p/dist" "$app/packages/$p/dist"; done
cp -R "$repo/examples/blog-platform/dist" "$app/examples/blog-platform/dist"
find "$app/examples/blog-platform/dist" \( -name '*.d.ts' -o -name '*.d.ts.map' -o -name '.tsbuildinfo' \) -delete
# the image holds no TypeScript: a .ts file loaded at runtime would fail here as it would there
if find "$app/examples" "$app/packages" -name '*.ts' ! -name '*.d.ts' | grep -q .; then echo "FAIL: TypeScript sources in the image"; exit 1; fi
chmod -R a+rX,go-w "$app"

echo "== runtime: node examples/blog-platform/dist/service.js $service as uid 65534"
cd "$app"
setpriv --reuid=65534 --regid=65534 --clear-groups env -i PATH=/usr/bin:/bin NODE_ENV=production \
  PORT="$port" ADMIN_PORT="$admin_port" HOME=/nonexistent KUBERNETES_SERVICE_HOST=10.96.0.1 \
  PODKIT_GRACE_PERIOD_SECONDS=30 SHUTDOWN_GRACE_PERIOD=30s \
  DATABASE_HOST=127.0.0.1 DATABASE_USER=postgres DATABASE_NAME=postgres DATABASE_SCHEMA="${service}_imgsim" \
  REDIS_URL=redis://127.0.0.1:6379/0 REDIS_PREFIX="imgsim:${service}:" \
  AUTH_URL=http://127.0.0.1:1 POSTS_URL=http://127.0.0.1:1 COMMENTS_URL=http://127.0.0.1:1 IMAGES_URL=http://127.0.0.1:1 \
  NODE_OPTIONS="${NODE_OPTIONS_SIM:-}" \
  "$node" examples/blog-platform/dist/service.js "$service" >"$app/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do grep -q '"service ready"' "$app/service.log" && break; kill -0 "$pid" || break; sleep 0.5; done
grep -q '"service ready"' "$app/service.log" || { cat "$app/service.log"; echo "FAIL: $service did not become ready"; exit 1; }
echo "rss:     $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$pid/status") after startup (NODE_OPTIONS=${NODE_OPTIONS_SIM:-})"
echo "ready:   $(curl -s -o /dev/null -w '%{http_code}' "localhost:$admin_port/ready") (admin port $admin_port)"
echo "metrics: $(curl -s "localhost:$admin_port/metrics" | grep -c '^[a-z]') samples (admin port $admin_port)"
echo "public:  /ready $(curl -s -o /dev/null -w '%{http_code}' "localhost:$port/ready"), /metrics $(curl -s -o /dev/null -w '%{http_code}' "localhost:$port/metrics") (port $port: 404 expected)"
start=$(date +%s%N)
kill -TERM "$pid"
set +e; wait "$pid"; code=$?; set -e
echo "SIGTERM -> exit $code after $(( ($(date +%s%N) - start) / 1000000 )) ms (5 s of it is the propagation delay)"
grep -o '"msg":"shutdown[^"]*"' "$app/service.log" | tr '\n' ' '; echo
written=$(find "$app" -newer "$app/service.log" -user 65534 2>/dev/null | wc -l)
echo "files written by the service under /app: $written"
[ "$code" -eq 0 ] && [ "$written" -eq 0 ]
