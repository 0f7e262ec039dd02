/*
 * test_clients.c - every request shape real clients send (docs/api.md,
 * "The path of a request") gets the answer the plain GET gets: raw
 * concatenation, double encoding, a stray JSON Content-Type, the doubled
 * leading slash, POST with the query string, urlencoded and multipart
 * bodies, unknown parameters, empty vs omitted optionals, GET-over-POST
 * precedence, duplicates and PHP's name mangling.  And what clients read:
 * status 200, byte 0 'S' or 'E', one line ending in '\n'.
 *
 * Runs in both scenes of fixture.h (InnoDB strict, MyISAM non-strict).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixture.h"

#define API "/vicidial/non_agent_api.php"

/* VICIdial's documented example, properly encoded. */
#define SEED                                                                     \
    "source=test&function=add_phone&user=6666&pass=1234&extension=55000"         \
    "&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test" \
    "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"                \
    "&phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212"
#define SEED_OK "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|10.0.9.8|SIP|55000\n"

/* SEED without phone_login, for the name-mangling tests. */
#define SEED_NO_LOGIN                                                            \
    "source=test&function=add_phone&user=6666&pass=1234"                         \
    "&dialplan_number=55000&voicemail_id=55000&phone_pass=test"                  \
    "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"                \
    "&phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212"

/* ------------------------------------------------------------------ */
/* helpers                                                              */
/* ------------------------------------------------------------------ */

static void expect_phone(const char *extension, const char *column, const char *expected)
{
    test_expect_db(expected, "SELECT %s FROM phones WHERE extension='%s' AND server_ip='10.0.9.8'",
              column, extension);
}

static void expect_api_log(const char *column, const char *expected)
{
    test_expect_db(expected, "SELECT %s FROM vicidial_api_log ORDER BY api_id DESC LIMIT 1", column);
}

/* The newest vicidial_api_urls.url. */
static void expect_api_url(const char *expected)
{
    test_expect_db(expected, "SELECT url FROM vicidial_api_urls ORDER BY api_id DESC LIMIT 1");
}

static char *page_url(void)
{
    return test_printf("http://localhost:%u" API, scene->daemon.port);
}

/* What every client relies on: 200, byte 0 'S' or 'E' (no BOM, no space),
 * the body made of whole '\n'-terminated lines. */
static void expect_client_readable(const char *what, const struct http_reply *r)
{
    ck_assert_msg(r->status == 200, "[%s] %s: status %d, want 200 (body \"%s\")", scene->label,
                  what, r->status, test_visible(r->body ? r->body : ""));
    ck_assert_msg(r->body_len > 0 && (r->body[0] == 'S' || r->body[0] == 'E'),
                  "[%s] %s: body \"%s\" does not start with 'S' or 'E'", scene->label, what,
                  test_visible(r->body));
    ck_assert_msg(strncmp(r->body, "SUCCESS: ", 9) == 0 || strncmp(r->body, "ERROR: ", 7) == 0,
                  "[%s] %s: body \"%s\" starts with neither SUCCESS: nor ERROR:", scene->label,
                  what, test_visible(r->body));
    ck_assert_msg(r->body[r->body_len - 1] == '\n' && strchr(r->body, '\r') == NULL &&
                      strlen(r->body) == r->body_len,
                  "[%s] %s: body \"%s\" is not whole LF lines", scene->label, what,
                  test_visible(r->body));
}

/* Asserts status 200 and the exact body; frees the reply. */
static void expect_reply(const char *what, struct http_reply *r, const char *expected)
{
    expect_client_readable(what, r);
    ck_assert_msg(strcmp(r->body, expected) == 0, "[%s] %s\n  expected \"%s\"\n  actual   \"%s\"",
                  scene->label, what, test_visible(expected), test_visible(r->body));
    http_reply_free(r);
}

static void get_expect(const char *query, const char *expected)
{
    struct http_reply r = api_get(query);
    char *what = test_printf("GET ?%s", query);
    expect_reply(what, &r, expected);
    free(what);
}

static struct http_reply raw(const char *request)
{
    struct http_reply r;
    ck_assert_msg(http_raw(scene->daemon.port, request, strlen(request), &r) == 0,
                  "[%s] no reply to \"%s\"", scene->label, test_visible(request));
    return r;
}

static struct http_reply post(const char *target, const char *content_type, const char *body)
{
    struct http_reply r;
    ck_assert_msg(http_post(scene->daemon.port, target, content_type, body, &r) == 0,
                  "[%s] no reply to POST %s", scene->label, target);
    return r;
}

/* A multipart/form-data body from name, value, ..., NULL. */
static char *multipart(const char *boundary, const char *const *pairs)
{
    size_t cap = 16384, n = 0;
    char *b = malloc(cap);

    b[0] = '\0';
    for (size_t i = 0; pairs[i]; i += 2)
        n += (size_t)snprintf(b + n, cap - n,
                              "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                              boundary, pairs[i], pairs[i + 1]);
    snprintf(b + n, cap - n, "--%s--\r\n", boundary);
    return b;
}

/* The seed's phone was stored as the plain GET stores it. */
static void expect_seed_row(void)
{
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones"), 1);
    expect_phone("55000", "login", "55000");
    expect_phone("55000", "pass", "test");
    expect_phone("55000", "dialplan_number", "55000");
    expect_phone("55000", "voicemail_id", "55000");
    expect_phone("55000", "conf_secret", "test");
    expect_phone("55000", "fullname", "Extension 55000");
    expect_phone("55000", "local_gmt", "-5.00");
    expect_phone("55000", "outbound_cid", "7275551212");
    expect_phone("55000", "protocol", "SIP");
    expect_phone("55000", "email", "");
}

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
    tcase_set_timeout(tc, 240);
    return tc;
}

/* ------------------------------------------------------------------ */
/* GET shapes                                                           */
/* ------------------------------------------------------------------ */

START_TEST(test_plain_get_in_any_order_adds_the_phone)
{
    struct http_reply r = api_get(
        "outbound_cid=7275551212&local_gmt=-5.00&phone_full_name=Extension%2055000"
        "&registration_password=test&protocol=SIP&server_ip=10.0.9.8&phone_pass=test"
        "&phone_login=55000&voicemail_id=55000&dialplan_number=55000&extension=55000"
        "&pass=1234&user=6666&function=add_phone&source=test");
    char *ct = http_header(&r, "Content-type");

    ck_assert_msg(ct && strcmp(ct, "text/html; charset=utf-8") == 0, "Content-type: %s",
                  ct ? ct : "(none)");
    expect_reply("GET in reverse order", &r, SEED_OK);
    expect_seed_row();
    /* a GET-only request logs value '' and its query string as sent */
    expect_api_log("value", "");
    expect_api_url(test_printf("%s?outbound_cid=7275551212&local_gmt=-5.00"
                       "&phone_full_name=Extension%%2055000&registration_password=test"
                       "&protocol=SIP&server_ip=10.0.9.8&phone_pass=test&phone_login=55000"
                       "&voicemail_id=55000&dialplan_number=55000&extension=55000&pass=1234"
                       "&user=6666&function=add_phone&source=test",
                       page_url()));
}
END_TEST

START_TEST(test_raw_plus_and_at_unencoded)
{
    /* '+' decodes to a space: the local_gmt filter drops it, the email
     * filter keeps it; '@' needs no encoding */
    get_expect(SEED "&local_gmt=+6.00&email=joe+x@example.com", SEED_OK);
    expect_phone("55000", "local_gmt", "6.00");
    expect_phone("55000", "email", "joe x@example.com");
    expect_phone("55000", "fullname", "Extension 55000");
}
END_TEST

START_TEST(test_raw_spaces_unencoded)
{
    struct http_reply r = raw(
        "GET " API "?source=test&function=add_phone&user=6666&pass=1234&extension=55000"
        "&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test"
        "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"
        "&phone_full_name=Extension 55000&local_gmt=-5.00&outbound_cid=7275551212"
        "&email=joe@example.com HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    expect_reply("GET with raw spaces in the query", &r, SEED_OK);
    expect_phone("55000", "fullname", "Extension 55000");
    expect_phone("55000", "email", "joe@example.com");
}
END_TEST

START_TEST(test_double_encoded_values_are_stored_after_one_decode)
{
    get_expect(SEED "&phone_full_name=123%2BFake%2BSt&email=joe%2540example.com", SEED_OK);
    expect_phone("55000", "fullname", "123+Fake+St");
    expect_phone("55000", "email", "joe%40example.com");
    /* a malformed '%' sequence stays literal */
    get_expect(SEED "&extension=55001&phone_login=55001&email=a%zz@x.com",
               "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55001|10.0.9.8|SIP|55000\n");
    expect_phone("55001", "email", "a%zz@x.com");
}
END_TEST

START_TEST(test_get_with_json_content_type_and_no_body)
{
    struct http_reply r = raw("GET " API "?" SEED " HTTP/1.1\r\nHost: localhost\r\n"
                              "Content-Type: application/json\r\nAccept: application/json\r\n"
                              "Connection: close\r\n\r\n");
    expect_reply("GET with Content-Type: application/json", &r, SEED_OK);
    expect_seed_row();
}
END_TEST

START_TEST(test_doubled_leading_slash)
{
    struct http_reply r;
    ck_assert_int_eq(http_get(scene->daemon.port, "/" API "?" SEED, &r), 0);
    expect_reply("GET //vicidial/non_agent_api.php", &r, SEED_OK);
    expect_seed_row();
}
END_TEST

/* The script runs for any HTTP method; only POST bodies are read. */
START_TEST(test_any_method_reads_the_query_string)
{
    struct http_reply r = raw("PUT " API "?" SEED " HTTP/1.1\r\nHost: localhost\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n"
                              "Content-Length: 15\r\nConnection: close\r\n\r\n"
                              "extension=77777");
    expect_reply("PUT ?SEED with a urlencoded body", &r, SEED_OK);
    expect_seed_row();
    expect_api_log("value", "");
}
END_TEST

START_TEST(test_unknown_extra_parameters_are_ignored)
{
    get_expect(SEED "&version=2.14&first_name,=Bob&last_name=Smith&active=N"
                    "&phone_ring_timeout=5&outbound_alt_cid=123",
               SEED_OK);
    expect_seed_row();
    /* add_phone ignores active, phone_ring_timeout and outbound_alt_cid */
    expect_phone("55000", "active", "Y");
    expect_phone("55000", "phone_ring_timeout", "60");
    expect_phone("55000", "outbound_alt_cid", "");
}
END_TEST

START_TEST(test_optional_parameters_omitted_or_empty_are_the_same)
{
    static const char *const same[] = {
        "phone_context", "email", "user_group", "is_webphone", "webphone_auto_answer",
        "use_external_server_ip", "template_id", "on_hook_agent", "fullname", "local_gmt",
    };
    get_expect(SEED, SEED_OK);
    get_expect(SEED "&extension=55001&phone_login=55001&phone_context=&email=&admin_user_group="
                    "&is_webphone=&webphone_auto_answer=&use_external_server_ip=&template_id="
                    "&on_hook_agent=",
               "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55001|10.0.9.8|SIP|55000\n");
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        char *sql = test_printf("SELECT count(DISTINCT %s) FROM phones WHERE extension IN ('55000','55001')",
                        same[i]);
        ck_assert_msg(test_db_count("%s", sql) == 1, "[%s] %s differs between omitted and empty",
                      scene->label, same[i]);
    }
    expect_phone("55001", "phone_context", "default");
    expect_phone("55001", "user_group", "---ALL---");
    expect_phone("55001", "webphone_auto_answer", "Y");
    expect_phone("55001", "template_id", "");
    test_expect_db("INSERT INTO phones SET  extension='55001', dialplan_number='55000',"
              " voicemail_id='55000', login='55001', pass='test', server_ip='10.0.9.8',"
              " protocol='SIP', conf_secret='test', fullname='Extension 55000',"
              " local_gmt='-5.00', outbound_cid='7275551212', phone_context='default',"
              " email='', active='Y', status='ACTIVE', user_group='---ALL---'     |",
              "SELECT event_sql FROM vicidial_admin_log WHERE record_id='55001'");
}
END_TEST

START_TEST(test_last_duplicate_wins)
{
    get_expect(SEED "&extension=11111&extension=55000&phone_login=first&phone_login=second",
               SEED_OK);
    expect_phone("55000", "login", "second");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones WHERE extension='11111'"), 0);
}
END_TEST

START_TEST(test_php_name_mangling)
{
    /* '.' and ' ' become '_', leading spaces are dropped, an unbalanced
     * '[' becomes '_' */
    static const char *const names[] = { "phone.login", "phone%20login", "%20phone_login",
                                         "phone+login", "phone[login", "%20%20phone.login" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *ext = test_printf("5600%zu", i);
        char *login = test_printf("m%zu", i);
        get_expect(test_printf(SEED_NO_LOGIN "&extension=%s&%s=%s", ext, names[i], login),
                   test_printf("SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|%s|10.0.9.8|SIP|55000\n",
                       ext));
        expect_phone(ext, "login", login);
    }
}
END_TEST

START_TEST(test_pair_without_equals_sign_is_empty)
{
    get_expect(SEED "&extension&",
               "ERROR: add_phone YOU MUST USE ALL REQUIRED FIELDS: |6666||55000|55000|55000|test"
               "|10.0.9.8|SIP|test|Extension 55000|-5.00|7275551212\n");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones"), 0);
}
END_TEST

START_TEST(test_any_source_of_two_or_more_characters)
{
    static const char *const sources[][2] = {
        { "test", "test" }, { "java", "java" }, { "crm", "crm" }, { "vicijs", "vicijs" },
        { "My+CRM+tool%21", "MyCRMtool" }, { "x1", "x1" },
    };
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        char *ext = test_printf("5700%zu", i);
        get_expect(test_printf(SEED "&extension=%s&phone_login=%s&source=%s", ext, ext, sources[i][0]),
                   test_printf("SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|%s|10.0.9.8|SIP|55000\n",
                       ext));
        expect_api_log("source", sources[i][1]);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* POST shapes                                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_post_with_empty_body_and_query_string)
{
    struct http_reply r = post(API "?" SEED, NULL, "");
    expect_reply("POST ?SEED, empty body, no Content-Type", &r, SEED_OK);
    expect_seed_row();
    expect_api_log("value", "");
    expect_api_url(test_printf("%s?" SEED, page_url()));

    r = post(API "?" SEED "&extension=55001&phone_login=55001",
             "application/x-www-form-urlencoded", "");
    expect_reply("POST ?SEED, empty urlencoded body", &r,
                 "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55001|10.0.9.8|SIP|55000\n");
    expect_api_log("value", "");
    expect_api_url(test_printf("%s?" SEED "&extension=55001&phone_login=55001", page_url()));
}
END_TEST

/* The seed as a body, phone_full_name last: the api log's value is the
 * last POST field's (decoded) value. */
#define SEED_BODY                                                                \
    "source=test&function=add_phone&user=6666&pass=1234&extension=55000"         \
    "&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test" \
    "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"                \
    "&local_gmt=-5.00&outbound_cid=7275551212&phone_full_name=Extension+55000"
#define SEED_POST_URI                                                            \
    "source=test&function=add_phone&user=6666&pass=1234&extension=55000"         \
    "&dialplan_number=55000&voicemail_id=55000&phone_login=55000&phone_pass=test" \
    "&server_ip=10.0.9.8&protocol=SIP&registration_password=test"                \
    "&local_gmt=-5.00&outbound_cid=7275551212&phone_full_name=Extension 55000"

START_TEST(test_post_urlencoded_body)
{
    struct http_reply r = post(API, "application/x-www-form-urlencoded", SEED_BODY);
    expect_reply("POST urlencoded body", &r, SEED_OK);
    expect_seed_row();
    /* a POST-only request's url holds its pairs twice, as VICIdial joins
     * them (docs/rows.md, vicidial_api_urls) */
    expect_api_url(test_printf("%s?" SEED_POST_URI "&GET-AND-POST=Y&" SEED_POST_URI, page_url()));
    expect_api_log("value", "Extension 55000");
    expect_api_log("result", "SUCCESS");
}
END_TEST

START_TEST(test_post_urlencoded_body_with_charset)
{
    struct http_reply r =
        post(API, "application/x-www-form-urlencoded; charset=UTF-8", SEED_BODY);
    expect_reply("POST urlencoded body with charset", &r, SEED_OK);
    expect_seed_row();
}
END_TEST

/* The seed's fields as name, value, ..., NULL, for multipart bodies. */
static const char *const SEED_PAIRS[] = {
    "source", "test", "function", "add_phone", "user", "6666", "pass", "1234",
    "extension", "55000", "dialplan_number", "55000", "voicemail_id", "55000",
    "phone_login", "55000", "phone_pass", "test", "server_ip", "10.0.9.8",
    "protocol", "SIP", "registration_password", "test", "local_gmt", "-5.00",
    "outbound_cid", "7275551212", "phone_full_name", "Extension 55000", NULL,
};

START_TEST(test_post_multipart_body)
{
    char *body = multipart("----nonagentdBoundary7MA4YWxk", SEED_PAIRS);
    struct http_reply r =
        post(API, "multipart/form-data; boundary=----nonagentdBoundary7MA4YWxk", body);

    expect_reply("POST multipart body", &r, SEED_OK);
    expect_seed_row();
    expect_api_url(test_printf("%s?" SEED_POST_URI "&GET-AND-POST=Y&" SEED_POST_URI, page_url()));
    expect_api_log("value", "Extension 55000");
}
END_TEST

/* libmicrohttpd hands a long multipart value over in pieces.  The pieces of
 * a field PHP does not register ("[x": no name) are dropped, those of a
 * registered one ("zz") make up its value, and neither touches the pairs
 * around them. */
START_TEST(test_post_multipart_long_values)
{
    const char *boundary = "----nonagentdBoundaryLong";
    size_t long_len = 40000, cap = 2 * long_len + 32768, n = 0;
    char *body = malloc(cap), *fields = multipart(boundary, SEED_PAIRS);
    char *filler = malloc(long_len + 1);

    memset(filler, 'A', long_len);
    filler[long_len] = '\0';
    n += (size_t)snprintf(body + n, cap - n,
                          "--%s\r\nContent-Disposition: form-data; name=\"[x\"\r\n\r\n%s\r\n"
                          "--%s\r\nContent-Disposition: form-data; name=\"zz\"\r\n\r\n%s\r\n",
                          boundary, filler, boundary, filler);
    snprintf(body + n, cap - n, "%s", fields);
    struct http_reply r =
        post(API, "multipart/form-data; boundary=----nonagentdBoundaryLong", body);

    expect_reply("POST multipart with long values", &r, SEED_OK);
    expect_seed_row();
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_urls"
                                   " WHERE url LIKE '%%zz=AAAA%%' AND url NOT LIKE '%%[x=%%'"
                                   " AND LENGTH(url) > 40000"), 1);
    free(filler);
    free(fields);
    free(body);
}
END_TEST

START_TEST(test_post_json_body_is_ignored)
{
    struct http_reply r = post(API "?" SEED, "application/json",
                               "{\"extension\":\"77777\",\"phone_login\":\"77777\"}");
    expect_reply("POST ?SEED with a JSON body", &r, SEED_OK);
    expect_seed_row();
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones WHERE extension='77777'"), 0);
    expect_api_log("value", "");
}
END_TEST

START_TEST(test_get_beats_post_per_name)
{
    struct http_reply r = post(API "?" SEED "&extension=", "application/x-www-form-urlencoded",
                               "extension=77777");
    expect_reply("POST ?extension= with body extension=77777", &r,
                 "ERROR: add_phone YOU MUST USE ALL REQUIRED FIELDS: |6666||55000|55000|55000"
                 "|test|10.0.9.8|SIP|test|Extension 55000|-5.00|7275551212\n");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones"), 0);
    expect_api_log("result", "ERROR");
    expect_api_log("value", "77777");
    expect_api_url(test_printf("%s?" SEED "&extension=&GET-AND-POST=Y&extension=77777", page_url()));

    /* a name only in the body is used; one in both comes from the query */
    r = post(API "?" SEED, "application/x-www-form-urlencoded",
             "extension=77777&phone_context=postctx");
    expect_reply("POST ?SEED with body extension=77777&phone_context=postctx", &r, SEED_OK);
    expect_phone("55000", "phone_context", "postctx");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones WHERE extension='77777'"), 0);
    expect_api_log("value", "postctx");
}
END_TEST

START_TEST(test_last_duplicate_wins_in_post_body)
{
    struct http_reply r = post(API, "application/x-www-form-urlencoded",
                               SEED_BODY "&email=a%40x.com&email=b%40x.com");
    expect_reply("POST body with email twice", &r, SEED_OK);
    expect_phone("55000", "email", "b@x.com");
    expect_api_log("value", "b@x.com");
}
END_TEST

START_TEST(test_post_mangled_name_in_body)
{
    struct http_reply r = post(API, "application/x-www-form-urlencoded",
                               SEED_NO_LOGIN "&extension=55000&phone.login=mangled");
    expect_reply("POST body with phone.login", &r, SEED_OK);
    expect_phone("55000", "login", "mangled");
}
END_TEST

/* ------------------------------------------------------------------ */
/* what clients read                                                    */
/* ------------------------------------------------------------------ */

START_TEST(test_every_answer_is_200_and_starts_with_success_or_error)
{
    static const char *const queries[] = {
        SEED,
        SEED,                                   /* already exists */
        SEED "&pass=wrong",
        SEED "&user=nosuchuser",
        "function=add_phone",
        SEED "&source=a",
        SEED "&extension=",
        SEED "&server_ip=10.0.9.9",
        SEED "&extension=55001",                /* login taken */
        SEED "&extension=55001&phone_login=55001&local_gmt=7.5",
        SEED "&extension=55001&phone_login=55001&template_id=nope",
        SEED "&function=delete_phone",
        SEED "&function=",
        SEED "&extension[]=1",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        struct http_reply r = api_get(queries[i]);
        char *what = test_printf("GET ?%s", queries[i]);
        expect_client_readable(what, &r);
        http_reply_free(&r);
    }
    get_expect(SEED "&pass=wrong", "ERROR: Login incorrect, please try again: |6666|wrong|BAD|\n");
    get_expect("function=add_phone", "ERROR: Login incorrect, please try again: |||BAD|\n");
    get_expect(SEED "&function=delete_phone", "ERROR: NO FUNCTION SPECIFIED\n");
}
END_TEST

START_TEST(test_success_line_splits_into_user_and_four_fields)
{
    struct http_reply r = api_get(SEED);
    char *line, *data, *f[6];
    int n = 0;

    expect_client_readable("GET ?SEED", &r);
    line = strndup(r.body, strcspn(r.body, "\n"));
    data = strstr(line, " - ");
    ck_assert_ptr_nonnull(data);
    ck_assert_str_eq(strndup(line, (size_t)(data - line)), "SUCCESS: add_phone PHONE HAS BEEN ADDED");
    data += 3;
    for (char *save = NULL, *p = strtok_r(data, "|", &save); p && n < 6;
         p = strtok_r(NULL, "|", &save))
        f[n++] = p;
    ck_assert_int_eq(n, 5);
    ck_assert_str_eq(f[0], "6666");
    ck_assert_str_eq(f[1], "55000");
    ck_assert_str_eq(f[2], "10.0.9.8");
    ck_assert_str_eq(f[3], "SIP");
    ck_assert_str_eq(f[4], "55000");
    ck_assert_msg(strstr(r.body, "ERROR") == NULL, "a success body contains ERROR");
    http_reply_free(&r);
}
END_TEST

START_TEST(test_version_answers_without_login)
{
    struct http_reply r = api_get("function=version&source=crm");
    const char *prefix = "VERSION: 2.14-202|BUILD: 250720-1841|DATE: ";

    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strncmp(r.body, prefix, strlen(prefix)) == 0, "[%s] version: \"%s\"",
                  scene->label, test_visible(r.body));
    ck_assert_msg(strstr(r.body, "|TZ: -5.00|") != NULL, "[%s] version: \"%s\"", scene->label,
                  test_visible(r.body));
    ck_assert_msg(r.body_len > 2 && strcmp(r.body + r.body_len - 2, "|\n") == 0,
                  "[%s] version: \"%s\"", scene->label, test_visible(r.body));
    http_reply_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *make_suite(void)
{
    Suite *s = suite_create("clients");
    TCase *tc;

    tc = tcase("get");
    tcase_add_test(tc, test_plain_get_in_any_order_adds_the_phone);
    tcase_add_test(tc, test_raw_plus_and_at_unencoded);
    tcase_add_test(tc, test_raw_spaces_unencoded);
    tcase_add_test(tc, test_double_encoded_values_are_stored_after_one_decode);
    tcase_add_test(tc, test_get_with_json_content_type_and_no_body);
    tcase_add_test(tc, test_doubled_leading_slash);
    tcase_add_test(tc, test_any_method_reads_the_query_string);
    tcase_add_test(tc, test_unknown_extra_parameters_are_ignored);
    tcase_add_test(tc, test_optional_parameters_omitted_or_empty_are_the_same);
    tcase_add_test(tc, test_last_duplicate_wins);
    tcase_add_test(tc, test_php_name_mangling);
    tcase_add_test(tc, test_pair_without_equals_sign_is_empty);
    tcase_add_test(tc, test_any_source_of_two_or_more_characters);
    suite_add_tcase(s, tc);

    tc = tcase("post");
    tcase_add_test(tc, test_post_with_empty_body_and_query_string);
    tcase_add_test(tc, test_post_urlencoded_body);
    tcase_add_test(tc, test_post_urlencoded_body_with_charset);
    tcase_add_test(tc, test_post_multipart_body);
    tcase_add_test(tc, test_post_multipart_long_values);
    tcase_add_test(tc, test_post_json_body_is_ignored);
    tcase_add_test(tc, test_get_beats_post_per_name);
    tcase_add_test(tc, test_last_duplicate_wins_in_post_body);
    tcase_add_test(tc, test_post_mangled_name_in_body);
    suite_add_tcase(s, tc);

    tc = tcase("reading");
    tcase_add_test(tc, test_every_answer_is_200_and_starts_with_success_or_error);
    tcase_add_test(tc, test_success_line_splits_into_user_and_four_fields);
    tcase_add_test(tc, test_version_answers_without_login);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return fixture_run_all("t_clients", make_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
