/*
 * test_siblings.c - update_phone, add_phone_alias and update_phone_alias
 * (docs/api.md and docs/rows.md): the exact bodies and the rows each call leaves
 * in phones, phones_alias, vicidial_admin_log, servers and vicidial_api_log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixture.h"

#define AUTH "source=test&user=6666&pass=1234"
#define UP AUTH "&function=update_phone&extension=55000&server_ip=10.0.9.8"
#define ADDA AUTH "&function=add_phone_alias"
#define UPA AUTH "&function=update_phone_alias"
#define ADDED "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|10.0.9.8|SIP|55000\n"
#define UPDATED "SUCCESS: update_phone PHONE HAS BEEN UPDATED - 6666|55000|10.0.9.8|\n"
#define SERVER_FLAGS \
    "SELECT GROUP_CONCAT(server_ip, ':', rebuild_conf_files ORDER BY server_ip) FROM servers"
#define WHERE_55000 " WHERE extension='55000' and server_ip='10.0.9.8'"

/* GET ?query and assert the exact body. */
static void call(const char *query, const char *expected)
{
    char *body = api_body(query);
    ck_assert_msg(strcmp(body, expected) == 0,
                  "[%s] GET ?%s\n  expected \"%s\"\n  actual   \"%s\"", scene->label, query,
                  test_visible(expected), test_visible(body));
    free(body);
}

/* The newest vicidial_api_log row. */
static void expect_api_log(const char *function, const char *result, const char *reason,
                           const char *data)
{
    const char *q = "SELECT %s FROM vicidial_api_log ORDER BY api_id DESC LIMIT 1";
    test_expect_db(function, q, "function");
    test_expect_db(result, q, "result");
    test_expect_db(reason, q, "result_reason");
    test_expect_db(data, q, "data");
}

/* The newest vicidial_admin_log row. */
static void expect_admin_log(const char *section, const char *type, const char *record,
                             const char *code, const char *sql, const char *notes)
{
    const char *q = "SELECT %s FROM vicidial_admin_log ORDER BY admin_log_id DESC LIMIT 1";
    test_expect_db(section, q, "event_section");
    test_expect_db(type, q, "event_type");
    test_expect_db(record, q, "record_id");
    test_expect_db(code, q, "event_code");
    test_expect_db(sql, q, "event_sql");
    test_expect_db(notes, q, "event_notes");
    test_expect_db("6666", q, "user");
}

static long admin_rows(void)
{
    return test_db_count("SELECT count(*) FROM vicidial_admin_log");
}

static void add_55000(void)
{
    char *b = api_add_phone("");
    ck_assert_msg(strcmp(b, ADDED) == 0, "[%s] seed add_phone: %s", scene->label,
                  test_visible(b));
    free(b);
    testdb_exec(&scene->db, "UPDATE servers SET rebuild_conf_files='N'");
}

static void add_user(const char *user, const char *admin_access, const char *delete_phones)
{
    testdb_exec(&scene->db,
                "INSERT INTO vicidial_users (user, pass, full_name, user_level, user_group,"
                " active, ast_admin_access, ast_delete_phones, vdc_agent_api_access,"
                " modify_phones) VALUES ('%s', 'x1234', 'Test user', 9, 'ADMIN', 'Y', '%s',"
                " '%s', '1', '1')",
                user, admin_access, delete_phones);
}

/*
 * An update_phone error on 55000@10.0.9.8: exact line "ERROR: update_phone
 * <reason>: |6666|<data>", no admin log, phone row (as a whole) unchanged,
 * servers untouched, api log row.
 */
static void up_error(const char *extra, const char *reason, const char *data)
{
    char *before = test_db_value("SELECT CONCAT_WS('|', dialplan_number, voicemail_id, login, local_gmt,"
                       " email, active, outbound_alt_cid, phone_ring_timeout, template_id,"
                       " install_directory) FROM phones" WHERE_55000);
    long admin = admin_rows();
    char *q = test_printf(UP "%s", extra);
    char *want = test_printf("ERROR: update_phone %s: |6666|%s\n", reason, data);
    call(q, want);
    ck_assert_int_eq(admin_rows(), admin);
    test_expect_db(before, "SELECT CONCAT_WS('|', dialplan_number, voicemail_id, login, local_gmt,"
                      " email, active, outbound_alt_cid, phone_ring_timeout, template_id,"
                      " install_directory) FROM phones" WHERE_55000);
    test_expect_db("10.0.9.8:N,192.168.198.5:N", SERVER_FLAGS);
    expect_api_log("update_phone", "ERROR", test_printf("update_phone %s", reason), data);
}

/* ---------------------------------------------------------------- update_phone */

START_TEST(update_phone_permission)
{
    add_55000();
    add_user("noadm", "0", "1");
    call("source=test&user=noadm&pass=x1234&function=update_phone&extension=55000"
         "&server_ip=10.0.9.8&active=N",
         "ERROR: update_phone USER DOES NOT HAVE PERMISSION TO UPDATE PHONES: |noadm|0\n");
    test_expect_db("Y", "SELECT active FROM phones" WHERE_55000);
    expect_api_log("update_phone", "ERROR",
                   "update_phone USER DOES NOT HAVE PERMISSION TO UPDATE PHONES", "0");
}
END_TEST

START_TEST(update_phone_required_server_phone)
{
    add_55000();
    call(AUTH "&function=update_phone&extension=5&server_ip=10.0.9.8",
         "ERROR: update_phone YOU MUST USE ALL REQUIRED FIELDS: |6666|5|10.0.9.8\n");
    expect_api_log("update_phone", "ERROR", "update_phone YOU MUST USE ALL REQUIRED FIELDS",
                   "5|10.0.9.8");
    call(AUTH "&function=update_phone&extension=55000",
         "ERROR: update_phone YOU MUST USE ALL REQUIRED FIELDS: |6666|55000|\n");
    call(AUTH "&function=update_phone&extension=55000&server_ip=10.9.9.9",
         "ERROR: update_phone SERVER DOES NOT EXIST: |6666|10.9.9.9\n");
    expect_api_log("update_phone", "ERROR", "update_phone SERVER DOES NOT EXIST", "10.9.9.9");
    call(AUTH "&function=update_phone&extension=55000&server_ip=192.168.198.5",
         "ERROR: update_phone PHONE DOES NOT EXIST ON THIS SERVER: |6666|192.168.198.5|55000\n");
    call(AUTH "&function=update_phone&extension=55009&server_ip=10.0.9.8",
         "ERROR: update_phone PHONE DOES NOT EXIST ON THIS SERVER: |6666|10.0.9.8|55009\n");
    expect_api_log("update_phone", "ERROR", "update_phone PHONE DOES NOT EXIST ON THIS SERVER",
                   "10.0.9.8|55009");
    ck_assert_int_eq(admin_rows(), 1);
}
END_TEST

START_TEST(update_phone_visibility)
{
    add_55000();
    testdb_exec(&scene->db, "UPDATE vicidial_user_groups SET admin_viewable_groups=' AGENTS -'"
                            " WHERE user_group='ADMIN'");
    testdb_exec(&scene->db, "UPDATE phones SET user_group='ADMIN'" WHERE_55000);
    call(UP "&active=N",
         "ERROR: update_phone PHONE DOES NOT EXIST ON THIS SERVER: |6666|10.0.9.8|55000\n");
    test_expect_db("Y", "SELECT active FROM phones" WHERE_55000);

    testdb_exec(&scene->db, "UPDATE phones SET user_group='---ALL---'" WHERE_55000);
    call(UP "&active=N", UPDATED);
    test_expect_db("N", "SELECT active FROM phones" WHERE_55000);

    testdb_exec(&scene->db, "UPDATE phones SET user_group='AGENTS'" WHERE_55000);
    call(UP "&active=Y", UPDATED);
    test_expect_db("Y", "SELECT active FROM phones" WHERE_55000);
}
END_TEST

START_TEST(update_phone_delete)
{
    add_55000();
    long admin = admin_rows();
    call(UP "&delete_phone=Y&active=BOGUS",
         "SUCCESS: update_phone PHONE HAS BEEN DELETED - 6666|55000|10.0.9.8|\n");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones WHERE extension='55000'"), 0);
    ck_assert_int_eq(admin_rows(), admin + 1);
    expect_admin_log("PHONES", "DELETE", "55000", "ADMIN API DELETE PHONE",
                     "DELETE FROM phones WHERE extension='55000' and server_ip='10.0.9.8'|",
                     "phone: 55000|10.0.9.8");
    test_expect_db("10.0.9.8:Y,192.168.198.5:N", SERVER_FLAGS);
    expect_api_log("update_phone", "SUCCESS", "update_phone PHONE HAS BEEN DELETED",
                   "55000|10.0.9.8|");
}
END_TEST

START_TEST(update_phone_delete_needs_right)
{
    add_55000();
    testdb_exec(&scene->db, "UPDATE vicidial_users SET ast_delete_phones='0' WHERE user='6666'");
    long admin = admin_rows();
    call(UP "&delete_phone=Y",
         "NOTICE: update_phone USER DOES NOT HAVE PERMISSION TO DELETE PHONES: |6666|0\n");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones" WHERE_55000), 1);
    ck_assert_int_eq(admin_rows(), admin);
    expect_api_log("update_phone", "NOTICE",
                   "update_phone USER DOES NOT HAVE PERMISSION TO DELETE PHONES", "0");
}
END_TEST

START_TEST(update_phone_lowercase_y_does_not_delete)
{
    add_55000();
    call(UP "&delete_phone=y", UPDATED);
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones" WHERE_55000), 1);
    test_expect_db("MODIFY", "SELECT event_type FROM vicidial_admin_log ORDER BY admin_log_id DESC LIMIT 1");
}
END_TEST

START_TEST(update_phone_all_fields)
{
    add_55000();
    call(UP "&dialplan_number=9999&active=N&outbound_cid=7275551212&voicemail_id=88"
            "&phone_login=newl&phone_pass=pp&protocol=IAX2&registration_password=rr"
            "&phone_full_name=New+Name&phone_context=ctx&email=a%40b.com&local_gmt=-6"
            "&admin_user_group=ADMIN&outbound_alt_cid=1234567&phone_ring_timeout=30"
            "&delete_vm_after_email=Y&is_webphone=Y&webphone_auto_answer=N"
            "&use_external_server_ip=Y&template_id=SIPdefault&on_hook_agent=Y",
         UPDATED);
    expect_admin_log("PHONES", "MODIFY", "55000", "ADMIN API UPDATE PHONE",
        "UPDATE phones SET install_directory=''  ,dialplan_number='9999' ,active='N'"
        " ,outbound_cid='7275551212' ,voicemail_id='88' ,login='newl' ,pass='pp'"
        " ,protocol='IAX2' ,conf_secret='rr' ,fullname='New Name' ,phone_context='ctx'"
        " ,email='a@b.com' ,local_gmt='-6' ,user_group='ADMIN' ,outbound_alt_cid='1234567'"
        " ,phone_ring_timeout='30' ,delete_vm_after_email='Y' ,is_webphone='Y'"
        " ,webphone_auto_answer='N' ,use_external_server_ip='Y' ,template_id='SIPdefault'"
        " ,on_hook_agent='Y' WHERE extension='55000' and server_ip='10.0.9.8'|",
        "phone: 55000|10.0.9.8");
    test_expect_db("9999|N|7275551212|88|newl|pp|IAX2|rr|New Name|ctx|a@b.com|ADMIN|1234567|30|Y"
              "|Y|N|Y|SIPdefault|Y|",
              "SELECT CONCAT_WS('|', dialplan_number, active, outbound_cid, voicemail_id, login,"
              " pass, protocol, conf_secret, fullname, phone_context, email, user_group,"
              " outbound_alt_cid, phone_ring_timeout, delete_vm_after_email, is_webphone,"
              " webphone_auto_answer, use_external_server_ip, template_id, on_hook_agent,"
              " install_directory) FROM phones" WHERE_55000);
    ck_assert_int_eq(test_db_count("SELECT local_gmt = -6 FROM phones" WHERE_55000), 1);
    test_expect_db("10.0.9.8:Y,192.168.198.5:N", SERVER_FLAGS);
    expect_api_log("update_phone", "SUCCESS", "update_phone PHONE HAS BEEN UPDATED",
                   "55000|10.0.9.8|");
}
END_TEST

START_TEST(update_phone_no_fields)
{
    add_55000();
    testdb_exec(&scene->db, "UPDATE phones SET install_directory='/x'" WHERE_55000);
    long admin = admin_rows();
    call(UP, UPDATED);
    ck_assert_int_eq(admin_rows(), admin + 1);
    expect_admin_log("PHONES", "MODIFY", "55000", "ADMIN API UPDATE PHONE",
                     "UPDATE phones SET install_directory=''       WHERE extension='55000'"
                     " and server_ip='10.0.9.8'|",
                     "phone: 55000|10.0.9.8");
    test_expect_db("", "SELECT install_directory FROM phones" WHERE_55000);
    test_expect_db("Y", "SELECT active FROM phones" WHERE_55000);
}
END_TEST

START_TEST(update_phone_field_errors)
{
    add_55000();
    up_error("&local_gmt=-5.5", "YOU MUST USE A VALID TIMEZONE", "-5.5");
    up_error("&email=a%40b", "YOU MUST USE A VALID EMAIL", "a@b");
    up_error("&dialplan_number=99", "YOU MUST USE A VALID DIALPLAN NUMBER", "99");
    up_error("&active=YES", "ACTIVE MUST BE Y OR N, THIS IS AN OPTIONAL FIELD", "YES");
    up_error("&phone_ring_timeout=500&outbound_alt_cid=1234567",
             "PHONE RING TIMEOUT MUST BE FROM 2 TO 180 SECONDS, THIS IS AN OPTIONAL FIELD",
             "1234567");
    up_error("&outbound_alt_cid=--BLANK--",
             "OUTBOUND ALT CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD", "BLANK");
    up_error("&template_id=nope", "TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD",
             "|nope");
    /* The rest of the 18 rules, each at its bound. */
    up_error("&phone_context=x", "YOU MUST USE A VALID PHONE CONTEXT", "x");
    up_error("&phone_full_name=x", "YOU MUST USE A VALID PHONE NAME", "x");
    up_error("&phone_full_name=abcdefghijklmnopqrstuvwxyz12345", "YOU MUST USE A VALID PHONE NAME",
             "abcdefghijklmnopqrstuvwxyz12345");
    up_error("&registration_password=x", "YOU MUST USE A VALID REGISTRATION PASSWORD", "x");
    up_error("&protocol=PJSIP", "YOU MUST USE A VALID PROTOCOL", "PJSIP");
    up_error("&protocol=sip", "YOU MUST USE A VALID PROTOCOL", "sip");
    up_error("&phone_pass=x", "YOU MUST USE A VALID PHONE PASSWORD", "x");
    up_error("&voicemail_id=9", "YOU MUST USE A VALID VOICEMAIL NUMBER", "9");
    up_error("&outbound_cid=12345",
             "OUTBOUND CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD", "12345");
    up_error("&outbound_cid=1234567890123456789",
             "OUTBOUND CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD",
             "1234567890123456789");
    up_error("&admin_user_group=A",
             "USER GROUP MUST BE FROM 2 TO 20 CHARACTERS, THIS IS AN OPTIONAL FIELD", "A");
    up_error("&delete_vm_after_email=yes",
             "DELETE VOICEMAIL AFTER EMAIL MUST BE Y OR N, THIS IS AN OPTIONAL FIELD", "yes");
    /* Order: the first failing rule answers (timezone before email). */
    up_error("&email=a%40b&local_gmt=13", "YOU MUST USE A VALID TIMEZONE", "13");
}
END_TEST

/* --BLANK-- clears the four fields that allow it; lower-case y for active
 * is filtered away (no change); invalid flags are ignored silently. */
START_TEST(update_phone_blank_clears_and_invalid_flags_are_ignored)
{
    add_55000();
    call(UP "&email=--BLANK--&phone_context=--BLANK--&phone_full_name=--BLANK--"
            "&registration_password=--BLANK--&active=y&is_webphone=yes&on_hook_agent=1",
         UPDATED);
    test_expect_db("||||Y|N|N",
              "SELECT CONCAT_WS('|', email, phone_context, fullname, conf_secret, active,"
              " is_webphone, on_hook_agent) FROM phones" WHERE_55000);
}
END_TEST

START_TEST(update_phone_voicemail_blank_is_stored)
{
    add_55000();
    call(UP "&voicemail_id=--BLANK--", UPDATED);
    test_expect_db("BLANK", "SELECT voicemail_id FROM phones" WHERE_55000);
}
END_TEST

START_TEST(update_phone_login_conflict_needs_both_different)
{
    add_55000();
    char *b = api_add_phone("&extension=55001&server_ip=192.168.198.5&phone_login=L2");
    ck_assert_str_eq(b, "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55001|192.168.198.5|SIP|55000\n");
    b = api_add_phone("&extension=55002&phone_login=L3");
    ck_assert_str_eq(b, "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55002|10.0.9.8|SIP|55000\n");
    testdb_exec(&scene->db, "UPDATE servers SET rebuild_conf_files='N'");

    up_error("&phone_login=L2", "LOGIN ALREADY EXISTS", "L2");
    test_expect_db("55000", "SELECT login FROM phones" WHERE_55000);

    /* Same server, other extension: not counted. */
    call(UP "&phone_login=L3", UPDATED);
    test_expect_db("L3", "SELECT login FROM phones" WHERE_55000);
}
END_TEST

/* ------------------------------------------------------------- add_phone_alias */

START_TEST(add_alias_success)
{
    add_55000();
    long admin = admin_rows();
    call(ADDA "&alias_id=al1&alias_name=Alias+One&phone_logins=55000",
         "SUCCESS: add_phone_alias PHONE ALIAS HAS BEEN ADDED - 6666|al1|Alias One|55000\n");
    test_expect_db("al1|Alias One|55000|---ALL---",
              "SELECT CONCAT_WS('|', alias_id, alias_name, logins_list, user_group)"
              " FROM phones_alias WHERE alias_id='al1'");
    ck_assert_int_eq(admin_rows(), admin + 1);
    expect_admin_log("PHONEALIASES", "ADD", "al1", "ADMIN API ADD PHONE ALIAS",
                     "INSERT INTO phones_alias (alias_id,alias_name,logins_list)"
                     " values('al1','Alias One','55000')|",
                     "phones: 55000");
    test_expect_db("10.0.9.8:N,192.168.198.5:N", SERVER_FLAGS);
    expect_api_log("add_phone_alias", "SUCCESS", "add_phone_alias PHONE ALIAS HAS BEEN ADDED",
                   "al1|Alias One|55000");
}
END_TEST

START_TEST(add_alias_errors)
{
    add_55000();
    long admin = admin_rows();
    call(ADDA "&alias_id=a&alias_name=Alias+One&phone_logins=55000",
         "ERROR: add_phone_alias YOU MUST USE ALL REQUIRED FIELDS: |6666|a|Alias One|55000\n");
    expect_api_log("add_phone_alias", "ERROR", "add_phone_alias YOU MUST USE ALL REQUIRED FIELDS",
                   "a|Alias One|55000");
    call(ADDA "&alias_id=al2&alias_name=Two&phone_logins=nope",
         "ERROR: add_phone_alias PHONE DOES NOT EXIST: |6666|nope\n");
    expect_api_log("add_phone_alias", "ERROR", "add_phone_alias PHONE DOES NOT EXIST", "nope");
    call(ADDA "&alias_id=al2&alias_name=Two&phone_logins=55000,",
         "ERROR: add_phone_alias PHONE DOES NOT EXIST: |6666|\n");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones_alias"), 0);
    ck_assert_int_eq(admin_rows(), admin);

    call(ADDA "&alias_id=al1&alias_name=Alias+One&phone_logins=55000",
         "SUCCESS: add_phone_alias PHONE ALIAS HAS BEEN ADDED - 6666|al1|Alias One|55000\n");
    call(ADDA "&alias_id=al1&alias_name=Other&phone_logins=55000",
         "ERROR: add_phone_alias PHONE ALIAS ALREADY EXISTS: |6666|al1\n");
    expect_api_log("add_phone_alias", "ERROR", "add_phone_alias PHONE ALIAS ALREADY EXISTS",
                   "al1");
    test_expect_db("Alias One", "SELECT alias_name FROM phones_alias WHERE alias_id='al1'");
    ck_assert_int_eq(admin_rows(), admin + 1);
}
END_TEST

/* ---------------------------------------------------------- update_phone_alias */

static void add_al1(void)
{
    add_55000();
    call(ADDA "&alias_id=al1&alias_name=Alias+One&phone_logins=55000",
         "SUCCESS: add_phone_alias PHONE ALIAS HAS BEEN ADDED - 6666|al1|Alias One|55000\n");
}

START_TEST(update_alias_rename)
{
    add_al1();
    long admin = admin_rows();
    call(UPA "&alias_id=al1&alias_name=New+Name",
         "SUCCESS: update_phone_alias PHONE ALIAS HAS BEEN UPDATED - 6666|al1|\n");
    test_expect_db("New Name|55000", "SELECT CONCAT_WS('|', alias_name, logins_list) FROM phones_alias"
                                " WHERE alias_id='al1'");
    ck_assert_int_eq(admin_rows(), admin + 1);
    expect_admin_log("PHONEALIASES", "MODIFY", "al1", "ADMIN API UPDATE PHONE",
                     "UPDATE phones_alias SET alias_name='New Name' WHERE alias_id='al1'|",
                     "phones: ");
    expect_api_log("update_phone_alias", "SUCCESS",
                   "update_phone_alias PHONE ALIAS HAS BEEN UPDATED", "al1|");
}
END_TEST

START_TEST(update_alias_delete)
{
    add_al1();
    long admin = admin_rows();
    call(UPA "&alias_id=al1&delete_alias=Y",
         "SUCCESS: update_phone_alias PHONE ALIAS HAS BEEN DELETED - 6666|al1\n");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones_alias"), 0);
    ck_assert_int_eq(admin_rows(), admin + 1);
    expect_admin_log("PHONEALIASES", "DELETE", "al1", "ADMIN API DELETE PHONE ALIAS",
                     "DELETE FROM phones_alias where alias_id='al1'|", "");
    expect_api_log("update_phone_alias", "SUCCESS",
                   "update_phone_alias PHONE ALIAS HAS BEEN DELETED", "al1");
}
END_TEST

START_TEST(update_alias_notices_and_errors)
{
    add_al1();
    long admin = admin_rows();
    call(UPA "&alias_id=al1&delete_alias=N",
         "NOTICE: update_phone_alias NO UPDATES DEFINED: |6666|\n");
    expect_api_log("update_phone_alias", "NOTICE", "update_phone_alias NO UPDATES DEFINED", "");
    call(UPA "&alias_id=zz&alias_name=X",
         "ERROR: update_phone_alias PHONE ALIAS DOES NOT EXIST: |6666|zz\n");
    expect_api_log("update_phone_alias", "ERROR", "update_phone_alias PHONE ALIAS DOES NOT EXIST",
                   "zz");
    call(UPA "&alias_id=al1&alias_name=X",
         "ERROR: update_phone_alias YOU MUST USE A VALID ALIAS NAME: |6666|X\n");
    expect_api_log("update_phone_alias", "ERROR",
                   "update_phone_alias YOU MUST USE A VALID ALIAS NAME", "X");
    testdb_exec(&scene->db, "UPDATE vicidial_users SET ast_delete_phones='0' WHERE user='6666'");
    call(UPA "&alias_id=al1&delete_alias=Y",
         "NOTICE: update_phone_alias USER DOES NOT HAVE PERMISSION TO DELETE PHONE ALIASES:"
         " |6666|0\n");
    expect_api_log("update_phone_alias", "NOTICE",
                   "update_phone_alias USER DOES NOT HAVE PERMISSION TO DELETE PHONE ALIASES", "0");
    test_expect_db("Alias One|55000", "SELECT CONCAT_WS('|', alias_name, logins_list) FROM phones_alias"
                                 " WHERE alias_id='al1'");
    ck_assert_int_eq(admin_rows(), admin);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("siblings");
    TCase *up = fixture_add_case(s, "update_phone", 0);
    TCase *al = fixture_add_case(s, "phone aliases", 0);

    tcase_add_test(up, update_phone_permission);
    tcase_add_test(up, update_phone_required_server_phone);
    tcase_add_test(up, update_phone_visibility);
    tcase_add_test(up, update_phone_delete);
    tcase_add_test(up, update_phone_delete_needs_right);
    tcase_add_test(up, update_phone_lowercase_y_does_not_delete);
    tcase_add_test(up, update_phone_all_fields);
    tcase_add_test(up, update_phone_no_fields);
    tcase_add_test(up, update_phone_field_errors);
    tcase_add_test(up, update_phone_voicemail_blank_is_stored);
    tcase_add_test(up, update_phone_blank_clears_and_invalid_flags_are_ignored);
    tcase_add_test(up, update_phone_login_conflict_needs_both_different);

    tcase_add_test(al, add_alias_success);
    tcase_add_test(al, add_alias_errors);
    tcase_add_test(al, update_alias_rename);
    tcase_add_test(al, update_alias_delete);
    tcase_add_test(al, update_alias_notices_and_errors);
    return s;
}

int main(void)
{
    return fixture_run_all("t_siblings", make_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
