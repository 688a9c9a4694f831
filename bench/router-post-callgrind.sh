#!/bin/bash
# Instructions per request of one bench/router-post-target.ts variant, counted by callgrind in the
# server process: repeatable within a few % whatever the machine's load (CPU time is not, on a
# shared machine). Not part of `npm run bench`. WARM warm-up requests (default 20,000: the JIT
# has tiered up) uncounted, then N counted with 10 keep-alive connections (autocannon, outside
# valgrind). Only the main thread is counted (--separate-threads): V8's compiler and GC helper
# threads finish their work at a time that depends on valgrind's slowness, and counting them
# made two runs of one variant differ by up to 20 %.
#   bench/router-post-callgrind.sh router 2000
#   BENCH_SERVE_OPTIONS='{"accessLog":false}' bench/router-post-callgrind.sh podkit
# Variants with serve() are overstated: its load shedder's 10 ms timers fire far more often per
# request under valgrind, where the server runs ~50x slower.
set -euo pipefail
variant=${1:?usage: $0 <variant> [requests]}
n=${2:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
node=$(npx node -p process.execPath)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$node" --conditions=@podkit/source -e "import('./bench/router-post.bench.ts').then((m) => process.stdout.write(m.POST_BODY))" > "$work/body.json"
mkfifo "$work/port"
valgrind --tool=callgrind --separate-threads=yes --instr-atstart=no --callgrind-out-file="$work/cg.out" \
  "$node" --conditions=@podkit/source bench/router-post-target.ts "$variant" > "$work/port" 2> "$work/valgrind.log" &
vg=$!
read -r port < "$work/port"
cannon=("$node" node_modules/autocannon/autocannon.js --no-progress -m POST -H content-type=application/json -i "$work/body.json" -c 10)
"${cannon[@]}" -a "${WARM:-20000}" "http://127.0.0.1:$port/posts" > /dev/null 2>&1
callgrind_control -i on "$vg" > /dev/null 2>&1
"${cannon[@]}" -a "$n" "http://127.0.0.1:$port/posts" > /dev/null 2>&1
callgrind_control -i off "$vg" > /dev/null 2>&1
callgrind_control -d "$vg" > /dev/null 2>&1
kill "$vg"
wait "$vg" 2> /dev/null || true
total=$(cat "$work"/cg.out*-01 | awk '/^(summary|totals):/ { s += $2 } END { print s }')
echo "$variant: $((total / n)) instructions/request (main thread)"
