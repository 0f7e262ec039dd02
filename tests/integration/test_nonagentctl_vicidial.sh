#!/usr/bin/env bash
# test_nonagentctl_vicidial.sh - nonagentctl against VICIdial's own
# non_agent_api.php (tests/harness/reference.sh: Apache + mod_php on
# VICIdial's schema, sql_mode '', the demo data): every action, a re-run,
# --strict, the dry run's answers against VICIdial's, seats and their
# passwords, a refused login stopping after one request.  Skipped (exit 77,
# with the reason) where the reference copy is absent or cannot run.
#
#   test_nonagentctl_vicidial.sh SOURCE_DIR BUILD_DIR
set -u
src=$1
build=$2
ctl=${NONAGENTCTL_BIN:-$build/nonagentctl/nonagentctl}
work=$build/ctl-vicidial
failures=0

bash "$src/tests/harness/reference.sh" stop "$work/ref" >/dev/null 2>&1
rm -rf "$work"
mkdir -p "$work"
bash "$src/tests/harness/reference.sh" start "$work/ref"
rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || { echo "FAIL: the VICIdial reference did not start"; exit 1; }
trap 'bash "$src/tests/harness/reference.sh" stop "$work/ref" >/dev/null 2>&1' EXIT
url=$(cat "$work/ref/url")
sock=$(cat "$work/ref/db/socket")
sql() { mariadb --no-defaults -S "$sock" -uroot -N asterisk_ref -e "$1"; }
cd "$work"

ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; failures=$((failures + 1)); }
# expect NAME EXPECTED ACTUAL
expect() {
    if [ "$2" = "$3" ]; then ok "$1"; else
        bad "$1"; printf '  expected: %s\n  actual:   %s\n' "$2" "$3"; fi
}
# run ARGS...: nonagentctl as the demo API user; sets status, out
run() {
    out=$(NONAGENTD_API_USER=6666 NONAGENTD_API_PASS=1234 "$ctl" "$@" 2>err)
    status=$?
}
defaults=(--default server_ip=10.0.9.8 --default protocol=SIP --default local_gmt=-5.00
          --default outbound_cid=7275551212)

cat >team.csv <<'CSV'
action,extension,dialplan_number,voicemail_id,phone_login,phone_pass,registration_password,phone_full_name
add,cc200,200,200,cc200,pw200,reg200,Agent 200
add,cc201,201,201,cc201,pw201,reg201,Agent 201
update,cc200,,,,,,Team lead 200
delete,cc201,,,,,,
CSV

echo "# import: add, update, delete"
run import team.csv --url "$url" --jobs 4 "${defaults[@]}"
expect "exit status" 0 "$status"
expect "results" '"row","action","extension","server_ip","outcome","answer"
"1","add","cc200","10.0.9.8","added","SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|cc200|10.0.9.8|SIP|200"
"2","add","cc201","10.0.9.8","added","SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|cc201|10.0.9.8|SIP|201"
"3","update","cc200","10.0.9.8","updated","SUCCESS: update_phone PHONE HAS BEEN UPDATED - 6666|cc200|10.0.9.8|"
"4","delete","cc201","10.0.9.8","deleted","SUCCESS: update_phone PHONE HAS BEEN DELETED - 6666|cc201|10.0.9.8|"' \
    "$(sort team.csv.results.csv | sort -t, -k1.2n)"
expect "rows left" "cc200|Team lead 200|pw200" "$(sql "SELECT CONCAT_WS('|', extension, fullname, pass) FROM phones")"

echo "# the same file again"
run import team.csv --url "$url" --jobs 1 "${defaults[@]}"
expect "exit status" 0 "$status"
expect "outcomes" "exists added updated deleted" \
    "$(tail -n +2 team.csv.results.csv | cut -d, -f5 | tr -d '"' | tr '\n' ' ' | sed 's/ $//')"
expect "the re-added phone's answer" \
    '"1","add","cc200","10.0.9.8","exists","ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: |6666|10.0.9.8|cc200"' \
    "$(sed -n 2p team.csv.results.csv)"
run delete --url "$url" --extension cc201 --server-ip 10.0.9.8
expect "delete of a deleted phone: exit status" 0 "$status"
expect "delete of a deleted phone: line" \
    "row 1 delete gone: ERROR: update_phone PHONE DOES NOT EXIST ON THIS SERVER: |6666|10.0.9.8|cc201" \
    "$(head -n 1 <<<"$out")"
run import team.csv --url "$url" --strict "${defaults[@]}"
expect "--strict: exit status" 1 "$status"

echo "# the dry run says what VICIdial answers"
cat >bad.csv <<'CSV'
extension,dialplan_number,voicemail_id,phone_login,phone_pass,server_ip,protocol,registration_password,phone_full_name,local_gmt,outbound_cid
cc802,802,802,cc802,pw,10.0.9.8,SIP,sec,Agent,-5.5,727
cc803,3,803,cc803,pw,10.0.9.8,SIP,sec,Agent,-5,727
cc804,804,804,cc804,pw,10.0.9.8,PJSIP,sec,Agent,-5,727
cc805,805,805,cc805,pw,10.0.9.8,Zap,sec,Agent,-5,727
cc806,806,806,cc805,pw,10.0.9.8,SIP,sec,Agent,-5,727
cc807,807,807,c!c807,pw,10.0.9.8,SIP,sec,Agent,+3,727
CSV
run import bad.csv --dry-run --results dry.csv
expect "dry run: exit status" 1 "$status"
run import bad.csv --url "$url" --jobs 1 --results real.csv
expect "real run: exit status" 1 "$status"
# Every row's dry-run answer is VICIdial's answer (invalid rows), or the
# row succeeded (valid rows).
while IFS= read -r line; do
    row=$(cut -d, -f1 <<<"$line" | tr -d '"')
    outcome=$(cut -d, -f5 <<<"$line" | tr -d '"')
    answer=$(cut -d, -f6- <<<"$line")
    real=$(grep "^\"$row\"," real.csv)
    if [ "$outcome" = invalid ]; then
        expect "row $row: VICIdial answers as predicted" "$answer" "$(cut -d, -f6- <<<"$real")"
    else
        expect "row $row: valid offline, added by VICIdial" added "$(cut -d, -f5 <<<"$real" | tr -d '"')"
    fi
done < <(tail -n +2 dry.csv)

echo "# seats"
run seats --from 7001 --count 3 --server-ip 192.168.198.5 --url "$url" --default outbound_cid=727
expect "exit status" 0 "$status"
for seat in 7001 7002 7003; do
    stored=$(sql "SELECT CONCAT(pass, ',', conf_secret) FROM phones WHERE extension='$seat'")
    expect "seat $seat: the results file holds its stored passwords" 1 \
        "$(grep -c "^\"[0-9]*\",\"add\",\"$seat\",\"192.168.198.5\",\"$seat\",\"${stored%,*}\",\"${stored#*,}\",\"added\"" \
           seats-7001-7003.results.csv)"
    grep -q "${stored%,*}" <<<"$out" && bad "seat $seat: its password reached the terminal"
done

echo "# a refused login stops after one request"
# VICIdial answers this wrong password with HTTP 500 and no body (its PHP
# fails after counting the failure); nonagentctl stops on that as well.
before=$(sql "SELECT failed_login_count FROM vicidial_users WHERE user='6666'")
out=$(NONAGENTD_API_USER=6666 NONAGENTD_API_PASS=wrong "$ctl" import bad.csv --url "$url" \
      --jobs 8 --results refused.csv 2>err)
status=$?
expect "exit status" 3 "$status"
expect "stop" "nonagentctl: HTTP 500 from the server: stopped" "$(cat err)"
expect "one request, the rest not sent" "failed not-sent not-sent not-sent not-sent not-sent" \
    "$(tail -n +2 refused.csv | cut -d, -f5 | tr -d '"' | tr '\n' ' ' | sed 's/ $//')"
expect "failed logins counted" $((before + 1)) \
    "$(sql "SELECT failed_login_count FROM vicidial_users WHERE user='6666'")"

echo "$failures failure(s)"
[ $failures -eq 0 ]
