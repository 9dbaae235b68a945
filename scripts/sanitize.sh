#!/usr/bin/env bash
# Runs the test suite under the sanitizers (docs/fuzzing.md, "Sanitizers"):
#   asan  the WHOLE CTest suite built with AddressSanitizer + UndefinedBehaviorSanitizer (preset
#         asan, build-asan/): memory errors, leaks (LeakSanitizer) and undefined behaviour, with
#         -fno-sanitize-recover so the first UB report fails its test;
#   tsan  the concurrent parts built with ThreadSanitizer (preset tsan, build-tsan/): executor,
#         run store, output cache, scoring server, and the CLI end-to-end tests that drive them.
# Zero reports are required: every sanitizer report of every process (tests and the
# flowbench-cli processes they start) is written to build-*/sanitizer-logs/, and any file there
# fails the script even when the test that caused it passed.
#
# Usage: scripts/sanitize.sh [asan|tsan|all|leaks]     (default all; leaks: see run_leaks)
#        SANITIZE_TESTS=regex to run a subset (ctest -R).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${1:-all}
SUPP=$ROOT/tests/sanitizers
export OPENBLAS_NUM_THREADS=1
export QT_QPA_PLATFORM=offscreen

# The executor/store/server/cache tests, and the CLI tests that run pipelines and the server.
TSAN_TESTS=${TSAN_TESTS:-'^(core/(executor|taskpool|ml_parallel|runstore|runstoreschema|cache|serve.*|scoring.*|http.*|recorder.*)|cli/(cli|crash|serve.*))$'}

elapsed() { echo "$(( $(date +%s) - $1 ))"; }

# Fails when any sanitizer wrote a report.
check_logs() {
  local dir=$1 name=$2
  local reports
  reports=$(find "$dir" -type f 2>/dev/null | wc -l)
  if [ "$reports" -gt 0 ]; then
    echo "sanitize.sh: $name: $reports sanitizer report(s) in $dir:" >&2
    for f in "$dir"/*; do
      echo "== $f" >&2
      grep -m 5 -E 'ERROR|WARNING|runtime error|SUMMARY' "$f" >&2 || head -n 5 "$f" >&2
    done
    return 1
  fi
  echo "sanitize.sh: $name: no sanitizer reports" >&2
}

run_asan() {
  local t0
  t0=$(date +%s)
  [ -f build-asan/build.ninja ] || cmake --preset asan
  # A function called from `||` runs without errexit: a failed build must stop here.
  cmake --build build-asan --parallel "$(nproc)" || return 1
  echo "sanitize.sh: asan build took $(elapsed "$t0") s" >&2
  local logs=$ROOT/build-asan/sanitizer-logs
  rm -rf "$logs" && mkdir -p "$logs"
  t0=$(date +%s)
  local rc=0
  # LeakSanitizer runs at exit of every process; suppressions are for third-party libraries
  # only, each with its reason (tests/sanitizers/).
  ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:abort_on_error=0:log_path=$logs/asan" \
  LSAN_OPTIONS="suppressions=$SUPP/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$SUPP/ubsan.supp:log_path=$logs/ubsan" \
    ctest --test-dir build-asan --output-on-failure --parallel "$(nproc)" --timeout 3600 \
      ${SANITIZE_TESTS:+-R "$SANITIZE_TESTS"} || rc=$?
  echo "sanitize.sh: asan tests took $(elapsed "$t0") s (ctest exit $rc)" >&2
  check_logs "$logs" asan || rc=1
  return $rc
}

run_tsan() {
  local t0
  t0=$(date +%s)
  [ -f build-tsan/build.ninja ] || cmake --preset tsan
  # Only what the selected tests need: the test executables and the CLI they start.
  local targets=(flowbench-cli)
  local t
  for t in $(ctest --test-dir build-tsan -N -R "${SANITIZE_TESTS:-$TSAN_TESTS}" 2>/dev/null |
             sed -nE 's/^ *Test +#[0-9]+: ([a-z]+)\/([a-z0-9_]+)$/tst_\1_\2/p'); do
    targets+=("$t")
  done
  cmake --build build-tsan --parallel "$(nproc)" --target "${targets[@]}" || return 1
  echo "sanitize.sh: tsan build took $(elapsed "$t0") s (${targets[*]})" >&2
  local logs=$ROOT/build-tsan/sanitizer-logs
  rm -rf "$logs" && mkdir -p "$logs"
  t0=$(date +%s)
  local rc=0
  TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:history_size=4:die_after_fork=0:suppressions=$SUPP/tsan.supp:log_path=$logs/tsan" \
    ctest --test-dir build-tsan --output-on-failure --parallel "$(nproc)" --timeout 3600 \
      -R "${SANITIZE_TESTS:-$TSAN_TESTS}" || rc=$?
  echo "sanitize.sh: tsan tests took $(elapsed "$t0") s (ctest exit $rc)" >&2
  check_logs "$logs" tsan || rc=1
  return $rc
}

# A quick leak check without a sanitizer build: AddressSanitizer's runtime preloaded into an
# existing regular build (LEAKS_BUILD_DIR, default build/) finds leaks (LeakSanitizer) and heap
# misuse (double or mismatched free) in every test and every flowbench-cli it starts; buffer
# overflows and undefined behaviour need the asan build. ctest itself runs under the runtime
# too; its own reports (files asan.ctest.*) are not ours and are dropped.
run_leaks() {
  local dir=${LEAKS_BUILD_DIR:-build} t0 rc=0
  local lib
  lib=$(gcc -print-file-name=libasan.so)
  [ -f "$dir/CTestTestfile.cmake" ] || { echo "sanitize.sh: leaks: no test build in $dir" >&2; return 1; }
  local logs=$ROOT/$dir/sanitizer-logs
  rm -rf "$logs" && mkdir -p "$logs"
  t0=$(date +%s)
  LD_PRELOAD=$lib \
  ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1:log_exe_name=1:log_path=$logs/asan" \
  LSAN_OPTIONS="suppressions=$SUPP/lsan.supp:print_suppressions=0" \
    ctest --test-dir "$dir" --output-on-failure --parallel "$(nproc)" --timeout 3600 \
      ${SANITIZE_TESTS:+-R "$SANITIZE_TESTS"} || rc=$?
  echo "sanitize.sh: leaks tests took $(elapsed "$t0") s (ctest exit $rc)" >&2
  rm -f "$logs"/asan.ctest.* "$logs"/asan.cmake.*
  check_logs "$logs" leaks || rc=1
  return $rc
}

status=0
case "$MODE" in
  leaks) run_leaks || status=1 ;;
  asan) run_asan || status=1 ;;
  tsan) run_tsan || status=1 ;;
  all)
    run_asan || status=1
    run_tsan || status=1
    ;;
  *)
    echo "usage: scripts/sanitize.sh [asan|tsan|all|leaks]" >&2
    exit 2
    ;;
esac
exit $status
