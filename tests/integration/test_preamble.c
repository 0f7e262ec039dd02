/*
 * test_preamble.c - proves the request preamble every API call goes
 * through (docs/api.md, "The path of a request"), byte for byte: function=version before
 * authentication, the coffee easter egg, the "no function" fallback,
 * authentication with VICIdial's lockout counters, bcrypt password hashes
 * at every cost (docs/schema.md's vectors), IP lists, two-factor gating,
 * api_allowed_functions, routing and headers, the api log rows, and the
 * daemon's own request log.
 *
 * Runs in both scenes of tests/support/fixture.h (InnoDB strict, MyISAM
 * with sql_mode=''), each test on a fresh copy of schema/demo.sql.  The
 * daemon runs with TZ=UTC (set in main, inherited by the daemon).
 */
#include <check.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/fixture.h"

#define API "/vicidial/non_agent_api.php"
#define URLENCODED "application/x-www-form-urlencoded"

/* The documented add_phone example, as fixture.h's api_add_phone sends it. */
#define ADD_PHONE_OK "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|10.0.9.8|SIP|55000\n"
#define NO_FUNCTION "ERROR: NO FUNCTION SPECIFIED\n"
#define AUTHED "user=6666&pass=1234&source=test"

/* The version line (docs/api.md, "The answers") with the demo servers' local_gmt, TZ=UTC. */
#define VERSION_RE                                                               \
    "^VERSION: 2\\.14-202\\|BUILD: 250720-1841\\|"                               \
    "DATE: ([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2})\\|"          \
    "EPOCH: ([0-9]+)\\|DST: 0\\|TZ: %s\\|TZNOW: %s\\|\n$"

/* ---- helpers ---------------------------------------------------------- */

/* s with control characters shown as \n, \r, \xNN (static, rotating). */
static const char *shown(const char *s)
{
    static char bufs[4][4096];
    static int next;
    char *out = bufs[next++ % 4];
    size_t o = 0;

    if (!s)
        return "(null)";
    for (; *s && o + 8 < sizeof bufs[0]; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n')
            o += (size_t)snprintf(out + o, 8, "\\n");
        else if (c == '\r')
            o += (size_t)snprintf(out + o, 8, "\\r");
        else if (c < 0x20 || c >= 0x7f)
            o += (size_t)snprintf(out + o, 8, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

/* GET the API with query and compare the whole body. */
static void expect_body(const char *query, const char *want)
{
    char *body = api_body(query);

    ck_assert_msg(strcmp(body, want) == 0, "GET ?%s\n  expected \"%s\"\n  got      \"%s\"",
                  query, shown(want), shown(body));
    free(body);
}

/* Same with the add_phone seed request plus extra. */
static void expect_add_phone(const char *extra, const char *want)
{
    char *body = api_add_phone(extra);

    ck_assert_msg(strcmp(body, want) == 0, "add_phone%s\n  expected \"%s\"\n  got      \"%s\"",
                  extra, shown(want), shown(body));
    free(body);
}

/* POST a urlencoded body to the API, with query (NULL: none). */
static struct http_reply api_post(const char *query, const char *body)
{
    char target[4096];
    struct http_reply r;

    snprintf(target, sizeof target, "%s%s%s", API, query ? "?" : "", query ? query : "");
    ck_assert_msg(http_post(scene->daemon.port, target, URLENCODED, body, &r) == 0,
                  "no reply for POST %s", body);
    return r;
}

static char *sql_value(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sql_value(const char *fmt, ...)
{
    va_list ap;
    char sql[4096];

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return testdb_value(&scene->db, "%s", sql);
}

/* Compares one SQL value with want ("(null)" for SQL NULL). */
static void expect_sql(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void expect_sql(const char *want, const char *fmt, ...)
{
    va_list ap;
    char sql[4096];
    char *got;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    got = testdb_value(&scene->db, "%s", sql);
    ck_assert_msg(strcmp(got ? got : "(null)", want) == 0, "%s\n  expected \"%s\"\n  got      \"%s\"",
                  sql, shown(want), shown(got ? got : "(null)"));
    free(got);
}

static long sql_count(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long sql_count(const char *fmt, ...)
{
    va_list ap;
    char sql[4096];

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return testdb_count(&scene->db, "%s", sql);
}

/*
 * A user's login bookkeeping as one string:
 * failed_login_count|failed_login_attempts_today|failed_login_count_today|
 * failed_last_ip_today|failed_last_type_today|last_ip
 */
static void expect_counters(const char *user, const char *want)
{
    expect_sql(want,
               "SELECT CONCAT_WS('|', failed_login_count, failed_login_attempts_today,"
               " failed_login_count_today, failed_last_ip_today, failed_last_type_today, last_ip)"
               " FROM vicidial_users WHERE user='%s'", user);
}

/* last_login_date was set by this request: within a few seconds of NOW(). */
static void expect_login_date_now(const char *user)
{
    long age = sql_count("SELECT TIMESTAMPDIFF(SECOND, last_login_date, NOW())"
                         " FROM vicidial_users WHERE user='%s'", user);
    ck_assert_msg(age >= -1 && age <= 5, "last_login_date of %s is %ld s old, expected ~NOW()",
                  user, age);
}

static void expect_login_date(const char *user, const char *want)
{
    expect_sql(want, "SELECT last_login_date FROM vicidial_users WHERE user='%s'", user);
}

static void expect_api_log_rows(long want)
{
    long n = sql_count("SELECT COUNT(*) FROM vicidial_api_log");
    ck_assert_msg(n == want, "vicidial_api_log has %ld rows, expected %ld", n, want);
}

/* A second API user with level, password and rights. */
static void add_user(const char *user, const char *pass, int level)
{
    testdb_exec(&scene->db,
                "INSERT INTO vicidial_users (user, pass, full_name, user_level, user_group, active,"
                " ast_admin_access, ast_delete_phones, vdc_agent_api_access, modify_phones)"
                " VALUES ('%s', '%s', 'Test user', %d, 'ADMIN', 'Y', '1', '1', '1', '1')",
                user, pass, level);
}

/* Match body against the version line; returns EPOCH, checks DATE. */
static long long expect_version_line(const char *body, const char *tz, const char *tznow)
{
    char pattern[512], date[32], epoch[32];
    regex_t re;
    regmatch_t m[3];
    struct tm tm;
    long long e;
    time_t now = time(NULL);

    snprintf(pattern, sizeof pattern, VERSION_RE, tz, tznow);
    ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED), 0);
    ck_assert_msg(regexec(&re, body, 3, m, 0) == 0, "version body \"%s\" does not match /%s/",
                  shown(body), shown(pattern));
    regfree(&re);
    snprintf(date, sizeof date, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), body + m[1].rm_so);
    snprintf(epoch, sizeof epoch, "%.*s", (int)(m[2].rm_eo - m[2].rm_so), body + m[2].rm_so);
    e = strtoll(epoch, NULL, 10);
    ck_assert_msg(e >= (long long)now - 5 && e <= (long long)now + 5,
                  "EPOCH %lld is not within 5 s of now (%lld)", e, (long long)now);
    /* DATE is the same moment in the daemon's time zone (UTC here). */
    memset(&tm, 0, sizeof tm);
    ck_assert_ptr_nonnull(strptime(date, "%Y-%m-%d %H:%M:%S", &tm));
    ck_assert_msg(llabs((long long)timegm(&tm) - e) <= 1, "DATE %s is not EPOCH %lld in UTC",
                  date, e);
    return e;
}

/* ---- version ---------------------------------------------------------- */

START_TEST(version_answers_the_exact_line_without_user_or_pass)
{
    char *body = api_body("function=version");

    expect_version_line(body, "-5\\.00", "-5\\.00");
    free(body);
}
END_TEST

START_TEST(version_is_logged_as_success_and_counts_no_failed_login)
{
    char *body = api_body("function=version&user=6666&pass=wrong&source=zz");
    char *data;

    expect_version_line(body, "-5\\.00", "-5\\.00");
    body[strlen(body) - 1] = '\0';          /* the logged data has no \n */
    expect_api_log_rows(1);
    expect_sql("6666|version||SUCCESS||zz|non-agent",
               "SELECT CONCAT_WS('|', user, function, value, result, result_reason, source,"
               " api_script) FROM vicidial_api_log");
    data = sql_value("SELECT data FROM vicidial_api_log");
    ck_assert_msg(data && strcmp(data, body) == 0, "api_log data \"%s\", expected \"%s\"",
                  shown(data), shown(body));
    free(data);
    /* Authentication never ran: a wrong password leaves no trace. */
    expect_counters("6666", "0|0|0|||");
    expect_login_date("6666", "2001-01-01 00:00:01");
    free(body);
}
END_TEST

START_TEST(version_with_no_active_server_has_empty_tz_and_tznow_0)
{
    char *body;

    testdb_exec(&scene->db, "UPDATE servers SET active='N'");
    body = api_body("function=version&user=abc&source=zz");
    expect_version_line(body, "", "0");
    expect_sql("abc", "SELECT user FROM vicidial_api_log");
    free(body);
}
END_TEST

/* A database without its system_settings row (VICIdial's defaults apply:
 * latin, no hashing): every read the first statement makes is made
 * separately, with the same answers. */
START_TEST(without_a_settings_row_version_and_add_phone_still_answer)
{
    char *body;

    testdb_exec(&scene->db, "DELETE FROM system_settings");
    body = api_body("function=version");
    expect_version_line(body, "-5\\.00", "-5\\.00");
    free(body);
    expect_add_phone("", "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|10.0.9.8|SIP|55000\n");
    expect_add_phone("&extension=55001&phone_login=55001&server_ip=10.9.9.9",
                     "ERROR: add_phone SERVER DOES NOT EXIST: |6666|10.9.9.9\n");
    expect_add_phone("&extension=55002&phone_login=55002&pass=wrong",
                     "ERROR: Login incorrect, please try again: |6666|wrong|BAD|\n");
}
END_TEST

/* ---- coffee ----------------------------------------------------------- */

START_TEST(coffee_functions_answer_418_teapot_without_newline_and_log_an_error_row)
{
    static const char *const fns[] = { "coffee", "start_coffee", "make_coffee", "brew_coffee" };

    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        char query[128], want[128];
        struct http_reply r;

        snprintf(query, sizeof query, "function=%s", fns[i]);
        snprintf(want, sizeof want, "Coffee: %s|Error 418 I'm a teapot", fns[i]);
        r = api_get(query);
        ck_assert_msg(r.status == 418, "%s: status %d, expected 418", fns[i], r.status);
        ck_assert_msg(strcmp(r.body, want) == 0, "%s: body \"%s\", expected \"%s\"", fns[i],
                      shown(r.body), want);
        http_reply_free(&r);
    }
    /* Even with credentials (the teapot answers before authentication). */
    {
        struct http_reply r = api_get("function=coffee&user=6666&pass=wrong");
        ck_assert_int_eq(r.status, 418);
        ck_assert_str_eq(r.body, "Coffee: coffee|Error 418 I'm a teapot");
        http_reply_free(&r);
    }
    /* Each writes VICIdial's row: result ERROR, no reason, the body as
     * data; authentication never ran, so the counters are untouched. */
    expect_api_log_rows(5);
    expect_sql("6666|coffee||ERROR|||non-agent|Coffee: coffee|Error 418 I'm a teapot",
               "SELECT CONCAT_WS('|', user, function, value, result, result_reason, source,"
               " api_script, data) FROM vicidial_api_log WHERE user='6666'");
    expect_sql("4", "SELECT COUNT(*) FROM vicidial_api_log WHERE user='' AND result='ERROR'"
               " AND data=CONCAT('Coffee: ', function, '|Error 418 I''m a teapot')");
    expect_counters("6666", "0|0|0|||");
}
END_TEST

/* ---- the fallback ----------------------------------------------------- */

START_TEST(unknown_function_answers_no_function_specified_and_is_logged)
{
    expect_body("function=nosuch&" AUTHED, NO_FUNCTION);
    expect_api_log_rows(1);
    expect_sql("6666|nosuch|test",
               "SELECT CONCAT_WS('|', user, function, source) FROM vicidial_api_log");
}
END_TEST

START_TEST(delete_phone_is_not_a_function)
{
    expect_body("function=delete_phone&" AUTHED "&extension=cc100&server_ip=10.0.9.8", NO_FUNCTION);
    expect_api_log_rows(1);
    expect_sql("delete_phone", "SELECT function FROM vicidial_api_log");
}
END_TEST

START_TEST(missing_function_answers_no_function_specified)
{
    expect_body(AUTHED, NO_FUNCTION);
    expect_api_log_rows(1);
}
END_TEST

START_TEST(format_debug_appends_the_script_runtime_and_closing_tags)
{
    char *body = api_body("function=nosuch&format=debug&" AUTHED);
    regex_t re;

    ck_assert_int_eq(regcomp(&re,
                             "^ERROR: NO FUNCTION SPECIFIED\n\n<!-- script runtime: [0-9]+ seconds -->\n"
                             "</body>\n</html>\n$", REG_EXTENDED), 0);
    ck_assert_msg(regexec(&re, body, 0, NULL, 0) == 0, "debug body \"%s\"", shown(body));
    regfree(&re);
    free(body);
    /* format is filtered to letters and digits: de-bug is debug. */
    body = api_body("function=nosuch&format=de-bug&" AUTHED);
    ck_assert_msg(strncmp(body, NO_FUNCTION "\n<!-- script runtime: ", strlen(NO_FUNCTION) + 22) == 0,
                  "format=de-bug body \"%s\"", shown(body));
    free(body);
}
END_TEST

START_TEST(function_is_filtered_before_matching_so_add_ph_at_one_adds_a_phone)
{
    expect_add_phone("&function=add_ph%40one", ADD_PHONE_OK);
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM phones WHERE extension='55000'"
                               " AND server_ip='10.0.9.8'"), 1);
    expect_sql("add_phone", "SELECT function FROM vicidial_api_log");
}
END_TEST

/* ---- authentication --------------------------------------------------- */

/* Sets user 6666's login columns (an SQL SET list), logs in with the
 * right password, and checks what a successful login leaves: no failures,
 * last_ip the client's, last_login_date now. */
static void login_from(const char *set)
{
    testdb_exec(&scene->db, "UPDATE vicidial_users SET %s WHERE user='6666'", set);
    expect_body("function=nosuch&" AUTHED, NO_FUNCTION);
    expect_counters("6666", "0|0|0|||127.0.0.1");
    expect_login_date_now("6666");
}

START_TEST(plain_password_logs_in_and_resets_the_failure_counter)
{
    login_from("failed_login_count=3");
}
END_TEST

/* A login whose row already says "this second, this IP, no failures" is
 * not written again (users.c); any one of the three differing is. */
START_TEST(login_in_the_stamped_second_still_resets_the_failure_counter)
{
    login_from("failed_login_count=3, last_login_date=NOW(), last_ip='127.0.0.1'");
}
END_TEST

START_TEST(login_in_the_stamped_second_from_another_ip_records_the_ip)
{
    login_from("failed_login_count=0, last_login_date=NOW(), last_ip='127.0.0.10'");
}
END_TEST

START_TEST(wrong_password_is_bad_and_counts_one_failure)
{
    expect_add_phone("&pass=wrong", "ERROR: Login incorrect, please try again: |6666|wrong|BAD|\n");
    expect_counters("6666", "1|1|1|127.0.0.1|aBAD|");
    expect_login_date("6666", "2001-01-01 00:00:01");
    expect_api_log_rows(0);
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM phones WHERE extension='55000'"), 0);
}
END_TEST

START_TEST(no_user_and_no_pass_is_bad_with_empty_fields)
{
    expect_body("function=add_phone&source=test", "ERROR: Login incorrect, please try again: |||BAD|\n");
    expect_counters("6666", "0|0|0|||");
    expect_api_log_rows(0);
}
END_TEST

START_TEST(unknown_user_is_bad_and_counts_nothing_anywhere)
{
    expect_body("function=nosuch&user=nosuch&pass=1234&source=test",
                "ERROR: Login incorrect, please try again: |nosuch|1234|BAD|\n");
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vicidial_users WHERE failed_login_count <> 0"
                               " OR failed_login_attempts_today <> 0"
                               " OR failed_login_count_today <> 0 OR failed_last_type_today <> ''"
                               " OR failed_last_ip_today <> '' OR last_ip <> ''"), 0);
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vicidial_users WHERE user='nosuch'"), 0);
    expect_api_log_rows(0);
}
END_TEST

START_TEST(user_and_plain_password_match_case_insensitively_and_user_is_echoed_as_sent)
{
    add_user("lvl7", "pw7", 7);
    expect_add_phone("&user=LVL7&pass=PW7",
                     "ERROR: add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES: |LVL7|0\n");
    expect_counters("lvl7", "0|0|0|||127.0.0.1");
    expect_login_date_now("lvl7");
}
END_TEST

START_TEST(right_password_during_lockout_is_lock)
{
    testdb_exec(&scene->db, "UPDATE vicidial_users SET failed_login_count=10, last_login_date=NOW()"
                            " WHERE user='6666'");
    expect_add_phone("", "ERROR: Too many login attempts, try again in 15 minutes: |6666|LOCK|\n");
    expect_counters("6666", "10|1|0||aLOCK|");
    expect_api_log_rows(0);
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM phones WHERE extension='55000'"), 0);
}
END_TEST

/* The lockout's window is 900 s from last_login_date (docs/api.md): 10 s
 * either side of its edge.  The margin is for a loaded machine (the request
 * runs some time after the UPDATE); it still tells 900 from 890 or 910. */
#define LOCKED_FAILURES "UPDATE vicidial_users SET failed_login_count=10, last_login_date=NOW()" \
    " - INTERVAL %d SECOND WHERE user='6666'"
#define LOCK_ANSWER "ERROR: Too many login attempts, try again in 15 minutes: |6666|LOCK|\n"

/* Ten failures, the last seconds_ago: add_phone with extra appended is
 * answered answer and leaves counters (expect_counters). */
static void expect_lockout_edge(int seconds_ago, const char *extra, const char *answer,
                                const char *counters)
{
    testdb_exec(&scene->db, LOCKED_FAILURES, seconds_ago);
    expect_add_phone(extra, answer);
    expect_counters("6666", counters);
}

START_TEST(lockout_just_inside_900_seconds_refuses_the_right_password)
{
    expect_lockout_edge(890, "", LOCK_ANSWER, "10|1|0||aLOCK|");
}
END_TEST

START_TEST(lockout_just_inside_900_seconds_answers_a_wrong_password_lock)
{
    expect_lockout_edge(890, "&pass=wrong", LOCK_ANSWER, "10|1|0||aLOCK|");
}
END_TEST

START_TEST(lockout_just_past_900_seconds_lets_the_right_password_in)
{
    expect_lockout_edge(910, "", ADD_PHONE_OK, "0|0|0|||127.0.0.1");
}
END_TEST

START_TEST(lockout_just_past_900_seconds_counts_a_wrong_password_from_one)
{
    expect_lockout_edge(910, "&pass=wrong",
                        "ERROR: Login incorrect, please try again: |6666|wrong|BAD|\n",
                        "1|1|1|127.0.0.1|aBAD|");
}
END_TEST

START_TEST(expired_lockout_lets_the_right_password_in)
{
    testdb_exec(&scene->db, "UPDATE vicidial_users SET failed_login_count=10,"
                            " last_login_date=NOW() - INTERVAL 1000 SECOND WHERE user='6666'");
    expect_add_phone("", ADD_PHONE_OK);
    expect_counters("6666", "0|0|0|||127.0.0.1");
    expect_login_date_now("6666");
}
END_TEST

START_TEST(expired_lockout_wrong_password_is_bad_and_restarts_the_count_at_one)
{
    testdb_exec(&scene->db, "UPDATE vicidial_users SET failed_login_count=10,"
                            " last_login_date=NOW() - INTERVAL 1000 SECOND WHERE user='6666'");
    expect_add_phone("&pass=wrong", "ERROR: Login incorrect, please try again: |6666|wrong|BAD|\n");
    expect_counters("6666", "1|1|1|127.0.0.1|aBAD|");
    expect_login_date_now("6666");
}
END_TEST

START_TEST(ten_wrong_passwords_then_the_right_one_is_lock)
{
    /* A login first, so that last_login_date is recent: the lock runs for
     * 900 s from last_login_date (docs/rows.md, "Authentication"). */
    expect_body("function=nosuch&" AUTHED, NO_FUNCTION);
    for (int i = 1; i <= 10; i++) {
        char want[64];
        expect_body("function=nosuch&user=6666&pass=wrong&source=test",
                    "ERROR: Login incorrect, please try again: |6666|wrong|BAD|\n");
        snprintf(want, sizeof want, "%d|%d|%d|127.0.0.1|aBAD|127.0.0.1", i, i, i);
        expect_counters("6666", want);
    }
    expect_body("function=nosuch&" AUTHED,
                "ERROR: Too many login attempts, try again in 15 minutes: |6666|LOCK|\n");
    expect_counters("6666", "10|11|10|127.0.0.1|aLOCK|127.0.0.1");
    expect_api_log_rows(1);     /* the first, successful call only */
}
END_TEST

START_TEST(inactive_user_is_bad)
{
    testdb_exec(&scene->db, "UPDATE vicidial_users SET active='N' WHERE user='6666'");
    expect_add_phone("", "ERROR: Login incorrect, please try again: |6666|1234|BAD|\n");
    expect_counters("6666", "1|1|1|127.0.0.1|aBAD|");
    expect_api_log_rows(0);
}
END_TEST

START_TEST(level_6_user_is_bad)
{
    add_user("lvl6", "pw6", 6);
    expect_add_phone("&user=lvl6&pass=pw6", "ERROR: Login incorrect, please try again: |lvl6|pw6|BAD|\n");
    expect_counters("lvl6", "1|1|1|127.0.0.1|aBAD|");
    expect_api_log_rows(0);
}
END_TEST

START_TEST(level_7_user_logs_in_but_may_not_add_phones)
{
    add_user("lvl7", "pw7", 7);
    testdb_exec(&scene->db, "UPDATE vicidial_users SET failed_login_count=4 WHERE user='lvl7'");
    expect_add_phone("&user=lvl7&pass=pw7",
                     "ERROR: add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES: |lvl7|0\n");
    expect_counters("lvl7", "0|0|0|||127.0.0.1");
    expect_login_date_now("lvl7");
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM phones WHERE extension='55000'"), 0);
    expect_sql("lvl7|add_phone|ERROR|add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES|0",
               "SELECT CONCAT_WS('|', user, function, result, result_reason, data)"
               " FROM vicidial_api_log");
}
END_TEST

START_TEST(failed_logins_of_every_kind_write_no_api_log_row)
{
    expect_body("function=nosuch&user=6666&pass=wrong&source=test",
                "ERROR: Login incorrect, please try again: |6666|wrong|BAD|\n");
    expect_body("function=add_phone&user=nosuch&pass=x&source=test",
                "ERROR: Login incorrect, please try again: |nosuch|x|BAD|\n");
    testdb_exec(&scene->db, "UPDATE vicidial_users SET failed_login_count=10, last_login_date=NOW()"
                            " WHERE user='6666'");
    expect_body("function=nosuch&" AUTHED,
                "ERROR: Too many login attempts, try again in 15 minutes: |6666|LOCK|\n");
    expect_api_log_rows(0);
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vicidial_api_urls"), 0);
}
END_TEST

/* ---- password hashes (docs/schema.md) --------------------------------- */

static void enable_hashing(const char *key, int cost, const char *user_hash)
{
    testdb_exec(&scene->db, "UPDATE system_settings SET pass_hash_enabled='1', pass_key='%s',"
                            " pass_cost=%d", key, cost);
    testdb_exec(&scene->db, "UPDATE vicidial_users SET pass_hash='%s' WHERE user='6666'", user_hash);
}

START_TEST(hashed_password_at_cost_2_authenticates)
{
    enable_hashing("abcdefghijklmnop", 2, "eS4u5gmGXpClnVdPnfIBf8ZNPN.BGoe");
    expect_add_phone("&pass=test", ADD_PHONE_OK);
    expect_counters("6666", "0|0|0|||127.0.0.1");
}
END_TEST

START_TEST(hashed_password_at_cost_3_authenticates)
{
    enable_hashing("abcdefghijklmnop", 3, "D.QeTmV7pstOlHOuAEoTtQjEBKHGnqO");
    expect_add_phone("&pass=test", ADD_PHONE_OK);
}
END_TEST

START_TEST(hashed_password_at_cost_4_authenticates)
{
    enable_hashing("abcdefghijklmnop", 4, "aIygyiw.CDy0UIDiJab.qp9Xh97WmV2");
    expect_add_phone("&pass=test", ADD_PHONE_OK);
}
END_TEST

START_TEST(hashed_password_at_cost_10_authenticates)
{
    enable_hashing("abcdefghijklmnop", 10, "s2lGBPXDDRAhVL5SBkDnHN09f9y5jlW");
    expect_body("function=nosuch&user=6666&pass=test&source=test", NO_FUNCTION);
}
END_TEST

START_TEST(hashed_password_with_the_second_key_and_secret123_authenticates)
{
    enable_hashing("Xa9bC3dE5fG7hJ2k", 10, "Uqpq4Idza.xdxAHI8ohqz6f1pAMw12q");
    expect_add_phone("&pass=Secret123", ADD_PHONE_OK);
}
END_TEST

START_TEST(hash_compare_is_case_insensitive_like_the_column)
{
    enable_hashing("abcdefghijklmnop", 4, "aIygyiw.CDy0UIDiJab.qp9Xh97WmV2");
    testdb_exec(&scene->db, "UPDATE vicidial_users SET pass_hash=UPPER(pass_hash) WHERE user='6666'");
    expect_sql("AIYGYIW.CDY0UIDIJAB.QP9XH97WMV2", "SELECT pass_hash FROM vicidial_users WHERE user='6666'");
    expect_add_phone("&pass=test", ADD_PHONE_OK);
}
END_TEST

START_TEST(wrong_password_with_hashing_is_bad)
{
    enable_hashing("abcdefghijklmnop", 4, "aIygyiw.CDy0UIDiJab.qp9Xh97WmV2");
    expect_add_phone("&pass=Test", "ERROR: Login incorrect, please try again: |6666|Test|BAD|\n");
    expect_counters("6666", "1|1|1|127.0.0.1|aBAD|");
}
END_TEST

START_TEST(plaintext_pass_column_is_not_checked_when_hashing_is_on)
{
    enable_hashing("abcdefghijklmnop", 4, "aIygyiw.CDy0UIDiJab.qp9Xh97WmV2");
    expect_add_phone("", "ERROR: Login incorrect, please try again: |6666|1234|BAD|\n");
}
END_TEST

START_TEST(empty_password_with_hashing_is_bad_even_against_an_empty_pass_hash)
{
    enable_hashing("abcdefghijklmnop", 4, "aIygyiw.CDy0UIDiJab.qp9Xh97WmV2");
    expect_add_phone("&pass=", "ERROR: Login incorrect, please try again: |6666||BAD|\n");
    testdb_exec(&scene->db, "UPDATE vicidial_users SET pass_hash='' WHERE user='6666'");
    expect_add_phone("&pass=", "ERROR: Login incorrect, please try again: |6666||BAD|\n");
    expect_counters("6666", "2|2|2|127.0.0.1|aBAD|");
}
END_TEST

START_TEST(pass_key_of_15_characters_locks_out_users_with_an_empty_pass_hash)
{
    /* VICIdial hashes every password to '' here and lets this user in
     * (README "deliberately better" 5); nonagentd must refuse. */
    enable_hashing("abcdefghijklmno", 2, "");
    expect_add_phone("&pass=test", "ERROR: Login incorrect, please try again: |6666|test|BAD|\n");
    expect_add_phone("", "ERROR: Login incorrect, please try again: |6666|1234|BAD|\n");
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM phones WHERE extension='55000'"), 0);
    expect_api_log_rows(0);
}
END_TEST

/* ---- IP lists --------------------------------------------------------- */

#define IPBLOCK "ERROR: Your IP Address is not allowed: 127.0.0.1: ||IPBLOCK|\n"

static void api_ip_list(const char *entry)
{
    testdb_exec(&scene->db, "UPDATE system_settings SET allow_ip_lists='1'");
    testdb_exec(&scene->db, "INSERT INTO vicidial_ip_lists (ip_list_id, ip_list_name, active)"
                            " VALUES ('L1', 'API callers', 'Y')");
    testdb_exec(&scene->db, "UPDATE vicidial_user_groups SET api_ip_list='L1' WHERE user_group='ADMIN'");
    if (entry)
        testdb_exec(&scene->db, "INSERT INTO vicidial_ip_list_entries (ip_list_id, ip_address)"
                                " VALUES ('L1', '%s')", entry);
}

START_TEST(api_ip_list_without_a_matching_entry_is_ipblock)
{
    api_ip_list(NULL);
    testdb_exec(&scene->db, "INSERT INTO vicidial_ip_list_entries (ip_list_id, ip_address)"
                            " VALUES ('L1', '10.1.2.3'), ('OTHER', '127.0.0.1')");
    expect_add_phone("", IPBLOCK);
    expect_counters("6666", "0|1|0||aIPBLOCK|");
    expect_login_date("6666", "2001-01-01 00:00:01");
    expect_api_log_rows(0);
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM phones WHERE extension='55000'"), 0);
}
END_TEST

START_TEST(api_ip_list_with_the_exact_address_allows)
{
    api_ip_list("127.0.0.1");
    expect_add_phone("", ADD_PHONE_OK);
    expect_counters("6666", "0|0|0|||127.0.0.1");
}
END_TEST

START_TEST(api_ip_list_with_the_class_c_entry_allows)
{
    api_ip_list("127.0.0.x");
    expect_add_phone("", ADD_PHONE_OK);
}
END_TEST

START_TEST(system_ip_blacklist_with_the_address_is_ipblock)
{
    testdb_exec(&scene->db, "UPDATE system_settings SET allow_ip_lists='1', system_ip_blacklist='BL'");
    testdb_exec(&scene->db, "INSERT INTO vicidial_ip_lists (ip_list_id, ip_list_name, active)"
                            " VALUES ('BL', 'Blacklist', 'Y')");
    testdb_exec(&scene->db, "INSERT INTO vicidial_ip_list_entries (ip_list_id, ip_address)"
                            " VALUES ('BL', '127.0.0.1')");
    expect_add_phone("", IPBLOCK);
    expect_counters("6666", "0|1|0||aIPBLOCK|");
}
END_TEST

START_TEST(user_with_ignore_ip_list_skips_the_lists)
{
    api_ip_list(NULL);
    testdb_exec(&scene->db, "UPDATE vicidial_users SET ignore_ip_list='1' WHERE user='6666'");
    expect_add_phone("", ADD_PHONE_OK);
}
END_TEST

/* ---- two-factor authentication ---------------------------------------- */

static void two_factor_on(void)
{
    testdb_exec(&scene->db, "UPDATE system_settings SET two_factor_auth_hours=1,"
                            " two_factor_container='X'");
}

START_TEST(pending_two_factor_is_2fa_after_the_login_update)
{
    two_factor_on();
    expect_add_phone("", "ERROR: Login incorrect, please try again: |6666|1234|2FA|\n");
    /* user_authorization updates last_login before it checks 2FA. */
    expect_counters("6666", "0|0|0|||127.0.0.1");
    expect_login_date_now("6666");
    expect_api_log_rows(0);
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM phones WHERE extension='55000'"), 0);
}
END_TEST

START_TEST(expired_two_factor_row_is_still_2fa)
{
    two_factor_on();
    testdb_exec(&scene->db, "INSERT INTO vicidial_two_factor_auth (auth_date, auth_exp_date, user,"
                            " auth_stage) VALUES (NOW() - INTERVAL 2 HOUR, NOW() - INTERVAL 1 HOUR,"
                            " '6666', '1')");
    expect_add_phone("", "ERROR: Login incorrect, please try again: |6666|1234|2FA|\n");
}
END_TEST

START_TEST(valid_two_factor_row_allows)
{
    two_factor_on();
    testdb_exec(&scene->db, "INSERT INTO vicidial_two_factor_auth (auth_date, auth_exp_date, user,"
                            " auth_stage) VALUES (NOW(), NOW() + INTERVAL 1 HOUR, '6666', '1')");
    expect_add_phone("", ADD_PHONE_OK);
}
END_TEST

START_TEST(two_factor_override_disabled_allows)
{
    two_factor_on();
    testdb_exec(&scene->db, "UPDATE vicidial_users SET two_factor_override='DISABLED' WHERE user='6666'");
    expect_add_phone("", ADD_PHONE_OK);
}
END_TEST

/* ---- api_allowed_functions -------------------------------------------- */

START_TEST(function_missing_from_api_allowed_functions_is_refused_and_logged_with_empty_data)
{
    testdb_exec(&scene->db, "UPDATE vicidial_users SET api_allowed_functions=' update_phone '"
                            " WHERE user='6666'");
    expect_add_phone("", "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |6666|add_phone|\n");
    expect_api_log_rows(1);
    expect_sql("6666|add_phone|ERROR|auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION|",
               "SELECT CONCAT_WS('|', user, function, result, result_reason, data)"
               " FROM vicidial_api_log");
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM phones WHERE extension='55000'"), 0);
}
END_TEST

/* ---- routing and headers ---------------------------------------------- */

START_TEST(doubled_leading_slash_reaches_the_api)
{
    struct http_reply r;

    ck_assert_int_eq(http_get(scene->daemon.port, "/" API "?function=version", &r), 0);
    ck_assert_int_eq(r.status, 200);
    expect_version_line(r.body, "-5\\.00", "-5\\.00");
    http_reply_free(&r);
    ck_assert_int_eq(http_get(scene->daemon.port, "/" API "?function=nosuch&" AUTHED, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, NO_FUNCTION);
    http_reply_free(&r);
}
END_TEST

START_TEST(other_paths_are_404)
{
    static const char *const paths[] = {
        "/vicidial/other.php?function=version", "/", "/vicidial/non_agent_api.phpx?function=version",
        "/vicidial/?function=version",
    };

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct http_reply r;
        ck_assert_msg(http_get(scene->daemon.port, paths[i], &r) == 0, "no reply for %s", paths[i]);
        ck_assert_msg(r.status == 404, "%s: status %d, expected 404", paths[i], r.status);
        http_reply_free(&r);
    }
    expect_api_log_rows(0);
}
END_TEST

/* The number on a /metrics line starting with prefix (-1 when absent). */
static double metric(const char *page, const char *prefix)
{
    const char *p = page;
    size_t n = strlen(prefix);

    while (p && *p) {
        if (strncmp(p, prefix, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return -1;
}

START_TEST(metrics_count_requests_by_function_and_result_in_prometheus_text)
{
    struct http_reply r;
    double before_ok, before_err;

    ck_assert_int_eq(http_get(scene->daemon.port, "/metrics", &r), 0);
    ck_assert_int_eq(r.status, 200);
    before_ok = metric(r.body, "nonagentd_api_requests_total{function=\"add_phone\",result=\"SUCCESS\"}");
    before_err = metric(r.body, "nonagentd_api_requests_total{function=\"add_phone\",result=\"ERROR\"}");
    ck_assert_msg(before_ok >= 0 && before_err >= 0, "no add_phone counters in:\n%s", r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "# TYPE nonagentd_api_requests_total counter\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "# TYPE nonagentd_api_request_duration_seconds histogram\n"));
    http_reply_free(&r);

    expect_add_phone("&extension=met01&phone_login=met01",
                     "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|met01|10.0.9.8|SIP|55000\n");
    expect_add_phone("&extension=met01&phone_login=met02",
                     "ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: |6666|10.0.9.8|met01\n");

    ck_assert_int_eq(http_get(scene->daemon.port, "/metrics", &r), 0);
    ck_assert_double_eq(metric(r.body, "nonagentd_api_requests_total{function=\"add_phone\",result=\"SUCCESS\"}"),
                        before_ok + 1);
    ck_assert_double_eq(metric(r.body, "nonagentd_api_requests_total{function=\"add_phone\",result=\"ERROR\"}"),
                        before_err + 1);
    /* The histogram's +Inf bucket is its count; the pool holds connections. */
    ck_assert_double_eq(metric(r.body, "nonagentd_api_request_duration_seconds_bucket{le=\"+Inf\"}"),
                        metric(r.body, "nonagentd_api_request_duration_seconds_count"));
    ck_assert(metric(r.body, "nonagentd_db_connections_open") >= 1);
    ck_assert(metric(r.body, "nonagentd_db_statements_total") >= 1);
    ck_assert(metric(r.body, "nonagentd_http_responses_total{code=\"200\"}") >= 2);
    http_reply_free(&r);
}
END_TEST

START_TEST(healthz_is_200_while_the_database_answers)
{
    struct http_reply r;

    ck_assert_int_eq(http_get(scene->daemon.port, "/healthz", &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
}
END_TEST

static void expect_vicidial_headers(const struct http_reply *r, const char *what)
{
    static const char *const want[][2] = {
        { "Content-type", "text/html; charset=utf-8" },
        { "Cache-Control", "no-cache, must-revalidate" },
        { "Pragma", "no-cache" },
    };

    for (size_t i = 0; i < 3; i++) {
        char *v = http_header(r, want[i][0]);
        ck_assert_msg(v && strcmp(v, want[i][1]) == 0, "%s: %s is \"%s\", expected \"%s\"\n%s",
                      what, want[i][0], v ? v : "(missing)", want[i][1], r->head);
        free(v);
    }
}

START_TEST(every_api_answer_has_vicidials_headers)
{
    static const char *const queries[] = {
        "function=version",
        "function=coffee",
        "function=nosuch&" AUTHED,
        "function=nosuch&user=6666&pass=wrong",
        "function=add_phone&" AUTHED,
        "source=test&function=add_phone&user=6666&pass=1234&extension=55000"
        "&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test"
        "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"
        "&phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212",
    };
    struct http_reply r;

    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        r = api_get(queries[i]);
        expect_vicidial_headers(&r, queries[i]);
        http_reply_free(&r);
    }
    r = api_post(NULL, "function=nosuch&" AUTHED);
    ck_assert_str_eq(r.body, NO_FUNCTION);
    expect_vicidial_headers(&r, "POST");
    http_reply_free(&r);
}
END_TEST

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(request_line_of_100_kb_is_refused_quickly_and_the_daemon_keeps_serving)
{
    size_t pad = 100 * 1024;
    size_t cap = pad + 256;
    char *req = malloc(cap);
    struct http_reply r;
    int n;
    double t0;

    n = snprintf(req, cap, "GET " API "?function=version&x=");
    memset(req + n, 'A', pad);
    n += (int)pad;
    n += snprintf(req + n, cap - (size_t)n, " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    t0 = now_s();
    http_raw(scene->daemon.port, req, (size_t)n, &r);
    ck_assert_msg(now_s() - t0 < 5.0, "the oversized request took %.1f s", now_s() - t0);
    ck_assert_msg(r.status == 413 || r.status == 414 || r.status == 431,
                  "status %d for a 100 KB request line, expected 414, 413 or 431", r.status);
    http_reply_free(&r);
    free(req);
    expect_api_log_rows(0);

    r = api_get("function=version");
    ck_assert_int_eq(r.status, 200);
    expect_version_line(r.body, "-5\\.00", "-5\\.00");
    http_reply_free(&r);
}
END_TEST

START_TEST(urlencoded_post_body_of_2_mb_is_413)
{
    size_t pad = 2 * 1024 * 1024;
    char *body = malloc(pad + 64);
    struct http_reply r;
    double t0;
    int n = snprintf(body, 64, "function=nosuch&" AUTHED "&x=");

    memset(body + n, 'B', pad);
    body[(size_t)n + pad] = '\0';
    t0 = now_s();
    ck_assert_int_eq(http_post(scene->daemon.port, API, URLENCODED, body, &r), 0);
    ck_assert_msg(now_s() - t0 < 10.0, "the 2 MB POST took %.1f s", now_s() - t0);
    ck_assert_int_eq(r.status, 413);
    http_reply_free(&r);
    free(body);
    expect_api_log_rows(0);

    r = api_get("function=nosuch&" AUTHED);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, NO_FUNCTION);
    http_reply_free(&r);
}
END_TEST

/* ---- api log rows ----------------------------------------------------- */

/* apiPAGE for this daemon: the Host header is "localhost" (httpc.c). */
static void api_page(char *out, size_t cap)
{
    snprintf(out, cap, "http://localhost:%u" API, scene->daemon.port);
}

static void expect_logged_url(const char *want_query, const char *want_value)
{
    char page[256], want[8192];

    api_page(page, sizeof page);
    snprintf(want, sizeof want, "%s?%s", page, want_query);
    expect_api_log_rows(1);
    expect_sql(want, "SELECT url FROM vicidial_api_urls");
    expect_sql("127.0.0.1", "SELECT remote_ip FROM vicidial_api_urls");
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vicidial_api_urls u JOIN vicidial_api_log l"
                               " ON l.api_id = u.api_id"), 1);
    expect_sql(want_value, "SELECT value FROM vicidial_api_log");
}

START_TEST(get_only_request_logs_the_raw_query_string_and_an_empty_value)
{
    expect_body("function=nosuch&" AUTHED "&note=a%2Bb+c%zz", NO_FUNCTION);
    expect_logged_url("function=nosuch&" AUTHED "&note=a%2Bb+c%zz", "");
}
END_TEST

START_TEST(post_only_request_logs_its_data_twice_and_the_last_post_value)
{
    struct http_reply r = api_post(NULL, "function=nosuch&" AUTHED "&note=x%2Cy");

    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, NO_FUNCTION);
    http_reply_free(&r);
    expect_logged_url("function=nosuch&" AUTHED "&note=x,y&GET-AND-POST=Y&"
                      "function=nosuch&" AUTHED "&note=x,y", "x,y");
}
END_TEST

START_TEST(get_and_post_request_logs_query_then_post_and_the_last_post_value)
{
    struct http_reply r = api_post("function=nosuch&source=test", "user=6666&pass=1234&note=last%21");

    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, NO_FUNCTION);
    http_reply_free(&r);
    expect_logged_url("function=nosuch&source=test&GET-AND-POST=Y&user=6666&pass=1234&note=last!",
                      "last!");
}
END_TEST

START_TEST(webserver_and_url_rows_are_found_again_not_duplicated)
{
    char host[256] = "", page[256], *ws, *url;

    gethostname(host, sizeof host - 1);
    api_page(page, sizeof page);
    expect_body("function=nosuch&" AUTHED, NO_FUNCTION);
    free(api_body("function=version"));
    expect_body("function=nosuch&" AUTHED, NO_FUNCTION);

    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vicidial_webservers"), 1);
    expect_sql("localhost", "SELECT webserver FROM vicidial_webservers");
    expect_sql(host, "SELECT hostname FROM vicidial_webservers");
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vicidial_urls"), 1);
    expect_sql(page, "SELECT url FROM vicidial_urls");

    ws = sql_value("SELECT webserver_id FROM vicidial_webservers");
    url = sql_value("SELECT url_id FROM vicidial_urls");
    ck_assert_ptr_nonnull(ws);
    ck_assert_ptr_nonnull(url);
    ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vicidial_api_log WHERE webserver=%s"
                               " AND api_url=%s AND api_script='non-agent'", ws, url), 3);
    free(ws);
    free(url);
}
END_TEST

/* apiPAGE as VICIdial builds it: https when SERVER_PORT's digits contain
 * "443" anywhere (its own pattern test), the port left out for 80 and 443. */
START_TEST(api_page_scheme_and_port_follow_the_host_header_as_vicidial_decides)
{
    static const struct {
        const char *host, *page;
    } cases[] = {
        { "pbx.example:8443", "https://pbx.example:8443" API },
        { "pbx.example:443", "https://pbx.example" API },
        { "pbx.example:24436", "https://pbx.example:24436" API },
        { "pbx.example:80", "http://pbx.example" API },
        { "pbx.example:8080", "http://pbx.example:8080" API },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char req[512];
        struct http_reply r;
        int n = snprintf(req, sizeof req,
                         "GET " API "?function=nosuch&" AUTHED " HTTP/1.1\r\nHost: %s\r\n"
                         "Connection: close\r\n\r\n", cases[i].host);

        ck_assert_int_eq(http_raw(scene->daemon.port, req, (size_t)n, &r), 0);
        ck_assert_str_eq(r.body, NO_FUNCTION);
        http_reply_free(&r);
        expect_sql(cases[i].page, "SELECT u.url FROM vicidial_api_log l"
                   " JOIN vicidial_urls u ON u.url_id = l.api_url ORDER BY l.api_id DESC LIMIT 1");
    }
}
END_TEST

/* ---- the daemon's request log ----------------------------------------- */

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

START_TEST(daemon_log_has_one_line_per_request_and_never_the_password)
{
    char *before, *after = NULL, *added;
    size_t start;
    struct http_reply r;
    char *body;

    /* Health probes are not counted (a successful one may go unlogged),
     * but a password sent to one must not be logged either. */
    ck_assert_int_eq(http_get(scene->daemon.port, "/healthz?pass=SeCrEtXyZ", &r), 0);
    http_reply_free(&r);
    before = daemon_log(&scene->daemon);
    start = before ? strlen(before) : 0;
    free(before);
    body = api_body("function=version&user=6666&pass=SeCrEtXyZ");
    free(body);
    body = api_body("function=add_phone&user=6666&pass=SeCrEtXyZ&source=test");
    /* The API itself echoes a failed password (docs/api.md): the log must not. */
    ck_assert_str_eq(body, "ERROR: Login incorrect, please try again: |6666|SeCrEtXyZ|BAD|\n");
    free(body);
    r = api_post(NULL, "function=nosuch&user=6666&pass=SeCrEtXyZ&source=test");
    http_reply_free(&r);
    r = api_post("pass=SeCrEtXyZ", "function=nosuch&user=6666&source=test");
    http_reply_free(&r);

    /* The line is written before the answer goes out; allow a moment. */
    for (int i = 0; i < 20; i++) {
        free(after);
        after = daemon_log(&scene->daemon);
        if (after && strlen(after) >= start && count_lines(after + start) >= 4)
            break;
        usleep(50 * 1000);
    }
    ck_assert_ptr_nonnull(after);
    added = after + start;
    ck_assert_msg(count_lines(added) == 4, "4 API requests wrote %zu log lines:\n%s",
                  count_lines(added), added);
    ck_assert_msg(strstr(after, "SeCrEtXyZ") == NULL, "the password is in the daemon log:\n%s", added);
    ck_assert_msg(strstr(added, "version") != NULL, "no function in the log:\n%s", added);
    ck_assert_msg(strstr(added, "add_phone") != NULL, "no function in the log:\n%s", added);
    for (char *line = added; *line;) {
        char *end = strchr(line, '\n');
        ck_assert_msg(strstr(line, "127.0.0.1") != NULL && strstr(line, "127.0.0.1") < end,
                      "a log line without the client address:\n%s", added);
        line = end + 1;
    }
    free(after);
}
END_TEST

/* ---- the suite -------------------------------------------------------- */

static Suite *preamble_suite(void)
{
    Suite *s = suite_create("preamble");
    TCase *tc;

    tc = fixture_add_case(s, "version", 120);
    tcase_add_test(tc, version_answers_the_exact_line_without_user_or_pass);
    tcase_add_test(tc, version_is_logged_as_success_and_counts_no_failed_login);
    tcase_add_test(tc, version_with_no_active_server_has_empty_tz_and_tznow_0);
    tcase_add_test(tc, without_a_settings_row_version_and_add_phone_still_answer);

    tc = fixture_add_case(s, "coffee", 120);
    tcase_add_test(tc, coffee_functions_answer_418_teapot_without_newline_and_log_an_error_row);

    tc = fixture_add_case(s, "fallback", 120);
    tcase_add_test(tc, unknown_function_answers_no_function_specified_and_is_logged);
    tcase_add_test(tc, delete_phone_is_not_a_function);
    tcase_add_test(tc, missing_function_answers_no_function_specified);
    tcase_add_test(tc, format_debug_appends_the_script_runtime_and_closing_tags);
    tcase_add_test(tc, function_is_filtered_before_matching_so_add_ph_at_one_adds_a_phone);

    tc = fixture_add_case(s, "authentication", 120);
    tcase_add_test(tc, plain_password_logs_in_and_resets_the_failure_counter);
    tcase_add_test(tc, login_in_the_stamped_second_still_resets_the_failure_counter);
    tcase_add_test(tc, login_in_the_stamped_second_from_another_ip_records_the_ip);
    tcase_add_test(tc, wrong_password_is_bad_and_counts_one_failure);
    tcase_add_test(tc, no_user_and_no_pass_is_bad_with_empty_fields);
    tcase_add_test(tc, unknown_user_is_bad_and_counts_nothing_anywhere);
    tcase_add_test(tc, user_and_plain_password_match_case_insensitively_and_user_is_echoed_as_sent);
    tcase_add_test(tc, right_password_during_lockout_is_lock);
    tcase_add_test(tc, expired_lockout_lets_the_right_password_in);
    tcase_add_test(tc, lockout_just_inside_900_seconds_refuses_the_right_password);
    tcase_add_test(tc, lockout_just_inside_900_seconds_answers_a_wrong_password_lock);
    tcase_add_test(tc, lockout_just_past_900_seconds_lets_the_right_password_in);
    tcase_add_test(tc, lockout_just_past_900_seconds_counts_a_wrong_password_from_one);
    tcase_add_test(tc, expired_lockout_wrong_password_is_bad_and_restarts_the_count_at_one);
    tcase_add_test(tc, ten_wrong_passwords_then_the_right_one_is_lock);
    tcase_add_test(tc, inactive_user_is_bad);
    tcase_add_test(tc, level_6_user_is_bad);
    tcase_add_test(tc, level_7_user_logs_in_but_may_not_add_phones);
    tcase_add_test(tc, failed_logins_of_every_kind_write_no_api_log_row);

    tc = fixture_add_case(s, "password_hashes", 120);
    tcase_add_test(tc, hashed_password_at_cost_2_authenticates);
    tcase_add_test(tc, hashed_password_at_cost_3_authenticates);
    tcase_add_test(tc, hashed_password_at_cost_4_authenticates);
    tcase_add_test(tc, hashed_password_at_cost_10_authenticates);
    tcase_add_test(tc, hashed_password_with_the_second_key_and_secret123_authenticates);
    tcase_add_test(tc, hash_compare_is_case_insensitive_like_the_column);
    tcase_add_test(tc, wrong_password_with_hashing_is_bad);
    tcase_add_test(tc, plaintext_pass_column_is_not_checked_when_hashing_is_on);
    tcase_add_test(tc, empty_password_with_hashing_is_bad_even_against_an_empty_pass_hash);
    tcase_add_test(tc, pass_key_of_15_characters_locks_out_users_with_an_empty_pass_hash);

    tc = fixture_add_case(s, "ip_lists", 120);
    tcase_add_test(tc, api_ip_list_without_a_matching_entry_is_ipblock);
    tcase_add_test(tc, api_ip_list_with_the_exact_address_allows);
    tcase_add_test(tc, api_ip_list_with_the_class_c_entry_allows);
    tcase_add_test(tc, system_ip_blacklist_with_the_address_is_ipblock);
    tcase_add_test(tc, user_with_ignore_ip_list_skips_the_lists);

    tc = fixture_add_case(s, "two_factor", 120);
    tcase_add_test(tc, pending_two_factor_is_2fa_after_the_login_update);
    tcase_add_test(tc, expired_two_factor_row_is_still_2fa);
    tcase_add_test(tc, valid_two_factor_row_allows);
    tcase_add_test(tc, two_factor_override_disabled_allows);

    tc = fixture_add_case(s, "allowed_functions", 120);
    tcase_add_test(tc, function_missing_from_api_allowed_functions_is_refused_and_logged_with_empty_data);

    tc = fixture_add_case(s, "routing_and_headers", 120);
    tcase_add_test(tc, doubled_leading_slash_reaches_the_api);
    tcase_add_test(tc, other_paths_are_404);
    tcase_add_test(tc, healthz_is_200_while_the_database_answers);
    tcase_add_test(tc, metrics_count_requests_by_function_and_result_in_prometheus_text);
    tcase_add_test(tc, every_api_answer_has_vicidials_headers);
    tcase_add_test(tc, request_line_of_100_kb_is_refused_quickly_and_the_daemon_keeps_serving);
    tcase_add_test(tc, urlencoded_post_body_of_2_mb_is_413);

    tc = fixture_add_case(s, "api_log", 120);
    tcase_add_test(tc, get_only_request_logs_the_raw_query_string_and_an_empty_value);
    tcase_add_test(tc, post_only_request_logs_its_data_twice_and_the_last_post_value);
    tcase_add_test(tc, get_and_post_request_logs_query_then_post_and_the_last_post_value);
    tcase_add_test(tc, webserver_and_url_rows_are_found_again_not_duplicated);
    tcase_add_test(tc, api_page_scheme_and_port_follow_the_host_header_as_vicidial_decides);

    tc = fixture_add_case(s, "request_log", 120);
    tcase_add_test(tc, daemon_log_has_one_line_per_request_and_never_the_password);
    return s;
}

int main(void)
{
    /* The daemon inherits the zone: DATE is then UTC and DST 0. */
    setenv("TZ", "UTC", 1);
    tzset();
    return fixture_run_all("t_preamble", preamble_suite) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
