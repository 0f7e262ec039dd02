/*
 * test_charset.c - the API log's raw text holds the bytes VICIdial stores.
 *
 * VICIdial's PHP talks to MariaDB in the server's default character set
 * (latin mode) or, after SET NAMES 'UTF8', in utf8mb3 (non-latin mode), and
 * the server converts the last POST value and the URL to the columns'
 * utf8mb3 from that set.  This runs on two private servers the harness
 * starts besides the suite's own (CMake's db_latin1 and db_utf8mb4
 * fixtures: default character set latin1, and utf8mb4 as Debian's packaged
 * server has it; both sql_mode='' as VICIdial servers run), in both scenes
 * (InnoDB with a strict session, MyISAM without), and checks:
 *
 *  - é, a 4-byte emoji and lone 0x80 / 0x81 bytes, POSTed in a field that
 *    reaches vicidial_api_urls.url and in the last field (which is
 *    vicidial_api_log.value), in latin and non-latin mode, against the
 *    bytes recorded from VICIdial 2.14-202 (RECORDED below) and, where
 *    ../shared/reference is present and we are root, against VICIdial
 *    itself on the same database (it is started here, on a free port);
 *  - every statement the daemon runs for the phone functions has the same
 *    plan (tables, access types, keys) in the server's default character
 *    set as in utf8mb3: speaking VICIdial's set costs no index.
 */
#include <check.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/fixture.h"

/* What VICIdial 2.14-202 (PHP 8.2 mysqli, MariaDB 10.11) stored, as hex, in
 * vicidial_api_log.value for each POSTed value; the URL holds the same bytes
 * where the value appears.  Recorded with ../shared/reference on servers
 * started with --character-set-server=latin1 and =utf8mb4.  latin1 is
 * MariaDB's latin1, that is cp1252 with 0x81, 0x8D, 0x8F, 0x90 and 0x9D
 * taken as U+0081...: every byte survives, as one character. */
static const struct input {
    const char *name, *sent;
    const char *latin1, *utf8mb4, *non_latin;
} INPUTS[] = {
    { "e-acute", "%C3%A9", "C383C2A9", "C3A9", "C3A9" },
    { "emoji", "%F0%9F%98%80", "C3B0C5B8CB9CE282AC", "3F", "3F3F3F3F" },
    { "lone 0x80", "%80", "E282AC", "3F", "3F" },
    { "lone 0x81", "%81", "C281", "3F", "3F" },
};
#define NINPUTS (sizeof INPUTS / sizeof INPUTS[0])

struct server {
    const char *label;
    const char *dir_env;        /* the variable naming its harness directory */
    int latin1;                 /* default latin1 (else utf8mb4) */
    unsigned reference_port;    /* VICIdial's Apache, 0 when not running */
};

static struct server servers[] = {
    { .label = "latin1-default", .dir_env = "NONAGENTD_TESTDB_LATIN1_DIR", .latin1 = 1 },
    { .label = "utf8mb4-default", .dir_env = "NONAGENTD_TESTDB_UTF8MB4_DIR", .latin1 = 0 },
};
static struct server *server;

static struct scene scenes[] = {
    { .label = "innodb-strict", .engine = "InnoDB",
      .sql_mode = "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
                  "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION" },
    { .label = "myisam-nonstrict", .engine = "MyISAM", .sql_mode = "" },
};

static const char DBNAME[] = "t_charset";

static void setup(void)
{
    testdb_connect(&scene->db);
    testdb_exec(&scene->db, "USE %s", DBNAME);
    snprintf(scene->db.name, sizeof scene->db.name, "%s", DBNAME);
}

static void teardown(void)
{
    testdb_close(&scene->db);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* POST body to the API on port; the api_urls row it leaves (after after_id):
 * *value and *query get HEX(value) and HEX(the URL after its first '?'). */
static void post_and_read(unsigned port, const char *body, long after_id, char **value,
                          char **query)
{
    struct http_reply r;
    long id = -1;

    ck_assert_int_eq(http_post(port, "/vicidial/non_agent_api.php",
                               "application/x-www-form-urlencoded", body, &r), 0);
    ck_assert_msg(r.status == 200 && strncmp(r.body, "VERSION: ", 9) == 0,
                  "[%s %s] port %u answered %d %s", server->label, scene->label, port, r.status,
                  test_visible(r.body));
    http_reply_free(&r);
    /* VICIdial may write its log after the answer has gone: wait for it. */
    for (int i = 0; i < 200 && id <= after_id; i++) {
        id = test_db_count("SELECT IFNULL(MAX(api_id), 0) FROM vicidial_api_urls");
        if (id <= after_id)
            sleep_ms(25);
    }
    ck_assert_msg(id > after_id, "[%s %s] no api_urls row from port %u", server->label,
                  scene->label, port);
    *value = test_db_value("SELECT HEX(l.value) FROM vicidial_api_log l WHERE l.api_id=%ld", id);
    *query = test_db_value("SELECT HEX(SUBSTRING(url, LOCATE('?', url) + 1))"
                           " FROM vicidial_api_urls WHERE api_id=%ld", id);
    ck_assert_ptr_nonnull(*value);
    ck_assert_ptr_nonnull(*query);
}

static char *hex_of(const char *s)
{
    char *out = malloc(strlen(s) * 2 + 1), *o = out;

    ck_assert_ptr_nonnull(out);
    for (; *s; s++)
        o += sprintf(o, "%02X", (unsigned char)*s);
    *o = '\0';
    return out;
}

/* The URL's query as hex when both fields hold the bytes stored (hex). */
static char *expected_query(const char *stored)
{
    char *a = hex_of("function=version&first="), *b = hex_of("&last="),
         *c = hex_of("&GET-AND-POST=Y&");
    return test_printf("%s%s%s%s%s%s%s%s%s", a, stored, b, stored, c, a, stored, b, stored);
}

/* Modes in the order the loop test runs them: the daemon's connections
 * switch to non-latin and back. */
static const int MODES[] = { 0, 1, 0 };

START_TEST(api_log_raw_text_holds_vicidials_bytes)
{
    int non_latin = MODES[_i];

    testdb_exec(&scene->db, "UPDATE system_settings SET use_non_latin='%d'", non_latin);
    for (size_t k = 0; k < NINPUTS; k++) {
        const struct input *in = &INPUTS[k];
        const char *recorded = non_latin ? in->non_latin
                               : server->latin1 ? in->latin1 : in->utf8mb4;
        char *body = test_printf("function=version&first=%s&last=%s", in->sent, in->sent);
        char *value, *query;
        long last = test_db_count("SELECT IFNULL(MAX(api_id), 0) FROM vicidial_api_urls");

        post_and_read(scene->daemon.port, body, last, &value, &query);
        ck_assert_msg(strcmp(value, recorded) == 0,
                      "[%s %s %s] %s: vicidial_api_log.value is %s, VICIdial stores %s",
                      server->label, scene->label, non_latin ? "non-latin" : "latin", in->name,
                      value, recorded);
        ck_assert_msg(strcmp(query, expected_query(recorded)) == 0,
                      "[%s %s %s] %s: vicidial_api_urls.url's query is %s, VICIdial's %s",
                      server->label, scene->label, non_latin ? "non-latin" : "latin", in->name,
                      query, expected_query(recorded));
        if (server->reference_port) {
            char *vvalue, *vquery;

            last = test_db_count("SELECT IFNULL(MAX(api_id), 0) FROM vicidial_api_urls");
            post_and_read(server->reference_port, body, last, &vvalue, &vquery);
            ck_assert_msg(strcmp(vvalue, value) == 0 && strcmp(vquery, query) == 0,
                          "[%s %s %s] %s: VICIdial stored value %s, url query %s;"
                          " nonagentd %s, %s", server->label, scene->label,
                          non_latin ? "non-latin" : "latin", in->name, vvalue, vquery, value,
                          query);
        }
    }
}
END_TEST

/* A connection to this server in charset (NULL: the server's default, as
 * the daemon speaks in latin mode). */
static MYSQL *connect_in(const char *charset)
{
    struct testdb t;
    MYSQL *m;

    testdb_connect(&t);
    m = t.conn;
    if (!charset) {
        const MARIADB_CHARSET_INFO *cs = mariadb_get_charset_by_nr(m->server_language);
        ck_assert_ptr_nonnull(cs);
        charset = cs->csname;
    }
    ck_assert_int_eq(mysql_set_character_set(m, charset), 0);
    ck_assert_int_eq(mysql_select_db(m, DBNAME), 0);
    return m;
}

/* How many ? placeholders sql holds outside quoted strings: the general
 * log shows a SET STATEMENT ... FOR statement with its placeholders. */
static size_t placeholders(const char *sql)
{
    size_t n = 0;
    char quote = 0;

    for (; *sql; sql++) {
        if (quote && *sql == '\\' && sql[1])
            sql++;
        else if (quote && *sql == quote)
            quote = 0;
        else if (!quote && (*sql == '\'' || *sql == '"' || *sql == '`'))
            quote = *sql;
        else if (!quote && *sql == '?')
            n++;
    }
    return n;
}

/* EXPLAIN sql on m (its placeholders, if any, all 'x'): each row's table,
 * type, possible_keys, key, key_len, ref and Extra, one line each.
 * malloc'd. */
static char *plan(MYSQL *m, const char *sql)
{
    size_t n = placeholders(sql);
    char *q, *out = strdup("");
    MYSQL_RES *res;
    MYSQL_ROW row;

    if (n == 0) {
        q = test_printf("EXPLAIN %s", sql);
    } else {
        char *escaped = malloc(strlen(sql) * 2 + 1);
        char *prepare;

        ck_assert_ptr_nonnull(escaped);
        mysql_real_escape_string(m, escaped, sql, (unsigned long)strlen(sql));
        prepare = test_printf("PREPARE charset_plan FROM 'EXPLAIN %s'", escaped);
        ck_assert_msg(mysql_query(m, prepare) == 0, "%s: %s", prepare, mysql_error(m));
        q = strdup("EXECUTE charset_plan USING 'x'");
        for (size_t i = 1; i < n; i++) {
            char *more = test_printf("%s, 'x'", q);
            free(q);
            q = more;
        }
        free(prepare);
        free(escaped);
    }
    ck_assert_msg(mysql_query(m, q) == 0, "[%s %s] %s: %s", server->label, scene->label, q,
                  mysql_error(m));
    res = mysql_store_result(m);
    ck_assert_msg(res != NULL, "[%s %s] %s: %s", server->label, scene->label, sql,
                  mysql_error(m));
    while ((row = mysql_fetch_row(res))) {
        char *line = test_printf("%s%s|%s|%s|%s|%s|%s|%s\n", out, row[2] ? row[2] : "",
                                 row[3] ? row[3] : "", row[4] ? row[4] : "",
                                 row[5] ? row[5] : "", row[6] ? row[6] : "",
                                 row[7] ? row[7] : "", row[9] ? row[9] : "");
        free(out);
        out = line;
    }
    mysql_free_result(res);
    free(q);
    return out;
}

START_TEST(every_statement_keeps_its_plan_in_the_default_charset)
{
    static const char *const calls[] = {
        "source=test&user=6666&pass=1234&function=add_phone&extension=cs100&dialplan_number=100"
        "&voicemail_id=100&phone_login=cs100&phone_pass=pw&server_ip=10.0.9.8&protocol=SIP"
        "&registration_password=pw&phone_full_name=A&local_gmt=-5.00&outbound_cid=7275551212",
        "source=test&user=6666&pass=1234&function=add_phone&extension=cs100&dialplan_number=100"
        "&voicemail_id=100&phone_login=cs101&phone_pass=pw&server_ip=10.0.9.8&protocol=SIP"
        "&registration_password=pw&phone_full_name=A&local_gmt=-5.00&outbound_cid=7275551212",
        "source=test&user=6666&pass=1234&function=update_phone&extension=cs100&server_ip=10.0.9.8"
        "&phone_login=cs102&phone_full_name=B",
        "source=test&user=6666&pass=1234&function=add_phone_alias&alias_id=csa&alias_name=A"
        "&phone_logins=cs102",
        "source=test&user=6666&pass=1234&function=update_phone_alias&alias_id=csa&alias_name=B",
        "source=test&user=6666&pass=wrong&function=add_phone",
        "function=version",
    };
    MYSQL *def, *utf8;
    MYSQL_RES *res;
    MYSQL_ROW row;
    int compared = 0, keyed = 0;

    testdb_exec(&scene->db, "UPDATE system_settings SET use_non_latin='0';"
                            " SET GLOBAL log_output='TABLE'; TRUNCATE mysql.general_log;"
                            " SET GLOBAL general_log=1");
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        free(api_body(calls[i]));
    testdb_exec(&scene->db, "SET GLOBAL general_log=0");

    def = connect_in(NULL);
    utf8 = connect_in("utf8mb3");
    ck_assert_int_eq(mysql_query(scene->db.conn,
                                 "SELECT argument FROM mysql.general_log"
                                 " WHERE command_type='Execute'"), 0);
    res = mysql_store_result(scene->db.conn);
    ck_assert_ptr_nonnull(res);
    while ((row = mysql_fetch_row(res))) {
        static const char non_strict[] = "SET STATEMENT sql_mode='' FOR ";
        const char *sql = row[0];
        char *in_default, *in_utf8;

        if (strncmp(sql, non_strict, sizeof non_strict - 1) == 0)
            sql += sizeof non_strict - 1;
        if (strncasecmp(sql, "SELECT", 6) != 0 && strncasecmp(sql, "INSERT", 6) != 0 &&
            strncasecmp(sql, "UPDATE", 6) != 0 && strncasecmp(sql, "DELETE", 6) != 0)
            continue;
        in_default = plan(def, sql);
        in_utf8 = plan(utf8, sql);
        ck_assert_msg(strcmp(in_default, in_utf8) == 0,
                      "[%s %s] %s\n  plan in the default set:\n%s  plan in utf8mb3:\n%s",
                      server->label, scene->label, sql, in_default, in_utf8);
        compared++;
        keyed += strstr(in_default, "|const|") || strstr(in_default, "|eq_ref|") ||
                 strstr(in_default, "|ref|");
        free(in_default);
        free(in_utf8);
    }
    mysql_free_result(res);
    mysql_close(def);
    mysql_close(utf8);
    /* add_phone alone looks up phones by extension and by login. */
    ck_assert_msg(compared >= 20 && keyed >= 5, "[%s %s] only %d statements (%d using a key)",
                  server->label, scene->label, compared, keyed);
}
END_TEST

static Suite *charset_suite(void)
{
    Suite *s = suite_create("charset");
    TCase *tc = tcase_create("charset");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, api_log_raw_text_holds_vicidials_bytes, 0,
                        (int)(sizeof MODES / sizeof MODES[0]));
    tcase_add_test(tc, every_statement_keeps_its_plan_in_the_default_charset);
    suite_add_tcase(s, tc);
    return s;
}

/* VICIdial itself on each server, when ../shared/reference is here and we
 * may run it (it needs root); both start at once.  Not under valgrind: the
 * first pass compares with VICIdial, that pass checks the daemon's memory. */
static void start_references(void)
{
    char up[1024], cmd[8192];
    const char *why = NULL;
    size_t n = 0;

    snprintf(up, sizeof up, "%s/../shared/reference/up.sh", testdb_source_dir());
    if (access(up, R_OK) != 0)
        why = "no ../shared/reference (VICIdial) next to the source";
    else if (geteuid() != 0)
        why = "not root, so VICIdial's Apache cannot run";
    else if (getenv("NONAGENTD_VALGRIND") && *getenv("NONAGENTD_VALGRIND") == '1')
        why = "the daemon runs under valgrind";
    if (why) {
        fprintf(stderr, "test_charset: %s: comparing with the recorded bytes only\n", why);
        return;
    }
    n += (size_t)snprintf(cmd + n, sizeof cmd - n, "ok=0;");
    for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++) {
        struct testdb t;

        setenv("NONAGENTD_TESTDB_DIR", getenv(servers[i].dir_env), 1);
        testdb_connect(&t);
        servers[i].reference_port = daemon_free_port();
        n += (size_t)snprintf(cmd + n, sizeof cmd - n,
                              " WORKERS=2 bash %s start %u %s %s root '' >%s/reference.log 2>&1"
                              " & p%zu=$!;", up, servers[i].reference_port, t.socket, DBNAME,
                              getenv(servers[i].dir_env), i);
        testdb_close(&t);
    }
    snprintf(cmd + n, sizeof cmd - n, " wait $p0 && wait $p1");
    if (system(cmd) != 0) {
        fprintf(stderr, "test_charset: VICIdial did not start (see reference.log in %s and %s)\n",
                getenv(servers[0].dir_env), getenv(servers[1].dir_env));
        exit(1);
    }
    fprintf(stderr, "test_charset: comparing with VICIdial on ports %u and %u too\n",
            servers[0].reference_port, servers[1].reference_port);
}

static void stop_reference(struct server *sv)
{
    char cmd[2048];

    if (!sv->reference_port)
        return;
    snprintf(cmd, sizeof cmd, "bash %s/../shared/reference/up.sh stop %u >/dev/null 2>&1",
             testdb_source_dir(), sv->reference_port);
    if (system(cmd) != 0)
        fprintf(stderr, "test_charset: VICIdial on port %u did not stop\n", sv->reference_port);
}

int main(void)
{
    int failed = 0;

    for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++)
        if (!getenv(servers[i].dir_env)) {
            fprintf(stderr, "%s is not set (run through ctest)\n", servers[i].dir_env);
            return EXIT_FAILURE;
        }
    start_references();
    for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++) {
        struct testdb t;

        setenv("NONAGENTD_TESTDB_DIR", getenv(servers[i].dir_env), 1);
        server = &servers[i];
        testdb_connect(&t);
        snprintf(t.name, sizeof t.name, "%s", DBNAME);
        for (size_t j = 0; j < sizeof scenes / sizeof scenes[0]; j++) {
            scene = &scenes[j];
            testdb_create_demo(&t, DBNAME, scene->engine);
            daemon_start(&scene->daemon, &t, scene->sql_mode, NULL);
            fprintf(stderr, "---- %s, scene %s ----\n", server->label, scene->label);
            failed += test_run_suite(charset_suite());
            if (daemon_stop(&scene->daemon) != 0) {
                fprintf(stderr, "nonagentd did not stop cleanly (%s, %s)\n", server->label,
                        scene->label);
                failed++;
            }
        }
        stop_reference(server);
        testdb_close(&t);
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
