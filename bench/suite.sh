#!/usr/bin/env bash
# bench/suite.sh - nonagentd's benchmark suite on the project's own schema
# (issue 8), run by bench/run.sh once for each InnoDB durability setting of
# BENCH_FLUSH, after run.sh has installed and built what it needs (the
# daemon and the helpers of bench/CMakeLists.txt: ceiling.c, idleconns.c,
# bcrypt_ref.c in build-bench/).  It starts a private MariaDB (tests/harness/mariadb.sh)
# with the schema and demo data, starts the daemon on a free 127.0.0.1 port,
# and measures with wrk and the Lua scripts bench/*.lua, over 1, 8, 32 and
# 256 connections (wrk -t1 -cN -dSECONDS --latency):
#   (a) add_phone successes, a unique extension and login per request;
#   (b) add_phone's SERVER DOES NOT EXIST error path;
#   (c) function=version;
#   (e) add_phone with every request on one extension and login: all
#       contend for the same named locks (compare with (a));
#   (d) add_phone with a bcrypt-hashed password at cost 10 (run last: it
#       turns password hashing on for the whole database);
# beside (a), the ceiling: bench/ceiling.c issuing nonagentd's SQL for one
# add_phone, then VICIdial's own statement sequence, over the same number of
# connections with no HTTP; beside (b), the ceiling of (b)'s own SQL; and the daemon's peak RSS with 1,000 open idle
# connections, on the fresh daemon and after (a)-(c).  bench/README.md says
# what each figure means.  Everything it starts it stops (trap), including
# the database.
# All traffic is loopback (127.0.0.1) and every loop is bounded.
#
# Knobs (environment):
#   BENCH_SECONDS=10          seconds per wrk run and per ceiling run
#   BENCH_CONNS="1 8 32 256"  connection counts
#   BENCH_THREADS=            the daemon's --threads (empty: its default,
#                             2 per core)
#   BENCH_TIMEOUT=10          wrk's per-request timeout, seconds
#   BENCH_WRK_THREADS=1       wrk's threads: one drives 256 connections at
#                             many times these rates, and a second only takes
#                             CPU from the daemon and MariaDB on the same cores
#   BENCH_IDLE=1000           idle connections for the RSS check (held 5 s)
#   BENCH_SCENARIOS="a b c d e" which scenarios to run
#   BENCH_CONNECT_CONNS=32    connection counts at which the ceiling also runs
#                             VICIdial's sequence with a new connection per call
#                             (empty: nowhere)
#   BENCH_ROUNDS=3            at BENCH_ROUND_CONNS, run (a) with its ceiling
#   BENCH_ROUND_CONNS=32      and (b) with its ceiling this many times in all,
#                             alternating, and report every round and the
#                             median ratio (the machine drifts between runs)
#   BENCH_V17_CONNS=32        connection counts at which the ceiling also runs
#                             nonagentd's 17-statement sequence of before
#                             commit e67fcf6 (fewer round trips) (empty: nowhere)
#   BENCH_QUIET_WAIT=5        before each run, wait up to this many seconds
#                             for other processes on the machine (builds,
#                             other test suites) to use less than 20% of the
#                             cores; each run reports the share they used
#   BENCH_MAX_OTHER=15        a run during which other processes used more than
#   BENCH_RETRIES=2           this share of the cores (%) is measured again, up
#   BENCH_BUDGET=480          to BENCH_RETRIES more times while the runs have
#                             taken less than BENCH_BUDGET seconds; the attempt
#                             with the least other load is reported, and every
#                             attempt is kept in results-all.tsv (an error or a
#                             lost row in any attempt is reported)
#   BENCH_DB_TUNE=1           grow InnoDB's buffer pool (1 GiB) and redo log
#                             (512 MiB) at run time, so that neither the daemon
#                             nor the ceiling waits on page flushing; 0: leave
#                             mariadb.sh's small test settings
#   BENCH_FLUSH_LOG=2         innodb_flush_log_at_trx_commit for this pass
#                             (2: mariadb.sh's; 1: MariaDB's default durability)
#   BENCH_OUT                 where the results go (run.sh sets it;
#                             default build-bench/bench-results/flush-N)
#
# Output: progress on stderr, the results table on stdout, and in BENCH_OUT
# (results.md, results.tsv, the wrk and ceiling outputs, the daemon's log).  Exit status 0 when every run finished, even if
# a target is missed; 1 when something could not run at all.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNS:-"1 8 32 256"}
THREADS=${BENCH_THREADS:-}
WRK_THREADS=${BENCH_WRK_THREADS:-1}
ROUNDS=${BENCH_ROUNDS:-3}
ROUND_CONNS=${BENCH_ROUND_CONNS-32}
TIMEOUT=${BENCH_TIMEOUT:-10}
IDLE=${BENCH_IDLE:-1000}
SCENARIOS=${BENCH_SCENARIOS:-"a b c d e"}
CONNECT_CONNS=${BENCH_CONNECT_CONNS-32}
V17_CONNS=${BENCH_V17_CONNS-32}
DB_TUNE=${BENCH_DB_TUNE:-1}
QUIET_WAIT=${BENCH_QUIET_WAIT:-5}
MAX_OTHER=${BENCH_MAX_OTHER:-15}
RETRIES=${BENCH_RETRIES:-2}
BUDGET=${BENCH_BUDGET:-480}
[ "$RETRIES" -le 2 ] || RETRIES=2

case $SECONDS_PER_RUN in ''|*[!0-9]*) echo "BENCH_SECONDS must be a whole number" >&2; exit 1;; esac
[ "$SECONDS_PER_RUN" -ge 1 ] && [ "$SECONDS_PER_RUN" -le 600 ] ||
    { echo "BENCH_SECONDS must be 1..600" >&2; exit 1; }
case $WRK_THREADS in ''|*[!0-9]*|0) echo "BENCH_WRK_THREADS must be 1 or more" >&2; exit 1;; esac
for n in $CONNS; do
    case $n in ''|*[!0-9]*) echo "BENCH_CONNS: '$n' is not a number" >&2; exit 1;; esac
    [ "$n" -ge 1 ] && [ "$n" -le 999 ] || { echo "BENCH_CONNS: 1..999" >&2; exit 1; }
done

FLUSH_LOG=${BENCH_FLUSH_LOG:-2}
case $FLUSH_LOG in 0|1|2) ;; *) echo "BENCH_FLUSH_LOG must be 0, 1 or 2" >&2; exit 1;; esac
build=$top/build-bench
out=${BENCH_OUT:-$build/bench-results/flush-$FLUSH_LOG}
dbdir=$build/bench-db
log=$out/nonagentd.log
export BENCH_LUA_DIR=$top/bench

# shellcheck source=bench/lib.sh
. "$top/bench/lib.sh"
daemon_pid=""
db_pid=""
our_pids() { echo "$daemon_pid $db_pid"; }

[ -x "$build/nonagentd" ] && [ -x "$build/bench/ceiling" ] ||
    die "build-bench/ has no nonagentd or bench helpers: run bash bench/run.sh"
mkdir -p "$out"
rm -f "$out"/*.txt "$out"/*.tsv "$out"/*.md "$out"/*.sql "$out"/*.log

# ---- database and daemon ---------------------------------------------------

cleanup() {
    local rc=$?
    stop_daemon
    stop_db
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_db

sql -e "CREATE DATABASE asterisk CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci"
sql asterisk < schema/vicidial.sql
sql asterisk < schema/demo.sql
# (d)'s API user: pass_hash is bcrypt('test') at cost 10 with pass_key
# 'abcdefghijklmnop', as VICIdial's bp.pl stores it; hashing is switched on
# just before (d).
sql asterisk -e "INSERT INTO vicidial_users
    (user, pass, pass_hash, full_name, user_level, user_group, active,
     ast_admin_access, ast_delete_phones, vdc_agent_api_access, modify_phones)
    VALUES ('hash10', '', 's2lGBPXDDRAhVL5SBkDnHN09f9y5jlW', 'Bench hashed', 9, 'ADMIN',
            'Y', '1', '1', '1', '1')"
if [ "$DB_TUNE" = 1 ]; then
    sql -e "SET GLOBAL innodb_buffer_pool_size = 1024*1024*1024;
            SET GLOBAL innodb_log_file_size = 512*1024*1024" ||
        say "could not resize the buffer pool or redo log; going on with the defaults"
    sleep 2   # the buffer pool grows in the background
fi
sql -e "SET GLOBAL innodb_flush_log_at_trx_commit = $FLUSH_LOG"
db_settings=$(sql -N -B -e "SELECT CONCAT('MariaDB ', VERSION(), ', buffer pool ',
    @@innodb_buffer_pool_size DIV 1048576, ' MiB, redo log ', @@innodb_log_file_size DIV 1048576,
    ' MiB, flush_log_at_trx_commit ', @@innodb_flush_log_at_trx_commit,
    ', binlog ', IF(@@log_bin, 'on', 'off'), ', sql_mode \'', @@sql_mode, '\'',
    ', tables InnoDB (schema/vicidial.sql)')")
say "$db_settings"

port=$(free_port) || true
[ -n "$port" ] || die "no free TCP port found"

# Enough descriptors for 1,000 idle connections plus wrk's 256.
ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
: >"$log"
"$build/nonagentd" --listen "127.0.0.1:$port" ${THREADS:+--threads "$THREADS"} --db-socket "$sock" \
    --db-user root --db-pass '' --db-name asterisk --per-ip-connections 0 2>>"$log" &
daemon_pid=$!
base=http://127.0.0.1:$port
api=$base/vicidial/non_agent_api.php
# The URL of one add_phone of extension and login $1 on server $2, as API
# user $3 (password $4, default 6666 / 1234), full name "Bench $5" (default
# "Bench one"): the single requests below.
add_phone_url() {
    echo "$api?source=bench&function=add_phone&user=${3:-6666}&pass=${4:-1234}&extension=$1&dialplan_number=$1&voicemail_id=55000&phone_login=$1&phone_pass=test&server_ip=$2&protocol=SIP&registration_password=test&phone_full_name=Bench+${5:-one}&local_gmt=-5.00&outbound_cid=7275551212"
}
ready=0
for _ in $(seq 1 100); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz" 2>/dev/null)" = 200 ]; then
        ready=1; break
    fi
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.2
done
[ $ready = 1 ] || { tail -n 20 "$log" >&2; die "the daemon did not become healthy"; }
threads_desc=${THREADS:+--threads $THREADS}
threads_desc=${threads_desc:-default threads ($((2 * $(nproc))) workers: 2 per core)}
say "nonagentd pid $daemon_pid on $base, $threads_desc"

# ---- measuring helpers -----------------------------------------------------

# Server-wide counters: statements (the Com_* of every kind of DML, SET and
# DO, counted the same for prepared executions and text queries: an
# INSERT ... SELECT is Com_insert_select, not Com_insert), prepared
# executions, prepares, and Questions.  SHOW STATUS counts in none of them.
status() {
    sql -N -B -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select','Com_insert',
        'Com_insert_select','Com_update','Com_update_multi','Com_delete','Com_delete_multi',
        'Com_replace','Com_replace_select','Com_set_option','Com_do','Com_call_procedure',
        'Com_stmt_execute','Com_stmt_prepare','Questions')" |
        awk '{v[$1]=$2} END {
            n = 0
            for (k in v) if (k != "Com_stmt_execute" && k != "Com_stmt_prepare" && k != "Questions") n += v[k]
            print n, v["Com_stmt_execute"]+0, v["Com_stmt_prepare"]+0, v["Questions"]+0 }'
}
# What status() counted between two snapshots: "statements executions
# prepares questions".
status_delta() {
    local s0 e0 p0 q0 s1 e1 p1 q1
    read -r s0 e0 p0 q0 <<<"$1"
    read -r s1 e1 p1 q1 <<<"$2"
    echo "$((s1 - s0)) $((e1 - e0)) $((p1 - p0)) $((q1 - q0))"
}
# Statements, executions and Questions of a status_delta per call, for
# $2 calls ("- - -" when there were none).
per_call() {
    local ds de dp dq
    read -r ds de dp dq <<<"$1"
    awk -v a="$ds" -v b="$de" -v c="$dq" -v d="$2" \
        'BEGIN { if (d > 0) printf "%.2f %.2f %.2f", a/d, b/d, c/d; else print "- - -" }'
}
phones() { sql -N -B asterisk -e "SELECT count(*) FROM phones"; }
# "phones rows, add_phone SUCCESS rows in vicidial_api_log, all its rows"
# (every request of (a) to (d) writes exactly one api log row, even when
# its client left before the answer and the request log has no line for it)
counts() {
    sql -N -B asterisk -e "SELECT (SELECT count(*) FROM phones),
        (SELECT count(*) FROM vicidial_api_log WHERE function='add_phone' AND result='SUCCESS'),
        (SELECT count(*) FROM vicidial_api_log)"
}
hwm_reset() { echo 5 >"/proc/$daemon_pid/clear_refs" 2>/dev/null || true; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$daemon_pid/status"; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$daemon_pid/status"; }
log_size() { stat -c %s "$log"; }
mib() { awk -v k="$1" 'BEGIN { if (k ~ /^[0-9]+$/) printf "%.1f", k/1024; else printf "-" }'; }

# Wait until the daemon has answered everything it was given: its request
# log stops growing for a second (at most 60 s).
quiesce() {
    local last=-1 stable=0 size
    for _ in $(seq 1 240); do
        size=$(log_size)
        if [ "$size" = "$last" ]; then
            stable=$((stable + 1))
            [ $stable -ge 4 ] && return 0
        else
            stable=0
            last=$size
        fi
        sleep 0.25
    done
    say "warning: the daemon was still busy 60 s after the run"
}

# Daemon-side counts from its request log since byte offset $1:
# "requests success non200 other_lines".
log_counts() {
    tail -c +$(($1 + 1)) "$log" | awk '
        NF == 8 && $8 ~ /us$/ { req++; if ($6 == "SUCCESS") ok++; if ($7 != 200) bad++; next }
        { other++ }
        END { print req+0, ok+0, bad+0, other+0 }'
}
log_other_lines() {
    tail -c +$(($1 + 1)) "$log" | awk '!(NF == 8 && $8 ~ /us$/)' | sort | uniq -c | sort -rn | head -n 5
}

tsv=$out/results.tsv
all=$out/results-all.tsv
rounds_tsv=$out/rounds.tsv
row_out=$out/.row
attempt=x
round=1
printf 'kind\tname\tconns\trate\tp50_ms\tp99_ms\tstmts_per_call\texec_per_call\tquestions_per_call\tprepares\tnon2xx\tsock_errors\tok\tother\tdaemon_requests\tdaemon_success\tdaemon_non200\trows_delta\tlost_rows\tpeak_rss_kib\tnotes\tother_cpu_pct\tapilog_success\tround\n' | tee "$all" "$rounds_tsv" >"$tsv"

# One wrk run: scenario letter, its Lua script, connections, API user, pass.
wrk_run() {
    local sc=$1 script=$2 n=$3 user=$4 pass=$5
    local t=$((n < WRK_THREADS ? n : WRK_THREADS)) tag="${sc}${n}${round#1}${attempt}" f=$out/wrk-$sc-$n-$round$attempt.txt
    local rows0 rows1 st0 st1 off line
    wait_quiet
    say "($sc) $script, $n connections, $SECONDS_PER_RUN s"
    local api0 api1 all0 all1
    read -r rows0 api0 all0 <<<"$(counts)"
    off=$(log_size)
    hwm_reset
    st0=$(status)
    local c0 c1; cpu_snap c0
    wrk -t"$t" -c"$n" -d"${SECONDS_PER_RUN}s" --timeout "${TIMEOUT}s" --latency \
        -s "bench/$script" "$api" -- "$tag" "$user" "$pass" >"$f" 2>&1 || true
    cpu_snap c1
    quiesce
    st1=$(status)
    read -r rows1 api1 all1 <<<"$(counts)"
    local hwm; hwm=$(hwm_kib)
    line=$(grep '^BENCHRESULT' "$f" || true)
    if [ -z "$line" ]; then
        say "wrk gave no result:"; cat "$f" >&2
        printf '%s\t%s\t%s\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\twrk failed\t\t\n' wrk "$sc" "$n" >"$row_out"
        return
    fi
    local delta dprep; delta=$(status_delta "$st0" "$st1")
    read -r _ _ dprep _ <<<"$delta"
    read -r dreq dok dbad dother <<<"$(log_counts "$off")"
    # Requests the daemon ran: its api log rows (the request log misses
    # requests whose client left first), else its request log, else wrk's.
    local denom=$((all1 - all0))
    [ "$denom" -gt 0 ] || denom=$dreq
    [ "$denom" -gt 0 ] || denom=$(kv "$line" requests)
    read -r spc epc qpc <<<"$(per_call "$delta" "$denom")"
    local sockerr=$(( $(kv "$line" connect_err) + $(kv "$line" read_err) + $(kv "$line" write_err) + $(kv "$line" timeouts) ))
    local rows=$((rows1 - rows0)) apiok=$((api1 - api0)) lost=0 notes=""
    if [ "$sc" = a ] || [ "$sc" = d ]; then
        # Every SUCCESS must have its row: the ones the daemon logged in
        # vicidial_api_log and the ones wrk read.  SUCCESSes cut off when
        # wrk stopped were never read, so rows >= wrk's count.
        local ok; ok=$(kv "$line" ok)
        [ "$apiok" -le "$rows" ] || lost=$((apiok - rows))
        [ "$ok" -le "$rows" ] || lost=$(( lost > ok - rows ? lost : ok - rows ))
        [ "$rows" -le "$apiok" ] || notes="phones rows without an api-log SUCCESS: $((rows - apiok));"
        [ "$dok" = "$apiok" ] ||
            notes="$notes request log: $dok SUCCESS lines for $apiok api-log SUCCESS rows (requests whose client left before the answer get no line);"
    fi
    [ "$dother" = 0 ] || notes="$notes daemon log lines other than requests: $dother;"
    local sample; sample=$(grep '^BENCHSAMPLE' "$f" | head -n 1 | cut -c13-80 || true)
    # (e): its one SUCCESS (the first request to get the locks) is expected
    [ "$sc" = e ] && [ "$(kv "$line" other)" -le 1 ] && sample=""
    [ -z "$sample" ] || notes="$notes first unexpected answer: $sample"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        wrk "$sc" "$n" "$(kv "$line" rps)" "$(kv "$line" p50_ms)" "$(kv "$line" p99_ms)" \
        "$spc" "$epc" "$qpc" "$dprep" "$(kv "$line" non2xx)" "$sockerr" \
        "$(kv "$line" ok)" "$(kv "$line" other)" "$dreq" "$dok" "$dbad" "$rows" "$lost" \
        "$hwm" "$notes" "$(foreign_pct "$c0" "$c1")" "$apiok" >"$row_out"
    if [ "$dother" != 0 ]; then
        say "daemon log lines other than requests during ($sc) $n:"
        log_other_lines "$off" >&2 || true
    fi
}

# bench/ceiling.c on this run's database, as the demo API user, for the
# daemon's port (the api log's url); the rest of the options are given.
ceiling() {
    "$build/bench/ceiling" -S "$sock" -u root -D asterisk -s 10.0.9.8 -U 6666 -W 1234 \
        -P "$port" "$@"
}

# One ceiling run: mode, connections.
ceiling_run() {
    local mode=$1 n=$2 tag f=$out/ceiling-$1-$2-$round$attempt.txt rows0 rows1 st0 st1 line
    case $mode in
        nonagentd) tag="c${n}${round#1}${attempt}" ;;
        nonagentd-error) tag="r${n}${round#1}${attempt}" ;;
        nonagentd-17) tag="e${n}${attempt}" ;;
        vicidial) tag="v${n}${attempt}" ;;
        vicidial-connect) tag="k${n}${attempt}" ;;
    esac
    wait_quiet
    say "ceiling $mode, $n connections, $SECONDS_PER_RUN s"
    rows0=$(phones)
    st0=$(status)
    local c0 c1; cpu_snap c0
    ceiling -c "$n" -d "$SECONDS_PER_RUN" -m "$mode" -t "$tag" >"$f" 2>&1 || true
    cpu_snap c1
    st1=$(status)
    rows1=$(phones)
    line=$(grep '^CEILING' "$f" || true)
    if [ -z "$line" ]; then
        say "the ceiling program gave no result:"; cat "$f" >&2
        printf '%s\t%s\t%s\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tceiling failed\t\t\n' ceiling "$mode" "$n" >"$row_out"
        return
    fi
    local calls delta dprep; calls=$(kv "$line" calls)
    delta=$(status_delta "$st0" "$st1")
    read -r _ _ dprep _ <<<"$delta"
    read -r spc epc qpc <<<"$(per_call "$delta" "$calls")"
    local rows=$((rows1 - rows0)) lost=0
    # (the error path adds no phone: nothing can be lost there)
    [ "$mode" = nonagentd-error ] || [ "$calls" -le "$rows" ] || lost=$((calls - rows))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        ceiling "$mode" "$n" "$(kv "$line" calls_per_s)" "$(kv "$line" p50_ms)" \
        "$(kv "$line" p99_ms)" "$spc" "$epc" "$qpc" "$dprep" - "$(kv "$line" errors)" \
        "$calls" "$(kv "$line" unexpected)" - - - "$rows" "$lost" - "" \
        "$(foreign_pct "$c0" "$c1")" - >"$row_out"
}

# Run one measurement (wrk_run or ceiling_run and its arguments), again
# while other processes disturbed it (see BENCH_MAX_OTHER); report the
# attempt with the least other load, keep them all.
runs_started=$SECONDS
measure() {
    local best="" best_other=100000 try row other letters=xyz
    for try in 0 1 2; do
        [ "$try" -le "$RETRIES" ] || break
        attempt=${letters:$try:1}
        : >"$row_out"
        "$@"
        row="$(cat "$row_out")	$round"
        printf '%s\n' "$row" >>"$all"
        other=$(cut -f22 <<<"$row")
        [[ $other =~ ^[0-9]+$ ]] || other=0
        if [ -z "$best" ] || [ "$other" -lt "$best_other" ]; then
            best=$row
            best_other=$other
        fi
        [ "$other" -gt "$MAX_OTHER" ] || break
        [ $((SECONDS - runs_started)) -lt "$BUDGET" ] || break
        [ "$try" -lt "$RETRIES" ] && say "other processes used ${other}% of the cores during that run: measuring again"
    done
    printf '%s\n' "$best" >>"$tsv"
    printf '%s\n' "$best" >>"$rounds_tsv"
}
# From round 2 on, rows go to rounds.tsv only (the main tables show round 1).
measure_round() {
    local keep=$tsv
    tsv=/dev/null
    measure "$@"
    tsv=$keep
}

# Peak RSS with $IDLE open idle connections, and whether the daemon still
# answers while they are held; then the RSS 3 s after they closed (memory
# handed back).  Run on the fresh daemon (before any load) and again after
# (a) to (c), whose 256 connections grow its heap; "request": each
# connection first sends one keep-alive request and reads its answer (a
# client's connection pool), which is what makes a connection cost memory.
idle_report=""
idle_test() {
    local label=$1 mode=${2:-} base hwm probe line pid after
    [ "$IDLE" -gt 0 ] || return 0
    say "holding $IDLE idle connections for 5 s ($label)"
    # After a second with no request the daemon hands the memory a burst
    # freed back to the system (server/main.c): wait for that, so that the
    # figure does not depend on how soon after the last run this starts.
    sleep 2
    base=$(rss_kib)
    hwm_reset
    "$build/bench/idleconns" "$port" "$IDLE" 5 $mode >"$out/idle-$label.txt" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do grep -q '^IDLE-OPEN' "$out/idle-$label.txt" && break; sleep 0.1; done
    sleep 1
    probe=$(curl -s -m 10 -o /dev/null -w '%{http_code} in %{time_total} s' \
        "$api?source=bench&function=version&user=6666" || echo "failed")
    wait "$pid" || true
    hwm=$(hwm_kib)
    sleep 3
    after=$(rss_kib)
    line=$(grep '^IDLE ' "$out/idle-$label.txt" || echo "IDLE failed: $(head -c 300 "$out/idle-$label.txt")")
    say "$line; VmRSS before $base KiB, VmHWM $hwm KiB, 3 s after $after KiB; a version request meanwhile: $probe"
    idle_report="$idle_report
| $label | ${line#IDLE } | $(mib "$base") | $(mib "$hwm") | $(mib "$after") | $probe |"
}

# ---- one request of each kind, counted alone --------------------------------

# A user's row that says it logged in this second from this IP is not
# written again (db/users.c): each request counted or traced alone starts
# from an old login, so that it shows the whole sequence.
stale_login() {
    sql asterisk -e "UPDATE vicidial_users SET last_login_date='2001-01-01 00:00:01' WHERE user='6666'"
}
# The statements of one add_phone and one version, from the status deltas
# around a single request (the daemon is idle; its threads are warmed up by
# the health checks above, but the statements of a thread's first request
# are prepared then, which shows in Com_stmt_prepare only).
one_request() {
    local url=$1 st0 st1
    stale_login
    st0=$(status)
    curl -s "$url" >"$out/one.txt"
    st1=$(status)
    local ds de dq
    read -r ds de _ dq <<<"$(status_delta "$st0" "$st1")"
    echo "$ds statements ($de prepared executions, $dq Questions): $(head -c 100 "$out/one.txt" | tr -d '\n')"
}
one_add=$(one_request "$(add_phone_url one01 10.0.9.8)")
one_add2=$(one_request "$(add_phone_url one02 10.0.9.8)")
one_err=$(one_request "$(add_phone_url one03 10.9.9.9)")
one_ver=$(one_request "$api?source=bench&function=version&user=6666")
# The statements themselves, as the server's general log shows them: one
# add_phone and one SERVER DOES NOT EXIST from the daemon, then one call of
# each from bench/ceiling.c.  The ceiling is the daemon's own SQL only while
# bench/ceiling.c's copy of db/'s statements is current; here the two
# sequences are compared text by text.  The log shows a statement prepared
# while it was off with a ? for each value, one prepared while it was on
# with the values: every quoted string and NULL is made a ? on both sides.
executed_sql() {
    sed -n 's/^.*[0-9] Execute\t//p' "$1" | perl -pe "s/'(?:[^'\\\\]|\\\\.)*'/?/g; s/\\bNULL\\b/?/g"
}
trace() {   # NAME COMMAND...: the statements COMMAND makes run, in $out/NAME.sql
    local name=$1; shift
    rm -f "$out/$name.general.log"
    stale_login
    sql -e "SET GLOBAL general_log_file='$out/$name.general.log'; SET GLOBAL general_log=1"
    "$@" >/dev/null 2>&1 || true
    sql -e "SET GLOBAL general_log=0"
    executed_sql "$out/$name.general.log" >"$out/$name.sql"
}
trace one-add_phone curl -s "$(add_phone_url one04 10.0.9.8)"
trace one-error curl -s "$(add_phone_url one05 10.9.9.9)"
trace ceiling-add_phone ceiling -c 1 -n 1 -m nonagentd -t trace
trace ceiling-error ceiling -c 1 -n 1 -m nonagentd-error -t trace
sql_check=""
for pair in add_phone:nonagentd error:nonagentd-error; do
    d=$out/one-${pair%%:*}.sql c=$out/ceiling-${pair%%:*}.sql
    if [ ! -s "$d" ] || ! diff -u "$d" "$c" >"$out/sql-${pair%%:*}.diff"; then
        sql_check="$sql_check ${pair#*:}"
        say "WARNING: bench/ceiling.c's ${pair#*:} mode does not issue the daemon's statements (update it from db/): $out/sql-${pair%%:*}.diff"
    fi
done
say "the daemon's statements for one add_phone: $out/one-add_phone.sql ($(wc -l <"$out/one-add_phone.sql") executed), for one error: $out/one-error.sql ($(wc -l <"$out/one-error.sql"))"
say "first add_phone (adds the api log's webserver and url rows): $one_add"
say "second add_phone: $one_add2"
say "one SERVER DOES NOT EXIST: $one_err"
say "one version: $one_ver"

# ---- the runs ------------------------------------------------------------------

has() { case " $SCENARIOS " in *" $1 "*) return 0;; esac; return 1; }
in_list() { case " $2 " in *" $1 "*) return 0;; esac; return 1; }

idle_test "fresh daemon"
idle_test "fresh daemon, each sent a request" request
started=$SECONDS
if has a; then
    for n in $CONNS; do
        measure wrk_run a add_phone.lua "$n" 6666 1234
        measure ceiling_run nonagentd "$n"
        if in_list "$n" "$V17_CONNS"; then measure ceiling_run nonagentd-17 "$n"; fi
        measure ceiling_run vicidial "$n"
        if in_list "$n" "$CONNECT_CONNS"; then measure ceiling_run vicidial-connect "$n"; fi
    done
fi
if has b; then
    for n in $CONNS; do
        measure wrk_run b server_error.lua "$n" 6666 1234
        measure ceiling_run nonagentd-error "$n"
    done
fi
# Repeat the two target pairs, alternating, at ROUND_CONNS.
for n in $ROUND_CONNS; do
    in_list "$n" "$CONNS" || continue
    for round in $(seq 2 "$ROUNDS"); do
        if has a; then
            measure_round wrk_run a add_phone.lua "$n" 6666 1234
            measure_round ceiling_run nonagentd "$n"
        fi
        if has b; then
            measure_round wrk_run b server_error.lua "$n" 6666 1234
            measure_round ceiling_run nonagentd-error "$n"
        fi
    done
done
round=1
if has c; then
    for n in $CONNS; do measure wrk_run c version.lua "$n" 6666 1234; done
fi
if has e; then
    for n in $CONNS; do measure wrk_run e contended.lua "$n" 6666 1234; done
fi

idle_test "after (a)-(c)"
idle_test "after (a)-(c), each sent a request" request

hash_check="" bcrypt_ref=""
if has d; then
    sql asterisk -e "UPDATE system_settings SET pass_hash_enabled='1',
        pass_key='abcdefghijklmnop', pass_cost=10"
    hash_check=$(curl -s "$(add_phone_url hash01 10.0.9.8 hash10 test hash)" | head -n 1)
    say "hashed-password check: $hash_check"
    bcrypt_ref=$("$build/bench/bcrypt_ref" 10 10 2>&1 || true)
    say "libxcrypt reference: $bcrypt_ref"
    for n in $CONNS; do measure wrk_run d add_phone.lua "$n" hash10 test; done
fi
run_seconds=$((SECONDS - started))

kill -0 "$daemon_pid" 2>/dev/null || say "THE DAEMON IS NOT RUNNING ANY MORE (see $log)"
daemon_alive=$(kill -0 "$daemon_pid" 2>/dev/null && echo yes || echo "no: it died")
final_hwm=$(hwm_kib 2>/dev/null || echo "?")

set +e   # a failure while writing the report must not hide the measurements
# ---- the report -------------------------------------------------------------------

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
cores=$(nproc)
mhz=$(awk -F': ' '/^cpu MHz/ {printf "%.0f", $2; exit}' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
dirty=$(git -C "$top" status --porcelain -- server db CMakeLists.txt 2>/dev/null | wc -l)
[ "$dirty" = 0 ] || commit="$commit + $dirty uncommitted files under server/, db/"

field() { awk -F'\t' -v k="$1" -v nm="$2" -v n="$3" -v c="$4" '$1==k && $2==nm && $3==n {print $c; exit}' "$tsv"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b+0 > 0) printf "%.2f", a/b; else printf "-" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b+0 > 0) printf "%.0f%%", 100*a/b; else printf "-" }'; }
# a percentage already computed, rounded ("-" when empty)
pctv() { awk -v r="$1" 'BEGIN { if (r != "") printf "%.0f%%", r; else printf "-" }'; }

{
    echo "# The project's schema (InnoDB), innodb_flush_log_at_trx_commit=$FLUSH_LOG"
    echo
    echo "Machine: $cores x $cpu (${mhz} MHz), ${mem} GiB; $(uname -sr). $db_settings."
    echo "Source: commit $commit. Daemon: build-bench/nonagentd (Release), $threads_desc. wrk -t$WRK_THREADS, $SECONDS_PER_RUN s per run, --timeout ${TIMEOUT}s. Total run time ${run_seconds} s."
    echo
    echo "One request alone (SHOW GLOBAL STATUS deltas), each from an old login stamp; later logins of the same user from the same IP in the same second make one statement fewer (no last-login update):"
    echo
    echo "- the first add_phone (it also adds the api log's webserver and url rows): $one_add"
    echo "- the second add_phone, as every later one (webserver and url rows found): $one_add2"
    echo "- SERVER DOES NOT EXIST: $one_err"
    echo "- version: $one_ver"
    echo
    if [ -z "$sql_check" ]; then
        echo "The statements of one add_phone and of one SERVER DOES NOT EXIST, as the server's general log shows them (values aside), are text for text the same from the daemon as from bench/ceiling.c's nonagentd and nonagentd-error modes."
    else
        echo "WARNING: bench/ceiling.c's mode(s)$sql_check do not issue the daemon's statements (general log, text for text: see sql-*.diff): update bench/ceiling.c from db/ before reading the ceilings below."
    fi
    echo
    echo "## wrk against the daemon"
    echo
    echo "| scenario | conns | req/s | p50 ms | p99 ms | SQL/call | exec/call | non-2xx | socket errors | ok / other answers | SUCCESS in api log | phones rows added | lost rows | peak RSS MiB | other CPU |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '$1=="wrk" {
        name = ($2=="a") ? "(a) add_phone" : ($2=="b") ? "(b) SERVER DOES NOT EXIST" : ($2=="c") ? "(c) version" : ($2=="e") ? "(e) add_phone, every request on one extension" : "(d) add_phone, bcrypt cost 10"
        succ = ($2=="a" || $2=="d") ? $23 : "-"; rows = ($2=="a" || $2=="d") ? $18 : "-"; lost = ($2=="a" || $2=="d") ? $19 : "-"
        rss = ($20 ~ /^[0-9]+$/) ? sprintf("%.1f", $20/1024) : "-"
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s%% |\n", name, $3, $4, $5, $6, $7, $8, $11, $12, $13, $14, succ, rows, lost, rss, $22
    }' "$tsv"
    echo
    echo "## The ceiling (bench/ceiling.c, no HTTP, same database, same run)"
    echo
    echo "| SQL issued | conns | calls/s | p50 ms | p99 ms | SQL/call | exec/call | failed calls | unexpected answers | phones rows added | other CPU |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '$1=="ceiling" {
        name = ($2=="nonagentd") ? "nonagentd'"'"'s, prepared" : ($2=="nonagentd-error") ? "nonagentd'"'"'s SERVER DOES NOT EXIST, prepared" : ($2=="nonagentd-17") ? "nonagentd'"'"'s 17 of before e67fcf6, prepared" : ($2=="vicidial") ? "VICIdial'"'"'s, text, kept connection" : "VICIdial'"'"'s, text, new connection per call"
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%% |\n", name, $3, $4, $5, $6, $7, $8, $12, $14, $18, $22
    }' "$tsv"
    echo
    echo "## Ratios"
    echo
    echo "| conns | daemon add_phone / ceiling (nonagentd SQL) | ceiling VICIdial SQL / ceiling nonagentd SQL | daemon add_phone / ceiling (VICIdial SQL) | daemon SERVER DOES NOT EXIST / its ceiling |"
    echo "|---:|---:|---:|---:|---:|"
    for n in $CONNS; do
        d=$(field wrk a "$n" 4); cn=$(field ceiling nonagentd "$n" 4); cv=$(field ceiling vicidial "$n" 4)
        db=$(field wrk b "$n" 4); ce=$(field ceiling nonagentd-error "$n" 4)
        echo "| $n | $(pct "$d" "$cn") | $(pct "$cv" "$cn") | $(pct "$d" "$cv") | $(pct "$db" "$ce") |"
    done
    echo
    # The target pairs, repeated: each round's daemon figure over the
    # ceiling measured right after it, and the medians over the rounds.
    a32="" b32="" ap99="" bp99="" aratio="" bratio=""
    rt=$(awk -F'\t' -v n=32 'NR > 1 && $3 == n {
            k = ($1=="wrk" ? "w" : "c") $2; v[$24, k] = $4; p[$24, k] = $6; if ($24 > r) r = $24 }
        END {
            for (i = 1; i <= r; i++) {
                ra = (v[i,"cnonagentd"] > 0) ? 100 * v[i,"wa"] / v[i,"cnonagentd"] : ""
                rb = (v[i,"cnonagentd-error"] > 0) ? 100 * v[i,"wb"] / v[i,"cnonagentd-error"] : ""
                printf "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", i, v[i,"wa"], v[i,"cnonagentd"], ra, p[i,"wa"], v[i,"wb"], v[i,"cnonagentd-error"], rb, p[i,"wb"]
            } }' "$rounds_tsv")
    if [ "$(grep -c . <<<"$rt")" -gt 1 ]; then
        echo "### Repeated at 32 connections"
        echo
        echo "Each round runs the daemon, then its ceiling right after, so that the two see the same machine (round 1 is the tables above)."
        echo
        echo "| round | (a) add_phone req/s | ceiling | (a) / ceiling | (a) p99 ms | (b) SERVER DOES NOT EXIST req/s | its ceiling | (b) / ceiling | (b) p99 ms |"
        echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, ($4 == "" ? "-" : sprintf("%.0f%%", $4)), $5, $6, $7, ($8 == "" ? "-" : sprintf("%.0f%%", $8)), $9 }' <<<"$rt"
        a32=$(cut -f2 <<<"$rt" | grep . | median %.1f); aratio=$(cut -f4 <<<"$rt" | grep . | median %.1f)
        ap99=$(cut -f5 <<<"$rt" | grep . | median %.2f)
        b32=$(cut -f6 <<<"$rt" | grep . | median %.1f); bratio=$(cut -f8 <<<"$rt" | grep . | median %.1f)
        bp99=$(cut -f9 <<<"$rt" | grep . | median %.2f)
        printf '| median | %s | | %s | %s | %s | | %s | %s |\n' "$a32" \
            "$(pctv "$aratio")" "$ap99" "$b32" "$(pctv "$bratio")" "$bp99"
        echo
        echo "The comparison with VICIdial below uses these medians."
        echo
    fi
    for n in $CONNS; do
        ds=$(field wrk a "$n" 7); cs=$(field ceiling nonagentd "$n" 7)
        if [ -n "$ds" ] && [ -n "$cs" ] &&
            awk -v a="$ds" -v b="$cs" 'BEGIN { exit !(a - b > 0.05 || b - a > 0.05) }'; then
            echo "WARNING: at $n connections the daemon ran $ds statements per add_phone and the ceiling $cs: bench/ceiling.c's nonagentd mode no longer issues the daemon's SQL (update it from db/)."
            echo
        fi
    done
    [ -n "$a32" ] || a32=$(field wrk a 32 4)
    [ -n "$b32" ] || b32=$(field wrk b 32 4)
    [ -n "$ap99" ] || ap99=$(field wrk a 32 6)
    [ -n "$bp99" ] || bp99=$(field wrk b 32 6)
    # (one round: the same ratios as the Ratios table)
    share() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b+0 > 0) print 100*a/b }'; }
    [ -n "$aratio" ] || aratio=$(share "$a32" "$(field ceiling nonagentd 32 4)")
    [ -n "$bratio" ] || bratio=$(share "$b32" "$(field ceiling nonagentd-error 32 4)")
    c32=$(field wrk c 32 4)
    cv32=$(field ceiling vicidial 32 4)
    echo "At 32 connections (medians of the rounds; VICIdial itself is measured side by side, on its own schema, in side-by-side.md):"
    echo
    echo "| at 32 connections | nonagentd | of its own SQL's ceiling | p99 | target |"
    echo "|---|---:|---:|---:|---|"
    echo "| add_phone successes/s | ${a32:--} | $(pctv "$aratio") | ${ap99:--} ms | >= 85% of the ceiling, p99 <= 25 ms |"
    echo "| SERVER DOES NOT EXIST/s | ${b32:--} | $(pctv "$bratio") | ${bp99:--} ms | p99 <= 25 ms |"
    echo "| version/s | ${c32:--} | | $(field wrk c 32 6) ms | |"
    echo
    echo "VICIdial's own statement sequence from C on a kept connection (the ceiling's vicidial mode, same run): ${cv32:--}/s, $(ratio "$a32" "$cv32")x of it for the daemon's add_phone."
    echo
    if [ -n "$idle_report" ]; then
        echo "$IDLE idle connections held 5 s (target: peak RSS <= 32 MiB, also when each sent a request):"
        echo
        echo "| when | connections | VmRSS before, MiB | peak VmHWM while held, MiB | VmRSS 3 s after they closed, MiB | a version request meanwhile |"
        echo "|---|---|---:|---:|---:|---|"
        echo "${idle_report#?}"
        echo
    fi
    if has a && in_list 256 "$CONNS"; then
        v=$(awk -F'\t' '$1=="wrk" && $2=="a" && $3==256 {
            t++; if ($11!=0 || $12!=0 || $14!=0 || $19!=0) { bad++; nx+=$11; se+=$12; ot+=$14; lo+=$19 } }
            END { if (!t) print "not run"; else if (!bad) printf "PASS: no error, no lost row (%d attempt%s)\n", t, (t > 1 ? "s" : ""); else printf "FAIL in %d of %d attempts: non-2xx %d, socket errors %d, other answers %d, lost rows %d\n", bad, t, nx, se, ot, lo }' "$all")
        echo "add_phone at 256 connections: $v."
        echo
    fi
    [ -z "$hash_check" ] || { echo "(d) check request: $hash_check"; echo; }
    if [ -n "$bcrypt_ref" ]; then
        ms=$(kv "$bcrypt_ref" ms_per_hash)
        d1=$(field wrk d 1 5)
        echo "(d) reference: libxcrypt's crypt_r needs ${ms:-?} ms per cost-10 hash on one core here (bench/bcrypt_ref.c), a bound of about $(awk -v m="$ms" -v c="$cores" 'BEGIN { if (m > 0) printf "%.0f", c*1000/m; else printf "?" }')/s on $cores cores; the daemon's p50 at 1 connection, hash included, is ${d1:-?} ms."
        echo
    fi
    echo "Daemon still running at the end: $daemon_alive; its VmHWM since the last reset: $(mib "$final_hwm") MiB."
    # (an "other" answer in (e) is its one SUCCESS)
    anomalies=$(awk -F'\t' 'NR > 1 && (($1=="wrk" && ($11!=0 || $12!=0 || $14 > ($2=="e" ? 1 : 0) || $19!=0)) || ($1=="ceiling" && ($12!=0 || $14!=0 || $19!=0)) || $4=="") {
        printf "- %s %s at %s connections: non-2xx %s, socket errors or failed calls %s, unexpected answers %s, lost rows %s %s\n", $1, $2, $3, $11, $12, $14, $19, $21 }' "$all")
    echo "Errors, unexpected answers or lost rows in any attempt (results-all.tsv): $([ -n "$anomalies" ] && echo "see below" || echo none)."

    [ -z "$anomalies" ] || { echo; echo "$anomalies"; }
    retried=$(awk -F'\t' 'NR > 1 {k=$1" "$2" "$3" "$24; c[k]++} END {for (k in c) if (c[k] > 1) n++; print n+0}' "$all")
    echo
    echo "Runs measured again because other processes used more than ${MAX_OTHER}% of the cores: $retried (the table shows each one's least disturbed attempt; the other CPU column says how disturbed it still was)."
    notes=$(awk -F'\t' '$1=="wrk" && $21 != "" {printf "- (%s) %s connections: %s\n", $2, $3, $21}' "$tsv")
    if [ -n "$notes" ]; then echo; echo "Notes:"; echo; echo "$notes"; fi
} >"$out/results.md"

cat "$out/results.md"
say "results in $out/ (results.md, results.tsv, wrk-*.txt, ceiling-*.txt, nonagentd.log)"
