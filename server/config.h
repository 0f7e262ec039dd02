/*
 * config.h - one struct for everything a person configures.
 *
 * Sources, weakest first: built-in defaults (VICIdial's own: localhost:3306,
 * cron/1234, database asterisk), the astguiclient.conf file (--config FILE,
 * else /etc/astguiclient.conf when it exists), NONAGENTD_DB_* environment
 * variables, then command-line flags.
 */
#ifndef NONAGENTD_CONFIG_H
#define NONAGENTD_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "server/proxy.h"

#define CONFIG_DEFAULT_PATH "/etc/astguiclient.conf"

struct config {
    char db_host[256];
    unsigned db_port;
    char db_user[128];
    char db_pass[256];
    char db_name[128];
    char db_socket[512];       /* "" = TCP to db_host:db_port */
    char sql_mode[256];        /* "" = the server's default */
    int sql_mode_set;          /* --sql-mode given (even as "") */

    char listen_addr[128];     /* IPv4 or IPv6 literal, or "localhost" */
    unsigned listen_port;
    unsigned threads;          /* 0 = number of online cores */

    /* Limits (each a flag; see --help) */
    unsigned max_connections;  /* open client connections at once */
    unsigned per_ip_connections; /* per client address, 0 = no limit */
    unsigned connection_timeout; /* seconds a connection may sit idle */
    unsigned request_timeout;  /* seconds to receive a whole request */
    unsigned max_body;         /* bytes of a POST body */
    unsigned max_header;       /* bytes of request line plus headers */
    unsigned lock_wait;        /* seconds to wait for a phone's named lock */
    int redact_url_pass;       /* store pass=XXXX in vicidial_api_urls.url */
    unsigned stop_timeout;     /* seconds SIGTERM waits for requests in flight */
    unsigned db_timeout;       /* seconds for a database connect, read or write */

    char access_log[512];      /* "off", "stderr" or a file path */

    /* TLS: both or neither (PEM files) */
    char tls_cert[512];
    char tls_key[512];
    /* Peers whose X-Forwarded-For names the client (none by default) */
    struct proxy_list trusted_proxies;
    /* CORS, VICIdial's four settings; off while the origin pattern is "" */
    char cors_allowed_origin[1024];  /* ERE, "|"-separated, or "*" */
    char cors_allowed_methods[256];
    char cors_allowed_headers[512];
    int cors_allowed_credentials;

    char config_path[512];     /* the file actually read, "" if none */
    unsigned config_db_keys;   /* VARDB_ lines applied from it (0: a warning) */
    unsigned config_other_lines; /* lines with text that set nothing */
};

enum config_result {
    CONFIG_OK = 0,     /* run the daemon */
    CONFIG_EXIT = 1,   /* --help or --version printed to out; exit 0 */
    CONFIG_ERROR = 2   /* err holds one line naming the key and problem */
};

/* Fill c from all sources.  env is a getenv-like lookup (NULL = getenv) so
 * tests can supply their own environment.  Help/version text goes to out. */
enum config_result config_load(struct config *c, int argc, char **argv,
                               const char *(*env)(const char *name),
                               char *err, size_t errlen, FILE *out);

#endif
