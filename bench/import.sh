#!/usr/bin/env bash
# bench/import.sh - nonagentctl importing 1,000 phones, into nonagentd and
# into VICIdial itself, side by side in one run (not a test: a measurement).
#
#   bash bench/import.sh
#
# Builds nonagentd and nonagentctl in build-bench/ (Release, no tests).  With
# VICIdial's reference copy present (../shared/reference, see
# tests/harness/reference.sh) it starts VICIdial's non_agent_api.php on
# Apache + mod_php and the private MariaDB it runs on (sql_mode '', as
# VICIdial servers run); without it, only a private MariaDB.  On that one
# server, database asterisk gets this project's schema and demo data and
# nonagentd (default settings, a free port) serves it; VICIdial serves
# asterisk_ref, its own schema with the same demo data.
#
# Each round imports the same generated CSV of IMPORT_ROWS phones (all
# columns, one server) with --jobs IMPORT_JOBS into each, checks that every
# row was added and every phone is in its database, then deletes the phones.
# The time is nonagentctl's wall-clock time for the whole file, as its
# summary reports it.  Knobs: IMPORT_ROWS (1000), IMPORT_JOBS (16),
# IMPORT_ROUNDS (3), WORKERS (VICIdial's Apache children, 32).
set -eu
cd "$(dirname "$0")/.."
top=$PWD
rows=${IMPORT_ROWS:-1000}
jobs=${IMPORT_JOBS:-16}
rounds=${IMPORT_ROUNDS:-3}
out=$top/build-bench/import
ref_dir=$out/ref

bash tests/harness/deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DNONAGENTD_TESTS=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" --target nonagentd nonagentctl >/dev/null
ctl=$top/build-bench/nonagentctl/nonagentctl

daemon_pid=""
cleanup() {
    [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    bash tests/harness/reference.sh stop "$ref_dir" >/dev/null 2>&1 || true
    bash tests/harness/mariadb.sh stop "$out/db" >/dev/null 2>&1 || true
}
trap cleanup EXIT
rm -rf "$out"
mkdir -p "$out"

vicidial=""
set +e
WORKERS=${WORKERS:-32} bash tests/harness/reference.sh start "$ref_dir"
rc=$?
set -e
if [ $rc -eq 0 ]; then
    vicidial=$(cat "$ref_dir/url")
    sock=$(cat "$ref_dir/db/socket")
elif [ $rc -eq 77 ]; then
    echo "import.sh: no VICIdial to compare with; nonagentd only" >&2
    bash tests/harness/mariadb.sh start "$out/db" >/dev/null
    sock=$(cat "$out/db/socket")
else
    exit 1
fi
sql() { mariadb --no-defaults -S "$sock" -uroot -N "$@"; }
sql -e "CREATE DATABASE asterisk CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci"
sql asterisk <schema/vicidial.sql
sql asterisk <schema/demo.sql

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
build-bench/nonagentd --listen "127.0.0.1:$port" --db-socket "$sock" --db-user root --db-pass '' \
    --db-name asterisk --access-log off 2>"$out/nonagentd.log" &
daemon_pid=$!
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
nonagentd=http://127.0.0.1:$port/vicidial/non_agent_api.php

python3 - "$rows" >"$out/phones.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("extension,dialplan_number,voicemail_id,phone_login,phone_pass,server_ip,protocol,"
      "registration_password,phone_full_name,local_gmt,outbound_cid")
for i in range(n):
    e = 60000 + i
    print(f"b{e},{e},{e},b{e},pw{e},10.0.9.8,SIP,reg{e},Bench {e},-5.00,7275551212")
PY

# import NAME URL DATABASE: one round; prints the seconds.
import_once() {
    local name=$1 url=$2 db=$3 summary seconds added
    summary=$(NONAGENTD_API_USER=6666 NONAGENTD_API_PASS=1234 "$ctl" import "$out/phones.csv" \
              --url "$url" --jobs "$jobs" --json --results "$out/$name.results.csv" | tail -n 1)
    seconds=$(sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p' <<<"$summary")
    added=$(sed -n 's/.*"added":\([0-9]*\).*/\1/p' <<<"$summary")
    stored=$(sql "$db" -e "SELECT count(*) FROM phones WHERE extension LIKE 'b%'")
    if [ "$added" != "$rows" ] || [ "$stored" != "$rows" ]; then
        echo "import.sh: $name: $added rows added, $stored phones stored, of $rows" >&2
        echo "$summary" >&2
        exit 1
    fi
    sql "$db" -e "DELETE FROM phones WHERE extension LIKE 'b%'"
    echo "$seconds"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "import.sh: $rows phones, --jobs $jobs, $rounds rounds each, alternating; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$out/nonagentd.times"
: >"$out/vicidial.times"
for r in $(seq "$rounds"); do
    t=$(import_once nonagentd "$nonagentd" asterisk)
    echo "$t" >>"$out/nonagentd.times"
    line="round $r: nonagentd $t s"
    if [ -n "$vicidial" ]; then
        t=$(import_once vicidial "$vicidial" asterisk_ref)
        echo "$t" >>"$out/vicidial.times"
        line="$line, VICIdial $t s"
    fi
    echo "$line"
done

n_med=$(median <"$out/nonagentd.times")
echo
echo "| $rows phones, --jobs $jobs | median of $rounds | rounds | phones/s |"
echo "|---|---:|---|---:|"
echo "| nonagentd | $n_med s | $(tr '\n' ' ' <"$out/nonagentd.times")| $(awk -v n="$rows" -v t="$n_med" 'BEGIN { printf "%.0f", n / t }') |"
if [ -n "$vicidial" ]; then
    v_med=$(median <"$out/vicidial.times")
    echo "| VICIdial 2.14 (Apache + mod_php) | $v_med s | $(tr '\n' ' ' <"$out/vicidial.times")| $(awk -v n="$rows" -v t="$v_med" 'BEGIN { printf "%.0f", n / t }') |"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
