#!/usr/bin/env bash
# tests/harness/sqlmap.sh - run sqlmap against nonagentd's add_phone and
# report its verdict per parameter (issue 6).  Not part of the test suite:
# it takes minutes.  Only loopback traffic: the daemon listens on 127.0.0.1.
#
#   bash tests/harness/sqlmap.sh [BUILD_DIR]
#
# What it does:
#   1. installs sqlmap (Debian package) when it is missing;
#   2. builds BUILD_DIR/nonagentd (default: build) when it is missing;
#   3. starts a private MariaDB in BUILD_DIR/sqlmap-db (tests/harness/mariadb.sh;
#      removed on exit, also on Ctrl-C), loads schema/vicidial.sql and
#      schema/demo.sql, and adds phone 5501 so that the request below always
#      gets the same answer (PHONE ALREADY EXISTS) after passing the login,
#      the server check, the named locks and the duplicate check: a stable
#      page, reached through most of add_phone's statements;
#   4. starts BUILD_DIR/nonagentd on a free port on 127.0.0.1;
#   5. runs sqlmap once per parameter, in batch mode, against
#        GET /vicidial/non_agent_api.php?source=test&function=add_phone
#            &user=6666&pass=1234&extension=5501&... (every add_phone parameter)
#      with --level 3 --risk 2 --technique=BEUSTQ --dbms=MySQL --time-sec 2
#      --flush-session -p <parameter>; then the headers User-Agent, Referer
#      and Host the same way (-p user-agent, referer, host);
#   6. prints one verdict line per parameter and a summary; the logs stay in
#      BUILD_DIR/sqlmap-out/ (sqlmap's output per parameter, the daemon's log).
#
# Bounds: the whole run stops after SQLMAP_TOTAL_SECONDS (default 600); each
# parameter gets an equal share of what is left (at least 20 s).  Set
# SQLMAP_PARAMS="user pass" to test only some parameters.
#
# Exit status: 0 when sqlmap finished every parameter and found none
# injectable, and the database still has its tables and rows; 1 when sqlmap
# found an injectable parameter or the database was damaged; 2 when the run
# was inconclusive (a parameter not finished in time, sqlmap failed) or
# could not start.
set -u
cd "$(dirname "$0")/../.." || exit 2
top=$PWD
build=${1:-build}
case $build in
    /*) ;;
    *) build=$top/$build ;;
esac
total=${SQLMAP_TOTAL_SECONDS:-600}
dbdir=$build/sqlmap-db
out=$build/sqlmap-out
started=$SECONDS

say() { echo "sqlmap.sh: $*"; }
die() { echo "sqlmap.sh: $*" >&2; exit 2; }

# 1. sqlmap
if ! command -v sqlmap >/dev/null 2>&1; then
    say "installing sqlmap (apt-get install -y sqlmap)"
    if [ "$(id -u)" -ne 0 ]; then
        die "sqlmap is missing and only root can install it: apt-get install sqlmap"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y sqlmap >/dev/null 2>&1 ||
        { apt-get update >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y sqlmap >/dev/null 2>&1; } ||
        die "apt-get install sqlmap failed"
fi
command -v curl >/dev/null 2>&1 || die "curl is needed (apt-get install curl)"

# 2. the daemon
if [ ! -x "$build/nonagentd" ]; then
    say "building $build/nonagentd"
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || die "cmake failed"
    cmake --build "$build" -j "$(nproc)" --target nonagentd >/dev/null || die "build failed"
fi

# 3. the database
daemon_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
        kill -TERM "$daemon_pid" 2>/dev/null
        for _ in $(seq 1 100); do
            kill -0 "$daemon_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$daemon_pid" 2>/dev/null
    fi
    bash "$top/tests/harness/mariadb.sh" stop "$dbdir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 2' INT TERM

bash tests/harness/mariadb.sh start "$dbdir" >/dev/null || die "the private MariaDB did not start"
socket=$(cat "$dbdir/socket")
sql() { mariadb --no-defaults -S "$socket" -uroot -N -B "$@"; }
sql -e "CREATE DATABASE asterisk CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci" ||
    die "CREATE DATABASE failed"
sql asterisk <schema/vicidial.sql || die "loading schema/vicidial.sql failed"
sql asterisk <schema/demo.sql || die "loading schema/demo.sql failed"

# 4. the daemon on a free port
port=""
for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 12000))   # below the ephemeral range (32768+)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        port=$p
        break
    fi
done
[ -n "$port" ] || die "no free port"
rm -rf "$out"
mkdir -p "$out"
"$build/nonagentd" --listen "127.0.0.1:$port" --db-socket "$socket" --db-user root \
    --db-pass '' --db-name asterisk --threads 2 >"$out/nonagentd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$daemon_pid" 2>/dev/null || die "nonagentd exited: $(cat "$out/nonagentd.log")"
    sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 || die "nonagentd did not become healthy"

api="http://127.0.0.1:$port/vicidial/non_agent_api.php"
query="source=test&function=add_phone&user=6666&pass=1234&extension=5501&dialplan_number=5501"
query+="&voicemail_id=5501&phone_login=5501&phone_pass=test&server_ip=10.0.9.8&protocol=SIP"
query+="&registration_password=test&phone_full_name=Sqlmap+Test&local_gmt=-5.00"
query+="&outbound_cid=7275551212&phone_context=default&email=sqlmap%40example.com"
query+="&admin_user_group=---ALL---&is_webphone=N&webphone_auto_answer=Y"
query+="&use_external_server_ip=N&template_id=SIPdefault&on_hook_agent=N"
first=$(curl -sS "$api?$query")
case $first in
    "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|5501|"*) ;;
    *) die "the seed request did not add phone 5501: $first" ;;
esac
again=$(curl -sS "$api?$query")
say "target: $api?$query"
say "its answer (stable): $again"

tables_before=$(sql asterisk -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='asterisk'")
users_before=$(sql asterisk -e "SELECT COUNT(*) FROM vicidial_users")
servers_before=$(sql asterisk -e "SELECT COUNT(*) FROM servers")

# 5. sqlmap, one parameter at a time
params=${SQLMAP_PARAMS:-"user pass source function extension dialplan_number voicemail_id
    phone_login phone_pass server_ip protocol registration_password phone_full_name local_gmt
    outbound_cid phone_context email admin_user_group is_webphone webphone_auto_answer
    use_external_server_ip template_id on_hook_agent user-agent referer host"}
read -r -d '' -a plist <<<"$params"
injectable=0
inconclusive=0
added=0
verdicts=()
for i in "${!plist[@]}"; do
    param=${plist[$i]}
    left=$((total - (SECONDS - started)))
    remaining=$((${#plist[@]} - i))
    share=$((left / remaining))
    if [ "$share" -lt 20 ]; then
        verdicts+=("$param: NOT RUN (the ${total} s budget is spent)")
        inconclusive=1
        continue
    fi
    log=$out/sqlmap-$param.log
    # Each parameter starts from the same state: no login failures counted
    # (the pass tests lock user 6666 for 15 minutes after 10 of them), and
    # only the seed phone (payloads in extension add phones).
    added=$((added + $(sql asterisk -e "SELECT COUNT(*) FROM phones") - 1))
    sql asterisk -e "UPDATE vicidial_users SET failed_login_count=0 WHERE user='6666';
                     DELETE FROM phones WHERE extension <> '5501'"
    timeout --kill-after=10 "$share" sqlmap -u "$api?$query" -p "$param" \
        --batch --flush-session --level 3 --risk 2 --technique=BEUSTQ --dbms=MySQL \
        --time-sec 2 --timeout 10 --retries 1 --threads 1 --disable-coloring \
        --output-dir "$out/session" >"$log" 2>&1 </dev/null
    rc=$?
    # sqlmap's final word: "identified the following injection point(s)"
    # (its earlier "appears to be ... injectable" may still turn out to be
    # a false positive, which sqlmap then says).
    if grep -qE "identified the following injection point|parameter '$param' is vulnerable" "$log"; then
        verdicts+=("$param: INJECTABLE (see $log)")
        injectable=1
    elif grep -qE "parameter '$param' does not seem to be injectable|all tested parameters do not appear to be injectable" "$log"; then
        verdicts+=("$param: not injectable ($(grep -c "" "$log") log lines)")
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        verdicts+=("$param: INCONCLUSIVE (not finished in ${share} s; see $log)")
        inconclusive=1
    else
        verdicts+=("$param: INCONCLUSIVE (sqlmap exit $rc: $(grep -E "CRITICAL|ERROR" "$log" | tail -1))")
        inconclusive=1
    fi
    say "${verdicts[-1]}  [$((SECONDS - started)) s]"
done

# 6. the verdict, and the database after it all
kill -0 "$daemon_pid" 2>/dev/null || { say "nonagentd is no longer running"; inconclusive=1; }
tables_after=$(sql asterisk -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='asterisk'")
users_after=$(sql asterisk -e "SELECT COUNT(*) FROM vicidial_users")
servers_after=$(sql asterisk -e "SELECT COUNT(*) FROM servers")
added=$((added + $(sql asterisk -e "SELECT COUNT(*) FROM phones") - 1))
requests=$(grep -c " /vicidial/non_agent_api.php " "$out/nonagentd.log")
server_errors=$(grep -cE " (500|502|503) [0-9]+us$" "$out/nonagentd.log")

echo
echo "==== sqlmap verdict per parameter ===="
printf '  %s\n' "${verdicts[@]}"
echo "==== the target after the run ===="
echo "  requests served: $requests (HTTP 5xx: $server_errors); phones that sqlmap's payloads"
echo "  added (filtered into valid new extensions, stored as data): $added"
echo "  tables $tables_before -> $tables_after, vicidial_users $users_before -> $users_after," \
     "servers $servers_before -> $servers_after"
damaged=0
if [ "$tables_after" != "$tables_before" ] || [ "$users_after" != "$users_before" ] ||
   [ "$servers_after" != "$servers_before" ]; then
    damaged=1
    echo "  THE DATABASE WAS CHANGED"
fi
echo "  elapsed: $((SECONDS - started)) s; logs in $out"
if [ $injectable -eq 1 ] || [ $damaged -eq 1 ]; then
    echo "VERDICT: INJECTABLE"
    exit 1
fi
if [ $inconclusive -eq 1 ]; then
    echo "VERDICT: INCONCLUSIVE (no injection found, but not every parameter was finished)"
    exit 2
fi
echo "VERDICT: no injectable parameter found"
exit 0
