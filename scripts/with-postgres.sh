#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
#
# Starts a throwaway PostgreSQL server on loopback (a temporary data directory, a free port,
# trust authentication for 127.0.0.1 only, fsync off), exports its URL as FLOWBENCH_TEST_PG_URL,
# runs COMMAND, stops the server and removes the directory. The store tests read that variable
# and run their PostgreSQL rows against it (they skip them, saying so, when it is unset).
#
# PostgreSQL refuses to run as root: as root, the server runs as the 'postgres' user (Debian's
# postgresql package creates it) or FLOWBENCH_PG_USER. When no server can be started, COMMAND
# still runs, without the variable, after a visible note.
set -uo pipefail

note() { echo "with-postgres: $*" >&2; }

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

run_without() {
  note "$1; the PostgreSQL store tests will be skipped"
  unset FLOWBENCH_TEST_PG_URL
  "${@:2}"
  exit $?
}

PG_BIN=${FLOWBENCH_PG_BIN:-}
if [ -z "$PG_BIN" ]; then
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then PG_BIN=$dir; break; fi
  done
fi
[ -n "$PG_BIN" ] || run_without "no PostgreSQL server binaries (Debian package postgresql)" "$@"

AS=()
OWNER=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  OWNER=${FLOWBENCH_PG_USER:-postgres}
  id "$OWNER" >/dev/null 2>&1 || run_without "no user '$OWNER' to run the server as (PostgreSQL refuses root)" "$@"
  AS=(runuser -u "$OWNER" --)
fi

DIR=$(mktemp -d /tmp/flowbench-pg.XXXXXX)
chmod 700 "$DIR"
[ "$(id -u)" -eq 0 ] && chown "$OWNER" "$DIR"
cleanup() {
  "${AS[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! "${AS[@]}" "$PG_BIN/initdb" -D "$DIR/data" -U flowbench --auth=trust -E UTF8 --no-locale \
    --no-sync >"$DIR/initdb.log" 2>&1; then
  cat "$DIR/initdb.log" >&2
  rm -rf "$DIR"; trap - EXIT
  run_without "initdb failed" "$@"
fi

# A port is free when nothing listens on it; another process may take it before the server
# does, so starting is retried with other ports.
started=""
for attempt in 1 2 3 4 5; do
  PORT=$(( 20000 + (RANDOM * 7 + $$ + attempt * 131) % 40000 ))
  if "${AS[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 2>&1; then
    started=yes
    break
  fi
done
if [ -z "$started" ]; then
  tail -n 20 "$DIR/server.log" >&2 2>/dev/null
  rm -rf "$DIR"; trap - EXIT
  run_without "the PostgreSQL server did not start" "$@"
fi
"${AS[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U flowbench flowbench || {
  note "createdb failed"; exit 1; }

export FLOWBENCH_TEST_PG_URL="postgresql://flowbench@127.0.0.1:$PORT/flowbench"
note "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $FLOWBENCH_TEST_PG_URL"
"$@"
status=$?
exit $status
