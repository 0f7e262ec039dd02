#!/usr/bin/env bash
# tests/harness/deps.sh - install what building and testing nonagentd needs,
# on Debian 12, when it is missing.  Needs root only when something is missing.
#
# The container test's engine (podman, runc, and debootstrap for its base
# image) and a Compose v2 for checking docker-compose.yml are installed too
# when running as root; without root their tests say they are skipped and why.
set -eu
cd "$(dirname "$0")"

# prometheus: its promtool checks /metrics; libcurl and openssl: the TLS
# tests' client and certificate; libsystemd-dev: sd_notify (Type=notify).
packages="build-essential cmake pkg-config libmicrohttpd-dev libmariadb-dev check
          mariadb-server mariadb-client libcrypt-dev clang python3 python3-yaml valgrind
          prometheus libcurl4-gnutls-dev openssl libsystemd-dev libcsv-dev"
container_packages="podman runc debootstrap"

missing_of() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            printf ' %s' "$p"
    done
}
# shellcheck disable=SC2086  # the lists are words
missing=$(missing_of $packages)

if [ "$(id -u)" != 0 ]; then
    if [ -n "$missing" ]; then
        echo "deps.sh: missing packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
        exit 1
    fi
    exit 0
fi
# shellcheck disable=SC2086
missing="$missing$(missing_of $container_packages)"

if [ -n "$missing" ]; then
    echo "deps.sh: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    # Other runs on the same machine may hold apt's lock for a while.
    apt=(-o DPkg::Lock::Timeout=600)
    apt-get "${apt[@]}" update -qq
    # The packaged server must not start as a system service: the tests and
    # the sandbox run their own private servers.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    # shellcheck disable=SC2086
    apt-get "${apt[@]}" install -y -qq --no-install-recommends $missing >/dev/null
fi

# Debian 12 has no Compose v2: compose.sh fetches Debian 13's into a cache.
# Without it the compose check is skipped, so a failed download is no error.
bash compose.sh find >/dev/null 2>&1 || bash compose.sh fetch ||
    echo "deps.sh: no Compose v2: the docker compose config check will be skipped" >&2
