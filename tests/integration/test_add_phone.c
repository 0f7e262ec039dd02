/*
 * test_add_phone.c - function=add_phone as docs/api.md and docs/rows.md
 * describe it (and docs/differences.md), end to end: a request over
 * HTTP to the running daemon, the exact bytes of the answer (every line
 * ends in '\n'), and the rows it leaves behind in phones, servers,
 * vicidial_admin_log, vicidial_api_log and vicidial_api_urls.
 *
 * Every test runs in both scenes of fixture.h (InnoDB strict sql_mode and
 * MyISAM sql_mode=''), each test from a fresh copy of schema/vicidial.sql
 * plus schema/demo.sql (API user 6666/1234, servers 10.0.9.8 and
 * 192.168.198.5, template SIPdefault, user group AGENTS).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixture.h"

/* VICIdial's documented example on demo server 1 (the same request as
 * fixture.c's api_add_phone seed); "&k=v" appended overrides a field,
 * because the last duplicate wins. */
#define SEED                                                                     \
    "source=test&function=add_phone&user=6666&pass=1234&extension=55000"         \
    "&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test" \
    "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"                \
    "&phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212"
#define SEED_OK "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|10.0.9.8|SIP|55000\n"

/* The statement text VICIdial logs for SEED (docs/rows.md, the admin log row). */
#define SEED_SQL_HEAD                                                              \
    "INSERT INTO phones SET  extension='55000', dialplan_number='55000',"          \
    " voicemail_id='55000', login='55000', pass='test', server_ip='10.0.9.8',"     \
    " protocol='SIP', conf_secret='test', fullname='Extension 55000',"             \
    " local_gmt='-5.00', outbound_cid='7275551212', phone_context='default',"      \
    " email='', active='Y', status='ACTIVE', "

/* ------------------------------------------------------------------ */
/* helpers                                                              */
/* ------------------------------------------------------------------ */

/* One column of the phone (extension, server_ip). */
static void expect_phone(const char *extension, const char *server_ip, const char *column,
                         const char *expected)
{
    test_expect_db(expected, "SELECT %s FROM phones WHERE extension='%s' AND server_ip='%s'", column,
              extension, server_ip);
}

static long phone_rows(const char *extension, const char *server_ip)
{
    return test_db_count("SELECT count(*) FROM phones WHERE extension='%s' AND server_ip='%s'", extension,
               server_ip);
}

/* GET the API with query; asserts status 200 and returns the body. */
static char *get_body(const char *query)
{
    struct http_reply r = api_get(query);
    char *body;

    ck_assert_msg(r.status == 200, "[%s] GET ?%s\n  expected status 200, got %d (body \"%s\")",
                  scene->label, query, r.status, test_visible(r.body ? r.body : ""));
    body = malloc(r.body_len + 1);
    memcpy(body, r.body, r.body_len + 1);
    ck_assert_msg(strlen(body) == r.body_len, "[%s] GET ?%s: body holds a NUL byte",
                  scene->label, query);
    http_reply_free(&r);
    return body;
}

static void expect_body(const char *query, const char *body, const char *expected)
{
    ck_assert_msg(strcmp(body, expected) == 0,
                  "[%s] GET ?%s\n  expected \"%s\"\n  actual   \"%s\"", scene->label, query,
                  test_visible(expected), test_visible(body));
}

/* The tables an add_phone can write, as counts, and the servers' flags. */
struct state {
    long phones, admin, api, urls;
    char *servers;
};

static void state_read(struct state *s)
{
    s->phones = test_db_count("SELECT count(*) FROM phones");
    s->admin = test_db_count("SELECT count(*) FROM vicidial_admin_log");
    s->api = test_db_count("SELECT count(*) FROM vicidial_api_log");
    s->urls = test_db_count("SELECT count(*) FROM vicidial_api_urls");
    s->servers = test_db_value("SELECT GROUP_CONCAT(server_ip, ':', rebuild_conf_files ORDER BY server_ip)"
                     " FROM servers");
}

/* The newest vicidial_api_log row's column. */
static void expect_api_log(const char *column, const char *expected)
{
    test_expect_db(expected, "SELECT %s FROM vicidial_api_log ORDER BY api_id DESC LIMIT 1", column);
}

/* What an error line logs as data: everything after "|<user>|". */
static char *data_of_line(const char *line)
{
    const char *p = strchr(line, '|');
    ck_assert_ptr_nonnull(p);
    p = strchr(p + 1, '|');
    ck_assert_ptr_nonnull(p);
    p++;
    return strndup(p, strcspn(p, "\n"));
}

/*
 * An error path: the exact body, then "only its api_log row": phones, the
 * admin log and the servers' flags unchanged, one vicidial_api_log row
 * (result ERROR, the reason without "ERROR: ", logged_data or, when NULL,
 * the data as printed) and its vicidial_api_urls row.
 */
static void expect_error_as(const char *query, const char *expected, const char *function,
                            const char *reason, const char *logged_data)
{
    struct state before, after;
    char *body;

    state_read(&before);
    body = get_body(query);
    expect_body(query, body, expected);
    state_read(&after);
    ck_assert_msg(after.phones == before.phones, "[%s] ?%s changed phones (%ld -> %ld rows)",
                  scene->label, query, before.phones, after.phones);
    ck_assert_msg(after.admin == before.admin, "[%s] ?%s wrote vicidial_admin_log", scene->label,
                  query);
    ck_assert_msg(strcmp(after.servers, before.servers) == 0,
                  "[%s] ?%s changed servers.rebuild_conf_files (%s -> %s)", scene->label, query,
                  before.servers, after.servers);
    ck_assert_msg(after.api == before.api + 1, "[%s] ?%s: %ld vicidial_api_log rows, want %ld",
                  scene->label, query, after.api, before.api + 1);
    ck_assert_msg(after.urls == before.urls + 1, "[%s] ?%s: %ld vicidial_api_urls rows, want %ld",
                  scene->label, query, after.urls, before.urls + 1);
    expect_api_log("function", function);
    expect_api_log("result", "ERROR");
    expect_api_log("result_reason", reason);
    expect_api_log("data", logged_data ? logged_data : data_of_line(expected));
    expect_api_log("api_script", "non-agent");
    expect_api_log("value", "");
    free(body);
}

/* "ERROR: <reason>: |6666|<data>\n" from add_phone, and only its log row. */
static void expect_error(const char *query, const char *reason, const char *data)
{
    char *expected = test_printf("ERROR: %s: |6666|%s\n", reason, data);
    expect_error_as(query, expected, "add_phone", reason, NULL);
    free(expected);
}

/* A SUCCESS: the exact body, the row, one admin log row, one api log row. */
static void expect_success(const char *query, const char *expected, const char *extension,
                           const char *server_ip)
{
    struct state before, after;
    char *body;

    state_read(&before);
    body = get_body(query);
    expect_body(query, body, expected);
    state_read(&after);
    ck_assert_msg(phone_rows(extension, server_ip) == 1,
                  "[%s] ?%s answered SUCCESS but phones has %ld rows for (%s, %s)",
                  scene->label, query, phone_rows(extension, server_ip), extension, server_ip);
    ck_assert_msg(after.phones == before.phones + 1, "[%s] ?%s: phones %ld -> %ld rows",
                  scene->label, query, before.phones, after.phones);
    ck_assert_msg(after.admin == before.admin + 1, "[%s] ?%s: admin log %ld -> %ld rows",
                  scene->label, query, before.admin, after.admin);
    ck_assert_msg(after.api == before.api + 1, "[%s] ?%s: api log %ld -> %ld rows", scene->label,
                  query, before.api, after.api);
    expect_api_log("result", "SUCCESS");
    free(body);
}

/* SEED with extension/login ext on server 10.0.9.8 plus extra, expected SUCCESS. */
static void add_ok(const char *ext, const char *extra)
{
    char *q = test_printf(SEED "&extension=%s&phone_login=%s%s", ext, ext, extra);
    char *want = test_printf("SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|%s|10.0.9.8|SIP|55000\n", ext);
    expect_success(q, want, ext, "10.0.9.8");
    free(q);
    free(want);
}

/* The newest admin log row's event_sql. */
static void expect_event_sql(const char *expected)
{
    test_expect_db(expected,
              "SELECT event_sql FROM vicidial_admin_log ORDER BY admin_log_id DESC LIMIT 1");
}

/* A user who authenticates; rights as given. */
static void add_user(const char *user, const char *pass, int level, const char *admin_access,
                     const char *api_access, const char *allowed)
{
    testdb_exec(&scene->db,
                "INSERT INTO vicidial_users (user, pass, full_name, user_level, user_group,"
                " active, ast_admin_access, ast_delete_phones, vdc_agent_api_access,"
                " modify_phones, api_allowed_functions)"
                " VALUES ('%s', '%s', 'Test user', %d, 'ADMIN', 'Y', '%s', '1', '%s', '1', '%s')",
                user, pass, level, admin_access, api_access, allowed);
}

/* The snapshot restore leaves triggers alone: a test that failed before
 * dropping its trigger must not break the tests after it. */
#define FAIL_TRIGGER "nonagentd_test_refuse_phone"

static void drop_test_trigger(void)
{
    testdb_exec(&scene->db, "DROP TRIGGER IF EXISTS " FAIL_TRIGGER);
}

static void no_teardown(void)
{
}

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
    tcase_add_checked_fixture(tc, drop_test_trigger, no_teardown);
    tcase_set_timeout(tc, 240);
    return tc;
}

/* ------------------------------------------------------------------ */
/* the issue's seed                                                     */
/* ------------------------------------------------------------------ */

#define ISSUE_QUERY                                                                      \
    "source=test&function=add_phone&user=6666&pass=1234&extension=55000"                 \
    "&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test"         \
    "&server_ip=192.168.198.5&protocol=SIP&registration_password=test"                   \
    "&phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212"

START_TEST(test_issue_seed_adds_once_then_reports_already_exists)
{
    expect_success(ISSUE_QUERY,
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|192.168.198.5|SIP|55000\n",
                   "55000", "192.168.198.5");
    expect_error(ISSUE_QUERY, "add_phone PHONE ALREADY EXISTS ON THIS SERVER",
                 "192.168.198.5|55000");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones WHERE extension='55000'"), 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* every verified response line (docs/api.md, "add_phone")             */
/* ------------------------------------------------------------------ */

START_TEST(test_source_shorter_than_two_bytes_answers_two_invalid_source_lines)
{
    expect_error_as(SEED "&source=a", "ERROR: Invalid Source - a\nERROR: Invalid Source: |a|\n",
                    "add_phone", "Invalid Source", "");
    expect_api_log("source", "a");
    /* filtered first: 'a-' is 'a' */
    expect_error_as(SEED "&source=a-", "ERROR: Invalid Source - a\nERROR: Invalid Source: |a|\n",
                    "add_phone", "Invalid Source", "");
    /* missing source */
    expect_error_as("function=add_phone&user=6666&pass=1234&extension=55000",
                    "ERROR: Invalid Source - \nERROR: Invalid Source: ||\n", "add_phone",
                    "Invalid Source", "");
}
END_TEST

START_TEST(test_user_not_allowed_add_phone_gets_permission_to_use_function_error)
{
    /* ' add_phone_alias ' does not contain ' add_phone ' */
    add_user("onlyphone", "pw", 9, "1", "1", " add_phone_alias ");
    expect_error_as(SEED "&user=onlyphone&pass=pw",
                    "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: "
                    "|onlyphone|add_phone|\n",
                    "add_phone", "auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION", "");
    expect_api_log("user", "onlyphone");
    /* ALL_FUNCTIONS is case-sensitive */
    add_user("lowerall", "pw", 9, "1", "1", " all_functions ");
    expect_error_as(SEED "&user=lowerall&pass=pw",
                    "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: "
                    "|lowerall|add_phone|\n",
                    "add_phone", "auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION", "");
}
END_TEST

START_TEST(test_user_allowed_add_phone_alone_may_add_phones)
{
    add_user("onlyadd", "pw", 9, "1", "1", " add_phone ");
    expect_success(SEED "&user=onlyadd&pass=pw",
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - onlyadd|55000|10.0.9.8|SIP|55000\n",
                   "55000", "10.0.9.8");
}
END_TEST

/* The 2.5 line itself comes from add_phone_alias (section 3: the siblings
 * start with the same source and allowed-functions checks). */
START_TEST(test_add_phone_alias_denied_to_user_allowed_only_add_phone)
{
    add_user("onlyphone", "pw", 9, "1", "1", " add_phone ");
    expect_error_as("source=test&function=add_phone_alias&user=onlyphone&pass=pw"
                    "&alias_id=al1&phone_logins=55000&alias_name=Alias",
                    "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: "
                    "|onlyphone|add_phone_alias|\n",
                    "add_phone_alias", "auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION",
                    "");
}
END_TEST

START_TEST(test_level_7_user_gets_no_permission_to_add_phones)
{
    add_user("lvl7", "pw7", 7, "1", "1", " ALL_FUNCTIONS ");
    expect_error_as(SEED "&user=lvl7&pass=pw7",
                    "ERROR: add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES: |lvl7|0\n",
                    "add_phone", "add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES", "0");
    expect_api_log("user", "lvl7");
    /* the login is case-insensitive; the user is echoed as sent */
    expect_error_as(SEED "&user=LVL7&pass=PW7",
                    "ERROR: add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES: |LVL7|0\n",
                    "add_phone", "add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES", "0");
    /* level 7 authenticated: its failed-login counter was reset */
    test_expect_db("0", "SELECT failed_login_count FROM vicidial_users WHERE user='lvl7'");
}
END_TEST

START_TEST(test_permission_needs_ast_admin_access_and_api_access)
{
    add_user("noadmin", "pw", 9, "0", "1", " ALL_FUNCTIONS ");
    add_user("noapi", "pw", 9, "1", "0", " ALL_FUNCTIONS ");
    add_user("lvl8", "pw", 8, "1", "1", " ALL_FUNCTIONS ");
    expect_error_as(SEED "&user=noadmin&pass=pw",
                    "ERROR: add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES: |noadmin|0\n",
                    "add_phone", "add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES", "0");
    expect_error_as(SEED "&user=noapi&pass=pw",
                    "ERROR: add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES: |noapi|0\n",
                    "add_phone", "add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES", "0");
    expect_success(SEED "&user=lvl8&pass=pw",
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - lvl8|55000|10.0.9.8|SIP|55000\n",
                   "55000", "10.0.9.8");
}
END_TEST

START_TEST(test_one_char_dialplan_number_is_a_missing_required_field)
{
    expect_error(SEED "&dialplan_number=5&phone_full_name=Ext",
                 "add_phone YOU MUST USE ALL REQUIRED FIELDS",
                 "55000|5|55000|55000|test|10.0.9.8|SIP|test|Ext|-5.00|7275551212");
}
END_TEST

START_TEST(test_lowercase_protocol_is_a_missing_required_field)
{
    expect_error(SEED "&protocol=sip&phone_full_name=Ext",
                 "add_phone YOU MUST USE ALL REQUIRED FIELDS",
                 "55000|55000|55000|55000|test|10.0.9.8|sip|test|Ext|-5.00|7275551212");
}
END_TEST

START_TEST(test_pjsip_protocol_is_a_missing_required_field)
{
    expect_error(SEED "&protocol=PJSIP", "add_phone YOU MUST USE ALL REQUIRED FIELDS",
                 "55000|55000|55000|55000|test|10.0.9.8|PJSIP|test|Extension 55000|-5.00|"
                 "7275551212");
}
END_TEST

START_TEST(test_protocol_s_i_p_filters_to_sip_and_passes)
{
    expect_success(SEED "&protocol=S-I-P", SEED_OK, "55000", "10.0.9.8");
    expect_phone("55000", "10.0.9.8", "protocol", "SIP");
}
END_TEST

START_TEST(test_other_protocols_iax2_zap_external_are_accepted)
{
    const char *protocols[] = { "IAX2", "Zap", "EXTERNAL" };
    for (int i = 0; i < 3; i++) {
        char *q = test_printf(SEED "&extension=7%d00&phone_login=p7%d00&protocol=%s", i, i, protocols[i]);
        char *want = test_printf("SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|7%d00|10.0.9.8|%s|55000\n",
                         i, protocols[i]);
        char *ext = test_printf("7%d00", i);
        expect_success(q, want, ext, "10.0.9.8");
        expect_phone(ext, "10.0.9.8", "protocol", protocols[i]);
    }
}
END_TEST

START_TEST(test_no_fields_at_all_gives_eleven_empty_required_fields)
{
    expect_error("source=test&function=add_phone&user=6666&pass=1234",
                 "add_phone YOU MUST USE ALL REQUIRED FIELDS", "||||||||||");
}
END_TEST

START_TEST(test_only_extension_gives_required_fields_with_extension_echoed)
{
    expect_error("source=test&function=add_phone&user=6666&pass=1234&extension=1000",
                 "add_phone YOU MUST USE ALL REQUIRED FIELDS", "1000||||||||||");
    /* VICIdial logs this request with data '1||||||||||' */
    expect_error("source=test&function=add_phone&user=6666&pass=1234&extension=1",
                 "add_phone YOU MUST USE ALL REQUIRED FIELDS", "1||||||||||");
}
END_TEST

/* Each of the eleven required fields, empty (sent empty or filtered to
 * nothing), fails the check; the answer lists all eleven in order. */
START_TEST(test_each_required_field_empty_is_reported_with_all_eleven)
{
    static const char *const names[11] = {
        "extension", "dialplan_number", "voicemail_id", "phone_login", "phone_pass",
        "server_ip", "protocol", "registration_password", "phone_full_name", "local_gmt",
        "outbound_cid",
    };
    static const char *const values[11] = {
        "55000", "55000", "55000", "55000", "test", "10.0.9.8", "SIP", "test",
        "Extension 55000", "-5.00", "7275551212",
    };
    /* values that filter to "" for each field */
    static const char *const filtered_empty[11] = {
        "%21%21", "%21", "-", "%40", "%21", "%21", "-", "%40", "%21", "abc", "abc",
    };

    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 11; i++) {
            char data[256] = "";
            for (int j = 0; j < 11; j++) {
                if (j)
                    strcat(data, "|");
                if (j != i)
                    strcat(data, values[j]);
            }
            char *q = test_printf(SEED "&%s=%s", names[i], pass ? filtered_empty[i] : "");
            expect_error(q, "add_phone YOU MUST USE ALL REQUIRED FIELDS", data);
            free(q);
        }
    /* one character is enough for all but extension and dialplan_number */
    expect_error(SEED "&extension=1", "add_phone YOU MUST USE ALL REQUIRED FIELDS",
                 "1|55000|55000|55000|test|10.0.9.8|SIP|test|Extension 55000|-5.00|7275551212");
    expect_success(SEED "&extension=12&dialplan_number=12&voicemail_id=1&phone_login=1"
                        "&phone_pass=1&registration_password=1&phone_full_name=1"
                        "&local_gmt=0&outbound_cid=1",
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|12|10.0.9.8|SIP|12\n", "12",
                   "10.0.9.8");
}
END_TEST

START_TEST(test_unknown_server_does_not_exist)
{
    expect_error(SEED "&server_ip=10.0.9.9", "add_phone SERVER DOES NOT EXIST", "10.0.9.9");
}
END_TEST

START_TEST(test_inactive_server_is_accepted)
{
    testdb_exec(&scene->db,
                "INSERT INTO servers (server_id, server_description, server_ip, active, local_gmt,"
                " generate_vicidial_conf, active_asterisk_server, rebuild_conf_files)"
                " VALUES ('off1', 'Inactive', '10.0.9.10', 'N', '-5.00', 'Y', 'Y', 'N')");
    expect_success(SEED "&server_ip=10.0.9.10",
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|10.0.9.10|SIP|55000\n",
                   "55000", "10.0.9.10");
    /* the rebuild flag does not look at active either */
    test_expect_db("Y", "SELECT rebuild_conf_files FROM servers WHERE server_ip='10.0.9.10'");
}
END_TEST

/* servers.server_ip is not unique: two rows with one IP are a server that
 * exists (VICIdial counts 2), once, whatever the first read joins. */
START_TEST(test_server_ip_on_two_rows_exists)
{
    testdb_exec(&scene->db,
                "INSERT INTO servers (server_id, server_description, server_ip, active, local_gmt,"
                " generate_vicidial_conf, active_asterisk_server, rebuild_conf_files)"
                " VALUES ('twin1', 'Twin one', '10.0.9.11', 'Y', '-5.00', 'Y', 'Y', 'N'),"
                " ('twin2', 'Twin two', '10.0.9.11', 'N', '-6.00', 'Y', 'Y', 'N')");
    expect_success(SEED "&server_ip=10.0.9.11",
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|10.0.9.11|SIP|55000\n",
                   "55000", "10.0.9.11");
    test_expect_db("1", "SELECT count(*) FROM phones WHERE server_ip='10.0.9.11'");
    test_expect_db("2", "SELECT count(*) FROM servers WHERE server_ip='10.0.9.11'"
                        " AND rebuild_conf_files='Y'");
    expect_error(SEED "&server_ip=10.0.9.12", "add_phone SERVER DOES NOT EXIST", "10.0.9.12");
}
END_TEST

START_TEST(test_extension_collides_case_insensitively_on_its_server)
{
    add_ok("cc101", "");
    expect_error(SEED "&extension=CC101&phone_login=other1",
                 "add_phone PHONE ALREADY EXISTS ON THIS SERVER", "10.0.9.8|CC101");
    expect_phone("cc101", "10.0.9.8", "login", "cc101");
}
END_TEST

START_TEST(test_same_extension_on_another_server_is_fine)
{
    add_ok("cc101", "");
    expect_success(SEED "&extension=cc101&phone_login=cc101b&server_ip=192.168.198.5",
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|cc101|192.168.198.5|SIP|55000\n",
                   "cc101", "192.168.198.5");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones WHERE extension='cc101'"), 2);
}
END_TEST

START_TEST(test_login_collides_across_servers_case_insensitively)
{
    add_ok("cc102", "");
    expect_error(SEED "&extension=cc202&phone_login=cc102&server_ip=192.168.198.5",
                 "add_phone PHONE LOGIN ALREADY EXISTS", "cc102");
    expect_error(SEED "&extension=cc203&phone_login=CC102",
                 "add_phone PHONE LOGIN ALREADY EXISTS", "CC102");
}
END_TEST

START_TEST(test_valid_timezones_are_accepted_and_stored_as_sent)
{
    static const char *const valid[] = {
        "-5", "-5.0", "-05", "-5.", "-005.000", "0", "-0", ".0", "0.", "5.5", "12.750", "9.5",
        "1", "-5.00", "12.75", "-12", "5.75", "-3.5",
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        char *ext = test_printf("tz%zu", i);
        char *stored = strndup(valid[i], 6); /* local_gmt is VARCHAR(6) */
        add_ok(ext, test_printf("&local_gmt=%s", valid[i]));
        expect_phone(ext, "10.0.9.8", "local_gmt", stored);
    }
    expect_phone("tz4", "10.0.9.8", "local_gmt", "-005.0");
}
END_TEST

START_TEST(test_invalid_timezones_are_rejected)
{
    static const char *const invalid[] = {
        "-5.5", "-.5", "-5.001", "--5", "-5.00-", "12.75.", "-", ".", "7.5", "13", "-13",
        "5.50.", "12.76",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        char *q = test_printf(SEED "&local_gmt=%s", invalid[i]);
        expect_error(q, "add_phone YOU MUST USE A VALID TIMEZONE", invalid[i]);
    }
    /* letters are filtered away before the comparison: 1e1 is 11 */
    add_ok("tzx", "&local_gmt=1e1");
    expect_phone("tzx", "10.0.9.8", "local_gmt", "11");
    /* and a value with nothing left is a missing field */
    expect_error(SEED "&local_gmt=abc", "add_phone YOU MUST USE ALL REQUIRED FIELDS",
                 "55000|55000|55000|55000|test|10.0.9.8|SIP|test|Extension 55000||7275551212");
}
END_TEST

START_TEST(test_checks_run_in_vicidials_order)
{
    add_user("lvl7", "pw7", 7, "1", "1", " ALL_FUNCTIONS ");
    add_user("lvl7only", "pw", 7, "1", "1", " add_phone_alias ");
    add_ok("55000", "");

    /* source before allowed functions and permission */
    expect_error_as(SEED "&user=lvl7&pass=pw7&source=a",
                    "ERROR: Invalid Source - a\nERROR: Invalid Source: |a|\n", "add_phone",
                    "Invalid Source", "");
    /* allowed functions before permission */
    expect_error_as(SEED "&user=lvl7only&pass=pw",
                    "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: "
                    "|lvl7only|add_phone|\n",
                    "add_phone", "auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION", "");
    /* permission before required fields */
    expect_error_as("source=test&function=add_phone&user=lvl7&pass=pw7",
                    "ERROR: add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES: |lvl7|0\n",
                    "add_phone", "add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES", "0");
    /* required fields before the server */
    expect_error(SEED "&server_ip=10.0.9.9&outbound_cid=", "add_phone YOU MUST USE ALL REQUIRED FIELDS",
                 "55000|55000|55000|55000|test|10.0.9.9|SIP|test|Extension 55000|-5.00|");
    /* the server before the timezone and the template */
    expect_error(SEED "&server_ip=10.0.9.9&local_gmt=7.5&template_id=nope",
                 "add_phone SERVER DOES NOT EXIST", "10.0.9.9");
    /* the extension before the login, the timezone and the template */
    expect_error(SEED "&local_gmt=7.5&template_id=nope",
                 "add_phone PHONE ALREADY EXISTS ON THIS SERVER", "10.0.9.8|55000");
    /* a bad timezone plus a taken login reports the login */
    expect_error(SEED "&extension=55001&local_gmt=7.5&template_id=nope",
                 "add_phone PHONE LOGIN ALREADY EXISTS", "55000");
    /* the timezone before the template */
    expect_error(SEED "&extension=55001&phone_login=55001&local_gmt=7.5&template_id=nope",
                 "add_phone YOU MUST USE A VALID TIMEZONE", "7.5");
    /* invalid optional flags never stop the template error */
    expect_error(SEED "&extension=55001&phone_login=55001&is_webphone=maybe&template_id=nope",
                 "add_phone TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD", "55001|nope");
}
END_TEST

START_TEST(test_missing_template_is_an_error)
{
    expect_error(SEED "&template_id=nope",
                 "add_phone TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD", "55000|nope");
}
END_TEST

START_TEST(test_one_char_template_is_ignored)
{
    add_ok("55000", "&template_id=x");
    expect_phone("55000", "10.0.9.8", "template_id", "");
    expect_event_sql(SEED_SQL_HEAD "user_group='---ALL---'     |");
}
END_TEST

START_TEST(test_blank_template_in_any_case_stores_empty)
{
    add_ok("55000", "&template_id=--BLANK--");
    expect_phone("55000", "10.0.9.8", "template_id", "");
    expect_event_sql(SEED_SQL_HEAD "user_group='---ALL---'    ,template_id='' |");
    add_ok("55001", "&template_id=--blank--");
    expect_phone("55001", "10.0.9.8", "template_id", "");
    add_ok("55002", "&template_id=--Blank--");
    expect_phone("55002", "10.0.9.8", "template_id", "");
}
END_TEST

START_TEST(test_template_matches_case_insensitively_and_is_stored_as_sent)
{
    add_ok("55000", "&template_id=sipdefault");
    expect_phone("55000", "10.0.9.8", "template_id", "sipdefault");
    add_ok("55001", "&template_id=SIPdefault");
    expect_phone("55001", "10.0.9.8", "template_id", "SIPdefault");
    add_ok("55002", "&template_id=SIP_generic");
    expect_phone("55002", "10.0.9.8", "template_id", "SIP_generic");
}
END_TEST

START_TEST(test_defaults_for_context_and_group_and_unchecked_group)
{
    add_ok("55000", "");
    expect_phone("55000", "10.0.9.8", "phone_context", "default");
    expect_phone("55000", "10.0.9.8", "user_group", "---ALL---");
    add_ok("55001", "&phone_context=ctx_1&admin_user_group=AGENTS");
    expect_phone("55001", "10.0.9.8", "phone_context", "ctx_1");
    expect_phone("55001", "10.0.9.8", "user_group", "AGENTS");
    add_ok("55002", "&admin_user_group=NOSUCHGROUP&email=not-an-email");
    expect_phone("55002", "10.0.9.8", "user_group", "NOSUCHGROUP");
    expect_phone("55002", "10.0.9.8", "email", "not-an-email");
}
END_TEST

START_TEST(test_optional_flags_match_case_insensitively_else_default)
{
    /* y stored as Y; event_sql keeps what was sent */
    add_ok("55000", "&is_webphone=y&webphone_auto_answer=n&use_external_server_ip=y"
                    "&on_hook_agent=y");
    expect_phone("55000", "10.0.9.8", "is_webphone", "Y");
    expect_phone("55000", "10.0.9.8", "webphone_auto_answer", "N");
    expect_phone("55000", "10.0.9.8", "use_external_server_ip", "Y");
    expect_phone("55000", "10.0.9.8", "on_hook_agent", "Y");
    expect_event_sql(SEED_SQL_HEAD "user_group='---ALL---' ,is_webphone='y'"
                     " ,webphone_auto_answer='n' ,use_external_server_ip='y'  ,on_hook_agent='y'|");

    add_ok("55001", "&is_webphone=y_api_launch");
    expect_phone("55001", "10.0.9.8", "is_webphone", "Y_API_LAUNCH");

    /* anything else is left out: the column default applies */
    add_ok("55002", "&is_webphone=yes&webphone_auto_answer=yes&use_external_server_ip=1"
                    "&on_hook_agent=true");
    expect_phone("55002", "10.0.9.8", "is_webphone", "N");
    expect_phone("55002", "10.0.9.8", "webphone_auto_answer", "Y");
    expect_phone("55002", "10.0.9.8", "use_external_server_ip", "N");
    expect_phone("55002", "10.0.9.8", "on_hook_agent", "N");
    expect_event_sql("INSERT INTO phones SET  extension='55002', dialplan_number='55000',"
                     " voicemail_id='55000', login='55002', pass='test', server_ip='10.0.9.8',"
                     " protocol='SIP', conf_secret='test', fullname='Extension 55000',"
                     " local_gmt='-5.00', outbound_cid='7275551212', phone_context='default',"
                     " email='', active='Y', status='ACTIVE', user_group='---ALL---'     |");

    /* webphone_auto_answer defaults to Y (not N as the docs say) */
    add_ok("55003", "");
    expect_phone("55003", "10.0.9.8", "webphone_auto_answer", "Y");
    expect_phone("55003", "10.0.9.8", "is_webphone", "N");
}
END_TEST

/* ------------------------------------------------------------------ */
/* the success row and its side effects                                 */
/* ------------------------------------------------------------------ */

START_TEST(test_success_row_has_every_value_and_default)
{
    static const struct { const char *column, *value; } row[] = {
        { "extension", "55000" }, { "dialplan_number", "55000" }, { "voicemail_id", "55000" },
        { "login", "55000" }, { "pass", "test" }, { "server_ip", "10.0.9.8" },
        { "protocol", "SIP" }, { "conf_secret", "test" }, { "fullname", "Extension 55000" },
        { "local_gmt", "-5.00" }, { "outbound_cid", "7275551212" },
        { "phone_context", "default" }, { "email", "" }, { "active", "Y" },
        { "status", "ACTIVE" }, { "user_group", "---ALL---" }, { "is_webphone", "N" },
        { "webphone_auto_answer", "Y" }, { "use_external_server_ip", "N" },
        { "template_id", "" }, { "on_hook_agent", "N" },
        /* NULL columns */
        { "messages", NULL }, { "old_messages", NULL }, { "phone_ip", NULL },
        { "computer_ip", NULL }, { "phone_type", NULL }, { "company", NULL },
        { "picture", NULL }, { "login_user", NULL }, { "login_pass", NULL },
        { "login_campaign", NULL }, { "DBX_server", NULL }, { "DBY_server", NULL },
        { "conf_override", NULL }, { "nva_call_url", NULL }, { "ping_time", NULL },
        /* the defaults table of 2.3 */
        { "outbound_alt_cid", "" }, { "phone_ring_timeout", "60" },
        { "delete_vm_after_email", "N" }, { "install_directory", "/usr/local/perl_TK" },
        { "voicemail_timezone", "eastern" }, { "ext_context", "default" },
        { "peer_status", "UNKNOWN" }, { "webphone_dialpad", "Y" }, { "codecs_list", "" },
        { "codecs_with_template", "0" },
        /* everything else: schema defaults */
        { "ASTmgrUSERNAME", "cron" }, { "ASTmgrSECRET", "1234" },
        { "park_on_extension", "8301" }, { "conf_on_extension", "8302" },
        { "VICIDIAL_park_on_extension", "8301" }, { "VICIDIAL_park_on_filename", "park" },
        { "monitor_prefix", "8612" }, { "recording_exten", "8309" },
        { "voicemail_exten", "8501" }, { "voicemail_dump_exten", "85026666666666" },
        { "dtmf_send_extension", "local/8500998@default" },
        { "call_out_number_group", "Zap/g2/" }, { "client_browser", "/usr/bin/mozilla" },
        { "local_web_callerID_URL", "http://www.vicidial.org/test_callerid_output.php" },
        { "VICIDIAL_web_URL", "http://www.vicidial.org/test_VICIDIAL_output.php" },
        { "AGI_call_logging_enabled", "1" }, { "user_switching_enabled", "1" },
        { "conferencing_enabled", "1" }, { "admin_hangup_enabled", "0" },
        { "admin_hijack_enabled", "0" }, { "admin_monitor_enabled", "1" },
        { "call_parking_enabled", "1" }, { "updater_check_enabled", "1" },
        { "AFLogging_enabled", "1" }, { "QUEUE_ACTION_enabled", "1" },
        { "CallerID_popup_enabled", "1" }, { "voicemail_button_enabled", "1" },
        { "enable_fast_refresh", "0" }, { "fast_refresh_rate", "1000" },
        { "enable_persistant_mysql", "0" }, { "auto_dial_next_number", "1" },
        { "VDstop_rec_after_each_call", "1" }, { "DBX_database", "asterisk" },
        { "DBX_user", "cron" }, { "DBX_pass", "1234" }, { "DBX_port", "3306" },
        { "DBY_database", "asterisk" }, { "DBY_user", "cron" }, { "DBY_pass", "1234" },
        { "DBY_port", "3306" }, { "enable_sipsak_messages", "0" }, { "voicemail_options", "" },
        { "voicemail_greeting", "" }, { "voicemail_dump_exten_no_inst", "85026666666667" },
        { "voicemail_instructions", "Y" }, { "on_login_report", "N" },
        { "unavail_dialplan_fwd_exten", "" }, { "unavail_dialplan_fwd_context", "" },
        { "nva_search_method", "NONE" }, { "nva_error_filename", "" },
        { "nva_new_list_id", "995" }, { "nva_new_phone_code", "1" },
        { "nva_new_status", "NVAINS" }, { "webphone_dialbox", "Y" }, { "webphone_mute", "Y" },
        { "webphone_volume", "Y" }, { "webphone_debug", "N" }, { "conf_qualify", "Y" },
        { "webphone_layout", "" }, { "mohsuggest", "" },
        { "webphone_settings", "VICIPHONE_SETTINGS" },
    };

    expect_success(SEED, SEED_OK, "55000", "10.0.9.8");
    for (size_t i = 0; i < sizeof row / sizeof row[0]; i++)
        expect_phone("55000", "10.0.9.8", row[i].column, row[i].value);
}
END_TEST

START_TEST(test_success_writes_the_admin_log_row)
{
    expect_success(SEED, SEED_OK, "55000", "10.0.9.8");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_admin_log"), 1);
    test_expect_db("6666", "SELECT user FROM vicidial_admin_log");
    test_expect_db("127.0.0.1", "SELECT ip_address FROM vicidial_admin_log");
    test_expect_db("PHONES", "SELECT event_section FROM vicidial_admin_log");
    test_expect_db("ADD", "SELECT event_type FROM vicidial_admin_log");
    test_expect_db("55000", "SELECT record_id FROM vicidial_admin_log");
    test_expect_db("ADMIN API ADD PHONE", "SELECT event_code FROM vicidial_admin_log");
    test_expect_db("phone: 55000|10.0.9.8", "SELECT event_notes FROM vicidial_admin_log");
    test_expect_db("---ALL---", "SELECT user_group FROM vicidial_admin_log");
    test_expect_db("1", "SELECT ABS(TIMESTAMPDIFF(SECOND, event_date, NOW())) <= 5"
                   " FROM vicidial_admin_log");
    /* no options: five spaces before the '|' */
    expect_event_sql(SEED_SQL_HEAD "user_group='---ALL---'     |");
}
END_TEST

START_TEST(test_admin_log_event_sql_with_webphone_and_template)
{
    add_ok("55000", "&is_webphone=Y&template_id=SIPdefault");
    expect_event_sql(SEED_SQL_HEAD
                     "user_group='---ALL---' ,is_webphone='Y'   ,template_id='SIPdefault' |");
    expect_phone("55000", "10.0.9.8", "is_webphone", "Y");
    expect_phone("55000", "10.0.9.8", "template_id", "SIPdefault");
}
END_TEST

START_TEST(test_admin_log_event_sql_with_all_five_options)
{
    add_ok("55000", "&admin_user_group=ADMIN&is_webphone=Y&webphone_auto_answer=N"
                    "&use_external_server_ip=N&template_id=--BLANK--&on_hook_agent=Y");
    expect_event_sql(SEED_SQL_HEAD "user_group='ADMIN' ,is_webphone='Y' ,webphone_auto_answer='N'"
                     " ,use_external_server_ip='N' ,template_id='' ,on_hook_agent='Y'|");
    expect_phone("55000", "10.0.9.8", "user_group", "ADMIN");
    expect_phone("55000", "10.0.9.8", "is_webphone", "Y");
    expect_phone("55000", "10.0.9.8", "webphone_auto_answer", "N");
    expect_phone("55000", "10.0.9.8", "use_external_server_ip", "N");
    expect_phone("55000", "10.0.9.8", "template_id", "");
    expect_phone("55000", "10.0.9.8", "on_hook_agent", "Y");
    /* the admin log's own user_group is not the phone's */
    test_expect_db("---ALL---", "SELECT user_group FROM vicidial_admin_log");
}
END_TEST

START_TEST(test_rebuild_flag_set_only_on_that_server)
{
    expect_success(SEED, SEED_OK, "55000", "10.0.9.8");
    test_expect_db("Y", "SELECT rebuild_conf_files FROM servers WHERE server_ip='10.0.9.8'");
    test_expect_db("N", "SELECT rebuild_conf_files FROM servers WHERE server_ip='192.168.198.5'");
}
END_TEST

START_TEST(test_rebuild_flag_needs_generate_conf_and_active_asterisk)
{
    testdb_exec(&scene->db, "UPDATE servers SET generate_vicidial_conf='N'"
                            " WHERE server_ip='192.168.198.5'");
    expect_success(SEED "&server_ip=192.168.198.5",
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|192.168.198.5|SIP|55000\n",
                   "55000", "192.168.198.5");
    test_expect_db("N", "SELECT rebuild_conf_files FROM servers WHERE server_ip='192.168.198.5'");
    test_expect_db("N", "SELECT rebuild_conf_files FROM servers WHERE server_ip='10.0.9.8'");

    testdb_exec(&scene->db, "UPDATE servers SET generate_vicidial_conf='Y',"
                            " active_asterisk_server='N' WHERE server_ip='192.168.198.5'");
    expect_success(SEED "&server_ip=192.168.198.5&extension=55001&phone_login=55001",
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55001|192.168.198.5|SIP|55000\n",
                   "55001", "192.168.198.5");
    test_expect_db("N", "SELECT rebuild_conf_files FROM servers WHERE server_ip='192.168.198.5'");

    testdb_exec(&scene->db, "UPDATE servers SET active_asterisk_server='Y'"
                            " WHERE server_ip='192.168.198.5'");
    expect_success(SEED "&server_ip=192.168.198.5&extension=55002&phone_login=55002",
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55002|192.168.198.5|SIP|55000\n",
                   "55002", "192.168.198.5");
    test_expect_db("Y", "SELECT rebuild_conf_files FROM servers WHERE server_ip='192.168.198.5'");
    test_expect_db("N", "SELECT rebuild_conf_files FROM servers WHERE server_ip='10.0.9.8'");
}
END_TEST

START_TEST(test_success_writes_api_log_and_api_url_rows)
{
    char *url = test_printf("http://localhost:%u/vicidial/non_agent_api.php?" SEED, scene->daemon.port);
    char *page = test_printf("http://localhost:%u/vicidial/non_agent_api.php", scene->daemon.port);
    char *api_id;

    expect_success(SEED, SEED_OK, "55000", "10.0.9.8");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_log"), 1);
    expect_api_log("user", "6666");
    expect_api_log("function", "add_phone");
    expect_api_log("value", "");
    expect_api_log("result", "SUCCESS");
    expect_api_log("result_reason", "add_phone PHONE HAS BEEN ADDED");
    expect_api_log("source", "test");
    expect_api_log("data", "55000|10.0.9.8|SIP|55000");
    expect_api_log("api_script", "non-agent");
    test_expect_db("1", "SELECT ABS(TIMESTAMPDIFF(SECOND, api_date, NOW())) <= 5 FROM vicidial_api_log");
    /* api_url points at vicidial_urls (the page), webserver at vicidial_webservers */
    test_expect_db(page, "SELECT u.url FROM vicidial_api_log a JOIN vicidial_urls u"
                    " ON u.url_id=a.api_url");
    test_expect_db("localhost", "SELECT w.webserver FROM vicidial_api_log a JOIN vicidial_webservers w"
                           " ON w.webserver_id=a.webserver");

    api_id = test_db_value("SELECT api_id FROM vicidial_api_log");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_urls"), 1);
    test_expect_db(api_id, "SELECT api_id FROM vicidial_api_urls");
    test_expect_db(url, "SELECT url FROM vicidial_api_urls WHERE api_id=%s", api_id);
    test_expect_db("127.0.0.1", "SELECT remote_ip FROM vicidial_api_urls WHERE api_id=%s", api_id);
    test_expect_db("1", "SELECT ABS(TIMESTAMPDIFF(SECOND, api_date, NOW())) <= 5"
                   " FROM vicidial_api_urls WHERE api_id=%s", api_id);
}
END_TEST

/* A success and an error on the daemon at port, the api log's webserver and
 * url rows missing at first: each answer writes the login stamp, its
 * api_log row and its api_urls row, and the first adds the two rows the log
 * points at. */
static void expect_log_rows_on(unsigned port)
{
    struct http_reply r;

    testdb_exec(&scene->db, "DELETE FROM vicidial_webservers");
    testdb_exec(&scene->db, "DELETE FROM vicidial_urls");
    testdb_exec(&scene->db, "UPDATE vicidial_users SET last_login_date='2001-01-01 00:00:01',"
                " last_ip='' WHERE user='6666'");
    ck_assert_int_eq(http_get(port, "/vicidial/non_agent_api.php?" SEED, &r), 0);
    ck_assert_str_eq(r.body ? r.body : "", SEED_OK);
    http_reply_free(&r);
    test_expect_db("127.0.0.1", "SELECT last_ip FROM vicidial_users WHERE user='6666'");
    test_expect_db("1", "SELECT ABS(TIMESTAMPDIFF(SECOND, last_login_date, NOW())) <= 5"
                   " FROM vicidial_users WHERE user='6666'");
    testdb_exec(&scene->db, "UPDATE vicidial_users SET last_ip='' WHERE user='6666'");
    ck_assert_int_eq(http_get(port, "/vicidial/non_agent_api.php?" SEED "&server_ip=10.0.9.9",
                              &r), 0);
    ck_assert_str_eq(r.body ? r.body : "", "ERROR: add_phone SERVER DOES NOT EXIST: |6666|10.0.9.9\n");
    http_reply_free(&r);
    test_expect_db("127.0.0.1", "SELECT last_ip FROM vicidial_users WHERE user='6666'");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_webservers"), 1);
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_urls"), 1);
    test_expect_db("SUCCESS,ERROR", "SELECT GROUP_CONCAT(result ORDER BY api_id)"
                   " FROM vicidial_api_log");
    /* every log row has its url row, and points at the two rows */
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_log a"
                                   " JOIN vicidial_api_urls u ON u.api_id=a.api_id"
                                   " JOIN vicidial_webservers w ON w.webserver_id=a.webserver"
                                   " JOIN vicidial_urls v ON v.url_id=a.api_url"), 2);
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_urls"), 2);
}

START_TEST(test_logged_answers_write_stamp_log_and_url_rows)
{
    expect_log_rows_on(scene->daemon.port);
}
END_TEST

/* Every error path of 2.2 in one place: only the api_log row is written,
 * data as printed (the allowed-functions error logs ''). */
START_TEST(test_every_error_path_writes_only_its_api_log_row)
{
    add_user("lvl7", "pw7", 7, "1", "1", " ALL_FUNCTIONS ");
    add_user("onlyphone", "pw", 9, "1", "1", " add_phone_alias ");
    add_ok("cc101", "");

    expect_error_as(SEED "&source=a", "ERROR: Invalid Source - a\nERROR: Invalid Source: |a|\n",
                    "add_phone", "Invalid Source", "");
    expect_error_as(SEED "&user=onlyphone&pass=pw",
                    "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: "
                    "|onlyphone|add_phone|\n",
                    "add_phone", "auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION", "");
    expect_error_as(SEED "&user=lvl7&pass=pw7",
                    "ERROR: add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES: |lvl7|0\n",
                    "add_phone", "add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES", "0");
    expect_error(SEED "&dialplan_number=5", "add_phone YOU MUST USE ALL REQUIRED FIELDS",
                 "55000|5|55000|55000|test|10.0.9.8|SIP|test|Extension 55000|-5.00|7275551212");
    expect_error(SEED "&server_ip=10.0.9.9", "add_phone SERVER DOES NOT EXIST", "10.0.9.9");
    expect_error(SEED "&extension=CC101", "add_phone PHONE ALREADY EXISTS ON THIS SERVER",
                 "10.0.9.8|CC101");
    expect_error(SEED "&phone_login=cc101", "add_phone PHONE LOGIN ALREADY EXISTS", "cc101");
    expect_error(SEED "&local_gmt=-5.5", "add_phone YOU MUST USE A VALID TIMEZONE", "-5.5");
    expect_error(SEED "&template_id=nope",
                 "add_phone TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD", "55000|nope");
    /* the rebuild flag from the first add is the only one set */
    test_expect_db("10.0.9.8:Y,192.168.198.5:N",
              "SELECT GROUP_CONCAT(server_ip, ':', rebuild_conf_files ORDER BY server_ip)"
              " FROM servers");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_admin_log"), 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* nonagentd's promises (docs/differences.md)                          */
/* ------------------------------------------------------------------ */

START_TEST(test_email_with_quote_is_stored_as_written)
{
    add_ok("55000", "&email=o%27brien%40example.com");
    expect_phone("55000", "10.0.9.8", "email", "o'brien@example.com");
    expect_event_sql(
        "INSERT INTO phones SET  extension='55000', dialplan_number='55000',"
        " voicemail_id='55000', login='55000', pass='test', server_ip='10.0.9.8',"
        " protocol='SIP', conf_secret='test', fullname='Extension 55000',"
        " local_gmt='-5.00', outbound_cid='7275551212', phone_context='default',"
        " email='o'brien@example.com', active='Y', status='ACTIVE', user_group='---ALL---'     |");
    /* the '+' rule of the email filter: a+b%2Bc@x.com is "a b c@x.com" */
    add_ok("55001", "&email=a+b%2Bc%40x.com");
    expect_phone("55001", "10.0.9.8", "email", "a b c@x.com");
    /* SQL text in a value is data */
    add_ok("55002", "&email=x%27%2C+active%3D%27N");
    expect_phone("55002", "10.0.9.8", "email", "x' active'N");
    expect_phone("55002", "10.0.9.8", "active", "Y");
}
END_TEST

START_TEST(test_phone_without_template_is_inserted_in_every_sql_mode)
{
    /* in the strict scene VICIdial's INSERT fails here; nonagentd's may not */
    expect_success(SEED, SEED_OK, "55000", "10.0.9.8");
    expect_phone("55000", "10.0.9.8", "template_id", "");
    test_expect_db("1", "SELECT count(*) FROM phones WHERE extension='55000' AND template_id=''");
}
END_TEST

static char *repeat_digits(size_t n)
{
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('0' + i % 10);
    s[n] = '\0';
    return s;
}

START_TEST(test_long_extension_is_stored_cut_and_echoed_whole)
{
    char *ext = repeat_digits(120);
    char *ext100 = strndup(ext, 100);
    char *q = test_printf(SEED "&extension=%s", ext);
    char *want = test_printf("SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|%s|10.0.9.8|SIP|55000\n", ext);

    expect_success(q, want, ext100, "10.0.9.8");
    test_expect_db("100", "SELECT CHAR_LENGTH(extension) FROM phones WHERE server_ip='10.0.9.8'");
    expect_api_log("data", test_printf("%s|10.0.9.8|SIP|55000", ext));
    test_expect_db(test_printf("phone: %s|10.0.9.8", ext), "SELECT event_notes FROM vicidial_admin_log");
    /* record_id is VARCHAR(50): cut as a non-strict server cuts it */
    test_expect_db(strndup(ext, 50), "SELECT record_id FROM vicidial_admin_log");

    /* duplicate check on the stored value: same first 100 characters */
    char *ext2 = test_printf("%sXYZ", ext100);
    expect_error(test_printf(SEED "&extension=%s&phone_login=other", ext2),
                 "add_phone PHONE ALREADY EXISTS ON THIS SERVER", test_printf("10.0.9.8|%s", ext2));
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones"), 1);
}
END_TEST

START_TEST(test_long_login_is_stored_as_fifteen_chars)
{
    add_ok("55000", "&phone_login=abcdefghijklmnopqrstuvwxy");
    expect_phone("55000", "10.0.9.8", "login", "abcdefghijklmno");
}
END_TEST

START_TEST(test_sixteen_char_login_matching_stored_fifteen_is_a_duplicate)
{
    add_ok("55000", "&phone_login=fifteencharsxyz");
    expect_phone("55000", "10.0.9.8", "login", "fifteencharsxyz");
    expect_error(SEED "&extension=55001&phone_login=fifteencharsxyz1",
                 "add_phone PHONE LOGIN ALREADY EXISTS", "fifteencharsxyz1");
    expect_error(SEED "&extension=55001&phone_login=FIFTEENCHARSXYZ123&server_ip=192.168.198.5",
                 "add_phone PHONE LOGIN ALREADY EXISTS", "FIFTEENCHARSXYZ123");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones WHERE login='fifteencharsxyz'"), 1);
}
END_TEST

START_TEST(test_overlong_values_are_stored_cut_to_their_columns)
{
    char *digits25 = repeat_digits(25);
    char *name60 = test_printf("%s", "Name" "abcdefghijklmnopqrstuvwxyz" "abcdefghijklmnopqrstuvwxyz" "ABCD");
    char *q = test_printf("&dialplan_number=%s&voicemail_id=%s&phone_pass=%s%s"
                  "&registration_password=%s%s&phone_full_name=%s&outbound_cid=%s"
                  "&phone_context=abcdefghijklmnopqrstuvwxyz&admin_user_group=GROUPabcdefghijklmnopqrstu"
                  "&email=%s%s%s%s%s%s%%40x.com",
                  digits25, digits25, digits25, digits25, digits25, digits25, name60, digits25,
                  digits25, digits25, digits25, digits25, digits25, digits25);
    char *want = test_printf("SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|10.0.9.8|SIP|%s\n",
                     digits25);
    char *full = test_printf(SEED "%s", q);

    ck_assert_uint_eq(strlen(name60), 60);
    expect_success(full, want, "55000", "10.0.9.8");
    expect_phone("55000", "10.0.9.8", "dialplan_number", strndup(digits25, 20));
    expect_phone("55000", "10.0.9.8", "voicemail_id", strndup(digits25, 10));
    expect_phone("55000", "10.0.9.8", "pass", test_printf("%s%s", digits25, digits25));
    expect_phone("55000", "10.0.9.8", "conf_secret", test_printf("%s%s", digits25, digits25));
    expect_phone("55000", "10.0.9.8", "fullname", strndup(name60, 50));
    expect_phone("55000", "10.0.9.8", "outbound_cid", strndup(digits25, 20));
    expect_phone("55000", "10.0.9.8", "phone_context", "abcdefghijklmnopqrst");
    expect_phone("55000", "10.0.9.8", "user_group", "GROUPabcdefghijklmno");
    expect_phone("55000", "10.0.9.8", "email",
                 strndup(test_printf("%s%s%s%s%s%s@x.com", digits25, digits25, digits25, digits25,
                             digits25, digits25), 100));
}
END_TEST

START_TEST(test_array_parameter_answers_an_error_line_not_500)
{
    static const char *const queries[] = {
        "source=test&function=add_phone&user=6666&pass=1234&extension[]=1"
        "&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test"
        "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"
        "&phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212",
        SEED "&extension[]=1",
        SEED "&source[]=test",
        SEED "&phone_login[]=55000",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        struct http_reply r = api_get(queries[i]);
        ck_assert_msg(r.status == 200, "[%s] ?%s: status %d, want 200", scene->label, queries[i],
                      r.status);
        ck_assert_msg(strncmp(r.body, "ERROR: ", 7) == 0 && r.body_len > 0 &&
                          r.body[r.body_len - 1] == '\n',
                      "[%s] ?%s: body \"%s\" is not an ERROR line", scene->label, queries[i],
                      test_visible(r.body));
        http_reply_free(&r);
        ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones"), 0);
        ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_admin_log"), 0);
    }
}
END_TEST

/* No SUCCESS without the row: when the INSERT itself fails (here a trigger
 * refuses it), the answer is an ERROR line with status 200, and neither the
 * admin log nor the rebuild flag is written. */
START_TEST(test_failed_insert_gives_no_success_and_no_side_effects)
{
    struct state before, after;
    struct http_reply r;

    testdb_exec(&scene->db, "CREATE TRIGGER " FAIL_TRIGGER " BEFORE INSERT ON phones"
                            " FOR EACH ROW SIGNAL SQLSTATE '45000'"
                            " SET MESSAGE_TEXT='refused by test'");
    state_read(&before);
    r = api_get(SEED);
    ck_assert_msg(r.status == 200, "[%s] refused insert: status %d, want 200 (body \"%s\")",
                  scene->label, r.status, test_visible(r.body));
    ck_assert_msg(strncmp(r.body, "ERROR: add_phone ", 17) == 0 && r.body_len > 0 &&
                      r.body[r.body_len - 1] == '\n' && strchr(r.body, '\n') == r.body + r.body_len - 1,
                  "[%s] refused insert answered \"%s\", want one ERROR: add_phone line",
                  scene->label, test_visible(r.body));
    http_reply_free(&r);
    state_read(&after);
    ck_assert_int_eq(after.phones, 0);
    ck_assert_msg(after.admin == before.admin, "[%s] admin log written for a refused insert",
                  scene->label);
    ck_assert_msg(strcmp(after.servers, before.servers) == 0,
                  "[%s] rebuild_conf_files set for a refused insert (%s -> %s)", scene->label,
                  before.servers, after.servers);
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_log WHERE result='SUCCESS'"), 0);
    drop_test_trigger();
    /* and once the database takes it again, the same request works */
    expect_success(SEED, SEED_OK, "55000", "10.0.9.8");
}
END_TEST

/* A phone row exists for every SUCCESS, whatever the options. */
START_TEST(test_every_success_has_its_row)
{
    static const char *const extras[] = {
        "",
        "&email=o%27brien%40example.com",
        "&template_id=SIPdefault&is_webphone=Y_API_LAUNCH",
        "&template_id=--BLANK--&on_hook_agent=N",
        "&local_gmt=-005.000",
        "&local_gmt=12.750&phone_context=verylongphonecontextvalue123",
        "&admin_user_group=NOSUCHGROUPNAMEISLONGERTHANTWENTY",
        "&phone_full_name=" "Fullname+that+is+much+longer+than+fifty+characters+for+sure",
        "&outbound_cid=%28727%29+555-1212x999999999999999",
        "&protocol=IAX2&dialplan_number=%2A9%23a-b",
        "&voicemail_id=--BLANK--",
        "&email=a%27+%27b",
        "&is_webphone=n&webphone_auto_answer=N&use_external_server_ip=Y&on_hook_agent=y",
    };
    for (size_t i = 0; i < sizeof extras / sizeof extras[0]; i++) {
        char *ext = test_printf("ev%zu", i);
        char *q = test_printf(SEED "&extension=%s&phone_login=%s%s", ext, ext, extras[i]);
        char *body = get_body(q);
        ck_assert_msg(strncmp(body, "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|", 47) == 0,
                      "[%s] ?%s: \"%s\"", scene->label, q, test_visible(body));
        ck_assert_msg(phone_rows(ext, "10.0.9.8") == 1,
                      "[%s] ?%s answered SUCCESS without a phones row", scene->label, q);
    }
    expect_phone("ev9", "10.0.9.8", "dialplan_number", "*9#ab");
    expect_phone("ev8", "10.0.9.8", "outbound_cid", "72755512129999999999");
    expect_phone("ev10", "10.0.9.8", "voicemail_id", "BLANK");
    expect_phone("ev11", "10.0.9.8", "email", "a' 'b");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones"), (long)(sizeof extras / sizeof extras[0]));
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_admin_log"),
                     (long)(sizeof extras / sizeof extras[0]));
}
END_TEST

START_TEST(test_filtered_values_are_echoed_and_stored)
{
    /* function filtered too: add_ph@one runs add_phone */
    expect_success(SEED "&function=add_ph%40one&extension=ab%40c.d&dialplan_number=%2A9%23a-b"
                        "&outbound_cid=%28727%29+555-1212&phone_full_name=J%C3%B6rg+%C3%85",
                   "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|abcd|10.0.9.8|SIP|*9#ab\n",
                   "abcd", "10.0.9.8");
    expect_phone("abcd", "10.0.9.8", "outbound_cid", "7275551212");
    expect_phone("abcd", "10.0.9.8", "fullname", "Jrg ");
    expect_api_log("function", "add_phone");
    /* ---ALL--- is the one outbound_cid kept literally */
    add_ok("55001", "&outbound_cid=---ALL---");
    expect_phone("55001", "10.0.9.8", "outbound_cid", "---ALL---");
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *make_suite(void)
{
    Suite *s = suite_create("add_phone");
    TCase *tc;

    tc = tcase("issue");
    tcase_add_test(tc, test_issue_seed_adds_once_then_reports_already_exists);
    suite_add_tcase(s, tc);

    tc = tcase("responses");
    tcase_add_test(tc, test_source_shorter_than_two_bytes_answers_two_invalid_source_lines);
    tcase_add_test(tc, test_user_not_allowed_add_phone_gets_permission_to_use_function_error);
    tcase_add_test(tc, test_user_allowed_add_phone_alone_may_add_phones);
    tcase_add_test(tc, test_add_phone_alias_denied_to_user_allowed_only_add_phone);
    tcase_add_test(tc, test_level_7_user_gets_no_permission_to_add_phones);
    tcase_add_test(tc, test_permission_needs_ast_admin_access_and_api_access);
    tcase_add_test(tc, test_one_char_dialplan_number_is_a_missing_required_field);
    tcase_add_test(tc, test_lowercase_protocol_is_a_missing_required_field);
    tcase_add_test(tc, test_pjsip_protocol_is_a_missing_required_field);
    tcase_add_test(tc, test_protocol_s_i_p_filters_to_sip_and_passes);
    tcase_add_test(tc, test_other_protocols_iax2_zap_external_are_accepted);
    tcase_add_test(tc, test_no_fields_at_all_gives_eleven_empty_required_fields);
    tcase_add_test(tc, test_only_extension_gives_required_fields_with_extension_echoed);
    tcase_add_test(tc, test_each_required_field_empty_is_reported_with_all_eleven);
    tcase_add_test(tc, test_unknown_server_does_not_exist);
    tcase_add_test(tc, test_inactive_server_is_accepted);
    tcase_add_test(tc, test_server_ip_on_two_rows_exists);
    tcase_add_test(tc, test_extension_collides_case_insensitively_on_its_server);
    tcase_add_test(tc, test_same_extension_on_another_server_is_fine);
    tcase_add_test(tc, test_login_collides_across_servers_case_insensitively);
    tcase_add_test(tc, test_valid_timezones_are_accepted_and_stored_as_sent);
    tcase_add_test(tc, test_invalid_timezones_are_rejected);
    tcase_add_test(tc, test_checks_run_in_vicidials_order);
    tcase_add_test(tc, test_missing_template_is_an_error);
    tcase_add_test(tc, test_one_char_template_is_ignored);
    tcase_add_test(tc, test_blank_template_in_any_case_stores_empty);
    tcase_add_test(tc, test_template_matches_case_insensitively_and_is_stored_as_sent);
    tcase_add_test(tc, test_defaults_for_context_and_group_and_unchecked_group);
    tcase_add_test(tc, test_optional_flags_match_case_insensitively_else_default);
    tcase_add_test(tc, test_filtered_values_are_echoed_and_stored);
    suite_add_tcase(s, tc);

    tc = tcase("rows");
    tcase_add_test(tc, test_success_row_has_every_value_and_default);
    tcase_add_test(tc, test_success_writes_the_admin_log_row);
    tcase_add_test(tc, test_admin_log_event_sql_with_webphone_and_template);
    tcase_add_test(tc, test_admin_log_event_sql_with_all_five_options);
    tcase_add_test(tc, test_rebuild_flag_set_only_on_that_server);
    tcase_add_test(tc, test_rebuild_flag_needs_generate_conf_and_active_asterisk);
    tcase_add_test(tc, test_success_writes_api_log_and_api_url_rows);
    tcase_add_test(tc, test_logged_answers_write_stamp_log_and_url_rows);
    tcase_add_test(tc, test_every_error_path_writes_only_its_api_log_row);
    suite_add_tcase(s, tc);

    tc = tcase("promises");
    tcase_add_test(tc, test_email_with_quote_is_stored_as_written);
    tcase_add_test(tc, test_phone_without_template_is_inserted_in_every_sql_mode);
    tcase_add_test(tc, test_long_extension_is_stored_cut_and_echoed_whole);
    tcase_add_test(tc, test_long_login_is_stored_as_fifteen_chars);
    tcase_add_test(tc, test_sixteen_char_login_matching_stored_fifteen_is_a_duplicate);
    tcase_add_test(tc, test_overlong_values_are_stored_cut_to_their_columns);
    tcase_add_test(tc, test_array_parameter_answers_an_error_line_not_500);
    tcase_add_test(tc, test_every_success_has_its_row);
    tcase_add_test(tc, test_failed_insert_gives_no_success_and_no_side_effects);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return fixture_run_all("t_add_phone", make_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
