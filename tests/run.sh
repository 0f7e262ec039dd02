#!/usr/bin/env bash
# tests/run.sh - the whole test suite from a fresh checkout: install what is
# missing, then three passes, each against a private MariaDB that ctest
# starts and removes itself:
#
#   1. normal build (build/, warnings are errors): every test, including a
#      short fuzzing run, the packaging checks and the container image built
#      and run with podman (skipped, saying why, where podman cannot run);
#      then a Release build (build-release/, -O3, warnings are errors),
#      compiled only: -O3 finds warnings -O2 does not;
#   2. the daemon's integration tests again with the daemon under valgrind
#      (memcheck: any error or definite leak fails the test);
#   3. AddressSanitizer + UBSan build (build-asan/): every test but fuzzing
#      (which has its own sanitizers), packaging and the container.
#
#   tests/run.sh          all three passes
#   tests/run.sh --quick  the first pass only
set -eu
cd "$(dirname "$0")/.."

bash tests/harness/deps.sh
jobs=$(nproc)

echo "==== pass 1: normal build, every test"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNONAGENTD_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j 2 --timeout 600)
[ "${1:-}" = "--quick" ] && exit 0

echo "==== pass 1b: Release build, compiled only"
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DNONAGENTD_WERROR=ON >/dev/null
cmake --build build-release -j "$jobs"

echo "==== pass 2: the daemon under valgrind"
# The tests that time, kill or re-exec the daemon themselves are left out.
(cd build && NONAGENTD_VALGRIND=1 ctest --output-on-failure -j 2 --timeout 900 -L integration \
     -E 'test_packaging|test_limits|test_kill|test_daemon|test_signals')

echo "==== pass 3: AddressSanitizer and UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNONAGENTD_SANITIZE=ON \
    -DNONAGENTD_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"
(cd build-asan && ctest --output-on-failure -j 2 --timeout 600 -E 'fuzz_smoke|test_packaging|test_container')
