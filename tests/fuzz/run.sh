#!/usr/bin/env bash
# tests/fuzz/run.sh - build each libFuzzer target with clang
# (-fsanitize=fuzzer,address,undefined) and run it on its seed corpus for a
# bounded time.
#
#   tests/fuzz/run.sh [SECONDS] [OUTDIR]    default 20 s per target, build/fuzz
#
# The test suite runs it with a short time; run it longer by hand:
#   bash tests/fuzz/run.sh 600
# A crash leaves its input in OUTDIR/<target>/crash-*: add it to
# tests/fuzz/corpus/<target>/ and fix the bug, so it stays a regression test.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${1:-20}
out=${2:-$top/build/fuzz}
mkdir -p "$out"

if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz: clang not found (tests/harness/deps.sh installs it)" >&2
    exit 1
fi

build() {    # name, sources...
    local name=$1; shift
    clang -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I"$top" "$@" -o "$out/$name"
}

build fuzz_params "$here/fuzz_params.c" "$top/server/params.c"
build fuzz_filters "$here/fuzz_filters.c" "$top/server/filters.c" "$top/server/unicode_letters.c" \
    "$top/util/utf8.c"
build fuzz_bcrypt "$here/fuzz_bcrypt.c" "$top/server/bcrypt.c"

status=0
for target in params filters bcrypt; do
    work="$out/$target"
    rm -rf "$work" && mkdir -p "$work/corpus"
    cp "$here/corpus/$target/"* "$work/corpus/" 2>/dev/null || true
    if (cd "$work" && "$out/fuzz_$target" -max_total_time="$seconds" -max_len=4096 \
            -print_final_stats=0 corpus >"$work/log" 2>&1); then
        echo "fuzz_$target: $(grep -Eo 'Done [0-9]+ runs' "$work/log" | tail -1) in ${seconds}s, no crash"
    else
        echo "fuzz_$target: FAILED, see $work/log" >&2
        tail -n 30 "$work/log" >&2
        status=1
    fi
done
exit $status
