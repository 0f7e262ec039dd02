/*
 * config.c - builds struct config from defaults, astguiclient.conf, the
 * NONAGENTD_DB_* environment and command-line flags, in that order.
 *
 * Owns the validation of every configured value: anything that does not
 * fit (bad port, unknown flag, a value longer than its field) ends in one
 * error line naming where it came from.  Nothing here exits or prints,
 * except --help and --version, which print to the caller's stream.
 */
#include "server/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef NONAGENTD_VERSION
#define NONAGENTD_VERSION "0.1.0"
#endif

#define API_COMPAT "non_agent_api.php 2.14-202"

/* astguiclient.conf is a few kilobytes; refuse anything absurd. */
#define MAX_FILE_BYTES (1024 * 1024)

#define MAX_THREADS 256

/* The database settings every source can set. */
enum db_field { DB_HOST, DB_PORT, DB_USER, DB_PASS, DB_NAME, DB_SOCKET };

/* One database setting under its three names (file key NULL: not in the
 * file, as VICIdial's file has no socket). */
static const struct db_key {
    enum db_field field;
    const char *file_key;
    const char *env;
    const char *flag;
} DB_KEYS[] = {
    { DB_HOST,   "VARDB_server",   "NONAGENTD_DB_HOST",   "--db-host" },
    { DB_PORT,   "VARDB_port",     "NONAGENTD_DB_PORT",   "--db-port" },
    { DB_USER,   "VARDB_user",     "NONAGENTD_DB_USER",   "--db-user" },
    { DB_PASS,   "VARDB_pass",     "NONAGENTD_DB_PASS",   "--db-pass" },
    { DB_NAME,   "VARDB_database", "NONAGENTD_DB_NAME",   "--db-name" },
    { DB_SOCKET, NULL,             "NONAGENTD_DB_SOCKET", "--db-socket" },
};
#define N_DB_KEYS (sizeof(DB_KEYS) / sizeof(DB_KEYS[0]))

enum flag_id {
    F_CONFIG, F_LISTEN, F_THREADS, F_DB_HOST, F_DB_PORT, F_DB_USER, F_DB_PASS,
    F_DB_NAME, F_DB_SOCKET, F_SQL_MODE, F_MAX_CONNECTIONS, F_PER_IP_CONNECTIONS,
    F_CONNECTION_TIMEOUT, F_MAX_BODY, F_MAX_HEADER, F_LOCK_WAIT, F_REDACT_URL_PASS,
    F_REQUEST_TIMEOUT, F_STOP_TIMEOUT, F_DB_TIMEOUT, F_ACCESS_LOG,
    F_TLS_CERT, F_TLS_KEY, F_TRUSTED_PROXY, F_CORS_ORIGIN, F_CORS_METHODS, F_CORS_HEADERS,
    F_CORS_CREDENTIALS, F_HELP, F_VERSION
};

static const struct flag {
    const char *name;       /* without the leading "--" */
    enum flag_id id;
    int takes_value;
} FLAGS[] = {
    { "config",    F_CONFIG,    1 },
    { "listen",    F_LISTEN,    1 },
    { "threads",   F_THREADS,   1 },
    { "db-host",   F_DB_HOST,   1 },
    { "db-port",   F_DB_PORT,   1 },
    { "db-user",   F_DB_USER,   1 },
    { "db-pass",   F_DB_PASS,   1 },
    { "db-name",   F_DB_NAME,   1 },
    { "db-socket", F_DB_SOCKET, 1 },
    { "sql-mode",  F_SQL_MODE,  1 },
    { "max-connections", F_MAX_CONNECTIONS, 1 },
    { "per-ip-connections", F_PER_IP_CONNECTIONS, 1 },
    { "connection-timeout", F_CONNECTION_TIMEOUT, 1 },
    { "max-body", F_MAX_BODY, 1 },
    { "max-header", F_MAX_HEADER, 1 },
    { "lock-wait", F_LOCK_WAIT, 1 },
    { "redact-url-pass", F_REDACT_URL_PASS, 0 },
    { "request-timeout", F_REQUEST_TIMEOUT, 1 },
    { "stop-timeout", F_STOP_TIMEOUT, 1 },
    { "db-timeout", F_DB_TIMEOUT, 1 },
    { "access-log", F_ACCESS_LOG, 1 },
    { "tls-cert", F_TLS_CERT, 1 },
    { "tls-key", F_TLS_KEY, 1 },
    { "trusted-proxy", F_TRUSTED_PROXY, 1 },
    { "cors-allowed-origin", F_CORS_ORIGIN, 1 },
    { "cors-allowed-methods", F_CORS_METHODS, 1 },
    { "cors-allowed-headers", F_CORS_HEADERS, 1 },
    { "cors-allowed-credentials", F_CORS_CREDENTIALS, 1 },
    { "help",      F_HELP,      0 },
    { "version",   F_VERSION,   0 },
};
#define N_FLAGS (sizeof(FLAGS) / sizeof(FLAGS[0]))

static const char USAGE[] =
    "Usage: nonagentd [OPTION]...\n"
    "Serve VICIdial's Non-Agent API phone functions at\n"
    "/vicidial/non_agent_api.php (" API_COMPAT " compatible).\n"
    "\n"
    "Options (\"--option VALUE\" or \"--option=VALUE\"):\n"
    "  --config FILE       read the database settings from FILE, VICIdial's\n"
    "                      astguiclient.conf format; without --config,\n"
    "                      " CONFIG_DEFAULT_PATH " is read if it exists\n"
    "  --listen ADDR:PORT  where to listen: 1.2.3.4:80, [::1]:8080 or\n"
    "                      localhost:8080 (default 127.0.0.1:8080)\n"
    "  --threads N         threads that run requests, each with one database\n"
    "                      connection, 1-256 (default: 2 per online core)\n"
    "  --db-host HOST      database host (default localhost)\n"
    "  --db-port PORT      database TCP port (default 3306)\n"
    "  --db-user USER      database user (default cron)\n"
    "  --db-pass PASS      database password (default 1234)\n"
    "  --db-name NAME      database name (default asterisk)\n"
    "  --db-socket PATH    connect through this Unix socket instead of TCP\n"
    "  --sql-mode MODE     SET SESSION sql_mode to MODE on every connection\n"
    "                      (may be empty); without it the server's default\n"
    "  --max-connections N open client connections at once, 1-100000\n"
    "                      (default 4000); more wait in the listen queue\n"
    "                      (lowered to what the descriptor limit allows)\n"
    "  --per-ip-connections N  connections from one address, 0-100000\n"
    "                      (default 500; 0: no limit)\n"
    "  --connection-timeout S  close a connection idle for S seconds, 1-3600\n"
    "                      (default 30); bytes trickled in do not extend it\n"
    "  --request-timeout S  close a connection that has not sent a whole\n"
    "                      request S seconds after it began, 1-3600 (default 10)\n"
    "  --max-body BYTES    largest POST body, 1024-67108864 (default 1048576);\n"
    "                      a larger one gets 413\n"
    "  --max-header BYTES  memory for a request line plus headers,\n"
    "                      4096-1048576 (default 20480); more gets 414/431\n"
    "  --lock-wait S       seconds add_phone waits for a contested extension\n"
    "                      or login, 1-300 (default 10)\n"
    "  --redact-url-pass   store pass=XXXX instead of the password in\n"
    "                      vicidial_api_urls.url (VICIdial stores it as sent)\n"
    "  --db-timeout S      seconds to connect to, read from or write to the\n"
    "                      database before answering 503, 1-300 (default 3)\n"
    "  --stop-timeout S    on SIGTERM, seconds to finish requests in flight\n"
    "                      before exiting anyway, 1-3600 (default 10)\n"
    "  --access-log WHERE  one line per request to off, stderr (default) or\n"
    "                      a FILE (appended; reopened on SIGHUP)\n"
    "  --tls-cert FILE     serve HTTPS with this PEM certificate (chain) ...\n"
    "  --tls-key FILE      ... and this PEM private key; both or neither\n"
    "  --trusted-proxy CIDR[,CIDR]  peers (reverse proxies) whose\n"
    "                      X-Forwarded-For names the client: its rightmost\n"
    "                      address that is not a trusted proxy (default: none)\n"
    "  --cors-allowed-origin REGEX  answer browsers from origins matching\n"
    "                      REGEX (extended, whole origin, '|' between\n"
    "                      alternatives, '*' for any) with CORS headers and\n"
    "                      OPTIONS preflights; default: CORS off\n"
    "  --cors-allowed-methods LIST  Access-Control-Allow-Methods\n"
    "                      (default \"GET, POST, OPTIONS\")\n"
    "  --cors-allowed-headers LIST  Access-Control-Allow-Headers (default none)\n"
    "  --cors-allowed-credentials Y|N  Access-Control-Allow-Credentials: true\n"
    "                      when Y (default N)\n"
    "  -h, --help          print this help and exit\n"
    "  -V, --version       print the version and exit\n"
    "\n"
    "Configuration file (\"KEY => value\" lines, '#' and ';' start comments):\n"
    "  VARDB_server, VARDB_port, VARDB_user, VARDB_pass, VARDB_database\n"
    "\n"
    "Environment (overrides the file; flags override both):\n"
    "  NONAGENTD_DB_HOST, NONAGENTD_DB_PORT, NONAGENTD_DB_USER,\n"
    "  NONAGENTD_DB_PASS, NONAGENTD_DB_NAME, NONAGENTD_DB_SOCKET\n";

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* A value shown inside an error line: at most 64 bytes, control bytes as
 * '?', so the message stays one readable line. */
static const char *shown(const char *s, char *buf, size_t size)
{
    size_t o = 0;
    for (; *s && o + 4 < size && o < 64; s++)
        buf[o++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
    if (*s) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

static const char *getenv_const(const char *name)
{
    return getenv(name);
}

static void set_defaults(struct config *c)
{
    memset(c, 0, sizeof(*c));
    strcpy(c->db_host, "localhost");
    c->db_port = 3306;
    strcpy(c->db_user, "cron");
    strcpy(c->db_pass, "1234");
    strcpy(c->db_name, "asterisk");
    strcpy(c->listen_addr, "127.0.0.1");
    c->listen_port = 8080;
    c->max_connections = 4000;
    c->per_ip_connections = 500;
    c->connection_timeout = 30;
    c->request_timeout = 10;
    c->max_body = 1024 * 1024;
    c->max_header = 20 * 1024;   /* libmicrohttpd touches all of it per kept connection */
    c->lock_wait = 10;
    c->redact_url_pass = 0;
    c->stop_timeout = 10;
    c->db_timeout = 3;
    strcpy(c->access_log, "stderr");
    strcpy(c->cors_allowed_methods, "GET, POST, OPTIONS");
}

/* A numeric limit flag: value within [lo, hi]. */
static int set_limit(unsigned *dst, const char *value, unsigned lo, unsigned hi,
                     const char *flag, const char *what, char *err, size_t errlen);

/* Copy value into a fixed field; too long is an error, never a cut. */
static int set_text(char *dst, size_t size, const char *value,
                    const char *what, char *err, size_t errlen)
{
    size_t len = strlen(value);
    if (len >= size) {
        fail(err, errlen, "%s: value too long (%zu bytes, at most %zu)",
             what, len, size - 1);
        return -1;
    }
    memcpy(dst, value, len + 1);
    return 0;
}

/* Decimal digits only, within [lo, hi]; 0 or -1. */
static int parse_number(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    unsigned long v = 0;
    if (*s == '\0')
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > hi)
            return -1;
    }
    if (v < lo)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int set_port(unsigned *dst, const char *value, const char *what,
                    char *err, size_t errlen)
{
    char buf[80];
    if (parse_number(value, 1, 65535, dst) != 0) {
        fail(err, errlen, "%s: '%s' is not a port number (1-65535)", what,
             shown(value, buf, sizeof buf));
        return -1;
    }
    return 0;
}

static int set_db_field(struct config *c, enum db_field f, const char *value,
                        const char *what, char *err, size_t errlen)
{
    switch (f) {
    case DB_HOST:
        return set_text(c->db_host, sizeof c->db_host, value, what, err, errlen);
    case DB_PORT:
        return set_port(&c->db_port, value, what, err, errlen);
    case DB_USER:
        return set_text(c->db_user, sizeof c->db_user, value, what, err, errlen);
    case DB_PASS:
        return set_text(c->db_pass, sizeof c->db_pass, value, what, err, errlen);
    case DB_NAME:
        return set_text(c->db_name, sizeof c->db_name, value, what, err, errlen);
    case DB_SOCKET:
        return set_text(c->db_socket, sizeof c->db_socket, value, what, err,
                        errlen);
    }
    return -1;
}

/* ---- astguiclient.conf ------------------------------------------------ */

/*
 * Read the whole file (bounded).  Returns the malloc'd bytes, or NULL with
 * errno set; a file that is missing is ENOENT.
 */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(MAX_FILE_BYTES + 1);
    if (!buf) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }
    size_t n = fread(buf, 1, MAX_FILE_BYTES + 1, f);
    int read_error = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (read_error) {
        free(buf);
        errno = read_error;
        return NULL;
    }
    if (n > MAX_FILE_BYTES) {
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    *len = n;
    return buf;
}

/* What follows the last '=' (the whole text when there is none), as
 * VICIdial's preg_replace("/.*=/", "") leaves it. */
static const char *last_equals_value(const char *s, size_t len)
{
    for (size_t i = len; i-- > 0;)
        if (s[i] == '=')
            return s + i + 1;
    return s;
}

/*
 * Apply one line the way VICIdial's own readers do (dbconnect_mysqli.php
 * and the Perl scripts), so nonagentd sees the values VICIdial sees from
 * the same file: every space, tab, '>', CR and LF is deleted anywhere in
 * the line, '#' or ';' ends it, a key matches when the line starts with
 * it, and the value is what follows the last '='.  So "VARDB_pass => 1234
 * # old" gives 1234, and an empty value is "".
 */
static int apply_line(struct config *c, const char *line, size_t len,
                      char *clean, const char *path, char *err, size_t errlen)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = line[i];
        if (ch == '#' || ch == ';')
            break;
        if (ch == ' ' || ch == '\t' || ch == '>' || ch == '\r' || ch == '\n')
            continue;
        clean[n++] = ch;
    }
    clean[n] = '\0';

    unsigned keys_before = c->config_db_keys;
    for (size_t k = 0; k < N_DB_KEYS; k++) {
        const struct db_key *key = &DB_KEYS[k];
        if (!key->file_key || strncmp(clean, key->file_key,
                                      strlen(key->file_key)) != 0)
            continue;
        char what[600];
        snprintf(what, sizeof what, "%s in %s", key->file_key, path);
        const char *value = last_equals_value(clean, n);
        if (strlen(value) != (size_t)(clean + n - value)) {
            fail(err, errlen, "%s: value contains a NUL byte", what);
            return -1;
        }
        /* VICIdial hands an empty port to mysqli, which means 3306. */
        if (key->field == DB_PORT && *value == '\0')
            value = "3306";
        if (set_db_field(c, key->field, value, what, err, errlen) != 0)
            return -1;
        c->config_db_keys++;
    }
    if (n > 0 && c->config_db_keys == keys_before)
        c->config_other_lines++;
    return 0;
}

static int apply_file(struct config *c, const char *data, size_t len,
                      const char *path, char *err, size_t errlen)
{
    char *clean = malloc(len + 1);
    if (!clean) {
        fail(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int rc = 0;
    size_t start = 0;
    while (start < len && rc == 0) {
        const char *nl = memchr(data + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - data) : len;
        rc = apply_line(c, data + start, end - start, clean, path, err, errlen);
        start = end + 1;
    }
    free(clean);
    return rc;
}

/* explicit: the path came from --config, so it must be readable. */
static int load_file(struct config *c, const char *path, int explicit,
                     char *err, size_t errlen)
{
    size_t len = 0;
    char *data = read_file(path, &len);
    if (!data) {
        int e = errno;
        if (!explicit && (e == ENOENT || e == ENOTDIR))
            return 0;
        if (e == EFBIG)
            fail(err, errlen, "%s%s: larger than %d bytes",
                 explicit ? "--config " : "", path, MAX_FILE_BYTES);
        else
            fail(err, errlen, "%s%s: %s", explicit ? "--config " : "", path,
                 strerror(e));
        return -1;
    }
    int rc = set_text(c->config_path, sizeof c->config_path, path,
                      "--config", err, errlen);
    if (rc == 0)
        rc = apply_file(c, data, len, path, err, errlen);
    free(data);
    return rc;
}

/* ---- environment ------------------------------------------------------ */

static int load_env(struct config *c, const char *(*env)(const char *),
                    char *err, size_t errlen)
{
    for (size_t k = 0; k < N_DB_KEYS; k++) {
        const char *v = env(DB_KEYS[k].env);
        if (v && set_db_field(c, DB_KEYS[k].field, v, DB_KEYS[k].env, err,
                              errlen) != 0)
            return -1;
    }
    return 0;
}

/* ---- flags ------------------------------------------------------------ */

/*
 * Take the flag at argv[*i] (and its value), advancing *i.  Returns the
 * flag, or NULL after writing the error.  *value is NULL for flags that
 * take none.
 */
static const struct flag *next_flag(int argc, char **argv, int *i,
                                    const char **value, char *err,
                                    size_t errlen)
{
    const char *arg = argv[*i];
    char buf[80];
    *value = NULL;
    /* The two short options every tool has. */
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "-V") == 0) {
        const char *name = arg[1] == 'h' ? "help" : "version";
        for (size_t k = 0; k < N_FLAGS; k++)
            if (strcmp(FLAGS[k].name, name) == 0) {
                (*i)++;
                return &FLAGS[k];
            }
    }
    if (arg[0] == '-' && arg[1] != '-' && arg[1] != '\0') {
        fail(err, errlen, "unknown option %s",
             shown(arg, buf, sizeof buf));
        return NULL;
    }
    if (strncmp(arg, "--", 2) != 0) {
        fail(err, errlen, "unexpected argument '%s'",
             shown(arg, buf, sizeof buf));
        return NULL;
    }
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
    const struct flag *f = NULL;
    for (size_t k = 0; k < N_FLAGS && !f; k++)
        if (strlen(FLAGS[k].name) == name_len &&
            memcmp(FLAGS[k].name, name, name_len) == 0)
            f = &FLAGS[k];
    if (!f) {
        fail(err, errlen, "unknown option --%.*s",
             (int)(name_len > 64 ? 64 : name_len), name);
        return NULL;
    }
    if (!f->takes_value) {
        if (eq) {
            fail(err, errlen, "--%s takes no value", f->name);
            return NULL;
        }
    } else if (eq) {
        *value = eq + 1;
    } else if (*i + 1 < argc) {
        *value = argv[++*i];
    } else {
        fail(err, errlen, "--%s: missing value", f->name);
        return NULL;
    }
    (*i)++;
    return f;
}

/* "1.2.3.4:80", "[::1]:8080" or "localhost:8080"; the address is stored
 * without brackets, as http.c hands it to inet_pton. */
static int set_listen(struct config *c, const char *value, char *err,
                      size_t errlen)
{
    char buf[80], addr[sizeof c->listen_addr];
    const char *start = value, *port;
    size_t alen;
    int v6 = value[0] == '[';
    if (v6) {
        const char *close = strchr(value, ']');
        if (!close) {
            fail(err, errlen, "--listen: missing ']' in '%s'",
                 shown(value, buf, sizeof buf));
            return -1;
        }
        if (close[1] != ':') {
            fail(err, errlen, "--listen: missing port in '%s'",
                 shown(value, buf, sizeof buf));
            return -1;
        }
        start = value + 1;
        alen = (size_t)(close - start);
        port = close + 2;
    } else {
        const char *colon = strrchr(value, ':');
        if (!colon) {
            fail(err, errlen, "--listen: missing port in '%s'",
                 shown(value, buf, sizeof buf));
            return -1;
        }
        alen = (size_t)(colon - value);
        if (memchr(value, ':', alen)) {
            fail(err, errlen, "--listen: put an IPv6 address in brackets, "
                 "as in [::1]:8080, not '%s'", shown(value, buf, sizeof buf));
            return -1;
        }
        port = colon + 1;
    }
    if (alen == 0) {
        fail(err, errlen, "--listen: missing address in '%s'",
             shown(value, buf, sizeof buf));
        return -1;
    }
    if (alen >= sizeof addr) {
        fail(err, errlen, "--listen: address too long (%zu bytes, at most %zu)",
             alen, sizeof addr - 1);
        return -1;
    }
    memcpy(addr, start, alen);
    addr[alen] = '\0';
    unsigned char bin[16];
    int ok = v6 ? inet_pton(AF_INET6, addr, bin) == 1
                : (strcmp(addr, "localhost") == 0 ||
                   inet_pton(AF_INET, addr, bin) == 1);
    if (!ok) {
        fail(err, errlen, "--listen: '%s' is not %s",
             shown(addr, buf, sizeof buf),
             v6 ? "an IPv6 address" : "an IPv4 address or localhost");
        return -1;
    }
    if (parse_number(port, 1, 65535, &c->listen_port) != 0) {
        fail(err, errlen, "--listen: '%s' is not a port number (1-65535)",
             shown(port, buf, sizeof buf));
        return -1;
    }
    memcpy(c->listen_addr, addr, alen + 1);
    return 0;
}

static int apply_flag(struct config *c, const struct flag *f, const char *value,
                      char *err, size_t errlen)
{
    char buf[80];
    switch (f->id) {
    case F_LISTEN:
        return set_listen(c, value, err, errlen);
    case F_THREADS:
        if (parse_number(value, 1, MAX_THREADS, &c->threads) != 0) {
            fail(err, errlen, "--threads: '%s' is not a thread count (1-%d)",
                 shown(value, buf, sizeof buf), MAX_THREADS);
            return -1;
        }
        return 0;
    case F_MAX_CONNECTIONS:
        return set_limit(&c->max_connections, value, 1, 100000, "--max-connections",
                         "a connection count", err, errlen);
    case F_PER_IP_CONNECTIONS:
        return set_limit(&c->per_ip_connections, value, 0, 100000, "--per-ip-connections",
                         "a connection count", err, errlen);
    case F_CONNECTION_TIMEOUT:
        return set_limit(&c->connection_timeout, value, 1, 3600, "--connection-timeout",
                         "a number of seconds", err, errlen);
    case F_MAX_BODY:
        return set_limit(&c->max_body, value, 1024, 64u * 1024 * 1024, "--max-body",
                         "a size in bytes", err, errlen);
    case F_MAX_HEADER:
        return set_limit(&c->max_header, value, 4096, 1024 * 1024, "--max-header",
                         "a size in bytes", err, errlen);
    case F_LOCK_WAIT:
        return set_limit(&c->lock_wait, value, 1, 300, "--lock-wait",
                         "a number of seconds", err, errlen);
    case F_REDACT_URL_PASS:
        c->redact_url_pass = 1;
        return 0;
    case F_REQUEST_TIMEOUT:
        return set_limit(&c->request_timeout, value, 1, 3600, "--request-timeout",
                         "a number of seconds", err, errlen);
    case F_STOP_TIMEOUT:
        return set_limit(&c->stop_timeout, value, 1, 3600, "--stop-timeout",
                         "a number of seconds", err, errlen);
    case F_DB_TIMEOUT:
        return set_limit(&c->db_timeout, value, 1, 300, "--db-timeout",
                         "a number of seconds", err, errlen);
    case F_ACCESS_LOG:
        if (*value == '\0') {
            fail(err, errlen, "--access-log: give off, stderr or a file path");
            return -1;
        }
        return set_text(c->access_log, sizeof c->access_log, value, "--access-log",
                        err, errlen);
    case F_TLS_CERT:
        return set_text(c->tls_cert, sizeof c->tls_cert, value, "--tls-cert", err, errlen);
    case F_TLS_KEY:
        return set_text(c->tls_key, sizeof c->tls_key, value, "--tls-key", err, errlen);
    case F_TRUSTED_PROXY:
        return proxy_parse(value, &c->trusted_proxies, err, errlen);
    case F_CORS_ORIGIN:
        return set_text(c->cors_allowed_origin, sizeof c->cors_allowed_origin, value,
                        "--cors-allowed-origin", err, errlen);
    case F_CORS_METHODS:
        return set_text(c->cors_allowed_methods, sizeof c->cors_allowed_methods, value,
                        "--cors-allowed-methods", err, errlen);
    case F_CORS_HEADERS:
        return set_text(c->cors_allowed_headers, sizeof c->cors_allowed_headers, value,
                        "--cors-allowed-headers", err, errlen);
    case F_CORS_CREDENTIALS:
        if (strcmp(value, "Y") != 0 && strcmp(value, "N") != 0) {
            fail(err, errlen, "--cors-allowed-credentials: '%s' is not Y or N",
                 shown(value, buf, sizeof buf));
            return -1;
        }
        c->cors_allowed_credentials = value[0] == 'Y';
        return 0;
    case F_SQL_MODE:
        c->sql_mode_set = 1;
        return set_text(c->sql_mode, sizeof c->sql_mode, value, "--sql-mode",
                        err, errlen);
    case F_DB_HOST: case F_DB_PORT: case F_DB_USER: case F_DB_PASS:
    case F_DB_NAME: case F_DB_SOCKET:
        for (size_t k = 0; k < N_DB_KEYS; k++)
            if (strcmp(DB_KEYS[k].flag + 2, f->name) == 0)
                return set_db_field(c, DB_KEYS[k].field, value, DB_KEYS[k].flag,
                                    err, errlen);
        return -1;
    case F_CONFIG: case F_HELP: case F_VERSION:
        return 0;               /* handled before the file was read */
    }
    return -1;
}

static int set_limit(unsigned *dst, const char *value, unsigned lo, unsigned hi,
                     const char *flag, const char *what, char *err, size_t errlen)
{
    char buf[80];
    if (parse_number(value, lo, hi, dst) != 0) {
        fail(err, errlen, "%s: '%s' is not %s (%u-%u)", flag,
             shown(value, buf, sizeof buf), what, lo, hi);
        return -1;
    }
    return 0;
}

enum config_result config_load(struct config *c, int argc, char **argv,
                               const char *(*env)(const char *name),
                               char *err, size_t errlen, FILE *out)
{
    const char *config_file = NULL;
    const char *value;
    const struct flag *f;

    if (err && errlen)
        err[0] = '\0';
    set_defaults(c);
    if (!env)
        env = getenv_const;

    /* First pass: syntax, --help/--version, and which file to read, since
     * the file must be read before flags override it. */
    for (int i = 1; i < argc;) {
        if (!(f = next_flag(argc, argv, &i, &value, err, errlen)))
            return CONFIG_ERROR;
        if (f->id == F_HELP || f->id == F_VERSION) {
            if (out) {
                if (f->id == F_HELP)
                    fputs(USAGE, out);
                else
                    fputs("nonagentd " NONAGENTD_VERSION " (" API_COMPAT
                          " compatible)\n", out);
                fflush(out);
            }
            return CONFIG_EXIT;
        }
        if (f->id == F_CONFIG)
            config_file = value;
    }

    if (config_file) {
        if (load_file(c, config_file, 1, err, errlen) != 0)
            return CONFIG_ERROR;
    } else if (load_file(c, CONFIG_DEFAULT_PATH, 0, err, errlen) != 0) {
        return CONFIG_ERROR;
    }
    if (load_env(c, env, err, errlen) != 0)
        return CONFIG_ERROR;

    for (int i = 1; i < argc;) {
        if (!(f = next_flag(argc, argv, &i, &value, err, errlen)) ||
            apply_flag(c, f, value, err, errlen) != 0)
            return CONFIG_ERROR;
    }
    if (!c->tls_cert[0] != !c->tls_key[0]) {
        fail(err, errlen, "%s without %s: HTTPS needs both the certificate and its key",
             c->tls_cert[0] ? "--tls-cert" : "--tls-key",
             c->tls_cert[0] ? "--tls-key" : "--tls-cert");
        return CONFIG_ERROR;
    }
    return CONFIG_OK;
}
