# bench/lib.sh - shell helpers shared by bench/suite.sh and bench/side.sh
# (sourced, not run): messages, a free port, the share of the cores other
# processes use (the machine is shared), medians and the key=value lines the
# wrk scripts and the ceiling program print.
#
# The sourcing script defines our_pids (the processes whose CPU is the
# benchmark's own besides the script's children: the daemon, MariaDB,
# Apache) and sets out (a directory for scratch files) and QUIET_WAIT.

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A free TCP port on 127.0.0.1, below Linux's ephemeral range (32768-60999),
# where no outgoing connection can be holding it; empty when none is found.
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 12000))
        case $p in *443*) continue;; esac   # VICIdial makes such a port https
        if ! port_in_use "$p"; then echo "$p"; return 0; fi
    done
    return 1
}

# The private MariaDB of the sourcing script, in $dbdir: start_db sets
# sock and db_pid; sql runs the client on it as root.
start_db() {
    bash "$top/tests/harness/mariadb.sh" start "$dbdir" >&2
    sock=$(cat "$dbdir/socket")
    db_pid=$(cat "$dbdir/pid")
}
stop_db() { bash "$top/tests/harness/mariadb.sh" stop "$dbdir" >/dev/null 2>&1 || true; }
sql() { mariadb --no-defaults -S "$sock" -uroot "$@"; }

# The daemon the sourcing script started (daemon_pid): SIGTERM, SIGKILL
# after 10 s.
stop_daemon() {
    [ -n "$daemon_pid" ] || return 0
    if kill -0 "$daemon_pid" 2>/dev/null; then
        kill -TERM "$daemon_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$daemon_pid" 2>/dev/null || true
    fi
    wait "$daemon_pid" 2>/dev/null || true
    daemon_pid=""
}

# The value of key $2 in a line of key=value words $1.
kv() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1==k {print $2; exit}'; }

# median FORMAT: the median of the numbers on stdin (nothing when none).
median() { sort -g | awk -v f="$1" '{x[NR] = $1} END { if (NR) printf f, (NR % 2) ? x[(NR+1)/2] : (x[NR/2] + x[NR/2+1]) / 2 }'; }

# The share of the machine's CPU used by processes other than this
# benchmark's (our_pids, this script and its children: wrk, the ceiling
# program, the mariadb client): busy time from /proc/stat minus ours, over
# all time there (this VM's ticks add up to more than wall time x cores).
# Steal time counts as other.  cpu_snap takes "wall busy:all kids pid:ticks,..." into
# the variable named $1 (no subshell: `times` must see this shell's
# children); foreign_pct takes two snapshots and counts each of our
# processes' ticks between them only when it was there at both (Apache's
# children come and go).
HZ=$(getconf CLK_TCK)
cpu_snap() {
    local busy kids p t ticks=""
    busy=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9 ":" $2+$3+$4+$5+$6+$7+$8+$9; exit}' /proc/stat)
    for p in $(our_pids); do
        t=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null) && ticks="$ticks$p:$t,"
    done
    times >"$out/.times"
    kids=$(awk 'NR==2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1]*60+u[2]+s[1]*60+s[2] }' "$out/.times")
    printf -v "$1" '%s %s %s %s' "$EPOCHREALTIME" "$busy" "$kids" "${ticks:-none}"
}
foreign_pct() {
    local w0 b0 k0 t0 w1 b1 k1 t1
    read -r w0 b0 k0 t0 <<<"$1"
    read -r w1 b1 k1 t1 <<<"$2"
    awk -v w0="$w0" -v w1="$w1" -v b0="$b0" -v b1="$b1" -v t0="$t0" -v t1="$t1" \
        -v k0="$k0" -v k1="$k1" -v hz="$HZ" 'BEGIN {
            m = split(t0, a, ","); for (i = 1; i <= m; i++) if (split(a[i], kv, ":") == 2) before[kv[1]] = kv[2]
            m = split(t1, a, ","); o = 0
            for (i = 1; i <= m; i++) if (split(a[i], kv, ":") == 2 && (kv[1] in before)) o += kv[2] - before[kv[1]]
            split(b0, x, ":"); split(b1, y, ":"); busy = y[1] - x[1]; all = y[2] - x[2]
            f = busy - o - (k1 - k0) * hz; if (f < 0) f = 0
            if (all > 0) printf "%.0f", 100 * f / all; else print "-" }'
}
# Wait (at most QUIET_WAIT s) until other processes use under 20% of the cores.
wait_quiet() {
    local a b f=0
    for _ in $(seq 1 "$QUIET_WAIT"); do
        cpu_snap a; sleep 1; cpu_snap b
        f=$(foreign_pct "$a" "$b")
        [ "$f" -lt 20 ] && return 0
    done
    [ "$QUIET_WAIT" -gt 0 ] && say "other processes are using ${f}% of the cores; measuring anyway"
    return 0
}
