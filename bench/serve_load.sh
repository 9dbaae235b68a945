#!/usr/bin/env bash
# Load test of the scoring server (flowbench-cli serve): wrk keeps 64 connections busy with
# valid requests for 60 s, each answer checked against the expected predictions, while a flood
# of malformed requests (the catalogue tests/data/bad/request/, random bytes, half-sent
# requests left hanging, abrupt disconnects) hits the same server. Passes when no valid request
# got a wrong or non-200 answer, the server is still up and correct afterwards, and its memory
# (RSS) did not grow beyond a bound after the warm-up.
#
# Usage: bench/serve_load.sh [--cli PATH] [--model FILE.fbm] [--seconds N] [--connections N]
#                            [--threads N]
# Needs wrk (Debian: wrk) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CLI=build/app/flowbench-cli
MODEL=tests/fuzz/corpus/model/logistic_regression.fbm
SECONDS_RUN=60
CONNECTIONS=64
THREADS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --cli) CLI=$2; shift 2 ;;
    --model) MODEL=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    *) echo "usage: bench/serve_load.sh [--cli PATH] [--model FILE] [--seconds N] [--connections N] [--threads N]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "serve_load.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/flowbench-serveload.XXXXXX)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

OPENBLAS_NUM_THREADS=1 "$CLI" serve "$MODEL" --port 0 --threads "$THREADS" --store "$WORK/store.sqlite" \
  >"$WORK/url" 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 100); do
  [ -s "$WORK/url" ] && break
  sleep 0.1
done
URL=$(head -n 1 "$WORK/url")
[ -n "$URL" ] || { cat "$WORK/server.log" >&2; echo "serve_load.sh: the server did not start" >&2; exit 1; }
PORT=${URL##*:}
echo "serve_load.sh: $URL (pid $SERVER, $THREADS worker threads), $CONNECTIONS connections for $SECONDS_RUN s" >&2

# Two rows with known classes (iris: setosa, virginica).
BODY='{"dataframe_split": {"columns": ["sepal_length", "sepal_width", "petal_length", "petal_width"], "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}}'
EXPECTED='{"predictions":["setosa","virginica"]}'
answer=$(curl -s -X POST "$URL/invocations" -H 'Content-Type: application/json' --data-binary "$BODY")
[ "$answer" = "$EXPECTED" ] || { echo "serve_load.sh: unexpected answer before the load: $answer" >&2; exit 1; }

cat >"$WORK/check.lua" <<EOF
wrk.method = "POST"
wrk.body = [=[$BODY]=]
wrk.headers["Content-Type"] = "application/json"
wrong = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() wrong = 0 end
function response(status, headers, body)
  if status ~= 200 or body ~= [=[$EXPECTED]=] then wrong = wrong + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("wrong") end
  io.write(string.format("wrong_answers %d\n", total))
  io.write(string.format("latency_p50_ms %.2f\nlatency_p99_ms %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
EOF

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER/status"; }
# Memory once per second, for the report.
(while kill -0 "$SERVER" 2>/dev/null; do
  echo "$(date +%s) $(rss_kb)"
  sleep 1
done) >"$WORK/rss" 2>/dev/null &
SAMPLER=$!

# The flood: catalogue requests, random bytes, truncated requests left open, resets.
python3 - "$PORT" "$SECONDS_RUN" "$ROOT/tests/data/bad/request" >"$WORK/flood" 2>&1 <<'EOF' &
import os, random, socket, struct, sys, time
port, seconds, folder = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
bad = [open(os.path.join(folder, f), 'rb').read() for f in sorted(os.listdir(folder)) if f.endswith('.http')]
rng = random.Random(7)
end = time.time() + seconds
sent = answered = hanging = resets = 0
held = []
while time.time() < end:
    kind = rng.random()
    try:
        s = socket.create_connection(('127.0.0.1', port), timeout=5)
        if kind < 0.6:
            s.sendall(rng.choice(bad))
            s.recv(4096) and None
            answered += 1
        elif kind < 0.8:
            s.sendall(os.urandom(rng.randint(1, 4096)))
        elif kind < 0.9:
            # Half a request, then silence: the server must time it out, not wait forever.
            s.sendall(b'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"inp')
            held.append(s)
            hanging += 1
            if len(held) > 50:
                held.pop(0).close()
            sent += 1
            continue
        else:
            # Reset instead of close (SO_LINGER 0): RST in the middle of a request.
            s.sendall(b'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n' + b'[' * 1000)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            resets += 1
        s.close()
        sent += 1
    except OSError:
        pass
print(f"flood_connections {sent}\nflood_answered {answered}\nflood_hanging {hanging}\nflood_resets {resets}")
EOF
FLOOD=$!

sleep 1
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --timeout 10s --latency -s "$WORK/check.lua" "$URL/invocations" >"$WORK/wrk" 2>&1 || true
wait "$FLOOD" || true
cat "$WORK/wrk" >&2
cat "$WORK/flood" >&2

status=0
kill -0 "$SERVER" 2>/dev/null || { echo "serve_load.sh: FAIL: the server died" >&2; exit 1; }
answer=$(curl -s --max-time 10 -X POST "$URL/invocations" -H 'Content-Type: application/json' --data-binary "$BODY")
[ "$answer" = "$EXPECTED" ] || { echo "serve_load.sh: FAIL: wrong answer after the load: $answer" >&2; status=1; }
wrong=$(awk '/^wrong_answers/ {print $2}' "$WORK/wrk")
non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$WORK/wrk")
errors=$(sed -nE 's/.*Socket errors: (.*)/\1/p' "$WORK/wrk")
requests=$(awk '/requests in/ {print $1}' "$WORK/wrk")
rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk")
[ "${wrong:-x}" = 0 ] || { echo "serve_load.sh: FAIL: $wrong wrong answers" >&2; status=1; }
[ -z "$non2xx" ] || { echo "serve_load.sh: FAIL: $non2xx non-200 answers to valid requests" >&2; status=1; }
[ "${requests:-0}" -gt 0 ] || { echo "serve_load.sh: FAIL: no requests completed" >&2; status=1; }

# Memory: the first samples are the warm-up (buffers, thread stacks, allocator arenas); after
# it, RSS may move but must not trend upwards: the last 10 s stay within 25% (and 64 MB) of
# the samples 10 s in.
kill "$SAMPLER" 2>/dev/null || true
read -r early late peak < <(awk -v n="$SECONDS_RUN" 'NR == 1 {t0 = $1} $2 > peak {peak = $2}
  {t = $1 - t0} t >= 8 && t <= 12 {e += $2; ne++} t >= n - 9 && t <= n + 1 {l += $2; nl++}
  END {printf "%d %d %d\n", ne ? e / ne : 0, nl ? l / nl : 0, peak}' "$WORK/rss")
echo "RSS: ${early} KB at 10 s, ${late} KB at the end, peak ${peak} KB" >&2
if [ "$early" -gt 0 ] && [ "$late" -gt $((early + early / 4)) ] && [ "$late" -gt $((early + 65536)) ]; then
  echo "serve_load.sh: FAIL: RSS grew from $early KB to $late KB" >&2
  status=1
fi

echo "serve_load.sh: $requests valid requests ($rps/s), wrong answers ${wrong:-?}, socket errors: ${errors:-none}; server alive and correct; RSS ${early} -> ${late} KB (peak ${peak})" >&2
[ $status -eq 0 ] && echo "serve_load.sh: OK" >&2
exit $status
