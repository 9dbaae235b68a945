#!/usr/bin/env bash
# Installs every Debian 12 package Flowbench needs to build, run, test, benchmark and package.
# Idempotent: packages already present are skipped quickly by apt.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config git
  # Qt 6.4 (libqt6opengl6-dev: QtCharts' CMake config needs it; websockets: HttpServer's)
  qt6-base-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev qt6-svg-dev
  libqt6sql6-sqlite libqt6sql6-psql libqt6opengl6-dev libxkbcommon-dev libqt6svg6
  # numerics
  libeigen3-dev libopenblas-dev libopenblas0-pthread libfast-float-dev libxxhash-dev
  # SQLite CLI for inspecting stores; PostgreSQL for the shared-store tests
  sqlite3 postgresql
  # GUI tests and screenshots
  xvfb xauth xdotool imagemagick fonts-dejavu-core
  # sanitizers and fuzzing
  clang libclang-rt-14-dev
  # packaging (librsvg2-bin: PNG icons from the SVG at build time; lintian: Debian policy check)
  dpkg-dev file appstream desktop-file-utils librsvg2-bin lintian
  # peers and oracles (Debian's python, /usr/bin/python3)
  python3 python3-numpy python3-pandas python3-sklearn python3-xgboost python3-onnx
  # load tools and ONNX Runtime host
  wrk hyperfine nodejs npm
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node/npm may come from outside Debian on some machines; do not fight an existing install.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
filtered=()
for p in "${missing[@]}"; do [ -n "$p" ] && filtered+=("$p"); done

if [ ${#filtered[@]} -gt 0 ]; then
  echo "install-deps: installing ${#filtered[@]} packages: ${filtered[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${filtered[@]}" >/dev/null
else
  echo "install-deps: all packages present" >&2
fi

# ONNX Runtime for node (ONNX export tests), installed outside the source tree.
bash "$(dirname "$0")/install-onnxruntime.sh"
