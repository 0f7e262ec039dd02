/*
 * test_config.c - unit tests for configuration loading (server/config.c;
 * README, "Configuration").
 *
 * Every test passes its own environment (a small table behind a getenv-like
 * function) and writes its own astguiclient.conf under /tmp, so nothing on
 * the machine leaks in; only the "default path absent" test looks at
 * CONFIG_DEFAULT_PATH, and it skips itself when that file exists.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/config.h"
#include "tests/support/suite.h"

/* The build passes the project version; config.c falls back to this. */
#ifndef NONAGENTD_VERSION
#define NONAGENTD_VERSION "0.1.0"
#endif

/* ---- helpers ----------------------------------------------------------- */

/* The environment a test sets: NULL-terminated name/value pairs. */
static const char *const *test_env;

static const char *lookup_env(const char *name)
{
    for (const char *const *e = test_env; e && e[0]; e += 2)
        if (strcmp(e[0], name) == 0)
            return e[1];
    return NULL;
}

static char conf_path[64];

/* Write a config file with exactly these bytes; its path is conf_path. */
static const char *write_conf(const char *text, size_t len)
{
    strcpy(conf_path, "/tmp/test_config_XXXXXX");
    int fd = mkstemp(conf_path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    return conf_path;
}
#define WRITE_CONF(lit) write_conf(lit, sizeof(lit) - 1)

static struct config cfg;
static char err[512];
static char out_text[8192];

/* Run config_load on a NULL-terminated argument list ("nonagentd" is
 * prepended); help/version text lands in out_text. */
static enum config_result load_v(const char *const *env, va_list ap)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "nonagentd";
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
        ck_assert_int_lt(argc, 31);
        argv[argc++] = (char *)a;
    }
    argv[argc] = NULL;
    test_env = env;
    memset(out_text, 0, sizeof out_text);
    FILE *out = fmemopen(out_text, sizeof out_text - 1, "w");
    ck_assert_ptr_nonnull(out);
    err[0] = 'X';
    err[1] = '\0';
    enum config_result r = config_load(&cfg, argc, argv, lookup_env, err,
                                       sizeof err, out);
    fclose(out);
    return r;
}

static enum config_result load_env(const char *const *env, ...)
{
    va_list ap;
    va_start(ap, env);
    enum config_result r = load_v(env, ap);
    va_end(ap);
    return r;
}

static const char *const NO_ENV[] = { NULL };
#define LOAD(...) load_env(NO_ENV, __VA_ARGS__, (const char *)NULL)
#define LOAD_ENV(env, ...) load_env(env, __VA_ARGS__, (const char *)NULL)

/* A config_load that must fail with exactly this error line. */
#define EXPECT_ERROR(want, call)                                          \
    do {                                                                  \
        ck_assert_int_eq((call), CONFIG_ERROR);                           \
        ck_assert_str_eq(err, want);                                      \
    } while (0)

static const char VICIDIAL_CONF[] =
    "# astguiclient.conf - configuration elements for the astguiclient package\n"
    "# this is the astguiclient configuration file\n"
    "\n"
    "# Paths used by astGUIclient\n"
    "PATHhome => /usr/share/astguiclient\n"
    "PATHlogs => /var/log/astguiclient\n"
    "\n"
    "# The IP address of this machine\n"
    "VARserver_ip => 10.10.10.15\n"
    "\n"
    "# Database connection information\n"
    "VARDB_server => db.example.com\n"
    "VARDB_database => vicidial\n"
    "VARDB_user => vcron\n"
    "VARDB_pass => s3cret\n"
    "VARDB_custom_user => custom\n"
    "VARDB_custom_pass => custom1234\n"
    "VARDB_port => 3307\n";

static void remove_conf(void)
{
    if (conf_path[0])
        unlink(conf_path);
    conf_path[0] = '\0';
}

/* ---- defaults and sources ---------------------------------------------- */

START_TEST(defaults_without_any_source)
{
    const char *path = WRITE_CONF("");
    ck_assert_int_eq(LOAD("--config", path), CONFIG_OK);
    ck_assert_str_eq(cfg.db_host, "localhost");
    ck_assert_uint_eq(cfg.db_port, 3306);
    ck_assert_str_eq(cfg.db_user, "cron");
    ck_assert_str_eq(cfg.db_pass, "1234");
    ck_assert_str_eq(cfg.db_name, "asterisk");
    ck_assert_str_eq(cfg.db_socket, "");
    ck_assert_str_eq(cfg.sql_mode, "");
    ck_assert_int_eq(cfg.sql_mode_set, 0);
    ck_assert_str_eq(cfg.listen_addr, "127.0.0.1");
    ck_assert_uint_eq(cfg.listen_port, 8080);
    ck_assert_uint_eq(cfg.threads, 0);
    ck_assert_str_eq(cfg.config_path, path);
    remove_conf();
}
END_TEST

START_TEST(default_path_absent_is_fine)
{
    if (access(CONFIG_DEFAULT_PATH, F_OK) == 0)
        return; /* this machine has one; nothing to prove here */
    ck_assert_int_eq(LOAD("--threads", "2"), CONFIG_OK);
    ck_assert_str_eq(cfg.config_path, "");
    ck_assert_str_eq(cfg.db_host, "localhost");
    ck_assert_uint_eq(cfg.threads, 2);
}
END_TEST

START_TEST(file_values_are_read)
{
    const char *path = write_conf(VICIDIAL_CONF, sizeof VICIDIAL_CONF - 1);
    ck_assert_int_eq(LOAD("--config", path), CONFIG_OK);
    ck_assert_str_eq(cfg.db_host, "db.example.com");
    ck_assert_uint_eq(cfg.db_port, 3307);
    ck_assert_str_eq(cfg.db_user, "vcron");   /* not VARDB_custom_user */
    ck_assert_str_eq(cfg.db_pass, "s3cret");
    ck_assert_str_eq(cfg.db_name, "vicidial");
    ck_assert_str_eq(cfg.config_path, path);
    remove_conf();
}
END_TEST

START_TEST(file_comments_blank_lines_and_spacing)
{
    const char *path = WRITE_CONF(
        "# VARDB_user => commented_out\n"
        "\n"
        "   \n"
        "\t# indented comment\n"
        "VARDB_user=>nospace\n"
        "  VARDB_server   =>   \t host1  \n"
        "VARDB_pass => pw # trailing comment\n"
        "VARDB_database => db1 ; also a comment\n"
        "UNKNOWN_key => whatever\n"
        "VARDB_port => 3310");                   /* no final newline */
    ck_assert_int_eq(LOAD("--config", path), CONFIG_OK);
    ck_assert_str_eq(cfg.db_user, "nospace");
    ck_assert_str_eq(cfg.db_host, "host1");
    ck_assert_str_eq(cfg.db_pass, "pw");
    ck_assert_str_eq(cfg.db_name, "db1");
    ck_assert_uint_eq(cfg.db_port, 3310);
    remove_conf();
}
END_TEST

START_TEST(file_with_crlf_line_ends)
{
    const char *path = WRITE_CONF("VARDB_server => h2\r\nVARDB_port => 3311\r\n"
                                  "VARDB_pass => p2\r\n");
    ck_assert_int_eq(LOAD("--config", path), CONFIG_OK);
    ck_assert_str_eq(cfg.db_host, "h2");
    ck_assert_uint_eq(cfg.db_port, 3311);
    ck_assert_str_eq(cfg.db_pass, "p2");
    remove_conf();
}
END_TEST

START_TEST(file_empty_pass_allowed)
{
    const char *path = WRITE_CONF("VARDB_pass =>\nVARDB_user => \n");
    ck_assert_int_eq(LOAD("--config", path), CONFIG_OK);
    ck_assert_str_eq(cfg.db_pass, "");
    ck_assert_str_eq(cfg.db_user, "");
    remove_conf();
}
END_TEST

START_TEST(file_follows_vicidial_quirks)
{
    /* As dbconnect_mysqli.php: inner spaces vanish, the value is what
     * follows the last '=', a later line wins, an empty port is mysqli's
     * default. */
    const char *path = WRITE_CONF("VARDB_pass => my pass\n"
                                  "VARDB_user => a=b\n"
                                  "VARDB_server => first\n"
                                  "VARDB_server => second\n"
                                  "VARDB_port => 3399\n"
                                  "VARDB_port =>\n");
    ck_assert_int_eq(LOAD("--config", path), CONFIG_OK);
    ck_assert_str_eq(cfg.db_pass, "mypass");
    ck_assert_str_eq(cfg.db_user, "b");
    ck_assert_str_eq(cfg.db_host, "second");
    ck_assert_uint_eq(cfg.db_port, 3306);
    remove_conf();
}
END_TEST

START_TEST(env_overrides_file)
{
    const char *path = write_conf(VICIDIAL_CONF, sizeof VICIDIAL_CONF - 1);
    static const char *const env[] = {
        "NONAGENTD_DB_HOST", "envhost", "NONAGENTD_DB_PORT", "4406",
        "NONAGENTD_DB_USER", "envuser", "NONAGENTD_DB_PASS", "",
        "NONAGENTD_DB_NAME", "envdb", "NONAGENTD_DB_SOCKET", "/run/my.sock",
        NULL,
    };
    ck_assert_int_eq(LOAD_ENV(env, "--config", path), CONFIG_OK);
    ck_assert_str_eq(cfg.db_host, "envhost");
    ck_assert_uint_eq(cfg.db_port, 4406);
    ck_assert_str_eq(cfg.db_user, "envuser");
    ck_assert_str_eq(cfg.db_pass, "");
    ck_assert_str_eq(cfg.db_name, "envdb");
    ck_assert_str_eq(cfg.db_socket, "/run/my.sock");
    remove_conf();
}
END_TEST

START_TEST(flags_override_env)
{
    const char *path = write_conf(VICIDIAL_CONF, sizeof VICIDIAL_CONF - 1);
    static const char *const env[] = {
        "NONAGENTD_DB_HOST", "envhost", "NONAGENTD_DB_PORT", "4406",
        "NONAGENTD_DB_USER", "envuser", "NONAGENTD_DB_PASS", "envpass",
        "NONAGENTD_DB_NAME", "envdb", "NONAGENTD_DB_SOCKET", "/run/env.sock",
        NULL,
    };
    ck_assert_int_eq(LOAD_ENV(env, "--config", path, "--db-host", "flaghost",
                              "--db-port", "5506", "--db-user", "flaguser",
                              "--db-pass", "flagpass", "--db-name", "flagdb",
                              "--db-socket", "", "--listen", "0.0.0.0:9090",
                              "--threads", "8", "--sql-mode",
                              "STRICT_ALL_TABLES"),
                     CONFIG_OK);
    ck_assert_str_eq(cfg.db_host, "flaghost");
    ck_assert_uint_eq(cfg.db_port, 5506);
    ck_assert_str_eq(cfg.db_user, "flaguser");
    ck_assert_str_eq(cfg.db_pass, "flagpass");
    ck_assert_str_eq(cfg.db_name, "flagdb");
    ck_assert_str_eq(cfg.db_socket, "");
    ck_assert_str_eq(cfg.listen_addr, "0.0.0.0");
    ck_assert_uint_eq(cfg.listen_port, 9090);
    ck_assert_uint_eq(cfg.threads, 8);
    ck_assert_str_eq(cfg.sql_mode, "STRICT_ALL_TABLES");
    ck_assert_int_eq(cfg.sql_mode_set, 1);
    remove_conf();
}
END_TEST

START_TEST(flag_equals_form)
{
    const char *path = WRITE_CONF("");
    ck_assert_int_eq(LOAD("--config=/dev/null", "--config", path,
                          "--db-host=h=x", "--db-port=1234", "--db-pass=",
                          "--listen=[::1]:8081", "--threads=3",
                          "--sql-mode=ANSI"),
                     CONFIG_OK);
    ck_assert_str_eq(cfg.config_path, path);     /* the last --config */
    ck_assert_str_eq(cfg.db_host, "h=x");
    ck_assert_uint_eq(cfg.db_port, 1234);
    ck_assert_str_eq(cfg.db_pass, "");
    ck_assert_str_eq(cfg.listen_addr, "::1");
    ck_assert_uint_eq(cfg.listen_port, 8081);
    ck_assert_uint_eq(cfg.threads, 3);
    ck_assert_str_eq(cfg.sql_mode, "ANSI");
    remove_conf();
}
END_TEST

START_TEST(last_flag_wins)
{
    ck_assert_int_eq(LOAD("--config", "/dev/null", "--db-user", "a",
                          "--db-user=b"),
                     CONFIG_OK);
    ck_assert_str_eq(cfg.db_user, "b");
}
END_TEST

START_TEST(sql_mode_empty_is_set)
{
    ck_assert_int_eq(LOAD("--config", "/dev/null", "--sql-mode", ""),
                     CONFIG_OK);
    ck_assert_str_eq(cfg.sql_mode, "");
    ck_assert_int_eq(cfg.sql_mode_set, 1);
    ck_assert_int_eq(LOAD("--config", "/dev/null", "--sql-mode="), CONFIG_OK);
    ck_assert_int_eq(cfg.sql_mode_set, 1);
}
END_TEST

START_TEST(listen_forms)
{
    ck_assert_int_eq(LOAD("--config", "/dev/null", "--listen", "1.2.3.4:80"),
                     CONFIG_OK);
    ck_assert_str_eq(cfg.listen_addr, "1.2.3.4");
    ck_assert_uint_eq(cfg.listen_port, 80);
    ck_assert_int_eq(LOAD("--config", "/dev/null", "--listen", "[::1]:8080"),
                     CONFIG_OK);
    ck_assert_str_eq(cfg.listen_addr, "::1");
    ck_assert_uint_eq(cfg.listen_port, 8080);
    ck_assert_int_eq(LOAD("--config", "/dev/null", "--listen",
                          "localhost:8082"),
                     CONFIG_OK);
    ck_assert_str_eq(cfg.listen_addr, "localhost");
    ck_assert_uint_eq(cfg.listen_port, 8082);
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

START_TEST(missing_config_file_is_an_error)
{
    EXPECT_ERROR("--config /nope: No such file or directory",
                 LOAD("--config", "/nope"));
    EXPECT_ERROR("--config /nope/x.conf: No such file or directory",
                 LOAD("--config=/nope/x.conf"));
}
END_TEST

START_TEST(config_directory_is_an_error)
{
    EXPECT_ERROR("--config /tmp: Is a directory", LOAD("--config", "/tmp"));
}
END_TEST

START_TEST(bad_port_in_file)
{
    const char *path = WRITE_CONF("VARDB_port => abc\n");
    char want[256];
    snprintf(want, sizeof want,
             "VARDB_port in %s: 'abc' is not a port number (1-65535)", path);
    EXPECT_ERROR(want, LOAD("--config", path));
    remove_conf();

    path = WRITE_CONF("VARDB_port => 65536\n");
    snprintf(want, sizeof want,
             "VARDB_port in %s: '65536' is not a port number (1-65535)", path);
    EXPECT_ERROR(want, LOAD("--config", path));
    remove_conf();
}
END_TEST

START_TEST(bad_port_in_env)
{
    static const char *const env[] = { "NONAGENTD_DB_PORT", "0", NULL };
    EXPECT_ERROR("NONAGENTD_DB_PORT: '0' is not a port number (1-65535)",
                 LOAD_ENV(env, "--config", "/dev/null"));
    static const char *const env2[] = { "NONAGENTD_DB_PORT", " 3306", NULL };
    EXPECT_ERROR("NONAGENTD_DB_PORT: ' 3306' is not a port number (1-65535)",
                 LOAD_ENV(env2, "--config", "/dev/null"));
    static const char *const env3[] = { "NONAGENTD_DB_PORT", "", NULL };
    EXPECT_ERROR("NONAGENTD_DB_PORT: '' is not a port number (1-65535)",
                 LOAD_ENV(env3, "--config", "/dev/null"));
}
END_TEST

START_TEST(bad_port_in_flag)
{
    EXPECT_ERROR("--db-port: '-1' is not a port number (1-65535)",
                 LOAD("--config", "/dev/null", "--db-port", "-1"));
    EXPECT_ERROR("--db-port: '99999999999999999999' is not a port number "
                 "(1-65535)",
                 LOAD("--config", "/dev/null", "--db-port=99999999999999999999"));
}
END_TEST

START_TEST(bad_listen)
{
    EXPECT_ERROR("--listen: missing port in 'x'",
                 LOAD("--config", "/dev/null", "--listen", "x"));
    EXPECT_ERROR("--listen: missing port in '[::1]'",
                 LOAD("--config", "/dev/null", "--listen", "[::1]"));
    EXPECT_ERROR("--listen: '0' is not a port number (1-65535)",
                 LOAD("--config", "/dev/null", "--listen", "1.2.3.4:0"));
    EXPECT_ERROR("--listen: '' is not a port number (1-65535)",
                 LOAD("--config", "/dev/null", "--listen", "1.2.3.4:"));
    EXPECT_ERROR("--listen: 'example.com' is not an IPv4 address or localhost",
                 LOAD("--config", "/dev/null", "--listen", "example.com:80"));
    EXPECT_ERROR("--listen: '1.2.3.256' is not an IPv4 address or localhost",
                 LOAD("--config", "/dev/null", "--listen", "1.2.3.256:80"));
    EXPECT_ERROR("--listen: 'zz' is not an IPv6 address",
                 LOAD("--config", "/dev/null", "--listen", "[zz]:80"));
    EXPECT_ERROR("--listen: put an IPv6 address in brackets, as in "
                 "[::1]:8080, not '::1:8080'",
                 LOAD("--config", "/dev/null", "--listen", "::1:8080"));
    EXPECT_ERROR("--listen: missing address in ':8080'",
                 LOAD("--config", "/dev/null", "--listen", ":8080"));
}
END_TEST

START_TEST(threads_out_of_range)
{
    EXPECT_ERROR("--threads: '0' is not a thread count (1-256)",
                 LOAD("--config", "/dev/null", "--threads", "0"));
    EXPECT_ERROR("--threads: '999' is not a thread count (1-256)",
                 LOAD("--config", "/dev/null", "--threads", "999"));
    EXPECT_ERROR("--threads: 'four' is not a thread count (1-256)",
                 LOAD("--config", "/dev/null", "--threads=four"));
    ck_assert_int_eq(LOAD("--config", "/dev/null", "--threads", "256"),
                     CONFIG_OK);
    ck_assert_uint_eq(cfg.threads, 256);
}
END_TEST

START_TEST(unknown_flag_and_stray_arguments)
{
    EXPECT_ERROR("unknown option --foo", LOAD("--foo"));
    EXPECT_ERROR("unknown option --foo", LOAD("--foo=bar"));
    EXPECT_ERROR("unknown option -x", LOAD("-x"));
    EXPECT_ERROR("unexpected argument 'stray'", LOAD("stray"));
}
END_TEST

START_TEST(missing_value_and_value_on_switch)
{
    EXPECT_ERROR("--db-host: missing value", LOAD("--db-host"));
    EXPECT_ERROR("--help takes no value", LOAD("--help=yes"));
}
END_TEST

START_TEST(too_long_values_are_errors)
{
    char longv[600];
    memset(longv, 'h', sizeof longv - 1);
    longv[sizeof longv - 1] = '\0';
    EXPECT_ERROR("--db-host: value too long (599 bytes, at most 255)",
                 LOAD("--config", "/dev/null", "--db-host", longv));
    static const char *env[3] = { "NONAGENTD_DB_USER", NULL, NULL };
    env[1] = longv;
    EXPECT_ERROR("NONAGENTD_DB_USER: value too long (599 bytes, at most 127)",
                 LOAD_ENV(env, "--config", "/dev/null"));

    char conf[700];
    int n = snprintf(conf, sizeof conf, "VARDB_pass => %s\n", longv);
    const char *path = write_conf(conf, (size_t)n);
    char want[256];
    snprintf(want, sizeof want,
             "VARDB_pass in %s: value too long (599 bytes, at most 255)", path);
    EXPECT_ERROR(want, LOAD("--config", path));
    remove_conf();

    /* At the limit it fits. */
    longv[255] = '\0';
    ck_assert_int_eq(LOAD("--config", "/dev/null", "--db-host", longv),
                     CONFIG_OK);
    ck_assert_uint_eq(strlen(cfg.db_host), 255);
}
END_TEST

START_TEST(error_line_is_one_line)
{
    /* A value with a newline in it must not break the line. */
    ck_assert_int_eq(LOAD("--config", "/dev/null", "--threads", "1\n2"),
                     CONFIG_ERROR);
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_str_eq(err, "--threads: '1?2' is not a thread count (1-256)");
}
END_TEST

/* ---- help and version -------------------------------------------------- */

START_TEST(help_prints_every_flag_env_and_file)
{
    ck_assert_int_eq(LOAD("--help"), CONFIG_EXIT);
    static const char *const must[] = {
        "--config", "--listen", "--threads", "--db-host", "--db-port",
        "--db-user", "--db-pass", "--db-name", "--db-socket", "--sql-mode",
        "--help", "--version", "NONAGENTD_DB_HOST", "NONAGENTD_DB_PORT",
        "NONAGENTD_DB_USER", "NONAGENTD_DB_PASS", "NONAGENTD_DB_NAME",
        "NONAGENTD_DB_SOCKET", CONFIG_DEFAULT_PATH, "VARDB_server",
        "VARDB_port", "VARDB_user", "VARDB_pass", "VARDB_database",
    };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        ck_assert_msg(strstr(out_text, must[i]) != NULL,
                      "help does not mention %s", must[i]);
}
END_TEST

START_TEST(help_wins_over_later_bad_values)
{
    ck_assert_int_eq(LOAD("--threads", "999", "--help"), CONFIG_EXIT);
    ck_assert(strstr(out_text, "Usage:") != NULL);
}
END_TEST

START_TEST(version_prints_compat_line)
{
    ck_assert_int_eq(LOAD("--version"), CONFIG_EXIT);
    ck_assert_str_eq(out_text, "nonagentd " NONAGENTD_VERSION
                               " (non_agent_api.php 2.14-202 compatible)\n");
}
END_TEST

START_TEST(short_h_and_V_are_help_and_version)
{
    ck_assert_int_eq(LOAD("-h"), CONFIG_EXIT);
    ck_assert(strncmp(out_text, "Usage: nonagentd", 16) == 0);
    ck_assert(strstr(out_text, "-h, --help") != NULL);
    ck_assert(strstr(out_text, "-V, --version") != NULL);
    ck_assert_int_eq(LOAD("-V"), CONFIG_EXIT);
    ck_assert_str_eq(out_text, "nonagentd " NONAGENTD_VERSION
                               " (non_agent_api.php 2.14-202 compatible)\n");
    /* Only those two: other short options stay unknown. */
    EXPECT_ERROR("unknown option -v", LOAD("-v"));
    EXPECT_ERROR("unknown option -H", LOAD("-H"));
}
END_TEST

START_TEST(config_file_database_lines_are_counted)
{
    /* main warns, naming the file, when it held no VARDB_ line at all. */
    ck_assert_int_eq(LOAD("--config", WRITE_CONF("root:x:0:0:root:/root:/bin/bash\n")),
                     CONFIG_OK);
    ck_assert_str_eq(cfg.config_path, conf_path);
    ck_assert_uint_eq(cfg.config_db_keys, 0);
    ck_assert_uint_eq(cfg.config_other_lines, 1);
    ck_assert_int_eq(LOAD("--config", WRITE_CONF("VARDB_server => db1\n"
                                                 "VARDB_user => u\n# VARDB_pass => p\n")),
                     CONFIG_OK);
    ck_assert_uint_eq(cfg.config_db_keys, 2);
    ck_assert_uint_eq(cfg.config_other_lines, 0);
    ck_assert_int_eq(LOAD("--config", WRITE_CONF("# nothing here\n\n")), CONFIG_OK);
    ck_assert_uint_eq(cfg.config_db_keys, 0);
    ck_assert_uint_eq(cfg.config_other_lines, 0);
}
END_TEST

START_TEST(ok_result_clears_error_and_prints_nothing)
{
    ck_assert_int_eq(LOAD("--config", "/dev/null"), CONFIG_OK);
    ck_assert_str_eq(err, "");
    ck_assert_str_eq(out_text, "");
}
END_TEST

START_TEST(null_env_means_getenv)
{
    char *argv[] = { "nonagentd", "--config", "/dev/null", NULL };
    setenv("NONAGENTD_DB_NAME", "from_getenv", 1);
    ck_assert_int_eq(config_load(&cfg, 3, argv, NULL, err, sizeof err, NULL),
                     CONFIG_OK);
    unsetenv("NONAGENTD_DB_NAME");
    ck_assert_str_eq(cfg.db_name, "from_getenv");
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *src = tcase_create("sources");
    tcase_add_test(src, defaults_without_any_source);
    tcase_add_test(src, default_path_absent_is_fine);
    tcase_add_test(src, file_values_are_read);
    tcase_add_test(src, file_comments_blank_lines_and_spacing);
    tcase_add_test(src, file_with_crlf_line_ends);
    tcase_add_test(src, file_empty_pass_allowed);
    tcase_add_test(src, file_follows_vicidial_quirks);
    tcase_add_test(src, env_overrides_file);
    tcase_add_test(src, flags_override_env);
    tcase_add_test(src, flag_equals_form);
    tcase_add_test(src, last_flag_wins);
    tcase_add_test(src, sql_mode_empty_is_set);
    tcase_add_test(src, listen_forms);
    tcase_add_test(src, null_env_means_getenv);
    suite_add_tcase(s, src);

    TCase *bad = tcase_create("errors");
    tcase_add_test(bad, missing_config_file_is_an_error);
    tcase_add_test(bad, config_directory_is_an_error);
    tcase_add_test(bad, bad_port_in_file);
    tcase_add_test(bad, bad_port_in_env);
    tcase_add_test(bad, bad_port_in_flag);
    tcase_add_test(bad, bad_listen);
    tcase_add_test(bad, threads_out_of_range);
    tcase_add_test(bad, unknown_flag_and_stray_arguments);
    tcase_add_test(bad, missing_value_and_value_on_switch);
    tcase_add_test(bad, too_long_values_are_errors);
    tcase_add_test(bad, error_line_is_one_line);
    suite_add_tcase(s, bad);

    TCase *info = tcase_create("help and version");
    tcase_add_test(info, help_prints_every_flag_env_and_file);
    tcase_add_test(info, help_wins_over_later_bad_values);
    tcase_add_test(info, version_prints_compat_line);
    tcase_add_test(info, short_h_and_V_are_help_and_version);
    tcase_add_test(info, config_file_database_lines_are_counted);
    tcase_add_test(info, ok_result_clears_error_and_prints_nothing);
    suite_add_tcase(s, info);
    return s;
}

int main(void)
{
    return test_run_suite(config_suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
