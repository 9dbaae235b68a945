#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test (CTest). This is what CI runs.
# Then the sanitizer runs (issue 7): the whole suite under AddressSanitizer + UBSan and the
# executor/store/cache/server/CLI tests under ThreadSanitizer, each in its own build folder,
# any report failing the script (scripts/sanitize.sh). FLOWBENCH_SANITIZERS=0 skips them for a
# quick local check; CI always runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR=${FLOWBENCH_BUILD_DIR:-build}
# Each test process gets one OpenBLAS thread; CTest runs two tests at a time on two cores.
export OPENBLAS_NUM_THREADS=1
# with-postgres.sh: a throwaway PostgreSQL server for the store tests (skipped, saying so, without one).
bash scripts/with-postgres.sh ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(nproc)" --timeout 900
echo "test.sh: build and tests took $(( $(date +%s) - t0 )) s" >&2
if [ "${FLOWBENCH_SANITIZERS:-1}" != 0 ] || [ -n "${CI:-}" ]; then
    bash scripts/sanitize.sh all
    echo "test.sh: everything, sanitizers included, took $(( $(date +%s) - t0 )) s" >&2
fi
