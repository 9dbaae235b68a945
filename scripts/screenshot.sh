#!/usr/bin/env bash
# Launches the real Flowbench GUI under Xvfb with the example pipeline, runs it (F5), selects
# the training node (Tab cycles through nodes) and saves a screenshot for the docs.
#   scripts/screenshot.sh [OUT.png] [PIPELINE.flow]
# Uses $FLOWBENCH_BUILD_DIR (default build/) and a throw-away settings/data folder, so neither
# your settings nor your run history are touched.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${FLOWBENCH_BUILD_DIR:-build}
BIN="$PWD/$BUILD_DIR/app/flowbench"
OUT=$(realpath -m "${1:-docs/images/canvas.png}")
FLOW=$(realpath "${2:-resources/examples/classification.flow}")
[ -x "$BIN" ] || { echo "no $BIN: build first (FLOWBENCH_BUILD_DIR=$BUILD_DIR)" >&2; exit 1; }
for tool in xvfb-run xdotool import; do
  command -v "$tool" >/dev/null || { echo "missing $tool (scripts/install-deps.sh)" >&2; exit 1; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$(dirname "$OUT")"
export XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data" XDG_CACHE_HOME="$TMP/cache"
export BIN OUT FLOW QT_QPA_PLATFORM=xcb OPENBLAS_NUM_THREADS=1
xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
  set -euo pipefail
  "$BIN" "$FLOW" >"$XDG_CACHE_HOME.log" 2>&1 &
  pid=$!
  name=$(basename "$FLOW")
  wid=$(timeout 30 xdotool search --sync --onlyvisible --name "$name" | head -1)
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 1600 1000
  sleep 1.5
  xdotool windowfocus --sync "$wid" || true
  xdotool key --window "$wid" ctrl+0      # fit to the final window size
  sleep 0.5
  xdotool key --window "$wid" F5          # run: node states, times
  sleep 4
  # Focus the canvas (click on empty space) and select the 4th node (train) with Tab.
  xdotool mousemove --window "$wid" 700 700 click 1
  sleep 0.3
  for i in 1 2 3 4; do xdotool key --window "$wid" Tab; sleep 0.15; done
  xdotool mousemove 1590 990
  sleep 1
  import -window root "$OUT"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
'
echo "saved $OUT"
