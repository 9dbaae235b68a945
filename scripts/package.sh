#!/usr/bin/env bash
# Builds the release packages: build-pkg/packages/flowbench_VERSION-1_ARCH.deb and
# flowbench-VERSION-linux-ARCH.tar.gz. (CPACK_DEBIAN_DEBUGINFO_PACKAGE asks for a -dbgsym .ddeb
# too; CMake 3.25 made none in a test from a RelWithDebInfo build, so do not count on it yet.)
#
# Release build, compiled with Debian's own hardening and optimisation flags (dpkg-buildflags:
# stack protector, _FORTIFY_SOURCE, CET, full RELRO, bind-now), as if Debian built it; the
# binaries in the package are stripped and their debug symbols go to the dbgsym package.
# SOURCE_DATE_EPOCH (the last commit's time) makes time stamps in the packages reproducible.
#
# Usage: scripts/package.sh [extra cmake configure arguments]
#        FLOWBENCH_PKG_BUILD_DIR=dir to build elsewhere (default build-pkg).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${FLOWBENCH_PKG_BUILD_DIR:-build-pkg}

for tool in dpkg-buildflags dpkg-shlibdeps file rsvg-convert; do
  command -v "$tool" >/dev/null || {
    echo "package.sh: $tool is missing; run scripts/install-deps.sh" >&2
    exit 1
  }
done

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CPPFLAGS=$(dpkg-buildflags --get CPPFLAGS)
CXXFLAGS=$(dpkg-buildflags --get CXXFLAGS)
LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX=/usr \
    -DFLOWBENCH_BUILD_TESTS=OFF \
    -DFLOWBENCH_BUILD_BENCH=OFF \
    -DFLOWBENCH_SHARED_LIBS=OFF \
    -DCMAKE_CXX_FLAGS="$CPPFLAGS $CXXFLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS" \
    -DCMAKE_SHARED_LINKER_FLAGS="$LDFLAGS" \
    "$@"
fi
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
rm -rf "$BUILD_DIR/packages"
cmake --build "$BUILD_DIR" --target package

echo "package.sh: packages in $BUILD_DIR/packages:" >&2
ls -l "$BUILD_DIR"/packages/*.deb "$BUILD_DIR"/packages/*.tar.gz >&2
