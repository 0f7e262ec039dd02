# shellcheck shell=bash
# tests/support/checks.sh - sourced by the shell tests (test_packaging.sh,
# test_container.sh): "ok - / FAIL - / skip - " lines and their count, free
# local ports, and an HTTP GET with bash alone.  Sets passed, failed and
# skipped; summary prints the closing "N passed, N failed" line.  Sourced
# from the test's own folder: tests/integration/../support/checks.sh.

# dirs_from_args SOURCE_DIR BUILD_DIR: the test's two arguments, as the
# absolute paths src and build (created if need be).
# shellcheck disable=SC2034  # src and build are for the sourcing test
dirs_from_args() {
    if [ $# -ne 2 ]; then
        echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2
        return 2
    fi
    src=$(cd "$1" && pwd) || return 2
    mkdir -p "$2" || return 2
    build=$(cd "$2" && pwd) || return 2
}

passed=0
failed=0
skipped=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL - $*"; }
skip() { skipped=$((skipped + 1)); echo "skip - $*"; }
# check DESCRIPTION COMMAND...: ok when COMMAND succeeds.
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}
# check_fails DESCRIPTION COMMAND...: ok when COMMAND fails.
check_fails() {
    local what=$1
    shift
    if "$@"; then bad "$what"; else ok "$what"; fi
}
# summary: the closing line; true when nothing failed.
summary() {
    echo
    if [ "$skipped" -gt 0 ]; then
        echo "$passed passed, $failed failed, $skipped skipped"
    else
        echo "$passed passed, $failed failed"
    fi
    [ "$failed" -eq 0 ]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 12000))   # below the ephemeral range (32768+)
        if ! port_in_use "$p"; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# http_get HOST PORT PATH: the whole HTTP/1.0 response on standard output.
http_get() {
    local resp
    exec 4<>"/dev/tcp/$1/$2" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$3" "$1" "$2" >&4
    resp=$(timeout 10 cat <&4)
    exec 4<&-
    printf '%s' "$resp"
}
