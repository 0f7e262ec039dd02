#!/bin/bash
# healthcheck.sh URL - the container's HEALTHCHECK: exit 0 when an HTTP GET of
# URL (http://HOST:PORT/PATH, default http://127.0.0.1:8080/healthz) answers
# with status 200, 1 otherwise (connection refused, no answer within 5 s,
# any other status).  nonagentd's /healthz answers 200 only while its
# database answers, so "healthy" means the API can serve requests.
#
# Plain bash (its /dev/tcp), so the runtime image needs no curl or wget.
# Installed in the image as /usr/local/bin/nonagentd-healthcheck.
set -u

url=${1:-http://127.0.0.1:8080/healthz}
rest=${url#http://}
if [ "$rest" = "$url" ]; then
    echo "nonagentd-healthcheck: '$url' is not an http:// URL" >&2
    exit 1
fi
hostport=${rest%%/*}
path=/
[ "$hostport" != "$rest" ] && path=/${rest#*/}
host=${hostport%:*}
port=80
[ "$host" != "$hostport" ] && port=${hostport##*:}

if ! { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
    echo "nonagentd-healthcheck: cannot connect to $host:$port" >&2
    exit 1
fi
printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
status=""
if ! IFS= read -r -t 5 status <&3; then
    echo "nonagentd-healthcheck: no answer from $url" >&2
    exit 1
fi
exec 3<&-
status=${status%$'\r'}
case $status in
    "HTTP/1."[01]" 200"|"HTTP/1."[01]" 200 "*) exit 0 ;;
esac
echo "nonagentd-healthcheck: $url: $status" >&2
exit 1
