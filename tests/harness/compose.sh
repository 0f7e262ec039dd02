#!/usr/bin/env bash
# tests/harness/compose.sh find|fetch - a Compose v2 for checking
# docker-compose.yml (`docker compose config`), which uses the Compose
# Specification's top-level `name:`; Compose v1 (Debian 12's docker-compose
# 1.29) rejects that key.
#
#   compose.sh find    print the command of a Compose v2: `docker compose`,
#                      a `docker-compose` that is v2, or the one fetch left in
#                      the cache; exit 1 when there is none
#   compose.sh fetch   when find finds none: download Debian 13's
#                      docker-compose package (v2) with apt from the Debian
#                      archive, with apt lists of its own (nothing of the
#                      machine's apt configuration changes), and unpack it
#                      into the cache, $NONAGENTD_TEST_CACHE (default
#                      ~/.cache/nonagentd-tests)
#
# Debian 12 has no Compose v2 package; Debian 13's is one Go binary needing
# only libc (>= 2.34), which Debian 12 has.  Only `config` is run with it:
# no container engine is needed for that.
set -eu

cache=${NONAGENTD_TEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/nonagentd-tests}
cached=$cache/compose-v2/usr/libexec/docker/cli-plugins/docker-compose

# is_v2 COMMAND...: true when `COMMAND version --short` says 2.x or later.
is_v2() {
    local v
    v=$("$@" version --short 2>/dev/null) || return 1
    v=${v#v}
    [ "${v%%.*}" -ge 2 ] 2>/dev/null
}

find_compose() {
    if command -v docker >/dev/null 2>&1 && is_v2 docker compose; then
        echo "docker compose"
    elif command -v docker-compose >/dev/null 2>&1 && is_v2 docker-compose; then
        echo "docker-compose"
    elif [ -x "$cached" ] && is_v2 "$cached"; then
        echo "$cached"
    else
        return 1
    fi
}

fetch_compose() {
    local tmp apt deb
    find_compose >/dev/null && return 0
    command -v apt-get >/dev/null 2>&1 || { echo "compose.sh: no apt-get" >&2; return 1; }
    tmp=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf -- '$tmp'" RETURN
    mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
         "http://deb.debian.org/debian trixie main" >"$tmp/sources.list"
    apt=(-o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/nonexistent
         -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache"
         -o Dir::State::status=/dev/null -o Debug::NoLocking=true
         -o APT::Sandbox::User=root)
    echo "compose.sh: fetching Debian 13's docker-compose (Compose v2) into $cache" >&2
    if ! apt-get "${apt[@]}" -qq update >"$tmp/apt.log" 2>&1 ||
       ! (cd "$tmp" && apt-get "${apt[@]}" -qq download docker-compose) >>"$tmp/apt.log" 2>&1; then
        tail -n 5 "$tmp/apt.log" >&2
        echo "compose.sh: could not download docker-compose from Debian 13" >&2
        return 1
    fi
    deb=$(ls "$tmp"/docker-compose_*.deb)
    rm -rf -- "$cache/compose-v2"
    mkdir -p "$cache/compose-v2"
    dpkg-deb -x "$deb" "$cache/compose-v2"
    is_v2 "$cached" || { echo "compose.sh: $cached is not a working Compose v2" >&2; return 1; }
    echo "compose.sh: $("$cached" version)" >&2
}

case ${1:-} in
    find) find_compose ;;
    fetch) fetch_compose ;;
    *) echo "usage: $0 find|fetch" >&2; exit 2 ;;
esac
