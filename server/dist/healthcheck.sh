#!/bin/bash
# healthcheck.sh [URL | --pid PID] - the container's HEALTHCHECK: exit 0 when
# an HTTP GET of nonagentd's /healthz answers with status 200, 1 otherwise
# (connection refused, no answer within 5 s, any other status).  nonagentd's
# /healthz answers 200 only while its database answers, so "healthy" means
# the API can serve requests.
#
#   healthcheck.sh              ask the nonagentd of this container, where it
#                               listens: the last --listen on its command
#                               line (the image's ENTRYPOINT gives one, and
#                               `docker run IMAGE --listen ...` adds another),
#                               else nonagentd's default, 127.0.0.1:8080
#   healthcheck.sh --pid PID    the same, for the nonagentd with that PID
#   healthcheck.sh URL          GET URL (http://HOST:PORT/PATH)
#
# A wildcard address (0.0.0.0, [::]) is asked on loopback.  The command line
# is read from /proc because the HEALTHCHECK runs in the container's PID
# namespace, where the daemon is PID 1 (or the child of an --init), and
# because a fixed URL in the Dockerfile breaks as soon as --listen changes.
#
# Plain bash (its /dev/tcp), so the runtime image needs no curl or wget.
# Installed in the image as /usr/local/bin/nonagentd-healthcheck.
set -u

me=nonagentd-healthcheck

# listen_of PID: the address nonagentd PID listens on, as HOST:PORT (an IPv6
# address in brackets).
listen_of() {
    local args=() a listen=127.0.0.1:8080 i
    mapfile -d '' -t args <"/proc/$1/cmdline" || return 1
    for ((i = 1; i < ${#args[@]}; i++)); do
        a=${args[i]}
        case $a in
            --listen=*) listen=${a#--listen=} ;;
            --listen) [ $((i + 1)) -lt ${#args[@]} ] && listen=${args[i + 1]} && i=$((i + 1)) ;;
        esac
    done
    echo "$listen"
}

# daemon_pid: the lowest PID whose program is nonagentd, in this PID namespace.
daemon_pid() {
    local d argv0
    for d in /proc/[0-9]*; do
        IFS= read -r -d '' argv0 <"$d/cmdline" 2>/dev/null || continue
        if [ "${argv0##*/}" = nonagentd ]; then
            echo "${d#/proc/}"
            return 0
        fi
    done
    return 1
}

case ${1:-} in
    http://*)
        url=$1
        ;;
    "" | --pid)
        if [ "${1:-}" = --pid ]; then
            pid=${2:-}
        elif ! pid=$(daemon_pid); then
            echo "$me: no nonagentd process found" >&2
            exit 1
        fi
        if ! listen=$(listen_of "$pid" 2>/dev/null); then
            echo "$me: cannot read the command line of process '$pid'" >&2
            exit 1
        fi
        host=${listen%:*}
        case $host in
            0.0.0.0) host=127.0.0.1 ;;
            "[::]") host="[::1]" ;;
        esac
        url=http://$host:${listen##*:}/healthz
        ;;
    *)
        echo "$me: '$1' is not an http:// URL" >&2
        exit 1
        ;;
esac

rest=${url#http://}
hostport=${rest%%/*}
path=/
[ "$hostport" != "$rest" ] && path=/${rest#*/}
port=80
case $hostport in
    "["*) host=${hostport%%]*}; host=${host#[}         # [IPv6]:PORT
          after=${hostport#*]}; [ -n "$after" ] && port=${after#:} ;;
    *:*) host=${hostport%:*}; port=${hostport##*:} ;;
    *) host=$hostport ;;
esac

if ! { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
    echo "$me: cannot connect to $hostport" >&2
    exit 1
fi
printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
status=""
if ! IFS= read -r -t 5 status <&3; then
    echo "$me: no answer from $url" >&2
    exit 1
fi
exec 3<&-
status=${status%$'\r'}
case $status in
    "HTTP/1."[01]" 200"|"HTTP/1."[01]" 200 "*) exit 0 ;;
esac
echo "$me: $url: $status" >&2
exit 1
