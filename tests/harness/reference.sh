#!/usr/bin/env bash
# tests/harness/reference.sh - VICIdial's own non_agent_api.php, to run a
# client against it: the reference copy's up.sh (../shared/reference beside
# the checkout, or $NONAGENTD_REFERENCE) on Apache + mod_php, against a
# private MariaDB run as VICIdial servers run it (sql_mode '', which
# VICIdial's add_phone INSERT needs), loaded with VICIdial's own schema and
# this project's demo data (schema/demo.sql: API user 6666 / 1234, servers
# 10.0.9.8 and 192.168.198.5).
#
#   reference.sh start DIR   start both; writes DIR/url (the API's URL) and
#                            DIR/db/socket; database asterisk_ref
#   reference.sh stop DIR    stop both and delete the database
#
# Exit status 77 (with the reason on standard error) when the reference
# copy is absent or up.sh cannot run here (it needs root to install Apache
# and PHP with apt): callers skip then.
set -u
cd "$(dirname "$0")/../.."
top=$PWD
ref=${NONAGENTD_REFERENCE:-$top/../shared/reference}
action=${1:-}
dir=${2:-}
[ -n "$action" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
case $dir in /*) ;; *) dir=$top/$dir ;; esac

skip() {
    echo "reference.sh: skipped: $*" >&2
    exit 77
}

case $action in
start)
    [ -x "$ref/up.sh" ] || [ -f "$ref/up.sh" ] ||
        skip "no VICIdial reference copy at $ref (set NONAGENTD_REFERENCE to use another)"
    [ "$(id -u)" = 0 ] || skip "up.sh needs root (it installs apache2 and PHP with apt)"
    mkdir -p "$dir"
    bash tests/harness/mariadb.sh start "$dir/db" >/dev/null || exit 1
    trap 'bash tests/harness/reference.sh stop "$dir" >/dev/null 2>&1' EXIT
    sock=$(cat "$dir/db/socket")
    sql="mariadb --no-defaults -S $sock -uroot"
    $sql -e "SET GLOBAL sql_mode=''" || exit 1
    bash "$ref/up.sh" schema "$sock" asterisk_ref >/dev/null || exit 1
    # VICIdial's schema seeds a user 6666 that may not use the API; the demo
    # data's takes its place.
    $sql asterisk_ref -e "DELETE FROM vicidial_users WHERE user='6666'" || exit 1
    $sql asterisk_ref < schema/demo.sql || exit 1
    # A free port: the kernel's pick, released for Apache to bind.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" >"$dir/port"
    WORKERS=${WORKERS:-8} bash "$ref/up.sh" start "$port" "$sock" asterisk_ref >"$dir/up.log" 2>&1 ||
        { cat "$dir/up.log" >&2; exit 1; }
    grep -q '^VERSION' "$dir/up.log" || { cat "$dir/up.log" >&2; exit 1; }
    echo "http://127.0.0.1:$port/vicidial/non_agent_api.php" >"$dir/url"
    trap - EXIT
    echo "reference.sh: VICIdial on $(cat "$dir/url"), database asterisk_ref on $sock"
    ;;
stop)
    if [ -f "$dir/port" ]; then
        port=$(cat "$dir/port")
        bash "$ref/up.sh" stop "$port" >/dev/null 2>&1
        rm -rf "/tmp/vicidial-ref-$port"        # up.sh's work directory
    fi
    rm -f "$dir/port" "$dir/url"
    [ -d "$dir/db" ] && bash tests/harness/mariadb.sh stop "$dir/db" >/dev/null
    exit 0
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
