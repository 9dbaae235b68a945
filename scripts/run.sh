#!/usr/bin/env bash
# The main job: installs what is needed, builds, and runs the shipped example pipeline —
# in the GUI when there is a display, otherwise headless with flowbench-cli.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR=${FLOWBENCH_BUILD_DIR:-build}
EXAMPLE=resources/examples/classification.flow
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$BUILD_DIR/app/flowbench" ]; then
  exec "$BUILD_DIR/app/flowbench" "$EXAMPLE"
fi
echo "No display: running $EXAMPLE headless (flowbench-cli run)." >&2
exec "$BUILD_DIR/app/flowbench-cli" run "$EXAMPLE"
