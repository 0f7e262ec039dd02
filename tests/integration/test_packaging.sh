#!/usr/bin/env bash
# tests/integration/test_packaging.sh SOURCE_DIR BUILD_DIR - the container and
# service packaging, checked without a container engine or a running systemd:
#
#   docker-compose.yml  parsed (python3-yaml, else a line-based check): the
#                       mariadb and nonagentd services, image, init mounts of
#                       files that exist, health check, depends_on, the
#                       NONAGENTD_DB_* variables matching the database, port
#   Dockerfile          two stages (debian:12 -> debian:12-slim), -dev packages
#                       only in the build stage, runtime packages covering the
#                       binary's libraries, non-root USER, EXPOSE 8080,
#                       HEALTHCHECK with no fixed address, ENTRYPOINT --listen
#                       and a --stop-timeout below the engines' 10 s
#   .dockerignore       the image build's cmake run, on a copy of the tree
#                       filtered by it, into BUILD_DIR/pkg-build
#   cmake --install     binary, unit, sample config and schema where expected,
#                       with --prefix and with DESTDIR
#   nonagentd.service   the hardening keys; systemd-analyze verify (and
#                       security --offline) when systemd-analyze exists
#   healthcheck.sh      healthy on 200, unhealthy on 503 and on no listener;
#                       the address from the last --listen of a process
#   compose, emulated   when tests/harness/mariadb.sh can start a MariaDB: the
#                       init files loaded the way the official image loads
#                       them (mariadb client, root, innodb_strict_mode ON),
#                       the installed daemon started with the compose
#                       environment and the Dockerfile's arguments, healthy,
#                       and the README's seed request answers SUCCESS
#
# Prints "ok - ..." / "FAIL - ..." per check and "N passed, N failed" at the
# end; exits 1 when any check failed.
# bash -c '...' _ ARGS below expands its own arguments:
# shellcheck disable=SC2016
set -u

# shellcheck source=tests/support/checks.sh
. "$(dirname "$0")/../support/checks.sh"
dirs_from_args "$@" || exit 2

compose=$src/docker-compose.yml
dockerfile=$src/Dockerfile
unit_src=$src/server/dist/nonagentd.service
sample_src=$src/server/dist/astguiclient.conf.sample
health_src=$src/server/dist/healthcheck.sh

work=$build/pkg-test            # scratch, recreated on every run
ctx=$build/pkg-src              # the docker build context, as filtered
pkgbuild=$build/pkg-build       # cmake build of that context
prefix=$work/prefix
dbdir=$build/pkg-db
rm -rf -- "$work"
mkdir -p "$work"

daemon_pid=""
db_started=0
http_server_pid=""
cleanup() {
    if [ -n "$daemon_pid" ]; then
        kill -TERM "$daemon_pid" 2>/dev/null
        wait "$daemon_pid" 2>/dev/null
    fi
    if [ -n "$http_server_pid" ]; then
        kill -TERM "$http_server_pid" 2>/dev/null
        wait "$http_server_pid" 2>/dev/null
    fi
    if [ $db_started -eq 1 ]; then
        bash "$src/tests/harness/mariadb.sh" stop "$dbdir" >/dev/null 2>&1
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------
# docker-compose.yml
# ---------------------------------------------------------------------------
echo "# docker-compose.yml"
facts=$work/compose.facts      # KEY=VALUE lines for the emulation below
: >"$facts"

if [ ! -f "$compose" ]; then
    bad "docker-compose.yml exists"
elif python3 -c 'import yaml' 2>/dev/null; then
    # The checks print ok/FAIL lines; facts go to $facts.
    out=$(python3 - "$compose" "$facts" <<'PY'
import os, sys, yaml

path, facts_path = sys.argv[1], sys.argv[2]
base = os.path.dirname(path)
results = []
facts = []

def check(ok, what, why=""):
    results.append(("ok - " if ok else "FAIL - ") + what + ("" if ok or not why else ": " + why))

def env_of(svc):
    env = svc.get("environment") or {}
    if isinstance(env, list):
        d = {}
        for item in env:
            k, _, v = str(item).partition("=")
            d[k] = v
        return d
    return {str(k): ("" if v is None else str(v)) for k, v in env.items()}

try:
    with open(path) as f:
        doc = yaml.safe_load(f)
except Exception as e:
    check(False, "docker-compose.yml parses as YAML", str(e).replace("\n", " "))
    print("\n".join(results))
    sys.exit(0)
check(isinstance(doc, dict), "docker-compose.yml parses as YAML")
services = (doc or {}).get("services") or {}
check(isinstance(services, dict) and "mariadb" in services and "nonagentd" in services,
      "services mariadb and nonagentd", "services: %s" % sorted(services))
db = services.get("mariadb") or {}
app = services.get("nonagentd") or {}

# mariadb
check(db.get("image") == "mariadb:10.11", "mariadb image is mariadb:10.11",
      "image: %r" % db.get("image"))
cmd = db.get("command") or []
if isinstance(cmd, str):
    cmd = cmd.split()
for opt in ("--character-set-server=utf8mb3", "--collation-server=utf8mb3_unicode_ci"):
    check(opt in cmd, "mariadb command has " + opt, "command: %r" % cmd)
denv = env_of(db)
check(denv.get("MARIADB_DATABASE") == "asterisk", "MARIADB_DATABASE=asterisk",
      "got %r" % denv.get("MARIADB_DATABASE"))
check(bool(denv.get("MARIADB_USER")) and bool(denv.get("MARIADB_PASSWORD")),
      "MARIADB_USER and MARIADB_PASSWORD set")
check(any(denv.get(k) for k in ("MARIADB_ROOT_PASSWORD", "MARIADB_RANDOM_ROOT_PASSWORD",
                                "MARIADB_ROOT_PASSWORD_HASH", "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD")),
      "a root password option is set (the image refuses to initialise without one)")
facts += ["DB_NAME=" + denv.get("MARIADB_DATABASE", ""),
          "DB_USER=" + denv.get("MARIADB_USER", ""),
          "DB_PASS=" + denv.get("MARIADB_PASSWORD", "")]

mounts = {}
for v in db.get("volumes") or []:
    if isinstance(v, dict):
        s, t, ro = v.get("source", ""), v.get("target", ""), bool(v.get("read_only"))
    else:
        parts = str(v).split(":")
        s, t = parts[0], parts[1] if len(parts) > 1 else ""
        ro = len(parts) > 2 and "ro" in parts[2].split(",")
    mounts[t] = (s, ro)
init = sorted(t for t in mounts if t.startswith("/docker-entrypoint-initdb.d/"))
for target, want in (("/docker-entrypoint-initdb.d/01-vicidial.sql", "schema/vicidial.sql"),
                     ("/docker-entrypoint-initdb.d/02-demo.sql", "schema/demo.sql")):
    s, ro = mounts.get(target, ("", False))
    full = os.path.normpath(os.path.join(base, s)) if s else ""
    check(bool(s) and full == os.path.normpath(os.path.join(base, want)) and os.path.isfile(full),
          "%s mounts %s, which exists" % (target, want), "source: %r" % s)
    check(ro, "%s is mounted read-only" % target)
check(init == ["/docker-entrypoint-initdb.d/01-vicidial.sql",
               "/docker-entrypoint-initdb.d/02-demo.sql"],
      "init folder holds exactly the schema, then the demo data", "got %r" % init)
for t in init:
    s, _ = mounts[t]
    facts.append("INIT=" + os.path.normpath(os.path.join(base, s)))

hc = db.get("healthcheck") or {}
test = hc.get("test") or []
if isinstance(test, str):
    test = test.split()
check("healthcheck.sh" in test and "--connect" in test and "--innodb_initialized" in test,
      "mariadb healthcheck runs healthcheck.sh --connect --innodb_initialized",
      "test: %r" % test)

# nonagentd
b = app.get("build")
ctx = b if isinstance(b, str) else (b or {}).get("context") if isinstance(b, dict) else None
dockerfile = "Dockerfile" if not isinstance(b, dict) else b.get("dockerfile", "Dockerfile")
check(ctx is not None and os.path.isfile(os.path.join(base, ctx, dockerfile)),
      "nonagentd is built from the Dockerfile", "build: %r" % b)
aenv = env_of(app)
check(aenv.get("NONAGENTD_DB_HOST") == "mariadb", "NONAGENTD_DB_HOST=mariadb",
      "got %r" % aenv.get("NONAGENTD_DB_HOST"))
for key, dkey in (("NONAGENTD_DB_USER", "MARIADB_USER"), ("NONAGENTD_DB_PASS", "MARIADB_PASSWORD"),
                  ("NONAGENTD_DB_NAME", "MARIADB_DATABASE")):
    check(key in aenv and aenv[key] == denv.get(dkey), "%s matches the database's %s" % (key, dkey),
          "%r vs %r" % (aenv.get(key), denv.get(dkey)))
check(aenv.get("NONAGENTD_DB_PORT", "3306") == "3306", "NONAGENTD_DB_PORT is 3306 (or unset)")
known = {"NONAGENTD_DB_" + k for k in ("HOST", "PORT", "USER", "PASS", "NAME", "SOCKET")}
unknown = sorted(k for k in aenv if k.startswith("NONAGENTD_") and k not in known)
check(not unknown, "no misspelt NONAGENTD_ variables", "unknown: %r" % unknown)
for k, v in sorted(aenv.items()):
    facts.append("ENV=%s=%s" % (k, v))

dep = app.get("depends_on") or {}
cond = dep.get("mariadb", {}).get("condition") if isinstance(dep, dict) else None
check(cond == "service_healthy", "nonagentd depends_on mariadb with condition service_healthy",
      "depends_on: %r" % dep)

def publishes(p):
    if isinstance(p, dict):
        return str(p.get("target")) == "8080" and str(p.get("published")) == "8080"
    parts = str(p).split("/")[0].split(":")
    return len(parts) >= 2 and parts[-1] == "8080" and parts[-2] == "8080"
ports = app.get("ports") or []
check(any(publishes(p) for p in ports), "nonagentd publishes container port 8080 on 8080",
      "ports: %r" % ports)

print("\n".join(results))
with open(facts_path, "w") as f:
    f.write("\n".join(facts) + "\n")
PY
    )
    echo "$out"
    passed=$((passed + $(grep -c '^ok - ' <<<"$out")))
    failed=$((failed + $(grep -c '^FAIL - ' <<<"$out")))
else
    # No python3-yaml: a line-based look at the same things (the file's own
    # layout: block mappings, two-space indent).
    echo "# (python3-yaml missing: line-based checks only)"
    svc() {  # the lines of service $1
        awk -v s="  $1:" '$0 == s {on = 1; next} on && /^  [^ #]/ {on = 0} on' "$compose"
    }
    check "services mariadb and nonagentd" \
        bash -c 'grep -q "^services:" "$1" && grep -q "^  mariadb:" "$1" && grep -q "^  nonagentd:" "$1"' _ "$compose"
    check "mariadb image is mariadb:10.11" grep -Eq '^ +image: *"?mariadb:10\.11"?$' <(svc mariadb)
    check "mariadb command sets utf8mb3" grep -q -- '--character-set-server=utf8mb3' <(svc mariadb)
    check "MARIADB_DATABASE=asterisk" grep -Eq 'MARIADB_DATABASE: *"?asterisk"?$' <(svc mariadb)
    for pair in "vicidial.sql 01-vicidial.sql" "demo.sql 02-demo.sql"; do
        # shellcheck disable=SC2086
        set -- $pair
        check "init mount of schema/$1 as $2 (read-only), file exists" \
            bash -c 'grep -q -- "- ./schema/$1:/docker-entrypoint-initdb.d/$2:ro" <<<"$3" && [ -f "$4/schema/$1" ]' \
            _ "$1" "$2" "$(svc mariadb)" "$src"
        echo "INIT=$src/schema/$1" >>"$facts"
    done
    check "mariadb healthcheck uses healthcheck.sh --connect --innodb_initialized" \
        grep -Eq 'healthcheck\.sh.*--connect.*--innodb_initialized' <(svc mariadb)
    check "nonagentd built from ." grep -Eq '^    build: *\.$' <(svc nonagentd)
    check "NONAGENTD_DB_HOST=mariadb" grep -Eq 'NONAGENTD_DB_HOST: *"?mariadb"?$' <(svc nonagentd)
    check "depends_on mariadb: service_healthy" grep -q 'condition: service_healthy' <(svc nonagentd)
    check "port 8080 published" grep -Eq '"?([0-9.]+:)?8080:8080"?$' <(svc nonagentd)
    val() { svc "$1" | sed -n "s/^ *$2: *\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" | head -n 1; }
    {
        echo "DB_NAME=$(val mariadb MARIADB_DATABASE)"
        echo "DB_USER=$(val mariadb MARIADB_USER)"
        echo "DB_PASS=$(val mariadb MARIADB_PASSWORD)"
        for k in HOST PORT USER PASS NAME SOCKET; do
            v=$(val nonagentd "NONAGENTD_DB_$k")
            [ -n "$v" ] && echo "ENV=NONAGENTD_DB_$k=$v"
        done
    } >>"$facts"
fi
fact() { sed -n "s/^$1=//p" "$facts" | head -n 1; }

# Compose v2 itself: the file is valid Compose Specification (the top-level
# name: is v2's; Compose v1 rejects it).
echo "# docker compose config (Compose v2)"
if compose_cmd=$(bash "$src/tests/harness/compose.sh" find); then
    # "docker compose" is two words:
    # shellcheck disable=SC2086
    if (cd "$work" && env -u COMPOSE_PROJECT_NAME -u COMPOSE_FILE $compose_cmd -f "$compose" config) \
            >"$work/compose.config" 2>"$work/compose.err"; then
        ok "$compose_cmd config: valid ($($compose_cmd version --short 2>/dev/null))"
        check "compose config: project name nonagentd" grep -qx 'name: nonagentd' "$work/compose.config"
        # shellcheck disable=SC2086
        check "compose config: services mariadb and nonagentd" \
            test "$(cd "$work" && $compose_cmd -f "$compose" config --services 2>/dev/null | sort |
                    tr '\n' ' ')" = "mariadb nonagentd "
    else
        bad "$compose_cmd config: $(tr '\n' ' ' <"$work/compose.err")"
    fi
else
    skip "docker compose config: no Compose v2 here (as root, tests/harness/deps.sh fetches Debian 13's)"
fi

# ---------------------------------------------------------------------------
# Dockerfile
# ---------------------------------------------------------------------------
echo "# Dockerfile"
if [ ! -f "$dockerfile" ]; then
    bad "Dockerfile exists"
    : >"$work/Dockerfile.lines"
else
    # One instruction per line: comments dropped, continuations joined.
    sed -e '/^[[:space:]]*#/d' "$dockerfile" |
        awk '{ if (sub(/\\[[:space:]]*$/, "")) { buf = buf $0 " "; next } print buf $0; buf = "" }' \
        >"$work/Dockerfile.lines"
fi
df=$work/Dockerfile.lines
froms=$(grep -Eic '^[[:space:]]*FROM[[:space:]]' "$df")
check "two stages (FROM twice, found $froms)" test "$froms" -eq 2
check "build stage FROM debian:12 AS <name>" grep -Eiq '^FROM +debian:12 +AS +[a-z0-9_-]+ *$' <(grep -Ei '^FROM' "$df" | head -n 1)
check "run stage FROM debian:12-slim" grep -Eiq '^FROM +debian:12-slim( |$)' <(grep -Ei '^FROM' "$df" | tail -n 1)
stage_name=$(grep -Ei '^FROM' "$df" | head -n 1 | awk '{print $4}')
first=$(awk 'toupper($1) == "FROM" {n++} n == 1' "$df")
final=$(awk 'toupper($1) == "FROM" {n++} n == 2' "$df")
for p in build-essential cmake pkg-config libmicrohttpd-dev libmariadb-dev; do
    check "build stage installs $p" grep -Eq "apt-get install .*(^| )$p( |$)" <<<"$first"
done
check "build stage configures with -DNONAGENTD_TESTS=OFF" grep -q -- '-DNONAGENTD_TESTS=OFF' <<<"$first"
# The package names after "apt-get install", up to the next && or ;.
runtime_pkgs=$(grep -o 'apt-get install[^&;]*' <<<"$final" | tr ' ' '\n' |
               grep -E '^[a-z0-9][a-z0-9.+-]+$' | grep -Ev '^(apt-get|install)$')
for p in libmicrohttpd12 libmariadb3; do
    check "run stage installs $p" grep -qx "$p" <<<"$runtime_pkgs"
done
check "run stage installs no -dev package or compiler" \
    bash -c '! grep -Eq -- "-dev$|^build-essential$|^gcc|^cmake$" <<<"$1"' _ "$runtime_pkgs"
check "run stage copies from the build stage ($stage_name)" \
    grep -Eq "^COPY +--from=$stage_name " <<<"$final"
user=$(grep -Ei '^USER ' <<<"$final" | tail -n 1 | awk '{print $2}')
check "run stage USER is not root (USER $user)" \
    bash -c '[ -n "$1" ] && ! [[ "$1" =~ ^(root|0)(:.*)?$ ]]' _ "$user"
check "EXPOSE 8080" grep -Eq '^EXPOSE +8080(/tcp)?( |$)' <<<"$final"
hc_line=$(grep -Ei '^HEALTHCHECK ' <<<"$final")
hc_tool=$(sed -n 's/.*CMD *\[ *"\([^"]*\)".*/\1/p' <<<"$hc_line")
# A URL in the HEALTHCHECK would pin the port: the check must find it from
# nonagentd's --listen (checked below, and in a container by test_container).
check "HEALTHCHECK runs $hc_tool with no fixed address" \
    grep -Eq "CMD +\[ *\"$hc_tool\" *\]" <<<"$hc_line"
check "HEALTHCHECK's $hc_tool is installed from server/dist/healthcheck.sh" \
    bash -c 'grep -q "server/dist/healthcheck.sh .*$(basename "$1")" <<<"$2" && [ -x "$3" ]' \
    _ "$hc_tool" "$first" "$health_src"
check "run stage has $hc_tool" grep -Eq "^COPY .* $hc_tool\$" <<<"$final"
entry=$(grep -Ei '^ENTRYPOINT ' <<<"$final")
check "ENTRYPOINT runs nonagentd --listen 0.0.0.0:8080 (exec form)" \
    grep -Eq '^ENTRYPOINT +\[ *"[^"]*/nonagentd" *, *"--listen" *, *"0\.0\.0\.0:8080"' <<<"$entry"
# Past its --stop-timeout (default 10 s) nonagentd gives up on requests in
# flight; docker stop, podman stop and Compose send SIGKILL 10 s after
# SIGTERM.  The drain must end first, or a busy container is killed.
stop_timeout=$(sed -n 's/.*"--stop-timeout" *, *"\([0-9]*\)".*/\1/p' <<<"$entry")
check "ENTRYPOINT's --stop-timeout (${stop_timeout:-not set: 10}) is below the engines' 10 s" \
    test "${stop_timeout:-10}" -lt 10

# ---------------------------------------------------------------------------
# The image's build, on the context .dockerignore leaves
# ---------------------------------------------------------------------------
echo "# build from the docker build context"
# Docker matches .dockerignore patterns from the context root, "**/" in any
# folder.  GNU tar does the same with --anchored ./PATTERN and --no-anchored
# PATTERN; it keeps modification times, so the cmake build stays incremental.
tar_excludes=()
if [ -f "$src/.dockerignore" ]; then
    while IFS= read -r pat; do
        pat=${pat%"${pat##*[![:space:]]}"}
        case $pat in
            '' | '#'* | '!'*) ;;               # re-inclusions: none used
            '**/'*) tar_excludes+=(--no-anchored "--exclude=${pat#\*\*/}") ;;
            *) tar_excludes+=(--anchored "--exclude=./${pat#/}") ;;
        esac
    done <"$src/.dockerignore"
fi
case $build/ in   # never copy the build tree into itself
    "$src"/*) tar_excludes+=(--anchored "--exclude=./${build#"$src"/}") ;;
esac
rm -rf -- "$ctx"
mkdir -p "$ctx"
if tar -C "$src" "${tar_excludes[@]}" -cf - . | tar -C "$ctx" -xf -; then
    ok "build context copied ($(find "$ctx" -type f | wc -l) files)"
else
    bad "build context copied"
fi
check "build context has no tests/ or build/ (kept small)" \
    bash -c '[ ! -e "$1/tests" ] && [ ! -e "$1/build" ]' _ "$ctx"
# The -D options of the Dockerfile's cmake configure command.
mapfile -t dflags < <(grep -o -- '-D[A-Za-z_]*=[^ ]*' <<<"$first")
echo "# cmake flags from the Dockerfile: ${dflags[*]}"
if cmake -S "$ctx" -B "$pkgbuild" "${dflags[@]}" >"$work/configure.log" 2>&1 &&
   cmake --build "$pkgbuild" -j "$(nproc 2>/dev/null || echo 2)" >"$work/build.log" 2>&1; then
    ok "the image's build stage compiles from the filtered context"
else
    bad "the image's build stage compiles from the filtered context (see below)"
    tail -n 40 "$work/configure.log" "$work/build.log" 2>/dev/null
fi

# Every library the binary links must come with the run stage's packages
# (or be in debian:12-slim already).
slim_base="libc6 libgcc-s1 libcrypt1 zlib1g libstdc++6"
if [ -x "$pkgbuild/nonagentd" ] && command -v objdump >/dev/null 2>&1 &&
   command -v dpkg >/dev/null 2>&1; then
    for lib in $(objdump -p "$pkgbuild/nonagentd" | awk '$1 == "NEEDED" {print $2}'); do
        pkg=$(dpkg -S "*/$lib" 2>/dev/null | grep -E ": .*/$lib\$" | head -n 1 | sed 's/[:,].*//')
        if [ -z "$pkg" ]; then
            bad "runtime library $lib: no Debian package found"
        elif grep -qx "$pkg" <<<"$runtime_pkgs" || [[ " $slim_base " == *" $pkg "* ]]; then
            ok "runtime library $lib ($pkg) is in the run stage"
        else
            bad "runtime library $lib: add $pkg to the run stage's apt-get install"
        fi
    done
else
    skip "runtime libraries vs. run stage packages (needs the binary, objdump and dpkg)"
fi

# ---------------------------------------------------------------------------
# cmake --install
# ---------------------------------------------------------------------------
echo "# cmake --install"
if cmake --install "$pkgbuild" --prefix "$prefix" --strip >"$work/install.log" 2>&1; then
    ok "cmake --install --prefix succeeds"
else
    bad "cmake --install --prefix succeeds"
    cat "$work/install.log"
fi
bin=$prefix/sbin/nonagentd
unit=$prefix/lib/systemd/system/nonagentd.service
sample=$prefix/share/doc/nonagentd/astguiclient.conf.sample
check "binary at sbin/nonagentd" test -x "$bin"
check "installed binary runs (--version)" bash -c '"$1" --version | grep -q "^nonagentd "' _ "$bin"
check "unit at lib/systemd/system/nonagentd.service" test -f "$unit"
check "unit's ExecStart is the installed binary" grep -q "^ExecStart=$bin " "$unit"
check "sample config at share/doc/nonagentd/astguiclient.conf.sample" cmp -s "$sample" "$sample_src"
for f in vicidial.sql demo.sql; do
    check "schema at share/nonagentd/$f" cmp -s "$prefix/share/nonagentd/$f" "$src/schema/$f"
done
check "nothing installed under etc/" test ! -e "$prefix/etc"
if DESTDIR=$work/destdir cmake --install "$pkgbuild" >"$work/install-destdir.log" 2>&1; then
    ok "cmake --install with DESTDIR succeeds"
else
    bad "cmake --install with DESTDIR succeeds"
    cat "$work/install-destdir.log"
fi
dprefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$pkgbuild/CMakeCache.txt")
check "DESTDIR install: unit under DESTDIR, ExecStart without it" \
    grep -q "^ExecStart=$dprefix/sbin/nonagentd " "$work/destdir$dprefix/lib/systemd/system/nonagentd.service"

# ---------------------------------------------------------------------------
# nonagentd.service
# ---------------------------------------------------------------------------
echo "# nonagentd.service"
# "Section Key=Value" per setting, for the keys below.
settings=$(awk '/^\[/ {sec = $0; next} /^[A-Za-z]/ {print sec " " $0}' "$unit_src")
for kv in "[Unit] Description=" \
          "[Service] Type=notify" "[Service] NotifyAccess=main" "[Service] WatchdogSec=30s" \
          "[Service] ExecReload=/bin/kill -HUP \$MAINPID" "[Service] SetCredential=astguiclient.conf:# /etc/astguiclient.conf does not exist" \
          "[Service] Restart=on-failure" "[Service] DynamicUser=yes" \
          "[Service] NoNewPrivileges=yes" "[Service] ProtectSystem=strict" \
          "[Service] ProtectHome=yes" "[Service] PrivateTmp=yes" "[Service] PrivateDevices=yes" \
          "[Service] RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
          "[Service] CapabilityBoundingSet=" "[Service] SystemCallFilter=@system-service" \
          "[Service] MemoryDenyWriteExecute=yes" "[Service] LockPersonality=yes" \
          "[Service] ProtectKernelTunables=yes" "[Service] ProtectKernelModules=yes" \
          "[Service] ProtectControlGroups=yes" "[Install] WantedBy=multi-user.target"; do
    case $kv in
        *=) check "unit: $kv" grep -q -- "^${kv//[/\\[}" <<<"$settings" ;;
        *) check "unit: $kv" grep -qx -- "${kv//[/\\[}" <<<"$settings" ;;
    esac
done
check "unit: ExecStart=/usr/local/sbin/nonagentd --config ..." \
    grep -Eq '^\[Service\] ExecStart=/usr/local/sbin/nonagentd --config [^ ]+' <<<"$settings"
check "unit: /etc/astguiclient.conf handed over with LoadCredential" \
    grep -q '^\[Service\] LoadCredential=astguiclient.conf:/etc/astguiclient.conf$' <<<"$settings"
if command -v systemd-analyze >/dev/null 2>&1; then
    # verify prints unknown keys and bad values as warnings with status 0:
    # any output at all is a failure.
    vout=$(cd "$(dirname "$unit")" && systemd-analyze verify ./nonagentd.service 2>&1)
    vrc=$?
    if [ $vrc -eq 0 ] && [ -z "$vout" ]; then
        ok "systemd-analyze verify: clean"
    else
        bad "systemd-analyze verify: status $vrc: $vout"
    fi
    if systemd-analyze security --offline=yes --threshold=25 "$unit" >"$work/security.log" 2>&1; then
        ok "systemd-analyze security: $(grep -o 'exposure level.*' "$work/security.log")"
    elif grep -q -e 'unrecognized option' -e 'Unknown option' "$work/security.log"; then
        skip "systemd-analyze security --offline (not supported by this systemd)"
    else
        bad "systemd-analyze security: exposure above 2.5"
        tail -n 30 "$work/security.log"
    fi
else
    skip "systemd-analyze verify (systemd-analyze not installed)"
    check "unit: every line is a comment, a [Section] or Key=Value" \
        bash -c '! grep -Ev "^(#.*|\[(Unit|Service|Install)\]|[A-Za-z]+=.*|)$" "$1"' _ "$unit_src"
fi

# ---------------------------------------------------------------------------
# The sample config and the health check, against the installed daemon
# ---------------------------------------------------------------------------
echo "# sample config and health check"
start_daemon() {  # start_daemon LOG COMMAND...: until it says it listens
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    daemon_pid=$!
    for _ in $(seq 1 50); do
        grep -q 'listening on' "$log" && return 0
        kill -0 "$daemon_pid" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}
stop_daemon() {  # SIGTERM; true when it exits 0
    local rc
    kill -TERM "$daemon_pid" 2>/dev/null
    wait "$daemon_pid"
    rc=$?
    daemon_pid=""
    return $rc
}
nodb_env=(env -u NONAGENTD_DB_HOST -u NONAGENTD_DB_PORT -u NONAGENTD_DB_USER
          -u NONAGENTD_DB_PASS -u NONAGENTD_DB_NAME -u NONAGENTD_DB_SOCKET)
port=$(free_port)
if [ -x "$bin" ] && start_daemon "$work/sample.log" "${nodb_env[@]}" "$bin" --config "$sample" \
        --listen "127.0.0.1:$port"; then
    check "the sample config loads (database cron@localhost/asterisk)" \
        grep -q "database cron@localhost/asterisk, config $sample" "$work/sample.log"
    # Nothing listens on localhost's default socket here (or it refuses
    # cron/1234): /healthz answers 503, which the health check must report.
    out=$(http_get 127.0.0.1 "$port" /healthz | head -n 1 | tr -d '\r')
    if [[ $out == "HTTP/1."?" 503"* ]]; then
        check "healthcheck.sh: unhealthy when /healthz answers 503" \
            bash -c '! "$1" "http://127.0.0.1:$2/healthz" 2>/dev/null' _ "$health_src" "$port"
    else
        skip "healthcheck.sh on 503 (a database answered as cron/1234 on localhost: $out)"
    fi
    check "nonagentd exits 0 on SIGTERM" stop_daemon
else
    bad "nonagentd starts with the sample config"
    cat "$work/sample.log" 2>/dev/null
    daemon_pid=""
fi
check "healthcheck.sh: unhealthy when nothing listens" \
    bash -c '! "$1" "http://127.0.0.1:$2/healthz" 2>/dev/null' _ "$health_src" "$(free_port)"
if command -v python3 >/dev/null 2>&1; then
    mkdir -p "$work/www"
    : >"$work/www/healthz"
    hport=$(free_port)
    # A stand-in with nonagentd's --listen flags on its command line: the
    # last one counts, and 0.0.0.0 is asked on 127.0.0.1.
    (cd "$work/www" && exec python3 -c 'import http.server, sys
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])),
                                http.server.SimpleHTTPRequestHandler).serve_forever()' \
        "$hport" --listen "127.0.0.1:$(free_port)" --listen "0.0.0.0:$hport") >/dev/null 2>&1 &
    http_server_pid=$!
    for _ in $(seq 1 50); do port_in_use "$hport" && break; sleep 0.1; done
    check "healthcheck.sh: healthy when /healthz answers 200" \
        "$health_src" "http://127.0.0.1:$hport/healthz"
    check "healthcheck.sh: unhealthy on 404" \
        bash -c '! "$1" "http://127.0.0.1:$2/nothere" 2>/dev/null' _ "$health_src" "$hport"
    check "healthcheck.sh --pid: asks the last --listen, 0.0.0.0 on 127.0.0.1" \
        "$health_src" --pid "$http_server_pid"
    rm "$work/www/healthz"
    check "healthcheck.sh --pid: unhealthy when /healthz is not there" \
        bash -c '! "$1" --pid "$2" 2>/dev/null' _ "$health_src" "$http_server_pid"
    kill -TERM "$http_server_pid" 2>/dev/null
    wait "$http_server_pid" 2>/dev/null
    http_server_pid=""
else
    skip "healthcheck.sh on 200 (no python3 for a stand-in server)"
fi

# ---------------------------------------------------------------------------
# docker compose up, emulated: the init files through the mariadb client as
# the official image runs them, the daemon as the container runs it.
# ---------------------------------------------------------------------------
echo "# compose, emulated without containers"
if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ] && [ ! -x /usr/sbin/mysqld ]; then
    skip "compose emulation (no mariadbd: install mariadb-server)"
elif [ ! -x "$bin" ]; then
    bad "compose emulation: no installed binary"
elif bash "$src/tests/harness/mariadb.sh" start "$dbdir" >"$work/db.log" 2>&1; then
    db_started=1
    sock=$(cat "$dbdir/socket")
    dbport=$(cat "$dbdir/port")
    db_name=$(fact DB_NAME) db_user=$(fact DB_USER) db_pass=$(fact DB_PASS)
    sqlroot=(mariadb --no-defaults --socket="$sock" -uroot)
    # What the image's entrypoint does before the init folder.  The harness
    # runs with innodb_strict_mode OFF; the image has MariaDB's default, ON.
    if "${sqlroot[@]}" -e "SET GLOBAL innodb_strict_mode = ON;
            CREATE DATABASE IF NOT EXISTS \`$db_name\`;
            CREATE USER '$db_user'@'%' IDENTIFIED BY '$db_pass';
            GRANT ALL ON \`${db_name//_/\\_}\`.* TO '$db_user'@'%';" 2>"$work/sql.err"; then
        ok "database $db_name and user $db_user created as the image does"
    else
        bad "database and user created: $(cat "$work/sql.err")"
    fi
    while IFS= read -r f; do
        if "${sqlroot[@]}" --database="$db_name" <"$f" >"$work/init.log" 2>&1; then
            ok "init file $(basename "$f") loads (mariadb client, root, innodb_strict_mode ON)"
        else
            bad "init file $(basename "$f") loads: $(tail -n 3 "$work/init.log")"
        fi
    done < <(sed -n 's/^INIT=//p' "$facts")
    collation=$("${sqlroot[@]}" -N -e "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA
                                       WHERE SCHEMA_NAME = '$db_name'")
    check "database collation is utf8mb3_unicode_ci (got $collation)" test "$collation" = utf8mb3_unicode_ci

    # The container's environment, with the service name and port replaced
    # by the harness's; the ENTRYPOINT's arguments with --listen moved to a
    # free local port; no /etc/astguiclient.conf, as in the image.
    app_env=()
    while IFS= read -r kv; do
        case $kv in
            NONAGENTD_DB_HOST=*) kv=NONAGENTD_DB_HOST=127.0.0.1 ;;
            NONAGENTD_DB_PORT=*) kv=NONAGENTD_DB_PORT=$dbport ;;
        esac
        app_env+=("$kv")
    done < <(sed -n 's/^ENV=//p' "$facts")
    grep -q '^ENV=NONAGENTD_DB_PORT=' "$facts" || app_env+=("NONAGENTD_DB_PORT=$dbport")
    mapfile -t entry_args < <(sed -n 's/^ENTRYPOINT *\[\(.*\)\].*/\1/p' <<<"$entry" | tr ',' '\n' |
                              sed -e 's/^ *"//' -e 's/" *$//' | tail -n +2)
    aport=$(free_port)
    args=()
    for a in "${entry_args[@]}"; do
        case $a in
            0.0.0.0:8080) args+=("127.0.0.1:$aport") ;;
            *) args+=("$a") ;;
        esac
    done
    echo "# nonagentd ${args[*]} with ${app_env[*]}"
    if start_daemon "$work/compose-daemon.log" "${nodb_env[@]}" "${app_env[@]}" "$bin" \
            --config /dev/null "${args[@]}"; then
        ok "nonagentd starts with the compose environment and the ENTRYPOINT's arguments"
        healthy=0
        for _ in $(seq 1 50); do
            # As the HEALTHCHECK runs it: no URL, the address from --listen.
            if "$health_src" --pid "$daemon_pid" 2>/dev/null; then
                healthy=1
                break
            fi
            sleep 0.2
        done
        check "the container's health check passes" test $healthy -eq 1
        seed='/vicidial/non_agent_api.php?source=test&function=add_phone&user=6666&pass=1234&extension=55000&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test&server_ip=192.168.198.5&protocol=SIP&registration_password=test&phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212'
        body=$(http_get 127.0.0.1 "$aport" "$seed" | sed '1,/^\r*$/d')
        want='SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|192.168.198.5|SIP|55000'
        check "the seed request answers '$want' (got '$body')" test "$body" = "$want"
        rows=$("${sqlroot[@]}" -N "$db_name" -e \
               "SELECT COUNT(*) FROM phones WHERE extension = '55000' AND server_ip = '192.168.198.5'")
        check "the phone row exists" test "$rows" = 1
        check "nonagentd exits 0 on SIGTERM" stop_daemon
    else
        bad "nonagentd starts with the compose environment"
        cat "$work/compose-daemon.log"
        daemon_pid=""
    fi
    bash "$src/tests/harness/mariadb.sh" stop "$dbdir" >/dev/null 2>&1
    db_started=0
else
    bad "compose emulation: the harness MariaDB did not start"
    cat "$work/db.log"
fi

summary
