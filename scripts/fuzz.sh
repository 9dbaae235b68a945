#!/usr/bin/env bash
# Fuzzes the loaders of untrusted input with libFuzzer (clang, ASan + UBSan): the CSV reader,
# the .flow loader, the model-file loader, the table file loader and the scoring server's
# request path. See docs/fuzzing.md.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET  default 300; TARGETs default to all (csv flow model table serve).
#   FUZZ_JOBS=N         parallel fuzzing processes per target (default 1).
#
# Each target starts from its seed corpus (tests/fuzz/corpus/<target>, read-only) plus the
# corpus grown by earlier runs (build-fuzz/corpus/<target>). It keeps going after a crash (fork
# mode), so one run finds several. Every crash, out-of-memory and timeout input is minimised
# and copied to tests/data/bad/fuzz/<target>/, where the replay test fuzz/<target> of the normal
# test suite runs it from then on. A summary table (executions, coverage, findings per target)
# is printed and written to build-fuzz/fuzz-summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${FLOWBENCH_FUZZ_BUILD_DIR:-build-fuzz}
SECONDS_PER_TARGET=${1:-300}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(csv flow model table serve)
JOBS=${FUZZ_JOBS:-1}

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is missing; run scripts/install-deps.sh" >&2; exit 1; }

# FUZZ_NO_BUILD=1: use the fuzz_<target> executables already in $BUILD_DIR/tests/fuzz (built
# some other way, e.g. only the code under test instrumented when the machine is busy).
if [ "${FUZZ_NO_BUILD:-0}" = 1 ]; then
  :
elif [ ! -f "$BUILD_DIR/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFLOWBENCH_BUILD_FUZZERS=ON \
    -DFLOWBENCH_SANITIZE=address,undefined \
    -DFLOWBENCH_SHARED_LIBS=OFF \
    -DFLOWBENCH_BUILD_TESTS=OFF -DFLOWBENCH_BUILD_GUI=OFF -DFLOWBENCH_BUILD_BENCH=OFF
fi
build_targets=()
for t in "${TARGETS[@]}"; do build_targets+=("fuzz_$t"); done
[ "${FUZZ_NO_BUILD:-0}" = 1 ] || cmake --build "$BUILD_DIR" --parallel "$(nproc)" --target "${build_targets[@]}"

dict_for() {
  case "$1" in
    csv) echo "$ROOT/tests/fuzz/dict/csv.dict" ;;
    serve) echo "$ROOT/tests/fuzz/dict/http.dict" ;;
    *) echo "$ROOT/tests/fuzz/dict/json.dict" ;;
  esac
}
max_len_for() {
  case "$1" in
    model | table) echo 65536 ;;
    *) echo 16384 ;;
  esac
}

# The sanitizers' verdicts end the input; symbols make the reports readable.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export OPENBLAS_NUM_THREADS=1
export FLOWBENCH_SOURCE_DIR=$ROOT

summary="$BUILD_DIR/fuzz-summary.md"
{
  echo "| target | seconds | executions | exec/s | coverage (edges) | corpus | crashes | OOMs | timeouts |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$summary"

status=0
for t in "${TARGETS[@]}"; do
  exe="$BUILD_DIR/tests/fuzz/fuzz_$t"
  work="$BUILD_DIR/corpus/$t"
  findings="$BUILD_DIR/findings/$t"
  log="$BUILD_DIR/fuzz-$t.log"
  mkdir -p "$work" "$findings"
  echo "fuzz.sh: fuzzing $t for ${SECONDS_PER_TARGET}s (log: $log)" >&2
  stamp="$BUILD_DIR/.fuzz-start-$t"
  touch "$stamp"
  # Fork mode: a crash, OOM or timeout is saved and fuzzing goes on. An input may allocate at
  # most 2 GB and take at most 10 s; more is a finding (an allocation bomb, a hang).
  "$exe" "$work" "$ROOT/tests/fuzz/corpus/$t" \
    -fork="$JOBS" -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2560 -malloc_limit_mb=2048 \
    -max_len="$(max_len_for "$t")" -dict="$(dict_for "$t")" \
    -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1 || true

  # The last progress line of fork mode: "#EXECS: cov: N ft: N corp: N exec/s: N oom/timeout/crash: a/b/c ..."
  last=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -n 1 || true)
  execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$last")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  # (fork mode prints "exec/s N", the single-process mode "exec/s: N")
  rate=$(sed -nE 's/.* exec\/s:? ([0-9]+).*/\1/p' <<<"$last")
  # Findings of this run only (earlier runs' are in the folder too).
  crashes=$(find "$findings" -name 'crash-*' ! -name '*.min' ! -name '*.log' -newer "$stamp" | wc -l)
  ooms=$(find "$findings" -name 'oom-*' ! -name '*.min' ! -name '*.log' -newer "$stamp" | wc -l)
  timeouts=$(find "$findings" -name 'timeout-*' ! -name '*.min' ! -name '*.log' -newer "$stamp" | wc -l)
  echo "| $t | $SECONDS_PER_TARGET | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${corp:-?} | $crashes | $ooms | $timeouts |" >>"$summary"

  # Minimise each new finding and keep it as a regression input (named by its content hash).
  if [ "$crashes$ooms$timeouts" != "000" ]; then
    mkdir -p "$ROOT/tests/data/bad/fuzz/$t"
    for f in "$findings"/crash-* "$findings"/oom-* "$findings"/timeout-*; do
      [ -f "$f" ] || continue
      case "$f" in *.min | *.log) continue ;; esac
      [ "$f" -nt "$stamp" ] || continue
      min="$f.min"
      [ -f "$min" ] || "$exe" -minimize_crash=1 -runs=20000 -timeout=10 -rss_limit_mb=2560 -malloc_limit_mb=2048 \
        -exact_artifact_path="$min" "$f" >"$f.minimize.log" 2>&1 || true
      [ -s "$min" ] || cp "$f" "$min"
      kind=$(basename "$f" | cut -d- -f1)
      dest="$ROOT/tests/data/bad/fuzz/$t/$kind-$(sha1sum "$min" | cut -c1-16)"
      if [ ! -f "$dest" ]; then
        cp "$min" "$dest"
        echo "fuzz.sh: $t: new $kind input saved as ${dest#"$ROOT"/}" >&2
        # The first lines of the report say what went wrong, for the summary below.
        "$exe" -runs=1 -timeout=10 -rss_limit_mb=2560 -malloc_limit_mb=2048 "$dest" 2>&1 |
          grep -m 3 -E 'ERROR: AddressSanitizer|runtime error|fuzz invariant|ERROR: libFuzzer|SUMMARY' || true
      fi
      status=1
    done
  fi
done

echo >&2
cat "$summary"
exit $status
