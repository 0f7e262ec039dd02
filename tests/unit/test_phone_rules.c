/*
 * test_phone_rules.c - unit tests for the phone functions' rules that need
 * no database (server/api/phone_rules.c): the timezone list under PHP's
 * numeric comparison, the user group's visibility of a phone, add_phone's
 * required fields and defaults, and update_phone's field rules in their
 * order.  Each request is made from a query string with
 * request_from_query(), so the fields pass through the real filters
 * first, as the daemon's do (docs/api.md says what each answer is).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "server/api/phone_rules.h"
#include "server/request.h"
#include "tests/support/suite.h"

static struct request req;

static void from_query(const char *query)
{
    ck_assert_int_eq(request_from_query(&req, query, 0), 0);
}

static void teardown(void)
{
    request_free(&req);
}

/* o is an ERROR line with this reason and this data shown. */
static void expect_error(struct outcome *o, const char *reason, const char *shown)
{
    ck_assert_int_eq(o->answer, ANSWER_LINE);
    ck_assert_str_eq(o->result, "ERROR");
    ck_assert_str_eq(o->reason, reason);
    ck_assert_str_eq(o->shown, shown);
    ck_assert_int_eq(o->logs, 1);
    free(o->owned);
}

/* ---- timezone ------------------------------------------------------------ */

START_TEST(every_offset_of_vicidials_list_is_a_valid_timezone_however_spelled)
{
    static const char *const valid[] = {
        "12.75", "12", "11", "10", "9.5", "9", "8", "7", "6.5", "6", "5.75", "5.5", "5",
        "4.5", "4", "3.5", "3", "2", "1", "0", "-1", "-2", "-3", "-3.5", "-4", "-5", "-6",
        "-7", "-8", "-9", "-10", "-11", "-12",
        /* PHP compares numeric strings by value */
        "-5.00", "-005.000", "05", "0.0", "-0", "5.", "9.50", "12.750",
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        ck_assert_msg(gmt_is_valid(valid[i]), "\"%s\" refused", valid[i]);
}
END_TEST

START_TEST(an_offset_off_the_list_or_not_a_number_is_refused)
{
    static const char *const invalid[] = {
        "", "-", ".", "13", "-13", "5.25", "-5.5", "-9.5", "12.5", ".5", "-.", "5-",
        "--5", "5.5.5", "+5", "1e1", " 5",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        ck_assert_msg(!gmt_is_valid(invalid[i]), "\"%s\" accepted", invalid[i]);
}
END_TEST

/* ---- visibility ---------------------------------------------------------- */

START_TEST(all_groups_or_a_short_list_sees_every_phone)
{
    ck_assert(phone_group_visible(" ---ALL--- ", "SALES"));
    ck_assert(phone_group_visible(" ADMIN --all-- -", "SALES"));
    ck_assert(phone_group_visible("", "SALES"));
    ck_assert(phone_group_visible(" A ", "SALES"));
}
END_TEST

START_TEST(a_group_list_sees_its_groups_and_all_groups_phones_only)
{
    const char *viewable = " ADMIN SALES -";

    ck_assert(phone_group_visible(viewable, "SALES"));
    ck_assert(phone_group_visible(viewable, "sales"));       /* the column's collation */
    ck_assert(phone_group_visible(viewable, "ADMIN"));
    ck_assert(phone_group_visible(viewable, "---ALL---"));
    ck_assert(!phone_group_visible(viewable, "SUPPORT"));
    ck_assert(!phone_group_visible(viewable, "SALE"));
    /* The list's leading space gives an empty element: a phone without a
     * group is visible, as in VICIdial's IN(...). */
    ck_assert(phone_group_visible(viewable, ""));
    ck_assert(!phone_group_visible("ADMIN SALES", ""));
}
END_TEST

/* ---- add_phone ----------------------------------------------------------- */

#define ADD_REQUIRED                                                                      \
    "extension=cc100&dialplan_number=cc100&voicemail_id=100&phone_login=l100"             \
    "&phone_pass=pw&server_ip=10.0.9.8&protocol=SIP&registration_password=rp"             \
    "&phone_full_name=Name&local_gmt=-5.00&outbound_cid=7275551212"

START_TEST(add_phone_row_takes_the_fields_and_vicidials_defaults)
{
    from_query(ADD_REQUIRED "&is_webphone=y_api_launch&on_hook_agent=maybe");
    struct phone_new p = add_phone_row(&req);
    struct outcome o = add_phone_required(&p);

    ck_assert_int_eq(o.answer, ANSWER_NONE);
    ck_assert_str_eq(p.extension, "cc100");
    ck_assert_str_eq(p.login, "l100");
    ck_assert_str_eq(p.conf_secret, "rp");
    ck_assert_str_eq(p.fullname, "Name");
    ck_assert_str_eq(p.phone_context, "default");
    ck_assert_str_eq(p.user_group, "---ALL---");
    ck_assert_str_eq(p.is_webphone, "y_api_launch");
    ck_assert_ptr_null(p.webphone_auto_answer);
    ck_assert_ptr_null(p.on_hook_agent);
    ck_assert_str_eq(p.template_id, "");
}
END_TEST

START_TEST(add_phone_required_names_all_eleven_fields_when_one_is_missing)
{
    from_query("extension=cc100&dialplan_number=cc100&voicemail_id=100&phone_login=l100"
               "&phone_pass=pw&server_ip=10.0.9.8&protocol=SIP&registration_password=rp"
               "&phone_full_name=Name&local_gmt=-5.00");
    struct phone_new p = add_phone_row(&req);
    struct outcome o = add_phone_required(&p);

    expect_error(&o, "add_phone YOU MUST USE ALL REQUIRED FIELDS",
                 "cc100|cc100|100|l100|pw|10.0.9.8|SIP|rp|Name|-5.00|");
}
END_TEST

START_TEST(add_phone_required_wants_two_characters_and_a_known_protocol)
{
    static const char *const bad[] = {
        ADD_REQUIRED "&extension=c", ADD_REQUIRED "&dialplan_number=1",
        ADD_REQUIRED "&protocol=sip", ADD_REQUIRED "&protocol=PJSIP",
        ADD_REQUIRED "&outbound_cid=abc",      /* the filter keeps digits only: "" */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        from_query(bad[i]);
        struct phone_new p = add_phone_row(&req);
        struct outcome o = add_phone_required(&p);
        ck_assert_msg(o.answer == ANSWER_LINE, "%s passed", bad[i]);
        free(o.owned);
        request_free(&req);
    }
    from_query(ADD_REQUIRED "&protocol=IAX2");
}
END_TEST

/* ---- update_phone -------------------------------------------------------- */

START_TEST(update_rules_set_what_passes_and_leave_empty_fields_alone)
{
    struct phone_change c = { 0 };

    from_query("email=--BLANK--&phone_context=ctx&protocol=Zap&phone_pass=pw"
               "&phone_login=newlogin&voicemail_id=77&active=N&phone_ring_timeout=0030"
               "&webphone_auto_answer=N&is_webphone=maybe");
    struct outcome o = update_phone_rules(&req, UPDATE_RULES_BEFORE_LOGIN, &c);
    ck_assert_int_eq(o.answer, ANSWER_NONE);
    o = update_phone_rules(&req, UPDATE_RULES_AFTER_LOGIN, &c);
    ck_assert_int_eq(o.answer, ANSWER_NONE);

    ck_assert_str_eq(c.email, "");              /* --BLANK-- clears it */
    ck_assert_str_eq(c.phone_context, "ctx");
    ck_assert_str_eq(c.protocol, "Zap");
    ck_assert_str_eq(c.pass, "pw");
    ck_assert_ptr_null(c.login);                 /* update_phone.c's, under its lock */
    ck_assert_str_eq(c.voicemail_id, "77");
    ck_assert_str_eq(c.active, "N");
    ck_assert_str_eq(c.phone_ring_timeout, "0030");
    ck_assert_str_eq(c.webphone_auto_answer, "N");
    ck_assert_ptr_null(c.is_webphone);
    ck_assert_ptr_null(c.local_gmt);
    ck_assert_ptr_null(c.fullname);
    ck_assert_ptr_null(c.dialplan_number);
    ck_assert_ptr_null(c.template_id);
}
END_TEST

START_TEST(update_rules_answer_the_first_field_that_fails_in_vicidials_order)
{
    struct phone_change c = { 0 };

    /* Both fail: the timezone comes first. */
    from_query("phone_pass=x&local_gmt=13");
    struct outcome o = update_phone_rules(&req, UPDATE_RULES_BEFORE_LOGIN, &c);
    expect_error(&o, "update_phone YOU MUST USE A VALID TIMEZONE", "13");
    request_free(&req);

    from_query("phone_pass=x&dialplan_number=12");
    o = update_phone_rules(&req, UPDATE_RULES_BEFORE_LOGIN, &c);
    expect_error(&o, "update_phone YOU MUST USE A VALID PHONE PASSWORD", "x");
    request_free(&req);

    /* After the login: the dialplan needs three characters. */
    from_query("dialplan_number=12&active=Y");
    o = update_phone_rules(&req, UPDATE_RULES_BEFORE_LOGIN, &c);
    ck_assert_int_eq(o.answer, ANSWER_NONE);
    o = update_phone_rules(&req, UPDATE_RULES_AFTER_LOGIN, &c);
    expect_error(&o, "update_phone YOU MUST USE A VALID DIALPLAN NUMBER", "12");
}
END_TEST

START_TEST(update_rules_each_bound_and_its_answer)
{
    static const struct { const char *query, *reason, *shown; } cases[] = {
        { "email=a@b", "update_phone YOU MUST USE A VALID EMAIL", "a@b" },
        { "phone_context=c", "update_phone YOU MUST USE A VALID PHONE CONTEXT", "c" },
        { "phone_full_name=N", "update_phone YOU MUST USE A VALID PHONE NAME", "N" },
        { "registration_password=r", "update_phone YOU MUST USE A VALID REGISTRATION PASSWORD",
          "r" },
        { "protocol=SIP2", "update_phone YOU MUST USE A VALID PROTOCOL", "SIP2" },
        { "voicemail_id=1", "update_phone YOU MUST USE A VALID VOICEMAIL NUMBER", "1" },
        { "active=YES", "update_phone ACTIVE MUST BE Y OR N, THIS IS AN OPTIONAL FIELD", "YES" },
        { "outbound_cid=12345",
          "update_phone OUTBOUND CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD",
          "12345" },
        { "admin_user_group=G",
          "update_phone USER GROUP MUST BE FROM 2 TO 20 CHARACTERS, THIS IS AN OPTIONAL FIELD",
          "G" },
        { "outbound_alt_cid=1234567890123456789",
          "update_phone OUTBOUND ALT CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD",
          "1234567890123456789" },
        /* VICIdial shows outbound_alt_cid for a bad ring timeout. */
        { "phone_ring_timeout=181&outbound_alt_cid=",
          "update_phone PHONE RING TIMEOUT MUST BE FROM 2 TO 180 SECONDS, THIS IS AN OPTIONAL "
          "FIELD", "" },
        { "phone_ring_timeout=1",
          "update_phone PHONE RING TIMEOUT MUST BE FROM 2 TO 180 SECONDS, THIS IS AN OPTIONAL "
          "FIELD", "" },
        { "phone_ring_timeout=00000000000000000181",
          "update_phone PHONE RING TIMEOUT MUST BE FROM 2 TO 180 SECONDS, THIS IS AN OPTIONAL "
          "FIELD", "" },
        { "delete_vm_after_email=y",
          "update_phone DELETE VOICEMAIL AFTER EMAIL MUST BE Y OR N, THIS IS AN OPTIONAL FIELD",
          "y" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct phone_change c = { 0 };
        from_query(cases[i].query);
        struct outcome o = update_phone_rules(&req, UPDATE_RULES_BEFORE_LOGIN, &c);
        if (o.answer == ANSWER_NONE)
            o = update_phone_rules(&req, UPDATE_RULES_AFTER_LOGIN, &c);
        ck_assert_msg(o.answer == ANSWER_LINE, "%s passed", cases[i].query);
        expect_error(&o, cases[i].reason, cases[i].shown);
        request_free(&req);
    }
    from_query("phone_ring_timeout=180&outbound_cid=123456&admin_user_group=GG");
    struct phone_change c = { 0 };
    struct outcome o = update_phone_rules(&req, UPDATE_RULES_AFTER_LOGIN, &c);
    ck_assert_int_eq(o.answer, ANSWER_NONE);
    ck_assert_str_eq(c.phone_ring_timeout, "180");
}
END_TEST

static Suite *phone_rules_suite(void)
{
    Suite *s = suite_create("phone_rules");
    TCase *tc;

    tc = test_add_case(s, "timezone", 0, NULL, NULL);
    tcase_add_test(tc, every_offset_of_vicidials_list_is_a_valid_timezone_however_spelled);
    tcase_add_test(tc, an_offset_off_the_list_or_not_a_number_is_refused);

    tc = test_add_case(s, "visibility", 0, NULL, NULL);
    tcase_add_test(tc, all_groups_or_a_short_list_sees_every_phone);
    tcase_add_test(tc, a_group_list_sees_its_groups_and_all_groups_phones_only);

    tc = test_add_case(s, "add_phone", 0, NULL, teardown);
    tcase_add_test(tc, add_phone_row_takes_the_fields_and_vicidials_defaults);
    tcase_add_test(tc, add_phone_required_names_all_eleven_fields_when_one_is_missing);
    tcase_add_test(tc, add_phone_required_wants_two_characters_and_a_known_protocol);

    tc = test_add_case(s, "update_phone", 0, NULL, teardown);
    tcase_add_test(tc, update_rules_set_what_passes_and_leave_empty_fields_alone);
    tcase_add_test(tc, update_rules_answer_the_first_field_that_fails_in_vicidials_order);
    tcase_add_test(tc, update_rules_each_bound_and_its_answer);
    return s;
}

int main(void)
{
    return test_run_suite(phone_rules_suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
