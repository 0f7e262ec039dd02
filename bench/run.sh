#!/usr/bin/env bash
# bench/run.sh - nonagentd's benchmarks, one command, from a checkout, as
# root on Debian 12:
#
#     bash bench/run.sh                  everything (about 35 minutes)
#     BENCH_QUICK=1 bash bench/run.sh    a short pass that checks the harness
#
# It installs what is missing (the build and test packages through
# tests/harness/deps.sh, then wrk and curl; up.sh installs Apache and PHP),
# builds nonagentd in build-bench/ (Release, no tests) with the helpers of
# bench/CMakeLists.txt, then runs, each on its own private MariaDB:
#   1. bench/side.sh, when ../shared/reference exists: nonagentd and VICIdial
#      2.14-202 itself (Apache + mod_php) side by side on VICIdial's own
#      schema (MyISAM, sql_mode=''), alternating, every ratio from this run;
#   1b. with BENCH_AGAINST=REV, side.sh again with nonagentd built from the
#      git revision REV in VICIdial's place: whether a change costs speed;
#   2. bench/suite.sh on the project's schema (InnoDB), once for each value
#      of innodb_flush_log_at_trx_commit in BENCH_FLUSH ("2 1": the test
#      server's setting, then MariaDB's default durability).
# bench/README.md says what each figure means.  The reports go to stdout and
# build-bench/bench-results/results.md (the parts under side/ and flush-N/).
#
# Knobs (environment), besides each script's own (see their headers):
#   BENCH_QUICK=0      1: BENCH_SECONDS=2, BENCH_ROUNDS=1, 1 and 32
#                      connections, 100 idle connections, no re-runs, no
#                      waiting for a quiet machine, 20 phones in the
#                      side-by-side fixture (anything set explicitly wins)
#   BENCH_SIDE=auto    auto: side by side when the reference exists; 0: never
#   BENCH_AGAINST=     a git revision to measure this tree against (1b)
#   BENCH_FLUSH="2 1"  the suite's passes (empty: no suite)
#   BENCH_SECONDS, BENCH_ROUNDS: the length of every run and the rounds, for
#                      both scripts
#
# Exit status 0 when every part ran, even if a target is missed; 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
build=$top/build-bench
results=$build/bench-results

if [ "${BENCH_QUICK:-0}" = 1 ]; then
    export BENCH_SECONDS=${BENCH_SECONDS:-2} BENCH_ROUNDS=${BENCH_ROUNDS:-1}
    export BENCH_CONNS=${BENCH_CONNS:-"1 32"} BENCH_SIDE_CONNS=${BENCH_SIDE_CONNS:-"1 32"}
    export BENCH_IDLE=${BENCH_IDLE:-100} BENCH_RETRIES=${BENCH_RETRIES:-0}
    export BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-0} BENCH_SIDE_PHONES=${BENCH_SIDE_PHONES:-20}
    export BENCH_SIDE_BIG=${BENCH_SIDE_BIG-64}
fi
FLUSH=${BENCH_FLUSH-"2 1"}
SIDE=${BENCH_SIDE:-auto}
ref=${BENCH_REFERENCE:-$top/../shared/reference}
export BENCH_REFERENCE=$ref

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

# ---- dependencies --------------------------------------------------------

bash tests/harness/deps.sh
if ! command -v wrk >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || die "wrk or curl missing: run as root, or apt-get install wrk curl"
    say "installing wrk and curl"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends wrk curl >/dev/null
fi

# ---- build -----------------------------------------------------------------

say "building nonagentd (Release) in build-bench/"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DNONAGENTD_TESTS=OFF -DNONAGENTD_BENCH=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target nonagentd bench_ceiling bench_idleconns \
    bench_bcrypt_ref >/dev/null
mkdir -p "$results"
rm -f "$results/results.md"

# ---- the parts ---------------------------------------------------------------

started=$SECONDS
parts=() failed=()
if [ "$SIDE" != 0 ] && [ -x "$ref/up.sh" ]; then
    if BENCH_SIDE_AGAINST= bash bench/side.sh >/dev/null; then
        parts+=("$results/side/side-by-side.md")
    else
        failed+=(side-by-side)
    fi
elif [ "$SIDE" != 0 ]; then
    say "no VICIdial reference at $ref: no side-by-side measurement"
fi
if [ -n "${BENCH_AGAINST:-}" ] && [ -x "$ref/up.sh" ]; then
    against=$(git rev-parse --short "$BENCH_AGAINST^{commit}" 2>/dev/null || echo "$BENCH_AGAINST")
    if BENCH_SIDE_AGAINST=$BENCH_AGAINST bash bench/side.sh >/dev/null; then
        parts+=("$results/against-$against/side-by-side.md")
    else
        failed+=("against $BENCH_AGAINST")
    fi
fi
for f in $FLUSH; do
    if BENCH_FLUSH_LOG=$f BENCH_OUT=$results/flush-$f bash bench/suite.sh >/dev/null; then
        parts+=("$results/flush-$f/results.md")
    else
        failed+=("suite, flush_log_at_trx_commit=$f")
    fi
done

{
    for p in "${parts[@]}"; do cat "$p"; echo; done
    echo "All parts took $((SECONDS - started)) s (bash bench/run.sh$([ "${BENCH_QUICK:-0}" = 1 ] && echo ", BENCH_QUICK=1"))."
    [ ${#failed[@]} = 0 ] || echo "FAILED: ${failed[*]} (see the messages above)."
} >"$results/results.md"
cat "$results/results.md"
say "results in $results/results.md"
[ ${#failed[@]} = 0 ]
