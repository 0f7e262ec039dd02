#!/usr/bin/env bash
# tests/harness/deps.sh - install what building and testing nonagentd needs,
# on Debian 12, when it is missing.  Needs root only when something is missing.
set -eu

packages="build-essential cmake pkg-config libmicrohttpd-dev libmariadb-dev check
          mariadb-server mariadb-client libcrypt-dev clang python3 python3-yaml valgrind"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
    exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The packaged server must not start as a system service: the tests and the
# sandbox run their own private servers.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends $missing >/dev/null
