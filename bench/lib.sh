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

# The value of key $2 in a line of key=value words $1.
kv() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1==k {print $2; exit}'; }

# median FORMAT: the median of the numbers on stdin (nothing when none).
median() { sort -g | awk -v f="$1" '{x[NR] = $1} END { if (NR) printf f, (NR % 2) ? x[(NR+1)/2] : (x[NR/2] + x[NR/2+1]) / 2 }'; }

# The share of the machine's CPU used by processes other than this
# benchmark's (our_pids, this script and its children: wrk, the ceiling
# program, the mariadb client): busy time from /proc/stat minus ours.  Steal
# time counts as other.  cpu_snap takes "wall busy ours kids" in seconds,
# into the variable named $1 (no subshell: `times` must see this shell's
# children); foreign_pct takes two snapshots.
HZ=$(getconf CLK_TCK)
NCPU=$(nproc)
cpu_snap() {
    local busy ours kids p
    busy=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9; exit}' /proc/stat)
    ours=0
    for p in $(our_pids); do
        [ -r "/proc/$p/stat" ] && ours=$((ours + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    times >"$out/.times"
    kids=$(awk 'NR==2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1]*60+u[2]+s[1]*60+s[2] }' "$out/.times")
    printf -v "$1" '%s %s %s %s' "$EPOCHREALTIME" "$busy" "$ours" "$kids"
}
foreign_pct() {
    local w0 b0 o0 k0 w1 b1 o1 k1
    read -r w0 b0 o0 k0 <<<"$1"
    read -r w1 b1 o1 k1 <<<"$2"
    awk -v w="$(awk -v a="$w0" -v b="$w1" 'BEGIN {print b-a}')" -v b=$((b1 - b0)) -v o=$((o1 - o0)) \
        -v k0="$k0" -v k1="$k1" -v hz="$HZ" -v n="$NCPU" 'BEGIN {
            f = (b - o) / hz - (k1 - k0); if (f < 0) f = 0
            if (w > 0) printf "%.0f", 100 * f / (w * n); else print "-" }'
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
