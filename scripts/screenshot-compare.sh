#!/usr/bin/env bash
# Screenshot of a run comparison for the docs: runs the example pipeline three times with the
# real CLI (different --set train.C) into a throw-away store, starts the real GUI on that store
# under Xvfb, opens the newest run from the Runs dock (saved as HISTORY.png: its states on the
# canvas, its curves), selects the three runs, presses Compare and saves the comparison window.
#   scripts/screenshot-compare.sh [OUT.png] [HISTORY.png]
# Uses $FLOWBENCH_BUILD_DIR (default build/); neither your settings nor your history are touched.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${FLOWBENCH_BUILD_DIR:-build}
BIN="$PWD/$BUILD_DIR/app/flowbench"
CLI="$PWD/$BUILD_DIR/app/flowbench-cli"
OUT=$(realpath -m "${1:-docs/images/compare.png}")
HISTORY=$(realpath -m "${2:-docs/images/history.png}")
FLOW=$(realpath resources/examples/classification.flow)
for b in "$BIN" "$CLI"; do [ -x "$b" ] || { echo "no $b: build first (FLOWBENCH_BUILD_DIR=$BUILD_DIR)" >&2; exit 1; }; done
for tool in xvfb-run xdotool import convert; do
  command -v "$tool" >/dev/null || { echo "missing $tool (scripts/install-deps.sh)" >&2; exit 1; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data" XDG_CACHE_HOME="$TMP/cache" OPENBLAS_NUM_THREADS=1
STORE="$TMP/store.sqlite"
for c in 0.05 1 20; do
  "$CLI" run "$FLOW" --store "$STORE" --set train.C=$c --set train.max_iter=100 --quiet >/dev/null
done
mkdir -p "$(dirname "$OUT")"
# FLOWBENCH_SHOTS=DIR keeps the intermediate screenshots (to find click positions).
SHOTS=${FLOWBENCH_SHOTS:-$TMP}
mkdir -p "$SHOTS"
export BIN STORE OUT HISTORY FLOW TMP SHOTS QT_QPA_PLATFORM=xcb
xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
  set -euo pipefail
  "$BIN" --store "$STORE" "$FLOW" >"$TMP/gui.log" 2>&1 &
  pid=$!
  wid=$(timeout 30 xdotool search --sync --onlyvisible --name "classification" | head -1)
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 1600 1000
  sleep 2
  # The Runs dock: its tab sits in the bottom dock tab bar. Positions are for the default
  # layout at 1600x1000; FLOWBENCH_RUNS_TAB/RUN_ROW1/RUN_ROW3/COMPARE="x y" override them.
  import -window root "$SHOTS/main.png"
  xdotool mousemove ${FLOWBENCH_RUNS_TAB:-213 963} click 1
  sleep 0.8
  import -window root "$SHOTS/runs.png"
  # Open the newest run (double-click): its states on the canvas, its curves and log.
  xdotool mousemove ${FLOWBENCH_RUN_ROW1:-115 826} click --repeat 2 --delay 80 1
  sleep 1.5
  import -window root "$HISTORY"
  # The three rows of the run table, then Compare.
  xdotool mousemove ${FLOWBENCH_RUN_ROW1:-115 826} click 1
  xdotool keydown shift mousemove ${FLOWBENCH_RUN_ROW3:-115 870} click 1 keyup shift
  sleep 0.3
  import -window root "$SHOTS/selected.png"
  xdotool mousemove ${FLOWBENCH_COMPARE:-711 779} click 1
  cwid=$(timeout 20 xdotool search --sync --onlyvisible --name "Compare" | head -1)
  xdotool windowmove "$cwid" 0 0 windowsize "$cwid" 1280 720
  sleep 1.5
  xdotool mousemove 1590 990
  import -window "$cwid" "$OUT"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
'
echo "saved $OUT and $HISTORY"
