#!/usr/bin/env bash
# tests/run.sh - the whole test suite from a fresh checkout: install what is
# missing, build (warnings are errors), run every test with ctest against a
# private MariaDB that the suite starts and removes itself.
#
#   tests/run.sh            normal build in build/
#   tests/run.sh --sanitize AddressSanitizer + UBSan build in build-asan/
set -eu
cd "$(dirname "$0")/.."

build=build
flags=""
if [ "${1:-}" = "--sanitize" ]; then
    build=build-asan
    flags="-DNONAGENTD_SANITIZE=ON"
fi

bash tests/harness/deps.sh
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo $flags >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest --output-on-failure -j 2 --timeout 600
