#!/usr/bin/env bash
# Scoring-server throughput (docs/benchmarks.md, "Scoring server"): trains the iris logistic
# regression of resources/examples/classification.flow, serves it with `flowbench-cli serve
# --threads 2`, and drives POST /invocations with wrk over keep-alive connections, one row per
# request (JSON dataframe_split), then the same with text/csv and with 8-row requests.
#
#   bench/serve_bench.sh [path/to/flowbench-cli] [seconds]
#
# Needs wrk. The server and wrk share the machine: on 2 cores wrk's thread takes about one.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
CLI=${1:-"$ROOT/build/app/flowbench-cli"}
SECONDS_PER_RUN=${2:-10}
command -v wrk >/dev/null || { echo "serve_bench: wrk is not installed" >&2; exit 1; }
[ -x "$CLI" ] || { echo "serve_bench: no flowbench-cli at $CLI" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill -INT "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$CLI" run "$ROOT/resources/examples/classification.flow" --store "$WORK/store.sqlite" \
  --set "save.path=$WORK/iris.fbm" >/dev/null 2>&1
"$CLI" serve "$WORK/iris.fbm" --port 0 --threads 2 >"$WORK/url" 2>"$WORK/serve.log" &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$WORK/url" ] && break; sleep 0.1; done
URL=$(head -1 "$WORK/url")
[ -n "$URL" ] || { echo "serve_bench: the server did not start: $(cat "$WORK/serve.log")" >&2; exit 1; }

cat >"$WORK/json1.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"dataframe_split":{"columns":["sepal_length","sepal_width","petal_length","petal_width"],"data":[[5.1,3.5,1.4,0.2]]}}'
EOF
cat >"$WORK/csv1.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/csv"
wrk.body = "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n"
EOF
cat >"$WORK/json8.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local rows = {}
for i = 1, 8 do rows[i] = "[5.1,3.5,1.4,0.2]" end
wrk.body = '{"instances":[' .. table.concat(rows, ",") .. ']}'
EOF

# Check the answer once before measuring.
curl -sf -H 'Content-Type: application/json' \
  -d '{"dataframe_split":{"columns":["sepal_length","sepal_width","petal_length","petal_width"],"data":[[5.1,3.5,1.4,0.2]]}}' \
  "$URL/invocations" | grep -q setosa || { echo "serve_bench: wrong answer" >&2; exit 1; }

run() { # name script connections
  echo "== $1: wrk -t1 -c$3 -d${SECONDS_PER_RUN}s ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
  wrk -t1 -c"$3" -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/$2" "$URL/invocations" |
    grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors|requests in"
}
run "1 row, JSON" json1.lua 16
run "1 row, JSON, 64 connections" json1.lua 64
run "1 row, CSV" csv1.lua 16
run "8 rows, JSON instances" json8.lua 16
