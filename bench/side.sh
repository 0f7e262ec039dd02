#!/usr/bin/env bash
# bench/side.sh - nonagentd and VICIdial 2.14-202 itself, side by side, on
# one MariaDB holding VICIdial's own schema (MyISAM, sql_mode=''), run by
# bench/run.sh whenever ../shared/reference exists (after run.sh has
# installed and built what it needs).  VICIdial is its own non_agent_api.php
# served by Apache prefork + mod_php, started with ../shared/reference/up.sh:
# a measuring instrument, nothing of it is in the project.
#
# For every round, every scenario and connection count, both servers run
# one after the other, each on the same fixture reloaded just before its
# run (the tables the API writes, dumped once after setup), the order of
# the two alternating from pair to pair; nonagentd is started fresh for
# each of its runs (so its start-up check of the schema runs every time).
# Scenarios (wrk -t1 -cN -dSECONDS --latency, the bench/*.lua scripts):
#   add_phone     successes, a new extension and login per request
#   server_error  add_phone's SERVER DOES NOT EXIST
#   version       function=version
#   update_phone  successes on the fixture's phones, in turn
# with an index on phones.login (variant "index") and, for the scenarios
# of BENCH_SIDE_NOINDEX, as VICIdial ships it (variant "noindex").  At the
# end nonagentd alone runs add_phone at BENCH_SIDE_BIG connections (errors
# and lost rows only).
#
# With BENCH_SIDE_AGAINST=REV (a git revision) the other side is not VICIdial
# but nonagentd as built from REV (in build-bench/against-REV/), run the same
# way: the same schema and fixture, the same scenarios, alternating, each
# ratio this tree's build over REV's; no targets are judged.  It is how a
# change is shown to cost no speed (README, "Performance").
#
# Knobs (environment):
#   BENCH_SIDE_AGAINST=     a git revision to measure against instead of VICIdial
#   BENCH_SECONDS=10        seconds per run
#   BENCH_ROUNDS=5          rounds (each a run of both servers per cell)
#   BENCH_SIDE_CONNS="1 32" connection counts
#   BENCH_SIDE_SCENARIOS="add_phone server_error version update_phone"
#   BENCH_SIDE_NOINDEX="add_phone"  scenarios also run without the index
#   BENCH_SIDE_PHONES=1000  phones in the fixture (update_phone's targets)
#   BENCH_SIDE_BIG=256      nonagentd's last add_phone run (empty: none)
#   BENCH_REF_WORKERS=32    Apache's prefork children (up.sh's default)
#   BENCH_THREADS=          the daemon's --threads (empty: its default)
#   BENCH_TIMEOUT=10        wrk's per-request timeout, seconds
#   BENCH_QUIET_WAIT=5      wait up to this long for the machine to quiet
#   BENCH_REFERENCE         the reference directory (../shared/reference)
#
# Output: build-bench/bench-results/side/ (side-by-side.md, side.tsv, every
# wrk output, both servers' logs).  Every run's row records the share of the
# cores other processes used during it.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

SECS=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-5}
CONNS=${BENCH_SIDE_CONNS:-"1 32"}
SCENARIOS=${BENCH_SIDE_SCENARIOS:-"add_phone server_error version update_phone"}
NOINDEX=${BENCH_SIDE_NOINDEX-add_phone}
PHONES=${BENCH_SIDE_PHONES:-1000}
BIG=${BENCH_SIDE_BIG-256}
WORKERS=${BENCH_REF_WORKERS:-32}
THREADS=${BENCH_THREADS:-}
TIMEOUT=${BENCH_TIMEOUT:-10}
QUIET_WAIT=${BENCH_QUIET_WAIT:-5}
ref=${BENCH_REFERENCE:-$top/../shared/reference}
for v in "$SECS" "$ROUNDS" "$PHONES" "$WORKERS"; do
    case $v in ''|*[!0-9]*|0) echo "side.sh: BENCH_SECONDS, BENCH_ROUNDS, BENCH_SIDE_PHONES and BENCH_REF_WORKERS must be whole numbers >= 1" >&2; exit 1;; esac
done

build=$top/build-bench
AGAINST=${BENCH_SIDE_AGAINST:-}
[ -z "$AGAINST" ] || BIG=${BENCH_SIDE_BIG-}
if [ -n "$AGAINST" ]; then
    against_rev=$(git -C "$top" rev-parse --short "$AGAINST^{commit}" 2>/dev/null) ||
        { echo "side.sh: BENCH_SIDE_AGAINST=$AGAINST is not a git revision" >&2; exit 1; }
    OTHER=earlier OTHER_NAME="nonagentd $against_rev"
    out=$build/bench-results/against-$against_rev
else
    OTHER=vicidial OTHER_NAME=VICIdial
    out=$build/bench-results/side
fi
dbdir=$build/side-db
export BENCH_LUA_DIR=$top/bench BENCH_UPDATE_PHONES=$PHONES

daemon_pid=""
db_pid=""
ref_port=""
# Apache's processes: the parent and its prefork children (same command line).
ref_pids() { [ -n "$ref_port" ] && pgrep -f "apache2 -f /tmp/vicidial-ref-$ref_port/httpd.conf" | tr '\n' ' '; true; }
our_pids() { echo "$daemon_pid ${other_pid:-} $db_pid $(ref_pids)"; }
# shellcheck source=bench/lib.sh
. "$top/bench/lib.sh"

[ -x "$ref/up.sh" ] || die "no VICIdial reference at $ref (up.sh)"
[ -x "$build/nonagentd" ] || die "build-bench/nonagentd is missing: run bash bench/run.sh"
mkdir -p "$out"
rm -f "$out"/*.txt "$out"/*.tsv "$out"/*.md "$out"/*.log "$out"/*.sql

cleanup() {
    local rc=$?
    stop_daemon
    stop_other
    [ -z "$ref_port" ] || bash "$ref/up.sh" stop "$ref_port" >/dev/null 2>&1 || true
    stop_db
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- one database, VICIdial's schema, the fixture -----------------------------

start_db
# As VICIdial servers run: non-strict (VICIdial's add_phone INSERT leaves
# out template_id, NOT NULL with no default).  Every session opened from
# here on inherits it.
sql -e "SET GLOBAL sql_mode = ''"
bash "$ref/up.sh" schema "$sock" asterisk >&2
# The fixture: VICIdial's seed user 6666 allowed the API and the phone
# functions, two servers (10.0.9.8 takes phones; 10.9.9.9 is no server),
# and PHONES phones u1..uN for update_phone.
sql asterisk -e "
    UPDATE vicidial_users SET vdc_agent_api_access='1', modify_phones='1', ast_delete_phones='1'
        WHERE user='6666';
    INSERT INTO servers (server_id, server_description, server_ip, active, local_gmt,
            generate_vicidial_conf, active_asterisk_server, rebuild_conf_files)
        VALUES ('demo1', 'Demo server 1', '10.0.9.8', 'Y', '-5.00', 'Y', 'Y', 'N'),
               ('demo2', 'Demo server 2', '192.168.198.5', 'Y', '-5.00', 'Y', 'Y', 'N');
    INSERT INTO phones (extension, dialplan_number, voicemail_id, server_ip, login, pass,
            status, active, phone_type, fullname, protocol, local_gmt, outbound_cid)
        SELECT CONCAT('u', seq), CONCAT('8', seq), CONCAT('8', seq), '10.0.9.8', CONCAT('u', seq),
               'test', 'ACTIVE', 'Y', '', CONCAT('Fixture ', seq), 'SIP', '-5.00', '7275551212'
        FROM seq_1_to_$PHONES"
# Every table a request of these scenarios writes, as they are now: each
# run starts from this dump.
fixture_tables="phones servers vicidial_users system_settings vicidial_admin_log vicidial_api_log
    vicidial_api_urls vicidial_webservers vicidial_urls"
# shellcheck disable=SC2086
mariadb-dump --no-defaults -S "$sock" -uroot --skip-comments asterisk $fixture_tables >"$out/fixture.sql"
engines=$(sql -N -B -e "SELECT GROUP_CONCAT(DISTINCT engine) FROM information_schema.tables
    WHERE table_schema='asterisk' AND table_name IN ('$(sed 's/[[:space:]]\+/\x27,\x27/g' <<<"$fixture_tables")')")
db_settings=$(sql -N -B -e "SELECT CONCAT('MariaDB ', VERSION(), ', sql_mode \'', @@GLOBAL.sql_mode,
    '\', key buffer ', @@key_buffer_size DIV 1048576, ' MiB, binlog ', IF(@@log_bin, 'on', 'off'))")
db_settings="$db_settings; VICIdial's own schema (up.sh schema: $(sql -N -B -e "SELECT count(*) FROM information_schema.tables WHERE table_schema='asterisk'") tables; the tables the API writes: $engines); fixture: $PHONES phones"
say "$db_settings"

# load_fixture VARIANT: the dump back, and for "index" the index VICIdial
# lacks (the ALTER TABLE nonagentd's start-up warning names).
load_fixture() {
    sql asterisk <"$out/fixture.sql"
    [ "$1" != index ] || sql asterisk -e "ALTER TABLE phones ADD INDEX login (login)"
}

# ---- the two servers -------------------------------------------------------------

other_pid=""
stop_other() {
    [ -n "$other_pid" ] || return 0
    local keep=$daemon_pid
    daemon_pid=$other_pid; stop_daemon; daemon_pid=$keep; other_pid=""
}
if [ -n "$AGAINST" ]; then
    # REV's tree, exported (not checked out: this tree stays as it is), and
    # its daemon built as run.sh builds this one.
    other_build=$build/against-$against_rev
    if [ ! -x "$other_build/build/nonagentd" ]; then
        say "building nonagentd $against_rev (Release) in $other_build"
        rm -rf "$other_build"; mkdir -p "$other_build/src"
        git -C "$top" archive "$against_rev" | tar -x -C "$other_build/src"
        cmake -S "$other_build/src" -B "$other_build/build" -DCMAKE_BUILD_TYPE=Release \
            -DNONAGENTD_TESTS=OFF >/dev/null
        cmake --build "$other_build/build" -j "$(nproc)" --target nonagentd >"$other_build/build.log" 2>&1 ||
            { tail -n 20 "$other_build/build.log" >&2; die "nonagentd $against_rev did not build"; }
    fi
else
    ref_port=$(free_port) || die "no free TCP port found"
    say "starting VICIdial 2.14-202 (Apache prefork + mod_php, $WORKERS children) on port $ref_port"
    WORKERS=$WORKERS bash "$ref/up.sh" start "$ref_port" "$sock" asterisk >"$out/up.log" 2>&1 ||
        { cat "$out/up.log" >&2; die "up.sh could not start VICIdial"; }
    grep -q '^VERSION' "$out/up.log" || { cat "$out/up.log" >&2; die "VICIdial does not answer"; }
    ref_url=http://127.0.0.1:$ref_port
fi

ulimit -n 16384 2>/dev/null || true
: >"$out/nonagentd.log"
daemon_url=""
# start_daemon FIXTURE [BINARY LOG]: this tree's daemon, or another build's.
start_daemon() {
    local port bin=${2:-$build/nonagentd} log=${3:-$out/nonagentd.log}
    port=$(free_port) || die "no free TCP port found"
    echo "---- start (fixture: $1)" >>"$log"
    "$bin" --listen "127.0.0.1:$port" ${THREADS:+--threads "$THREADS"} \
        --db-socket "$sock" --db-user root --db-pass '' --db-name asterisk 2>>"$log" &
    daemon_pid=$!
    daemon_url=http://127.0.0.1:$port
    for _ in $(seq 1 100); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$daemon_url/healthz" 2>/dev/null)" = 200 ] && return 0
        kill -0 "$daemon_pid" 2>/dev/null || break
        sleep 0.1
    done
    tail -n 20 "$out/nonagentd.log" >&2
    die "the daemon did not become healthy"
}

# ---- one run ---------------------------------------------------------------------

tsv=$out/side.tsv
printf 'side\tvariant\tscenario\tconns\tround\trate\tp50_ms\tp99_ms\tok\tother\tnon2xx\tsock_errors\trows_added\tlost_rows\tother_cpu_pct\tsample\tqueued_ms\tanswered_ms\n' >"$tsv"
phones() { sql -N -B asterisk -e "SELECT count(*) FROM phones"; }
expect_prefix() {
    case $1 in
        add_phone) echo "SUCCESS: add_phone" ;;
        server_error) echo "ERROR: add_phone SERVER DOES NOT EXIST" ;;
        version) echo "VERSION:" ;;
        update_phone) echo "SUCCESS: update_phone" ;;
    esac
}

# queue_split URL: from this tree's daemon's /metrics, the mean time its
# requests so far waited for a worker and the mean time from arrival to
# answer, in ms, tab-separated (empty when the page has neither).
queue_split() {
    curl -s --max-time 5 "$1/metrics" | awk '
        /^nonagentd_worker_queue_wait_seconds_sum / { qs = $2 }
        /^nonagentd_worker_queue_wait_seconds_count / { qc = $2 }
        /^nonagentd_api_request_duration_seconds_sum\{/ { ds += $2 }
        /^nonagentd_api_request_duration_seconds_count\{/ { dc += $2 }
        END { if (qc > 0 && dc > 0) printf "%.2f\t%.2f", 1000 * qs / qc, 1000 * ds / dc; else printf "\t" }'
}

# side_run SIDE VARIANT SCENARIO CONNS ROUND: one wrk run on a fresh fixture.
side_run() {
    local side=$1 variant=$2 scen=$3 n=$4 round=$5 url rows0 rows1 line c0 c1 f split=$'\t'
    f=$out/wrk-$side-$variant-$scen-$n-$round.txt
    load_fixture "$variant"
    if [ "$side" = nonagentd ]; then
        start_daemon "$variant"; url=$daemon_url
    elif [ "$side" = earlier ]; then
        # the other build, under daemon_pid while it starts (start_daemon's
        # health loop), then as other_pid
        local keep=$daemon_pid
        start_daemon "$variant" "$other_build/build/nonagentd" "$out/earlier.log"
        other_pid=$daemon_pid; daemon_pid=$keep; url=$daemon_url
    else
        url=$ref_url
    fi
    # one request first: the servers' first-request costs (a worker's
    # database connection, PHP's opcode cache) stay out of the run
    curl -s -o /dev/null "$url/vicidial/non_agent_api.php?source=bench&function=version&user=6666"
    wait_quiet
    say "$side, $variant, $scen, $n connections, $SECS s (round $round)"
    rows0=$(phones)
    cpu_snap c0
    wrk -t1 -c"$n" -d"${SECS}s" --timeout "${TIMEOUT}s" --latency -s "bench/$scen.lua" \
        "$url/" -- "s${n}${round}" 6666 1234 >"$f" 2>&1 || true
    cpu_snap c1
    sleep 1   # the requests wrk left in flight finish
    rows1=$(phones)
    [ "$side" != nonagentd ] || { split=$(queue_split "$url"); stop_daemon; }
    [ "$side" != earlier ] || stop_other
    line=$(grep '^BENCHRESULT' "$f" || true)
    if [ -z "$line" ]; then
        say "wrk gave no result:"; cat "$f" >&2
        printf '%s\t%s\t%s\t%s\t%s\t\t\t\t\t\t\t\t\t\t\twrk failed\t\t\n' "$side" "$variant" "$scen" "$n" "$round" >>"$tsv"
        return
    fi
    local ok rows lost=0 sockerr sample
    ok=$(kv "$line" ok)
    rows=$((rows1 - rows0))
    # every SUCCESS wrk read must have its row (add_phone only adds rows)
    [ "$scen" != add_phone ] || [ "$ok" -le "$rows" ] || lost=$((ok - rows))
    sockerr=$(( $(kv "$line" connect_err) + $(kv "$line" read_err) + $(kv "$line" write_err) + $(kv "$line" timeouts) ))
    sample=$(grep '^BENCHSAMPLE' "$f" | head -n 1 | cut -c13-100 | tr '\t' ' ' || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$variant" "$scen" \
        "$n" "$round" "$(kv "$line" rps)" "$(kv "$line" p50_ms)" "$(kv "$line" p99_ms)" "$ok" \
        "$(kv "$line" other)" "$(kv "$line" non2xx)" "$sockerr" "$rows" "$lost" \
        "$(foreign_pct "$c0" "$c1")" "$sample" "$split" >>"$tsv"
}

# ---- the rounds ------------------------------------------------------------------

in_list() { case " $2 " in *" $1 "*) return 0;; esac; return 1; }
started=$SECONDS
pair=0
for round in $(seq 1 "$ROUNDS"); do
    for variant in index noindex; do
        for scen in $SCENARIOS; do
            [ "$variant" = index ] || in_list "$scen" "$NOINDEX" || continue
            for n in $CONNS; do
                # which server goes first alternates from pair to pair
                pair=$((pair + 1))
                if [ $((pair % 2)) = 1 ]; then order="nonagentd $OTHER"; else order="$OTHER nonagentd"; fi
                for side in $order; do side_run "$side" "$variant" "$scen" "$n" "$round"; done
            done
        done
    done
done
if [ -n "$BIG" ]; then side_run nonagentd index add_phone "$BIG" 1; fi
run_seconds=$((SECONDS - started))
warned=$(grep -c "ALTER TABLE" "$out/nonagentd.log" || true)
starts=$(grep -c "^---- start (fixture: noindex)" "$out/nonagentd.log" || true)

# ---- the report -------------------------------------------------------------------

set +e
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
# cell VARIANT SCENARIO CONNS SIDE COLUMN: that column of every round, in
# round order, one a line
cell() { awk -F'\t' -v v="$1" -v s="$2" -v n="$3" -v d="$4" -v c="$5" \
    'NR > 1 && $2==v && $3==s && $4==n && $1==d && $6 != "" {print $5 "\t" $c}' "$tsv" | sort -n | cut -f2; }
# ratios VARIANT SCENARIO CONNS: each round's nonagentd rate / VICIdial rate
ratios() { awk -F'\t' -v v="$1" -v s="$2" -v n="$3" 'NR > 1 && $2==v && $3==s && $4==n && $6 != "" {
        r[$5, $1] = $6; if ($5 > m) m = $5 }
    END { for (i = 1; i <= m; i++) if (r[i, o] > 0 && r[i, "nonagentd"] != "") printf "%.2f\n", r[i, "nonagentd"] / r[i, o] }' o="$OTHER" "$tsv"; }
joined() { paste -sd/ - | sed 's#/#, #g'; }
med() { median "$1"; }
name_of() {
    case $1 in
        add_phone) echo "add_phone successes" ;; server_error) echo "SERVER DOES NOT EXIST" ;;
        version) echo "version" ;; update_phone) echo "update_phone successes" ;;
    esac
}
# target VARIANT SCENARIO CONNS: the issue's target for the ratio, or ""
target_of() {
    [ -z "$AGAINST" ] || return 0
    case "$1 $2 $3" in
        "index add_phone 32") echo 4 ;; "index server_error 32"|"index version 32") echo 5 ;;
        "noindex add_phone 32") echo 1.5 ;;
    esac
}
verdicts=""
verdict() { verdicts="$verdicts
- $1: $2"; }
{
    if [ -n "$AGAINST" ]; then
        echo "# nonagentd $commit and nonagentd $against_rev, side by side"
    else
        echo "# nonagentd and VICIdial 2.14-202, side by side"
    fi
    echo
    echo "Machine: $(nproc) x $cpu, $(awk '/^MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo) GiB; $(uname -sr)."
    echo "Database (one for both): $db_settings."
    if [ -n "$AGAINST" ]; then
        echo "$OTHER_NAME: git revision $AGAINST, built in build-bench/against-$against_rev/ (Release), run as this tree's build is. nonagentd: commit $commit$(git -C "$top" diff --quiet HEAD 2>/dev/null || echo ' with uncommitted changes'), build-bench/nonagentd (Release), ${THREADS:+--threads $THREADS}${THREADS:-their default threads}; each started fresh for each of its runs."
    else
        echo "VICIdial: its own non_agent_api.php on Apache prefork + mod_php ($WORKERS children, PHP warnings not logged), via ../shared/reference/up.sh. nonagentd: commit $commit, build-bench/nonagentd (Release), ${THREADS:+--threads $THREADS}${THREADS:-its default threads}, started fresh for each of its runs."
    fi
    echo "wrk -t1, $SECS s per run, $ROUNDS rounds; the fixture reloaded before every run; in each pair of runs the server going first alternates. Total $run_seconds s."
    echo
    for variant in index noindex; do
        if [ "$variant" = index ]; then
            echo "## With an index on phones.login (ALTER TABLE phones ADD INDEX login (login))"
        else
            [ -n "$NOINDEX" ] || continue
            echo "## VICIdial's schema as shipped: no index on phones.login"
        fi
        echo
        echo "req/s: the median of the rounds, then every round in order. ratio: nonagentd ÷ $OTHER_NAME within each round (the two runs of a pair are seconds apart), the median, then every round. p50 and p99 in ms, medians of the rounds. other CPU: the share of the two cores other processes used during each run, $OTHER_NAME's rounds / nonagentd's."
        echo
        echo "| scenario | conns | $OTHER_NAME req/s | nonagentd req/s | ratio | target | $OTHER_NAME p50 / p99 | nonagentd p50 / p99 | other CPU % |"
        echo "|---|---:|---:|---:|---:|---|---:|---:|---|"
        for scen in $SCENARIOS; do
            [ "$variant" = index ] || in_list "$scen" "$NOINDEX" || continue
            for n in $CONNS; do
                vr=$(cell "$variant" "$scen" "$n" "$OTHER" 6); nr=$(cell "$variant" "$scen" "$n" nonagentd 6)
                [ -n "$vr$nr" ] || continue
                rr=$(ratios "$variant" "$scen" "$n"); rm_=$(med %.2f <<<"$rr")
                vp50=$(cell "$variant" "$scen" "$n" "$OTHER" 7 | med %.2f); vp99=$(cell "$variant" "$scen" "$n" "$OTHER" 8 | med %.2f)
                np50=$(cell "$variant" "$scen" "$n" nonagentd 7 | med %.2f); np99=$(cell "$variant" "$scen" "$n" nonagentd 8 | med %.2f)
                t=$(target_of "$variant" "$scen" "$n"); tcell="-"
                if [ -n "$t" ]; then
                    tcell=">= ${t}x"
                    if awk -v r="$rm_" -v t="$t" 'BEGIN { exit !(r != "" && r + 0 >= t) }'; then m=met; else m=MISSED; fi
                    verdict "$(name_of "$scen") at $n connections, $variant, >= ${t}x VICIdial" "$m (median ${rm_:--}x; rounds $(joined <<<"$rr"))"
                fi
                if [ -z "$AGAINST" ] && [ "$variant" = index ] && [ "$n" = 32 ]; then
                    tcell="$tcell; p99 <= 25 ms"
                    if awk -v p="$np99" 'BEGIN { exit !(p != "" && p + 0 <= 25) }'; then m=met; else m=MISSED; fi
                    verdict "$(name_of "$scen") at 32 connections, nonagentd's p99 <= 25 ms" "$m (${np99:--} ms)"
                fi
                if [ -z "$AGAINST" ] && [ "$variant" = index ] && [ "$n" = 1 ] && [ "$scen" = add_phone ]; then
                    tcell="p50 <= half VICIdial's"
                    if awk -v a="$np50" -v b="$vp50" 'BEGIN { exit !(a != "" && b != "" && a + 0 <= b / 2) }'; then m=met; else m=MISSED; fi
                    verdict "add_phone at 1 connection, nonagentd's p50 <= half VICIdial's" "$m (${np50:--} ms against ${vp50:--} ms)"
                fi
                printf '| %s | %s | %s (%s) | %s (%s) | %sx (%s) | %s | %s / %s | %s / %s | %s / %s |\n' \
                    "$(name_of "$scen")" "$n" "$(med %.0f <<<"$vr")" "$(joined <<<"$vr")" \
                    "$(med %.0f <<<"$nr")" "$(joined <<<"$nr")" "${rm_:--}" "$(joined <<<"$rr")" "$tcell" \
                    "${vp50:--}" "${vp99:--}" "${np50:--}" "${np99:--}" \
                    "$(cell "$variant" "$scen" "$n" "$OTHER" 15 | joined)" "$(cell "$variant" "$scen" "$n" nonagentd 15 | joined)"
            done
        done
        echo
        # Where nonagentd's time went: its own /metrics after each run.
        split_lines=""
        for scen in $SCENARIOS; do
            [ "$variant" = index ] || in_list "$scen" "$NOINDEX" || continue
            for n in $CONNS; do
                q=$(cell "$variant" "$scen" "$n" nonagentd 17 | grep . | med %.2f)
                a=$(cell "$variant" "$scen" "$n" nonagentd 18 | grep . | med %.2f)
                [ -z "$q" ] || split_lines="$split_lines
- $(name_of "$scen"), $n connections: $q of $a ms"
            done
        done
        if [ -n "$split_lines" ]; then
            echo "nonagentd's mean time per request waiting for a worker, of its mean time from arrival to answer (its /metrics after each run; medians of the rounds):$split_lines"
            echo
        fi
        # Without the index every add_phone reads the whole phones table,
        # which grows by each run's successes.
        if [ "$variant" = noindex ] && in_list add_phone "$NOINDEX"; then
            for n in $CONNS; do
                vg=$(cell noindex add_phone "$n" "$OTHER" 13 | awk -v p="$PHONES" '{print p + $1}')
                ng=$(cell noindex add_phone "$n" nonagentd 13 | awk -v p="$PHONES" '{print p + $1}')
                [ -n "$vg$ng" ] || continue
                echo "phones rows at the end of each add_phone run at $n connections (the fixture's $PHONES and the run's successes; each add_phone reads them all): $OTHER_NAME $(joined <<<"$vg"), nonagentd $(joined <<<"$ng")."
                echo
            done
        fi
    done
    if [ -n "$BIG" ]; then
        b=$(awk -F'\t' -v n="$BIG" 'NR > 1 && $1=="nonagentd" && $3=="add_phone" && $4==n' "$tsv")
        bv=$(awk -F'\t' '{ if ($6 == "") print "did not run"; else if ($10==0 && $11==0 && $12==0 && $14==0) printf "no error and no lost row (%s req/s, p99 %s ms, %s SUCCESS, %s rows added)", $6, $8, $9, $13; else printf "ERRORS: other answers %s, non-2xx %s, socket errors %s, lost rows %s", $10, $11, $12, $14 }' <<<"$b")
        case $bv in "no error"*) m=met;; *) m=MISSED;; esac
        verdict "nonagentd add_phone at $BIG connections (with the index): no error, no lost row" "$m: $bv"
        echo "nonagentd alone, add_phone at $BIG connections, with the index: $bv."
        echo
    fi
    echo "nonagentd's start-up warning about the missing index: in $warned of its $starts starts on the schema without it."
    echo
    if [ -z "$AGAINST" ]; then
        echo "## Targets (issue 15)"
        echo "$verdicts"
        echo
    fi
    anomalies=$(awk -F'\t' 'NR > 1 && ($6 == "" || $10 != 0 || $11 != 0 || $12 != 0 || $14 != 0) {
        printf "- %s, %s, %s, %s connections, round %s: other answers %s, non-2xx %s, socket errors %s, lost rows %s%s\n", $1, $2, $3, $4, $5, $10, $11, $12, $14, ($16 != "" ? "; first other answer: " $16 : "") }' "$tsv")
    echo "Errors, other answers or lost rows in any run (side.tsv): $([ -n "$anomalies" ] && echo "see below" || echo none)."
    [ -z "$anomalies" ] || { echo; echo "$anomalies"; }
} >"$out/side-by-side.md"

cat "$out/side-by-side.md"
cp "/tmp/vicidial-ref-$ref_port/error_log" "$out/apache-error.log" 2>/dev/null || true
say "side-by-side results in $out/ (side-by-side.md, side.tsv, wrk-*.txt, nonagentd.log)"
