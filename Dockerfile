# nonagentd container image.
#
#   docker build -t nonagentd .
#   docker run --rm -p 8080:8080 \
#       -e NONAGENTD_DB_HOST=db.example -e NONAGENTD_DB_USER=cron \
#       -e NONAGENTD_DB_PASS=1234 -e NONAGENTD_DB_NAME=asterisk nonagentd
#
# Configuration: the NONAGENTD_DB_HOST, _PORT, _USER, _PASS, _NAME and _SOCKET
# environment variables; or mount a VICIdial configuration file read-only at
# /etc/astguiclient.conf.  Arguments after the image name are passed to
# nonagentd (e.g. --threads 8, --sql-mode ...).  docker-compose.yml runs it
# with a MariaDB loaded with the schema and demo data.

# ---- build: Debian 12 with the -dev packages ---------------------------------
FROM debian:12 AS build

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential cmake pkg-config libmicrohttpd-dev libmariadb-dev \
        libsystemd-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
# The same build type as the test suite's; no tests (no Check, no database); the
# daemon only (nonagentctl, the provisioning client, is not part of the image).
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNONAGENTD_TESTS=OFF -DNONAGENTD_CTL=OFF \
        -DCMAKE_INSTALL_PREFIX=/usr/local \
 && cmake --build /build -j "$(nproc)" \
 && DESTDIR=/staging cmake --install /build --strip \
 && install -D -m 0755 server/dist/healthcheck.sh \
        /staging/usr/local/bin/nonagentd-healthcheck \
 && /staging/usr/local/sbin/nonagentd --version

# ---- run: slim Debian 12 with the runtime libraries only ---------------------
FROM debian:12-slim

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libmicrohttpd12 libmariadb3 libsystemd0 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 nonagentd \
 && useradd --system --uid 10001 --gid nonagentd --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin nonagentd

COPY --from=build /staging/usr/local/sbin/nonagentd /usr/local/sbin/nonagentd
COPY --from=build /staging/usr/local/bin/nonagentd-healthcheck /usr/local/bin/nonagentd-healthcheck
# The schema, for loading a database from the image:
#   docker run --rm --entrypoint cat nonagentd /usr/local/share/nonagentd/vicidial.sql
COPY --from=build /staging/usr/local/share/nonagentd/ /usr/local/share/nonagentd/

USER 10001:10001
EXPOSE 8080

# /healthz answers 200 only while the database answers.  The check asks
# nonagentd where its command line says it listens (the last --listen), so
# `docker run nonagentd --listen 127.0.0.1:9000` is checked on port 9000.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/nonagentd-healthcheck"]

# nonagentd runs as PID 1 and logs to standard error.  On SIGTERM (docker
# stop) it finishes the requests in flight for up to 8 s (--stop-timeout),
# so that it exits on its own before the engine's SIGKILL, which comes 10 s
# after the SIGTERM by default (docker stop, podman stop, Compose).
ENTRYPOINT ["/usr/local/sbin/nonagentd", "--listen", "0.0.0.0:8080", "--stop-timeout", "8"]
CMD []
