#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test (CTest). This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR=${FLOWBENCH_BUILD_DIR:-build}
# Each test process gets one OpenBLAS thread; CTest runs two tests at a time on two cores.
export OPENBLAS_NUM_THREADS=1
# with-postgres.sh: a throwaway PostgreSQL server for the store tests (skipped, saying so, without one).
bash scripts/with-postgres.sh ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(nproc)" --timeout 900
