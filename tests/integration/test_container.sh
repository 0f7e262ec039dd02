#!/usr/bin/env bash
# tests/integration/test_container.sh SOURCE_DIR BUILD_DIR - the Dockerfile
# built and its image run, with rootful podman and runc:
#
#   base       debian:12 and debian:12-slim from podman's store, else made
#              with debootstrap (tests/harness/debian-base.sh), since
#              no image registry may be reachable
#   build      podman build of the Dockerfile (docker format, so that the
#              HEALTHCHECK is kept; podman's layer cache makes a rebuild of
#              unchanged sources take seconds)
#   run        the image against the harness MariaDB (NONAGENTD_TESTDB_DIR,
#              else a server of its own), loaded with the schema and demo
#              data the image carries, started with `--listen` on a free
#              port: the HEALTHCHECK must follow it, report unhealthy while
#              the database refuses the login and healthy once it accepts;
#              the daemon's uid is not 0; the README's seed request answers
#              the exact SUCCESS line and leaves the phone row; `podman stop`
#              (SIGTERM) ends it with exit status 0 within the stop timeout
#
# The container shares the host's network (--network host), so it reaches
# the harness MariaDB on 127.0.0.1 and needs no bridge or NAT.
#
# Skips (exit 77, with the reason) where no container engine can be had: not
# root, podman or runc not installed, podman not working here.  Set
# NONAGENTD_NO_CONTAINER=1 to skip it on purpose.  Prints "ok - / FAIL - "
# lines and "N passed, N failed"; exits 1 when a check failed.
# bash -c '...' _ ARGS below expands its own arguments:
# shellcheck disable=SC2016
set -u

# shellcheck source=tests/support/checks.sh
. "$(dirname "$0")/../support/checks.sh"
dirs_from_args "$@" || exit 2

skip_all() {
    skip "$*"
    summary
    exit 77
}

[ "${NONAGENTD_NO_CONTAINER:-0}" = 1 ] && skip_all "container test: NONAGENTD_NO_CONTAINER=1"
[ "$(id -u)" = 0 ] ||
    skip_all "container test: needs root (rootful podman; rootless needs subuids and a user session)"
for tool in podman runc; do
    command -v "$tool" >/dev/null 2>&1 ||
        skip_all "container test: $tool is not installed (tests/harness/deps.sh installs podman, runc and debootstrap as root)"
done
if ! info=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1); then
    skip_all "container test: podman does not work here: $(head -n 1 <<<"$info")"
fi

work=$build/container-test
rm -rf -- "$work"
mkdir -p "$work"
# One image per build directory, kept for podman's layer cache, and one
# container name: a container left by a run that was killed goes first.
build_id=$(printf '%s' "$build" | md5sum | cut -c1-12)
tag=localhost/nonagentd-test:$build_id
name=nonagentd-test-$build_id
# runc: crun fails on this cgroup setup.  The ulimits: runc cannot raise the
# container's limits to the engine's defaults (1048576) here.
engine_opts=(--runtime runc)
run_opts=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
db_name=t_container
db_user=t_container
db_pass=t_container_pw

own_db=""
container=""
cleanup() {
    if [ -n "$container" ]; then
        podman "${engine_opts[@]}" rm -f -t 0 "$container" >/dev/null 2>&1
    fi
    if [ -n "${sock:-}" ]; then
        mariadb --no-defaults --socket="$sock" -uroot -e \
            "DROP DATABASE IF EXISTS $db_name; DROP USER IF EXISTS '$db_user'@'%'" 2>/dev/null
    fi
    if [ -n "$own_db" ]; then
        bash "$src/tests/harness/mariadb.sh" stop "$own_db" >/dev/null 2>&1
    fi
}
trap cleanup EXIT

# podman_logs: the container's output so far.
podman_logs() { podman logs "$container" 2>&1; }
podman rm -f -t 0 "$name" >/dev/null 2>&1

# ---------------------------------------------------------------------------
# The base images and the build
# ---------------------------------------------------------------------------
echo "# base images"
t0=$SECONDS
if bash "$src/tests/harness/debian-base.sh" 2>"$work/base.log"; then
    ok "debian:12 and debian:12-slim in podman's store ($((SECONDS - t0)) s)"
    cat "$work/base.log"
else
    cat "$work/base.log"
    bad "debian:12 and debian:12-slim: none in podman's store, and none could be made"
    summary
    exit 1
fi

echo "# podman build"
t0=$SECONDS
old_id=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null)
if podman build "${engine_opts[@]}" --network host --pull=never --format docker \
        --iidfile "$work/iid" -t "$tag" -f "$src/Dockerfile" "$src" >"$work/build.log" 2>&1; then
    image=$(cat "$work/iid")
    ok "the Dockerfile builds ($((SECONDS - t0)) s, $(grep -c 'Using cache' "$work/build.log") steps from the cache)"
    # The image this build directory had before, unless it is the same.
    if [ -n "$old_id" ] && [ "$old_id" != "${image#sha256:}" ]; then
        podman rmi "$old_id" >/dev/null 2>&1
    fi
else
    tail -n 40 "$work/build.log"
    bad "the Dockerfile builds (podman build, see above)"
    summary
    exit 1
fi
check "the image keeps its HEALTHCHECK" \
    test -n "$(podman image inspect --format '{{.Config.Healthcheck}}' "$image" | grep -v '^<nil>$')"

# ---------------------------------------------------------------------------
# A database for the container, loaded from the image's own schema files
# ---------------------------------------------------------------------------
echo "# database"
dbdir=${NONAGENTD_TESTDB_DIR:-}
if [ -z "$dbdir" ] || [ ! -r "$dbdir/socket" ]; then
    dbdir=$build/container-db
    if ! bash "$src/tests/harness/mariadb.sh" start "$dbdir" >"$work/db.log" 2>&1; then
        cat "$work/db.log"
        bad "a MariaDB for the container (tests/harness/mariadb.sh)"
        summary
        exit 1
    fi
    own_db=$dbdir
fi
sock=$(cat "$dbdir/socket")
dbport=$(cat "$dbdir/port")
sql=(mariadb --no-defaults --socket="$sock" -uroot)
# The user comes later: first the health check must see a database that
# refuses the login.
check "database $db_name created" "${sql[@]}" -e "DROP DATABASE IF EXISTS $db_name;
    DROP USER IF EXISTS '$db_user'@'%';
    CREATE DATABASE $db_name CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci"
if podman run "${engine_opts[@]}" "${run_opts[@]}" --rm --network none --entrypoint cat "$image" \
        /usr/local/share/nonagentd/vicidial.sql /usr/local/share/nonagentd/demo.sql \
        2>"$work/schema.err" | "${sql[@]}" "$db_name" 2>>"$work/schema.err"; then
    ok "the image's vicidial.sql and demo.sql load"
else
    bad "the image's vicidial.sql and demo.sql load: $(tail -n 3 "$work/schema.err")"
fi

# ---------------------------------------------------------------------------
# The container
# ---------------------------------------------------------------------------
echo "# podman run"
port=$(free_port)
if container=$(podman run "${engine_opts[@]}" "${run_opts[@]}" -d --name "$name" --network host \
        -e NONAGENTD_DB_HOST=127.0.0.1 -e NONAGENTD_DB_PORT="$dbport" \
        -e NONAGENTD_DB_USER="$db_user" -e NONAGENTD_DB_PASS="$db_pass" \
        -e NONAGENTD_DB_NAME="$db_name" \
        "$image" --listen "127.0.0.1:$port" 2>"$work/run.err"); then
    ok "the container starts (podman run ${image:7:12} --listen 127.0.0.1:$port)"
else
    container=""
    bad "the container starts: $(grep -v 'systemd' "$work/run.err" | tail -n 3)"
    summary
    exit 1
fi
listening=0
for _ in $(seq 1 300); do
    if podman_logs | grep -q "listening on 127.0.0.1:$port"; then
        listening=1
        break
    fi
    [ "$(podman inspect --format '{{.State.Running}}' "$container")" = true ] || break
    sleep 0.1
done
if ! check "nonagentd listens on 127.0.0.1:$port, the last --listen" test $listening -eq 1; then
    podman_logs | tail -n 20
fi

# podman runs the HEALTHCHECK on a systemd timer; without systemd (as here)
# `podman healthcheck run` runs it, and records the result all the same.
health() { podman healthcheck run "$container" >/dev/null 2>&1; }
health_status() { podman inspect --format '{{.State.Health.Status}}' "$container"; }
check_fails "HEALTHCHECK fails while the database refuses the login" health
"${sql[@]}" -e "CREATE USER '$db_user'@'%' IDENTIFIED BY '$db_pass';
                GRANT ALL ON $db_name.* TO '$db_user'@'%'"
healthy=0
for _ in $(seq 1 120); do
    if health; then
        healthy=1
        break
    fi
    sleep 0.5
done
check "HEALTHCHECK passes once the database accepts the login" test $healthy -eq 1
status=$(health_status)
check "podman reports the container healthy (got $status)" test "$status" = healthy

pid=$(podman inspect --format '{{.State.Pid}}' "$container")
uid=$(awk '$1 == "Uid:" {print $2}' "/proc/$pid/status" 2>/dev/null)
comm=$(cat "/proc/$pid/comm" 2>/dev/null)
check "the container's $comm runs as uid ${uid:-?}, not root" \
    bash -c '[ "$1" = nonagentd ] && [ -n "$2" ] && [ "$2" != 0 ]' _ "$comm" "$uid"

seed='/vicidial/non_agent_api.php?source=test&function=add_phone&user=6666&pass=1234&extension=55000&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test&server_ip=192.168.198.5&protocol=SIP&registration_password=test&phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212'
want='SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|192.168.198.5|SIP|55000'
body=$(http_get 127.0.0.1 "$port" "$seed" | sed '1,/^\r*$/d')
check "the seed request answers '$want' (got '$body')" test "$body" = "$want"
rows=$("${sql[@]}" -N "$db_name" -e \
       "SELECT COUNT(*) FROM phones WHERE extension = '55000' AND server_ip = '192.168.198.5'
            AND login = '55000' AND protocol = 'SIP'")
check "the phone row exists ($rows)" test "$rows" = 1

echo "# podman stop"
timeout=$(podman inspect --format '{{.Config.StopTimeout}}' "$container")
t0=$(date +%s.%N)
podman stop "$container" >/dev/null 2>&1
t1=$(date +%s.%N)
code=$(podman inspect --format '{{.State.ExitCode}}' "$container")
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
if ! check "SIGTERM: exit status 0 (got $code, after $took s; stop timeout $timeout s)" \
        test "$code" = 0; then
    podman_logs | tail -n 20
fi
podman_logs | grep -v 'systemd' | tail -n 5 | sed 's/^/# /'

summary
