#!/usr/bin/env bash
# tests/harness/mariadb.sh - a private, throw-away MariaDB server for the tests.
#
#   mariadb.sh start DIR [OPTION...]   create a fresh server in DIR and start it;
#                                      OPTIONs go to mariadbd after the defaults
#                                      below, so they win (another default
#                                      character set, a non-strict sql_mode)
#   mariadb.sh stop DIR                stop it and delete its data (no-op if not running)
#
# The server listens on a unix socket and on a free TCP port on 127.0.0.1;
# root@localhost has no password.  start writes DIR/socket, DIR/port and
# DIR/pid, which tests/support/testdb.c reads.  Nothing here touches a system
# service: it runs as whoever calls it (root or not), with its own files only.

set -u

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}

[ $# -ge 2 ] || usage
action=$1
dir=$2
shift 2
extra_opts=("$@")
case $dir in
    /*) ;;
    *) dir=$PWD/$dir ;;     # the server chdirs; keep every path absolute
esac

# Debian ships mariadbd; older layouts call it mysqld.
find_prog() {
    local p
    for p in "$@"; do
        if command -v "$p" >/dev/null 2>&1; then
            command -v "$p"
            return 0
        fi
        if [ -x "/usr/sbin/$p" ]; then
            echo "/usr/sbin/$p"
            return 0
        fi
    done
    return 1
}

fail() {
    echo "mariadb.sh: $*" >&2
    if [ -s "$dir/mariadb.err" ]; then
        echo "---- last lines of $dir/mariadb.err ----" >&2
        tail -n 30 "$dir/mariadb.err" >&2
    fi
    exit 1
}

# True when something accepts connections on 127.0.0.1:$1 (bash's /dev/tcp
# needs no extra tool).
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when $1 is a live mariadbd/mysqld process; guards against pid reuse
# before we signal anything.
is_our_server() {
    local pid=$1
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -e mariadbd -e mysqld
}

# DIR is deleted (start) or emptied (stop), so it must be one this script
# made: empty, or holding the files start leaves behind.
looks_like_ours() {
    [ "$dir" != / ] || return 1
    [ -z "$(ls -A "$dir" 2>/dev/null)" ] || [ -e "$dir/install.log" ] ||
        [ -e "$dir/mariadb.err" ] || [ -e "$dir/socket" ]
}

admin() {
    "$MARIADB_ADMIN" --no-defaults --user=root --socket="$(cat "$dir/socket")" \
        --connect-timeout=2 "$@"
}

do_stop() {
    local pid=""
    [ -r "$dir/pid" ] && pid=$(cat "$dir/pid")
    if is_our_server "$pid"; then
        if [ -r "$dir/socket" ] && [ -n "$MARIADB_ADMIN" ]; then
            admin shutdown >/dev/null 2>&1
        fi
        # A clean shutdown takes a second or two; do not wait for ever.
        for _ in $(seq 1 300); do
            is_our_server "$pid" || break
            sleep 0.1
        done
        if is_our_server "$pid"; then
            kill -TERM "$pid" 2>/dev/null
            sleep 2
        fi
        if is_our_server "$pid"; then
            echo "mariadb.sh: server $pid did not stop, killing it" >&2
            kill -KILL "$pid" 2>/dev/null
            sleep 0.5
        fi
    fi
    looks_like_ours || fail "$dir was not made by mariadb.sh; not deleting anything in it"
    # A socket that did not fit under DIR lives in its own /tmp directory.
    if [ -r "$dir/sockdir" ]; then
        rm -rf -- "$(cat "$dir/sockdir")"
    fi
    rm -rf -- "$dir/data" "$dir/tmp"
    rm -f -- "$dir/socket" "$dir/port" "$dir/pid" "$dir/sockdir" "$dir/mysqld.sock"
    return 0
}

MARIADBD=$(find_prog mariadbd mysqld) || MARIADBD=""
MARIADB_ADMIN=$(find_prog mariadb-admin mysqladmin) || MARIADB_ADMIN=""
INSTALL_DB=$(find_prog mariadb-install-db mysql_install_db) || INSTALL_DB=""

if [ "$action" = stop ]; then
    [ ${#extra_opts[@]} -eq 0 ] || usage
    [ -d "$dir" ] || exit 0
    do_stop
    exit 0
fi
[ "$action" = start ] || usage

[ -n "$MARIADBD" ] || fail "no mariadbd or mysqld found (install mariadb-server)"
[ -n "$MARIADB_ADMIN" ] || fail "no mariadb-admin found (install mariadb-client)"
[ -n "$INSTALL_DB" ] || fail "no mariadb-install-db found (install mariadb-server)"

# A server left running from an earlier start would keep the old files busy.
if [ -d "$dir" ]; then
    do_stop
    rm -rf -- "$dir"
fi
mkdir -p "$dir/data" "$dir/tmp" || fail "cannot create $dir"

# mariadbd refuses to run as root unless told to; as anyone else it must not
# be given --user at all.
user_opt=()
if [ "$(id -u)" -eq 0 ]; then
    user_opt=(--user=root)
fi

# Unix socket paths are limited to 108 bytes (sun_path); build directories
# can be deeper than that.
sock=$dir/mysqld.sock
if [ ${#sock} -gt 100 ]; then
    sockdir=$(mktemp -d /tmp/nonagentd-db.XXXXXX) || fail "mktemp failed"
    echo "$sockdir" >"$dir/sockdir"
    sock=$sockdir/mysqld.sock
fi

# The InnoDB sizes are repeated here so that the bootstrap server creates a
# small redo log instead of a default-sized one the real server must shrink.
# Its own tmpdir: the bootstrap server's temporary tables in a shared /tmp
# can meet another process's files of the same name.
if ! "$INSTALL_DB" --no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp" "${user_opt[@]}" \
        --auth-root-authentication-method=normal --skip-test-db \
        --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
        >"$dir/install.log" 2>&1; then
    tail -n 30 "$dir/install.log" >&2
    fail "mariadb-install-db failed"
fi

server_opts=(
    --datadir="$dir/data"
    --tmpdir="$dir/tmp"
    --socket="$sock"
    --pid-file="$dir/mariadbd.pid"
    --bind-address=127.0.0.1
    --log-error="$dir/mariadb.err"
    "${user_opt[@]}"
    --skip-log-bin
    --innodb-buffer-pool-size=64M
    --innodb-log-file-size=16M
    --innodb-flush-log-at-trx-commit=2
    --max-connections=600
    --character-set-server=utf8mb3
    --collation-server=utf8mb3_unicode_ci
    # system_settings (255 columns) is over InnoDB's worst-case row size;
    # schema/vicidial.sql relaxes the check for its own CREATE, and this
    # lets tests copy the table (CREATE TABLE ... LIKE) too.  It changes DDL
    # checks only: real rows are still checked on every write.
    --innodb-strict-mode=OFF
    "${extra_opts[@]}"
)

# Pick a random port nobody listens on.  Another process can still take it
# before the server binds, so a bind failure means: try another port.
started=0
for _ in 1 2 3 4 5; do
    port=""
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 12000))   # below the ephemeral range (32768+)
        if ! port_in_use "$p"; then
            port=$p
            break
        fi
    done
    [ -n "$port" ] || fail "no free TCP port found"

    : >"$dir/mariadb.err"
    # setsid and closed stdio: the server must outlive this script and must
    # not hold the caller's pipes open (ctest waits for them to close).
    setsid "$MARIADBD" --no-defaults "${server_opts[@]}" --port="$port" \
        </dev/null >>"$dir/mariadb.err" 2>&1 &
    pid=$!

    # Up to 60 s for the server to answer; give up early if it died.
    deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
        if "$MARIADB_ADMIN" --no-defaults --user=root --socket="$sock" \
                --connect-timeout=2 ping >/dev/null 2>&1; then
            started=1
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ $started -eq 1 ] && break

    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        fail "server did not answer within 60 s"
    fi
    wait "$pid" 2>/dev/null
    if grep -qi -e "bind on tcp/ip port" -e "address already in use" "$dir/mariadb.err"; then
        echo "mariadb.sh: port $port was taken, trying another" >&2
        continue
    fi
    fail "server exited during start-up"
done
[ $started -eq 1 ] || fail "could not bind a TCP port after 5 attempts"

# The server's own pid file is authoritative (the script runs without job
# control, so setsid did not fork and it should equal $pid anyway).
if [ -s "$dir/mariadbd.pid" ]; then
    pid=$(cat "$dir/mariadbd.pid")
fi

echo "$sock" >"$dir/socket"
echo "$port" >"$dir/port"
echo "$pid" >"$dir/pid"
echo "mariadb.sh: MariaDB running, pid $pid, socket $sock, port $port"
exit 0
