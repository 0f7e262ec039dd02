/*
 * test_schema.c - proves that schema/vicidial.sql builds VICIdial 2.14's
 * tables exactly as VICIdial creates them (docs/schema.md): every column of
 * every table in order, with type, NULL-ness and default (schema_expected.tsv),
 * the keys the daemon relies on, and the
 * seed rows of a fresh install; under strict and empty sql_mode, and after
 * conversion to MyISAM, VICIdial's own engine.
 *
 * Needs the harness server: NONAGENTD_TESTDB_DIR names the directory that
 * tests/harness/mariadb.sh start was given.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/widths.h"
#include "tests/support/testdb.h"

#define DB_MAIN "nonagentd_test_schema"
#define N_TABLES 16

/* One line of schema_expected.tsv. */
struct column {
    char table[64];
    unsigned ordinal;
    char name[64];
    char type[512];
    char nullable[4];
    char dflt[256];     /* as information_schema shows it; "(none)" for SQL NULL */
};

static struct column *expected;
static size_t n_expected;

/* The connection each test gets, to DB_MAIN, made inside the test's own
 * process: a MySQL connection cannot be shared across fork(). */
static struct testdb db;

static void load_expected(void)
{
    char path[1024], line[2048];
    size_t cap = 0;
    unsigned lineno = 0;
    FILE *f;

    snprintf(path, sizeof path, "%s/tests/integration/schema_expected.tsv", testdb_source_dir());
    f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(EXIT_FAILURE);
    }
    while (fgets(line, sizeof line, f)) {
        char *field[6], *save = NULL, *p;
        int n = 0;
        struct column *c;

        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        for (p = strtok_r(line, "\t", &save); p && n < 6; p = strtok_r(NULL, "\t", &save))
            field[n++] = p;
        if (n != 6 || strtok_r(NULL, "\t", &save)) {
            fprintf(stderr, "%s:%u: expected 6 tab-separated fields\n", path, lineno);
            exit(EXIT_FAILURE);
        }
        if (n_expected == cap) {
            cap = cap ? cap * 2 : 1024;
            expected = realloc(expected, cap * sizeof *expected);
            if (!expected) {
                perror("realloc");
                exit(EXIT_FAILURE);
            }
        }
        c = &expected[n_expected++];
        snprintf(c->table, sizeof c->table, "%s", field[0]);
        c->ordinal = (unsigned)strtoul(field[1], NULL, 10);
        snprintf(c->name, sizeof c->name, "%s", field[2]);
        snprintf(c->type, sizeof c->type, "%s", field[3]);
        snprintf(c->nullable, sizeof c->nullable, "%s", field[4]);
        snprintf(c->dflt, sizeof c->dflt, "%s", field[5]);
    }
    fclose(f);
}

static size_t expected_count(const char *table)
{
    size_t n = 0;

    for (size_t i = 0; i < n_expected; i++)
        n += strcmp(expected[i].table, table) == 0;
    return n;
}

/* Appends to a fixed report buffer; what does not fit is dropped, the
 * first differences are the useful ones. */
static void report(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(char *buf, size_t size, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;

    if (used + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + used, size - used, fmt, ap);
    va_end(ap);
}

/*
 * Compares information_schema.COLUMNS for one table with the expected
 * lines, field by field, and fails the test with every difference found.
 */
static void check_columns(struct testdb *t, const char *schema, const char *table)
{
    char diffs[8192] = "";
    char sql[512];
    size_t want = expected_count(table), got = 0, i = 0;
    MYSQL_RES *res;
    MYSQL_ROW row;

    ck_assert_msg(want > 0, "schema_expected.tsv has no lines for %s", table);
    snprintf(sql, sizeof sql,
             "SELECT ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT"
             " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '%s' AND TABLE_NAME = '%s'"
             " ORDER BY ORDINAL_POSITION", schema, table);
    ck_assert_msg(mysql_query(t->conn, sql) == 0, "%s", mysql_error(t->conn));
    res = mysql_store_result(t->conn);
    ck_assert_ptr_nonnull(res);

    while ((row = mysql_fetch_row(res))) {
        const struct column *c;
        const char *dflt = row[4] ? row[4] : "(none)";

        got++;
        while (i < n_expected && strcmp(expected[i].table, table) != 0)
            i++;
        if (i == n_expected) {
            report(diffs, sizeof diffs, "  %s.%s: column %s is not VICIdial's\n",
                   table, row[0], row[1]);
            continue;
        }
        c = &expected[i++];
        if (strcmp(c->name, row[1]) != 0)
            report(diffs, sizeof diffs, "  %s #%u: column %s, VICIdial has %s\n",
                   table, c->ordinal, row[1], c->name);
        if (strcmp(c->type, row[2]) != 0)
            report(diffs, sizeof diffs, "  %s.%s: type %s, VICIdial has %s\n",
                   table, c->name, row[2], c->type);
        if (strcmp(c->nullable, row[3]) != 0)
            report(diffs, sizeof diffs, "  %s.%s: nullable %s, VICIdial has %s\n",
                   table, c->name, row[3], c->nullable);
        if (strcmp(c->dflt, dflt) != 0)
            report(diffs, sizeof diffs, "  %s.%s: default %s, VICIdial has %s\n",
                   table, c->name, dflt, c->dflt);
    }
    mysql_free_result(res);
    if (got != want)
        report(diffs, sizeof diffs, "  %s has %zu columns, VICIdial has %zu\n", table, got, want);
    ck_assert_msg(diffs[0] == '\0', "%s.%s differs from VICIdial's:\n%s", schema, table, diffs);
}

/* Every table named in schema_expected.tsv, in file order. */
static size_t expected_tables(const char *out[], size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < n_expected; i++)
        if (n == 0 || strcmp(out[n - 1], expected[i].table) != 0) {
            ck_assert_uint_lt(n, max);
            out[n++] = expected[i].table;
        }
    return n;
}

static void check_all_columns(struct testdb *t, const char *schema)
{
    const char *tables[64];
    size_t n = expected_tables(tables, 64);

    for (size_t i = 0; i < n; i++)
        check_columns(t, schema, tables[i]);
}

/* Index list of a table as "name:U|N:col,col" joined by '|', sorted by
 * index name. */
static char *keys_of(struct testdb *t, const char *schema, const char *table)
{
    char *v = testdb_value(t,
        "SELECT GROUP_CONCAT(k ORDER BY n SEPARATOR '|') FROM ("
        " SELECT INDEX_NAME AS n, CONCAT(INDEX_NAME, ':', IF(MAX(NON_UNIQUE) = 0, 'U', 'N'), ':',"
        "  GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX)) AS k"
        " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '%s' AND TABLE_NAME = '%s'"
        " GROUP BY INDEX_NAME) AS keys_of_table", schema, table);

    return v ? v : strdup("");
}

static void setup(void)
{
    testdb_connect(&db);
    testdb_exec(&db, "USE " DB_MAIN);
    snprintf(db.name, sizeof db.name, "%s", DB_MAIN);
}

static void teardown(void)
{
    testdb_close(&db);
}

/* ---- the columns -------------------------------------------------------- */

START_TEST(phones_has_107_columns_in_vicidial_order)
{
    ck_assert_uint_eq(expected_count("phones"), 107);
    check_columns(&db, DB_MAIN, "phones");
}
END_TEST

START_TEST(servers_has_58_columns_in_vicidial_order)
{
    ck_assert_uint_eq(expected_count("servers"), 58);
    check_columns(&db, DB_MAIN, "servers");
}
END_TEST

START_TEST(vicidial_users_has_155_columns_in_vicidial_order)
{
    ck_assert_uint_eq(expected_count("vicidial_users"), 155);
    check_columns(&db, DB_MAIN, "vicidial_users");
}
END_TEST

START_TEST(system_settings_has_255_columns_in_vicidial_order)
{
    ck_assert_uint_eq(expected_count("system_settings"), 255);
    check_columns(&db, DB_MAIN, "system_settings");
}
END_TEST

START_TEST(vicidial_user_groups_has_36_columns_in_vicidial_order)
{
    ck_assert_uint_eq(expected_count("vicidial_user_groups"), 36);
    check_columns(&db, DB_MAIN, "vicidial_user_groups");
}
END_TEST

START_TEST(log_alias_template_and_login_check_tables_match_vicidials)
{
    static const char *const tables[] = {
        "vicidial_conf_templates", "phones_alias", "vicidial_admin_log",
        "vicidial_api_log", "vicidial_webservers", "vicidial_urls", "vicidial_api_urls",
        "vicidial_ip_lists", "vicidial_ip_list_entries", "vicidial_two_factor_auth",
        "vicidial_pending_ar",
    };

    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        check_columns(&db, DB_MAIN, tables[i]);
}
END_TEST

START_TEST(database_holds_exactly_the_sixteen_tables)
{
    const char *tables[64];
    size_t n = expected_tables(tables, 64);

    ck_assert_uint_eq(n, N_TABLES);
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM information_schema.TABLES"
                                       " WHERE TABLE_SCHEMA = '" DB_MAIN "'"), N_TABLES);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(testdb_count(&db, "SELECT COUNT(*) FROM information_schema.TABLES"
                                        " WHERE TABLE_SCHEMA = '" DB_MAIN "' AND TABLE_NAME = '%s'",
                                   tables[i]) == 1,
                      "table %s is missing", tables[i]);
}
END_TEST

START_TEST(every_table_is_innodb_and_every_text_column_utf8mb3_unicode_ci)
{
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM information_schema.TABLES"
                                       " WHERE TABLE_SCHEMA = '" DB_MAIN "' AND ENGINE = 'InnoDB'"
                                       " AND TABLE_COLLATION = 'utf8mb3_unicode_ci'"), N_TABLES);
    /* The collation is what makes VICIdial's lookups case-insensitive. */
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM information_schema.COLUMNS"
                                       " WHERE TABLE_SCHEMA = '" DB_MAIN "'"
                                       " AND COLLATION_NAME IS NOT NULL"
                                       " AND COLLATION_NAME <> 'utf8mb3_unicode_ci'"), 0);
}
END_TEST

/* ---- the keys ------------------------------------------------------------ */

START_TEST(phones_extenserver_is_unique_on_extension_then_server_ip)
{
    char *cols = testdb_value(&db,
        "SELECT GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) FROM information_schema.STATISTICS"
        " WHERE TABLE_SCHEMA = '" DB_MAIN "' AND TABLE_NAME = 'phones' AND INDEX_NAME = 'extenserver'");

    ck_assert_ptr_nonnull(cols);
    ck_assert_str_eq(cols, "extension,server_ip");
    free(cols);
    ck_assert_int_eq(testdb_count(&db,
        "SELECT MAX(NON_UNIQUE) FROM information_schema.STATISTICS"
        " WHERE TABLE_SCHEMA = '" DB_MAIN "' AND TABLE_NAME = 'phones' AND INDEX_NAME = 'extenserver'"), 0);
}
END_TEST

START_TEST(phones_login_has_a_non_unique_index)
{
    char *cols = testdb_value(&db,
        "SELECT GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) FROM information_schema.STATISTICS"
        " WHERE TABLE_SCHEMA = '" DB_MAIN "' AND TABLE_NAME = 'phones' AND INDEX_NAME = 'login'");

    ck_assert_ptr_nonnull(cols);
    ck_assert_str_eq(cols, "login");
    free(cols);
    /* Non-unique: live VICIdial systems can hold duplicate logins already. */
    ck_assert_int_eq(testdb_count(&db,
        "SELECT MIN(NON_UNIQUE) FROM information_schema.STATISTICS"
        " WHERE TABLE_SCHEMA = '" DB_MAIN "' AND TABLE_NAME = 'phones' AND INDEX_NAME = 'login'"), 1);
}
END_TEST

START_TEST(phones_rejects_the_same_extension_and_server_ip_in_other_letter_case)
{
    testdb_exec(&db, "START TRANSACTION");
    testdb_exec(&db, "INSERT INTO phones (extension, server_ip, login, template_id)"
                     " VALUES ('abc', '10.0.0.1', 'abc', '')");
    /* utf8mb3_unicode_ci: case and trailing spaces do not make a new key. */
    ck_assert_int_ne(mysql_query(db.conn, "INSERT INTO phones (extension, server_ip, login, template_id)"
                                          " VALUES ('ABC ', '10.0.0.1', 'abc2', '')"), 0);
    ck_assert_uint_eq(mysql_errno(db.conn), 1062);     /* ER_DUP_ENTRY */
    ck_assert_msg(strstr(mysql_error(db.conn), "extenserver") != NULL, "%s", mysql_error(db.conn));
    testdb_exec(&db, "ROLLBACK");
}
END_TEST

START_TEST(every_table_has_vicidials_keys_plus_ours)
{
    static const struct { const char *table, *keys; } want[] = {
        { "phones", "dialplan_number:N:dialplan_number|extenserver:U:extension,server_ip|"
                    "login:N:login|server_ip:N:server_ip|voicemail_id:N:voicemail_id" },
        { "servers", "server_id:U:server_id|server_ip:N:server_ip" },
        { "vicidial_users", "PRIMARY:U:user_id|user:U:user" },
        { "vicidial_user_groups", "" },
        { "system_settings", "" },
        { "vicidial_conf_templates", "template_id:U:template_id" },
        { "phones_alias", "alias_id:U:alias_id|PRIMARY:U:alias_id" },
        { "vicidial_admin_log", "event_section:N:event_section|PRIMARY:U:admin_log_id|"
                                "record_id:N:record_id|user:N:user" },
        { "vicidial_api_log", "api_date:N:api_date|PRIMARY:U:api_id" },
        { "vicidial_webservers", "PRIMARY:U:webserver_id|vdweb:U:webserver,hostname" },
        { "vicidial_urls", "PRIMARY:U:url_id|url:U:url" },
        { "vicidial_api_urls", "PRIMARY:U:api_id" },
        { "vicidial_ip_lists", "ip_list_id:U:ip_list_id" },
        { "vicidial_ip_list_entries", "ip_address:N:ip_address|ip_list_id:N:ip_list_id" },
        { "vicidial_two_factor_auth", "auth_date:N:auth_date|auth_exp_date:N:auth_exp_date|user:N:user" },
        { "vicidial_pending_ar", "pending_ar_key:N:user,start_datetime|PRIMARY:U:ar_id" },
    };

    ck_assert_uint_eq(sizeof want / sizeof want[0], N_TABLES);
    for (size_t i = 0; i < N_TABLES; i++) {
        char *keys = keys_of(&db, DB_MAIN, want[i].table);

        ck_assert_msg(strcmp(keys, want[i].keys) == 0, "%s keys are \"%s\", expected \"%s\"",
                      want[i].table, keys, want[i].keys);
        free(keys);
    }
}
END_TEST

/* ---- the seed rows ------------------------------------------------------- */

START_TEST(system_settings_has_one_fresh_install_row_at_schema_1728_with_pass_cost_2)
{
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM system_settings"), 1);
    ck_assert_int_eq(testdb_count(&db, "SELECT db_schema_version FROM system_settings"), 1728);
    ck_assert_int_eq(testdb_count(&db, "SELECT pass_cost FROM system_settings"), 2);
    ck_assert_int_eq(testdb_count(&db,
        "SELECT COUNT(*) FROM system_settings WHERE version = '2.14b0.5'"
        " AND install_date IS NOT NULL AND first_login_trigger = 'Y'"
        " AND auto_user_add_value = 1101 AND vdc_agent_api_active = '1'"
        " AND pass_hash_enabled = '0' AND pass_key = ''"
        " AND allow_ip_lists = '0' AND two_factor_auth_hours = 0"), 1);
}
END_TEST

START_TEST(conf_templates_hold_sip_generic_and_iax_generic)
{
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM vicidial_conf_templates"), 2);
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM vicidial_conf_templates"
                                       " WHERE template_id IN ('SIP_generic', 'IAX_generic')"), 2);
}
END_TEST

START_TEST(user_groups_hold_the_admin_group_and_no_user_exists)
{
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM vicidial_user_groups"), 1);
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM vicidial_user_groups"
                                       " WHERE user_group = 'ADMIN'"
                                       " AND group_name = 'VICIDIAL ADMINISTRATORS'"
                                       " AND allowed_campaigns = ' -ALL-CAMPAIGNS- - -'"
                                       " AND admin_viewable_groups = ' ---ALL--- '"), 1);
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM vicidial_users"), 0);
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM phones"), 0);
    ck_assert_int_eq(testdb_count(&db, "SELECT COUNT(*) FROM servers"), 0);
}
END_TEST

/* Every width db/ cuts a value to (db/widths.h) is the column's: a VARCHAR's
 * characters or a TEXT's bytes exactly; an ENUM's longest value at most. */
START_TEST(every_width_db_cuts_to_is_the_columns_own)
{
    static const struct { const char *table, *column; long width; } widths[] = {
#define WIDTH_ROW(name, table, column, width) { #table, #column, width },
        COLUMN_WIDTHS(WIDTH_ROW)
#undef WIDTH_ROW
    };

    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        char *type = testdb_value(&db, "SELECT DATA_TYPE FROM information_schema.COLUMNS"
                                 " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '%s'"
                                 " AND COLUMN_NAME = '%s'", widths[i].table, widths[i].column);
        ck_assert_msg(type, "%s.%s: no such column", widths[i].table, widths[i].column);
        long width = testdb_count(&db, "SELECT CHARACTER_MAXIMUM_LENGTH"
                                       " FROM information_schema.COLUMNS"
                                       " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '%s'"
                                       " AND COLUMN_NAME = '%s'",
                                  widths[i].table, widths[i].column);
        if (strcmp(type, "enum") == 0)
            ck_assert_msg(width <= widths[i].width, "%s.%s: enum values up to %ld, width %ld",
                          widths[i].table, widths[i].column, width, widths[i].width);
        else
            ck_assert_msg(width == widths[i].width,
                          "%s.%s (%s): %ld in the schema, %ld in db/widths.h", widths[i].table,
                          widths[i].column, type, width, widths[i].width);
        free(type);
    }
}
END_TEST

/* ---- other ways to load it ---------------------------------------------- */

/* Builds DB_MAIN plus suffix with the given session sql_mode and engine,
 * checks it against schema_expected.tsv, and drops it again.  innodb_strict turns on
 * the InnoDB DDL check that the harness server has off by default (as a
 * stock server has it on). */
static void build_and_check(const char *suffix, const char *sql_mode, int innodb_strict,
                            const char *engine)
{
    struct testdb t;
    char name[64];

    snprintf(name, sizeof name, "%s_%s", DB_MAIN, suffix);
    testdb_connect(&t);
    if (sql_mode)
        testdb_exec(&t, "SET SESSION sql_mode = '%s'", sql_mode);
    if (innodb_strict)
        testdb_exec(&t, "SET SESSION innodb_strict_mode = ON");
    testdb_create(&t, name, engine);
    /* The schema relaxes the check for system_settings only, then restores it. */
    if (innodb_strict)
        ck_assert_int_eq(testdb_count(&t, "SELECT @@SESSION.innodb_strict_mode"), 1);

    check_all_columns(&t, name);
    ck_assert_int_eq(testdb_count(&t, "SELECT COUNT(*) FROM information_schema.TABLES"
                                      " WHERE TABLE_SCHEMA = '%s' AND ENGINE = '%s'",
                                  name, engine ? engine : "InnoDB"), N_TABLES);
    ck_assert_int_eq(testdb_count(&t, "SELECT db_schema_version FROM system_settings"), 1728);
    ck_assert_int_eq(testdb_count(&t, "SELECT COUNT(*) FROM vicidial_conf_templates"), 2);
    ck_assert_int_eq(testdb_count(&t, "SELECT COUNT(*) FROM vicidial_user_groups"), 1);

    testdb_exec(&t, "DROP DATABASE `%s`", name);
    testdb_close(&t);
}

START_TEST(schema_loads_under_strict_sql_mode_and_innodb_strict_mode)
{
    build_and_check("strict", "TRADITIONAL", 1, NULL);
}
END_TEST

START_TEST(schema_loads_under_empty_sql_mode)
{
    build_and_check("nonstrict", "", 0, NULL);
}
END_TEST

START_TEST(schema_converts_to_myisam_with_the_same_columns)
{
    build_and_check("myisam", NULL, 0, "MyISAM");
}
END_TEST

START_TEST(demo_sql_loads_on_top_of_the_schema)
{
    struct testdb t;
    const char *name = DB_MAIN "_demo";

    testdb_connect(&t);
    testdb_create(&t, name, NULL);
    testdb_exec_file(&t, "schema/demo.sql");

    /* The API user passes add_phone's permission query (docs/api.md, the shared start). */
    ck_assert_int_eq(testdb_count(&t, "SELECT COUNT(*) FROM vicidial_users WHERE user = '6666'"
                                      " AND pass = '1234' AND vdc_agent_api_access = '1'"
                                      " AND ast_admin_access = '1' AND user_level >= 8"
                                      " AND active = 'Y'"), 1);
    ck_assert_int_eq(testdb_count(&t, "SELECT COUNT(*) FROM servers WHERE active = 'Y'"
                                      " AND generate_vicidial_conf = 'Y' AND active_asterisk_server = 'Y'"
                                      " AND rebuild_conf_files = 'N'"
                                      " AND server_ip IN ('10.0.9.8', '192.168.198.5')"), 2);
    ck_assert_int_eq(testdb_count(&t, "SELECT COUNT(*) FROM vicidial_conf_templates"
                                      " WHERE template_id = 'SIPdefault'"), 1);
    ck_assert_int_eq(testdb_count(&t, "SELECT COUNT(*) FROM vicidial_user_groups"
                                      " WHERE user_group = 'AGENTS'"), 1);

    testdb_exec(&t, "DROP DATABASE `%s`", name);
    testdb_close(&t);
}
END_TEST

static Suite *schema_suite(void)
{
    Suite *s = suite_create("schema");
    TCase *tc;

    tc = tcase_create("columns");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, phones_has_107_columns_in_vicidial_order);
    tcase_add_test(tc, servers_has_58_columns_in_vicidial_order);
    tcase_add_test(tc, vicidial_users_has_155_columns_in_vicidial_order);
    tcase_add_test(tc, system_settings_has_255_columns_in_vicidial_order);
    tcase_add_test(tc, vicidial_user_groups_has_36_columns_in_vicidial_order);
    tcase_add_test(tc, log_alias_template_and_login_check_tables_match_vicidials);
    tcase_add_test(tc, database_holds_exactly_the_sixteen_tables);
    tcase_add_test(tc, every_table_is_innodb_and_every_text_column_utf8mb3_unicode_ci);
    suite_add_tcase(s, tc);

    tc = tcase_create("keys");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, phones_extenserver_is_unique_on_extension_then_server_ip);
    tcase_add_test(tc, phones_login_has_a_non_unique_index);
    tcase_add_test(tc, phones_rejects_the_same_extension_and_server_ip_in_other_letter_case);
    tcase_add_test(tc, every_table_has_vicidials_keys_plus_ours);
    suite_add_tcase(s, tc);

    tc = tcase_create("seed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, system_settings_has_one_fresh_install_row_at_schema_1728_with_pass_cost_2);
    tcase_add_test(tc, conf_templates_hold_sip_generic_and_iax_generic);
    tcase_add_test(tc, user_groups_hold_the_admin_group_and_no_user_exists);
    tcase_add_test(tc, every_width_db_cuts_to_is_the_columns_own);
    suite_add_tcase(s, tc);

    tc = tcase_create("loading");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, schema_loads_under_strict_sql_mode_and_innodb_strict_mode);
    tcase_add_test(tc, schema_loads_under_empty_sql_mode);
    tcase_add_test(tc, schema_converts_to_myisam_with_the_same_columns);
    tcase_add_test(tc, demo_sql_loads_on_top_of_the_schema);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    struct testdb t;
    SRunner *sr;
    int failed;

    load_expected();

    /* One database for the read-only tests, built once, before any fork. */
    testdb_connect(&t);
    testdb_create(&t, DB_MAIN, NULL);
    testdb_close(&t);

    sr = srunner_create(schema_suite());
    srunner_run_all(sr, CK_ENV);      /* CK_VERBOSITY=verbose lists every test */
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    /* Leave nothing behind on success; keep it for inspection on failure. */
    if (failed == 0) {
        testdb_connect(&t);
        testdb_exec(&t, "DROP DATABASE IF EXISTS " DB_MAIN);
        testdb_close(&t);
    }
    free(expected);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
