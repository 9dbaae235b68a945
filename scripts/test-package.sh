#!/usr/bin/env bash
# Builds the .deb (scripts/package.sh), checks what is inside, installs it on this machine with
# apt-get as a user would, uses the installed programs (the example pipeline as an unprivileged
# user, --help, man pages, desktop entry, AppStream metadata, MIME type, the Qt plugins the
# programs load), then removes and purges it and checks that nothing of it is left.
#
# Needs root (apt-get install). Usage: scripts/test-package.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${FLOWBENCH_PKG_BUILD_DIR:-build-pkg}
APP_ID=io.flowbench.Flowbench
T0=$(date +%s)

fail() {
  echo "test-package.sh: FAIL: $*" >&2
  exit 1
}
step() { echo "== $*" >&2; }
[ "$(id -u)" -eq 0 ] || fail "run as root (apt-get install)"

if [ "${1:-}" != "--no-build" ]; then
  bash scripts/package.sh
fi
deb=$(ls "$BUILD_DIR"/packages/flowbench_*.deb | head -n 1)
tgz=$(ls "$BUILD_DIR"/packages/flowbench-*.tar.gz | head -n 1)
[ -f "$deb" ] && [ -f "$tgz" ] || fail "no .deb or .tar.gz in $BUILD_DIR/packages"
T_BUILD=$(date +%s)

WORK=$(mktemp -d /tmp/flowbench-pkgtest.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT

# --- What the package holds -----------------------------------------------------------------------
step "package contents"
dpkg-deb --info "$deb" >"$WORK/info"
dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$WORK/contents"
depends=$(dpkg-deb --field "$deb" Depends)
echo "Package: $(basename "$deb") ($(du -h "$deb" | cut -f1)), tarball $(basename "$tgz") ($(du -h "$tgz" | cut -f1))" >&2
echo "Installed-Size: $(dpkg-deb --field "$deb" Installed-Size) KiB" >&2
echo "Depends: $depends" >&2
echo "Recommends: $(dpkg-deb --field "$deb" Recommends)  Suggests: $(dpkg-deb --field "$deb" Suggests)" >&2
for dep in libqt6core6 libqt6sql6 libqt6sql6-sqlite libqt6svg6 libqt6widgets6 libqt6network6 libc6 libstdc++6; do
  # Package names only (libstdc++6 is no regular expression).
  sed -E 's/ *\([^)]*\)//g; s/, */\n/g' <<<"$depends" | grep -qxF "$dep" || fail "Depends lacks $dep: $depends"
done
expected=(
  /usr/bin/flowbench /usr/bin/flowbench-cli
  /usr/share/applications/$APP_ID.desktop
  /usr/share/metainfo/$APP_ID.metainfo.xml
  /usr/share/mime/packages/$APP_ID.xml
  /usr/share/icons/hicolor/scalable/apps/$APP_ID.svg
  /usr/share/icons/hicolor/48x48/apps/$APP_ID.png
  /usr/share/icons/hicolor/128x128/apps/$APP_ID.png
  /usr/share/icons/hicolor/256x256/apps/$APP_ID.png
  /usr/share/man/man1/flowbench.1.gz /usr/share/man/man1/flowbench-cli.1.gz
  /usr/share/doc/flowbench/copyright /usr/share/doc/flowbench/changelog.Debian.gz
  /usr/share/flowbench/examples/classification.flow /usr/share/flowbench/examples/regression.flow
  /usr/share/flowbench/datasets/iris.csv /usr/share/flowbench/datasets/diabetes.csv
)
for f in "${expected[@]}"; do
  grep -qx "$f" "$WORK/contents" || fail "the package lacks $f"
done
! grep -E '^/usr/local|^/home|^/root|/build' "$WORK/contents" || fail "the package holds files outside /usr"
for size in 48 128 256; do
  dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png" >"$WORK/icon.png"
  file "$WORK/icon.png" | grep -q "PNG image data, $size x $size" || fail "icon ${size}x${size} is $(file -b "$WORK/icon.png")"
done
tar -tzf "$tgz" | grep -q 'usr/bin/flowbench-cli$' || fail "the tarball lacks usr/bin/flowbench-cli"

# Debian policy (lintian): errors fail, warnings are shown.
if command -v lintian >/dev/null; then
  step "lintian"
  lintian --no-tag-display-limit "$deb" >"$WORK/lintian" 2>&1 || true
  cat "$WORK/lintian" >&2
  ! grep -q '^E: ' "$WORK/lintian" || fail "lintian reports errors"
fi

# --- Install --------------------------------------------------------------------------------------
step "install"
if dpkg-query -W -f='${Status}' flowbench 2>/dev/null | grep -q installed; then
  apt-get purge -y -qq flowbench >/dev/null
fi
snapshot() { find /usr /etc /opt /var/lib/dpkg/info -xdev \( -type f -o -type l \) 2>/dev/null | grep -v -E '^/usr/share/mime/|/__pycache__/|\.pyc$' | sort; }
snapshot >"$WORK/before"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$(realpath "$deb")" >"$WORK/apt-install.log" 2>&1 || { cat "$WORK/apt-install.log" >&2; fail "apt-get install"; }
dpkg-query -W -f='${Status} ${Version}\n' flowbench | grep -q "install ok installed" || fail "not installed"
echo "installed $(dpkg-query -W -f='${Version}' flowbench)" >&2
T_INSTALL=$(date +%s)

# --- Use it ---------------------------------------------------------------------------------------
step "installed programs"
for exe in /usr/bin/flowbench /usr/bin/flowbench-cli; do
  ! ldd "$exe" | grep -q 'not found' || fail "$exe: missing libraries: $(ldd "$exe" | grep 'not found')"
done
flowbench-cli --help >"$WORK/help" || fail "flowbench-cli --help"
grep -q '^Usage: flowbench-cli COMMAND' "$WORK/help" || fail "flowbench-cli --help: $(head -n 3 "$WORK/help")"
flowbench-cli --version | grep -qx "flowbench-cli [0-9.]*" || fail "flowbench-cli --version"
QT_QPA_PLATFORM=offscreen flowbench --help | grep -q 'Usage: flowbench' || fail "flowbench --help"

# The example, as an unprivileged user with a fresh home and from an unrelated folder: relative
# dataset paths must resolve against the installed example, and nothing may be written in /usr.
step "run the installed examples as nobody"
home="$WORK/home"
mkdir -p "$home" && chown nobody "$home"
as_nobody() { (cd / && runuser -u nobody -- env -i HOME="$home" PATH=/usr/bin:/bin OPENBLAS_NUM_THREADS=1 "$@"); }
as_nobody flowbench-cli run /usr/share/flowbench/examples/classification.flow --json >"$WORK/run.json" 2>"$WORK/run.err" ||
  fail "flowbench-cli run classification.flow: $(cat "$WORK/run.err")"
/usr/bin/python3 - "$WORK/run.json" <<'EOF' || fail "classification run result"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["state"] == "success", r
acc = r["metrics"]["evaluate.accuracy"]
assert acc >= 0.9, acc
assert r["store"].endswith("/home/.local/share/flowbench/store.sqlite"), r["store"]
print("classification example: accuracy %.3f, %.2f s" % (acc, r["duration_s"]), file=sys.stderr)
EOF
as_nobody flowbench-cli run /usr/share/flowbench/examples/regression.flow --quiet >/dev/null 2>"$WORK/run.err" ||
  fail "flowbench-cli run regression.flow: $(cat "$WORK/run.err")"
as_nobody flowbench-cli validate /usr/share/flowbench/examples/classification.flow >/dev/null || fail "validate"
[ -n "$(find "$home/.local/share/flowbench/artifacts" -name '*.fbm')" ] || fail "no model file in the user's artifacts"
as_nobody flowbench-cli runs list | grep -q success || fail "runs list"

# Qt plugins loaded at run time must come from packages the .deb depends on.
step "Qt plugins"
# (as_nobody clears the environment, so the variables go inside it.)
as_nobody env QT_DEBUG_PLUGINS=1 flowbench-cli runs list >/dev/null 2>"$WORK/plugins-cli" || true
as_nobody env QT_DEBUG_PLUGINS=1 QT_QPA_PLATFORM=offscreen timeout 8 flowbench /usr/share/flowbench/examples/classification.flow \
  >/dev/null 2>"$WORK/plugins-gui" || true
# Qt 6.4 logs: qt.core.library: "/usr/lib/.../libqsqlite.so" loaded library
plugins=$(cat "$WORK/plugins-cli" "$WORK/plugins-gui" | sed -nE 's/.*"([^"]+\.so)" loaded library.*/\1/p' | sort -u)
grep -q sqldrivers/libqsqlite.so <<<"$plugins" || fail "the SQLite plugin was not loaded: $plugins"
for p in $plugins; do
  owner=$(dpkg -S "$p" 2>/dev/null | head -n 1 | cut -d: -f1)
  echo "plugin $p from ${owner:-?}" >&2
  [ -n "$owner" ] || continue
  # Reached through Depends, directly or through a dependency of a dependency.
  # (From a file: grep -q ending a pipe early would fail it under pipefail.)
  [ -s "$WORK/depends" ] || apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances flowbench >"$WORK/depends" 2>/dev/null || true
  grep -qE "^ *(Depends: )?$owner$" "$WORK/depends" || fail "plugin $p comes from $owner, which the package does not depend on"
done

step "desktop integration"
desktop-file-validate /usr/share/applications/$APP_ID.desktop || fail "desktop-file-validate"
appstreamcli validate --no-net /usr/share/metainfo/$APP_ID.metainfo.xml || fail "appstreamcli validate"
# Debian's triggers ran: the MIME database knows .flow files and which program opens them.
[ -f /usr/share/mime/application/x-flowbench-pipeline.xml ] || fail "update-mime-database did not run"
cp /usr/share/flowbench/examples/classification.flow "$WORK/some pipeline.flow"
mime=$(gio info -a standard::content-type "$WORK/some pipeline.flow" 2>/dev/null | sed -nE 's/.*content-type: //p' || true)
[ -z "$mime" ] || [ "$mime" = application/x-flowbench-pipeline ] || fail "a .flow file is $mime"
grep -q "application/x-flowbench-pipeline=.*$APP_ID.desktop" /usr/share/applications/mimeinfo.cache ||
  fail "mimeinfo.cache does not map .flow files to Flowbench"
echo "a .flow file is ${mime:-application/x-flowbench-pipeline (gio unavailable)}, opened by $APP_ID.desktop" >&2

step "man pages"
for page in flowbench flowbench-cli; do
  man -w "$page" >/dev/null || fail "man $page not found"
done
MANWIDTH=100 man flowbench-cli 2>/dev/null | col -b >"$WORK/man"
# Every command of `flowbench-cli --help` is documented.
for cmd in $(sed -nE 's/^  ([a-z-]+)( [a-z]+)? .*/\1/p' "$WORK/help" | sort -u); do
  grep -qE "^ +$cmd( |$)" "$WORK/man" || fail "man flowbench-cli does not document '$cmd'"
done
T_USE=$(date +%s)

# --- Remove and purge -----------------------------------------------------------------------------
step "remove and purge"
apt-get remove -y -qq flowbench >"$WORK/apt-remove.log" 2>&1 || { cat "$WORK/apt-remove.log" >&2; fail "apt-get remove"; }
[ ! -e /usr/bin/flowbench-cli ] && [ ! -e /usr/share/flowbench ] || fail "files left after remove"
# Without conffiles, remove already forgets the package (apt-get purge would not find it); with
# any left (state config-files), purge must clear them.
if dpkg-query -W -f='${Status}' flowbench 2>/dev/null | grep -q config-files; then
  apt-get purge -y -qq flowbench >"$WORK/apt-purge.log" 2>&1 || { cat "$WORK/apt-purge.log" >&2; fail "apt-get purge"; }
fi
! dpkg-query -W -f='${Status}\n' flowbench 2>/dev/null | grep -qv 'not-installed' || fail "dpkg still knows flowbench"
[ ! -e /usr/share/mime/application/x-flowbench-pipeline.xml ] || fail "the MIME type is still registered"
! grep -q "$APP_ID" /usr/share/applications/mimeinfo.cache 2>/dev/null || fail "mimeinfo.cache still names Flowbench"
snapshot >"$WORK/after"
if ! diff "$WORK/before" "$WORK/after" >"$WORK/leftovers"; then
  cat "$WORK/leftovers" >&2
  fail "the file system differs after purge"
fi
T_END=$(date +%s)

echo "test-package.sh: OK: build $((T_BUILD - T0)) s, install $((T_INSTALL - T_BUILD)) s, checks $((T_USE - T_INSTALL)) s, remove+purge $((T_END - T_USE)) s, total $((T_END - T0)) s" >&2
