#!/usr/bin/env bash
# Installs ONNX Runtime for node (onnxruntime-node) outside the source tree, for the ONNX export
# tests (tests/core/tst_onnx.cpp) to run exported models in a real runtime.
# --ignore-scripts: the package's install script tries a download that fails offline; the
# Linux x64 library ships inside the package itself.
# Target folder: $FLOWBENCH_ONNXRUNTIME_DIR, default ~/.cache/flowbench-onnxruntime.
set -euo pipefail
VERSION=1.30.0
DIR=${FLOWBENCH_ONNXRUNTIME_DIR:-"$HOME/.cache/flowbench-onnxruntime"}
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "install-onnxruntime: node/npm missing; ONNX Runtime tests will be skipped" >&2
  exit 0
fi
if [ -f "$DIR/node_modules/onnxruntime-node/package.json" ] &&
   grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/onnxruntime-node/package.json"; then
  echo "install-onnxruntime: onnxruntime-node $VERSION present in $DIR" >&2
  exit 0
fi
mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || echo '{"name": "flowbench-onnxruntime", "private": true}' > "$DIR/package.json"
echo "install-onnxruntime: installing onnxruntime-node@$VERSION into $DIR" >&2
npm install --prefix "$DIR" --ignore-scripts --no-audit --no-fund "onnxruntime-node@$VERSION" >&2
