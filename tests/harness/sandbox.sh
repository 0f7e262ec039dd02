#!/usr/bin/env bash
# tests/harness/sandbox.sh - nonagentd as a test double: build it, start a
# throw-away MariaDB loaded with schema/vicidial.sql and schema/demo.sql, and
# run the daemon on 127.0.0.1:8080 (NONAGENTD_LISTEN to change) in the
# foreground.  Ctrl-C stops the daemon and removes the database.
set -eu
cd "$(dirname "$0")/../.."
top=$PWD
listen=${NONAGENTD_LISTEN:-127.0.0.1:8080}
dir=$top/build/sandbox-db

bash tests/harness/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNONAGENTD_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc)" --target nonagentd

bash tests/harness/mariadb.sh start "$dir"
trap 'bash tests/harness/mariadb.sh stop "$dir" >/dev/null 2>&1 || true' EXIT
socket=$(cat "$dir/socket")
mariadb --no-defaults -S "$socket" -uroot -e \
    "CREATE DATABASE asterisk CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci"
mariadb --no-defaults -S "$socket" -uroot asterisk < schema/vicidial.sql
mariadb --no-defaults -S "$socket" -uroot asterisk < schema/demo.sql

port=${listen##*:}
cat <<MSG

nonagentd sandbox: database 'asterisk' on $socket, API on http://$listen
Try:
  curl 'http://127.0.0.1:$port/vicidial/non_agent_api.php?source=test&function=add_phone&user=6666&pass=1234&extension=55000&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test&server_ip=192.168.198.5&protocol=SIP&registration_password=test&phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212'
  mariadb -S $socket -uroot asterisk -e 'SELECT extension, server_ip, login FROM phones'

MSG
# Not exec: the trap must still remove the database when the daemon stops.
./build/nonagentd --listen "$listen" --db-socket "$socket" --db-user root --db-pass '' \
    --db-name asterisk &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' INT TERM
wait $pid || true
wait $pid 2>/dev/null || true
