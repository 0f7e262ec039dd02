/*
 * test_nonagentctl.c - the provisioning client against a real nonagentd
 * and MariaDB: every action, re-runs, the dry run, seats and their
 * passwords, the results file byte for byte, and every kind of bad input
 * (unknown column, wrong field count, not UTF-8, bad credentials files, an
 * unreachable server, a server answering 503, a locked-out or refused
 * login).
 *
 * nonagentctl runs as a child process in a scratch directory, with
 * NONAGENTD_API_USER/PASS in its environment; in the valgrind pass it runs
 * under valgrind too in the first scene (any error or definite leak fails
 * the call).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/fixture.h"

#define HEADER "extension,dialplan_number,voicemail_id,phone_login,phone_pass,server_ip," \
               "protocol,registration_password,phone_full_name,local_gmt,outbound_cid\n"
#define PHONE(n) "cc" #n "," #n "," #n ",cc" #n ",pw" #n ",10.0.9.8,SIP,sec" #n \
                 ",Agent " #n ",-5.00,7275551212\n"
#define RESULTS_HEAD "\"row\",\"action\",\"extension\",\"server_ip\",\"outcome\",\"answer\"\n"
#define ADDED(n) "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|cc" #n "|10.0.9.8|SIP|" #n
#define EXISTS(n) "ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: |6666|10.0.9.8|cc" #n

struct ctl {
    int status;         /* exit status, or -1 when it died of a signal */
    char *out, *err;
};

static char workdir[256];

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&data, &len);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, m);
    fclose(f);
    fclose(m);
    return data;
}

static void write_file(const char *name, const char *content, mode_t mode)
{
    char *path = test_printf("%s/%s", workdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(content, f);
    fclose(f);
    chmod(path, mode);
}

static char *file(const char *name)
{
    char *s = read_all(test_printf("%s/%s", workdir, name));
    ck_assert_msg(s != NULL, "[%s] no file %s", scene->label, name);
    return s;
}

static const char *api_url(void)
{
    return test_printf("http://127.0.0.1:%u/vicidial/non_agent_api.php", scene->daemon.port);
}

/* Run a shell command in the scratch directory, its output kept. */
static struct ctl shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct ctl shell(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cmd = test_vprintf(fmt, ap);
    va_end(ap);
    int rc = system(test_printf("cd %s && %s >out 2>err", workdir, cmd));
    struct ctl c = { .status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1 };
    c.out = file("out");
    c.err = file("err");
    return c;
}

/* Run nonagentctl with args (shell words) in the scratch directory, the API
 * user 6666 / 1234 in the environment unless env says otherwise. */
static struct ctl run_env(const char *env, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static struct ctl run_env(const char *env, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = test_vprintf(fmt, ap);
    va_end(ap);
    const char *bin = getenv("NONAGENTCTL_BIN");
    ck_assert_msg(bin != NULL, "NONAGENTCTL_BIN is not set");
    /* The client does not depend on the storage scene: under valgrind in
     * the first scene only, which keeps the pass's time down. */
    const char *wrap = getenv("NONAGENTD_VALGRIND") && strcmp(scene->label, "innodb-strict") == 0
                           ? "valgrind --quiet --error-exitcode=99 --leak-check=full "
                             "--errors-for-leak-kinds=definite --show-leak-kinds=definite "
                           : "";
    struct ctl c = shell("env %s ASAN_OPTIONS=detect_leaks=1 %s%s %s", env, wrap, bin, args);
    ck_assert_msg(c.status != 99, "[%s] valgrind found errors in: %s\n%s", scene->label, args,
                  c.err);
    return c;
}

#define CREDS "NONAGENTD_API_USER=6666 NONAGENTD_API_PASS=1234"
#define run(...) run_env(CREDS, __VA_ARGS__)

static void expect_status(const struct ctl *c, int status)
{
    ck_assert_msg(c->status == status, "[%s] exit status %d, expected %d\nstdout: %s\nstderr: %s",
                  scene->label, c->status, status, c->out, c->err);
}

static void expect_text(const char *what, const char *actual, const char *expected)
{
    ck_assert_msg(strcmp(actual, expected) == 0, "[%s] %s\n  expected \"%s\"\n  actual   \"%s\"",
                  scene->label, what, test_visible(expected), test_visible(actual));
}

static void expect_contains(const char *what, const char *actual, const char *needle)
{
    ck_assert_msg(strstr(actual, needle) != NULL, "[%s] %s: \"%s\" not in \"%s\"", scene->label,
                  what, needle, actual);
}

static long phones(void)
{
    return test_db_count("SELECT count(*) FROM phones");
}

static void setup(void)
{
    fixture_setup();
    snprintf(workdir, sizeof workdir, "/tmp/nonagentctl-test-XXXXXX");
    ck_assert(mkdtemp(workdir) != NULL);
}

static void teardown(void)
{
    char *cmd = test_printf("rm -rf %s", workdir);
    ck_assert(system(cmd) == 0);
    fixture_teardown();
}

/* ---- actions ---- */

START_TEST(import_adds_phones_and_writes_results)
{
    write_file("p.csv", HEADER PHONE(101) PHONE(102) PHONE(103), 0644);
    struct ctl c = run("import p.csv --jobs 1 --url %s", api_url());
    expect_status(&c, 0);
    expect_text("results", file("p.csv.results.csv"),
                RESULTS_HEAD
                "\"1\",\"add\",\"cc101\",\"10.0.9.8\",\"added\",\"" ADDED(101) "\"\n"
                "\"2\",\"add\",\"cc102\",\"10.0.9.8\",\"added\",\"" ADDED(102) "\"\n"
                "\"3\",\"add\",\"cc103\",\"10.0.9.8\",\"added\",\"" ADDED(103) "\"\n");
    struct stat st;
    ck_assert(stat(test_printf("%s/p.csv.results.csv", workdir), &st) == 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    expect_contains("stdout", c.out, "row 2 add added: " ADDED(102) "\n");
    expect_contains("stdout", c.out, "3 rows in ");
    expect_contains("stdout", c.out, "s: 3 added, 0 updated, 0 deleted, 0 already existing, "
                                     "0 already deleted, 0 failed, 0 not sent\n");
    test_expect_db("cc102|102|102|cc102|pw102|SIP|sec102|Agent 102|-5.00|7275551212",
                   "SELECT CONCAT_WS('|', extension, dialplan_number, voicemail_id, login, pass,"
                   " protocol, conf_secret, fullname, local_gmt, outbound_cid) FROM phones"
                   " WHERE extension='cc102'");
    /* Every call is in the API log as from nonagentctl. */
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_log WHERE"
                                   " function='add_phone' AND source='nonagentctl'"),
                     3);
}
END_TEST

START_TEST(import_update_and_delete_actions_in_file_order)
{
    /* Add, update and delete of one phone in one file, with 8 jobs: each
     * waits for the one before, so the last word is the file's. */
    write_file("p.csv",
               "action,extension,server_ip,dialplan_number,voicemail_id,phone_login,phone_pass,"
               "protocol,registration_password,phone_full_name,local_gmt,outbound_cid\n"
               "add,cc201,10.0.9.8,201,201,cc201,pw,SIP,sec,Agent 201,-5.00,7275551212\n"
               "update,cc201,10.0.9.8,,,,,,,Renamed,,\n"
               "add,cc202,10.0.9.8,202,202,cc202,pw,SIP,sec,Agent 202,-5.00,7275551212\n"
               "delete,cc202,10.0.9.8,,,,,,,,,\n"
               "UPDATE,cc203,10.0.9.8,,,,,,,Nobody,,\n",
               0644);
    struct ctl c = run("import p.csv --jobs 8 --url %s --results r.csv", api_url());
    expect_status(&c, 1);
    char *r = file("r.csv");
    expect_contains("results", r, "\"2\",\"update\",\"cc201\",\"10.0.9.8\",\"updated\","
                                  "\"SUCCESS: update_phone PHONE HAS BEEN UPDATED - "
                                  "6666|cc201|10.0.9.8|\"\n");
    expect_contains("results", r, "\"4\",\"delete\",\"cc202\",\"10.0.9.8\",\"deleted\","
                                  "\"SUCCESS: update_phone PHONE HAS BEEN DELETED - "
                                  "6666|cc202|10.0.9.8|\"\n");
    expect_contains("results", r, "\"5\",\"update\",\"cc203\",\"10.0.9.8\",\"failed\","
                                  "\"ERROR: update_phone PHONE DOES NOT EXIST ON THIS SERVER: "
                                  "|6666|10.0.9.8|cc203\"\n");
    test_expect_db("Renamed", "SELECT fullname FROM phones WHERE extension='cc201'");
    ck_assert_int_eq(phones(), 1);
    expect_contains("summary", c.out, "2 added, 1 updated, 1 deleted, 0 already existing, "
                                      "0 already deleted, 1 failed, 0 not sent\n");
}
END_TEST

START_TEST(add_update_delete_commands)
{
    struct ctl c = run("add --url %s --extension cc301 --dialplan-number 301 --voicemail_id 301"
                       " --phone-login cc301 --phone-pass pw --server-ip 10.0.9.8 --protocol SIP"
                       " --registration-password sec --phone-full-name 'Agent 301'"
                       " --local-gmt=-5 --outbound-cid 7275551212",
                       api_url());
    expect_status(&c, 0);
    expect_text("stdout line", strtok(c.out, "\n"),
                "row 1 add added: SUCCESS: add_phone PHONE HAS BEEN ADDED - "
                "6666|cc301|10.0.9.8|SIP|301");
    c = run("update --url %s --extension cc301 --server-ip 10.0.9.8 --outbound-cid 7275550000",
            api_url());
    expect_status(&c, 0);
    test_expect_db("7275550000", "SELECT outbound_cid FROM phones WHERE extension='cc301'");
    c = run("delete --url %s --extension cc301 --server-ip 10.0.9.8", api_url());
    expect_status(&c, 0);
    ck_assert_int_eq(phones(), 0);
    /* Deleting again: the phone is gone, which is what was asked. */
    c = run("delete --url %s --extension cc301 --server-ip 10.0.9.8", api_url());
    expect_status(&c, 0);
    expect_contains("stdout", c.out, "row 1 delete gone: ERROR: update_phone PHONE DOES NOT "
                                     "EXIST ON THIS SERVER: |6666|10.0.9.8|cc301\n");
    c = run("delete --strict --url %s --extension cc301 --server-ip 10.0.9.8", api_url());
    expect_status(&c, 1);
}
END_TEST

START_TEST(rerun_counts_existing_phones_as_done)
{
    write_file("p.csv", HEADER PHONE(401) PHONE(402), 0644);
    struct ctl c = run("import p.csv --url %s", api_url());
    expect_status(&c, 0);
    /* One phone deleted meanwhile: the re-run adds it back, and the other
     * counts as done from its ALREADY EXISTS answer. */
    testdb_exec(&scene->db, "DELETE FROM phones WHERE extension='cc402'");
    c = run("import p.csv --jobs 1 --url %s", api_url());
    expect_status(&c, 0);
    expect_text("results", file("p.csv.results.csv"),
                RESULTS_HEAD
                "\"1\",\"add\",\"cc401\",\"10.0.9.8\",\"exists\",\"" EXISTS(401) "\"\n"
                "\"2\",\"add\",\"cc402\",\"10.0.9.8\",\"added\",\"" ADDED(402) "\"\n");
    expect_contains("summary", c.out, "1 added, 0 updated, 0 deleted, 1 already existing");
    c = run("import p.csv --strict --url %s", api_url());
    expect_status(&c, 1);
    expect_contains("summary", c.out, "0 already existing, 0 already deleted, 2 failed");
    ck_assert_int_eq(phones(), 2);
}
END_TEST

START_TEST(rerun_with_login_taken_elsewhere_is_a_failure)
{
    /* Same login, another extension: not this row's phone, so not done. */
    write_file("p.csv", HEADER PHONE(501), 0644);
    write_file("q.csv", HEADER "cc502,502,502,cc501,pw,10.0.9.8,SIP,sec,Agent,-5.00,727\n", 0644);
    struct ctl c = run("import p.csv --url %s", api_url());
    expect_status(&c, 0);
    c = run("import q.csv --url %s", api_url());
    expect_status(&c, 1);
    expect_contains("stdout", c.out, "row 1 add failed: ERROR: add_phone PHONE LOGIN ALREADY "
                                     "EXISTS: |6666|cc501\n");
}
END_TEST

START_TEST(defaults_fill_empty_cells_and_tsv_reads)
{
    write_file("p.tsv",
               "extension\tdialplan_number\tvoicemail_id\tphone_login\tphone_full_name\n"
               "cc601\t601\t601\tcc601\tAgent, 601\n"
               "cc602\t602\t602\tcc602\t\n",
               0644);
    struct ctl c = run("import p.tsv --url %s --default server_ip=10.0.9.8 --default protocol=IAX2"
                       " --default phone_pass=pw --default registration_password=sec"
                       " --default local_gmt=-5 --default outbound_cid=727"
                       " --default 'phone_full_name=Default name'",
                       api_url());
    expect_status(&c, 0);
    test_expect_db("Agent 601|IAX2", "SELECT CONCAT(fullname, '|', protocol) FROM phones"
                                     " WHERE extension='cc601'");
    test_expect_db("Default name", "SELECT fullname FROM phones WHERE extension='cc602'");
}
END_TEST

/* ---- seats ---- */

START_TEST(seats_generate_passwords_into_results_only)
{
    struct ctl c = run("seats --from 7001 --count 5 --server-ip 10.0.9.8 --url %s --jobs 4"
                       " --default outbound_cid=7275551212 --default 'phone_full_name=Seat {n}'",
                       api_url());
    expect_status(&c, 0);
    ck_assert_int_eq(phones(), 5);
    test_expect_db("7003|7003|7003|7003|Seat 7003|SIP|-5.00",
                   "SELECT CONCAT_WS('|', extension, dialplan_number, voicemail_id, login,"
                   " fullname, protocol, local_gmt) FROM phones WHERE extension='7003'");
    char *r = file("seats-7001-7005.results.csv");
    struct stat st;
    ck_assert(stat(test_printf("%s/seats-7001-7005.results.csv", workdir), &st) == 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    /* Each seat's passwords are in the results file, as stored. */
    for (int seat = 7001; seat <= 7005; seat++) {
        char *pass = test_db_value("SELECT pass FROM phones WHERE extension='%d'", seat);
        char *secret = test_db_value("SELECT conf_secret FROM phones WHERE extension='%d'", seat);
        ck_assert_int_eq(strlen(pass), 16);
        ck_assert_str_ne(pass, secret);
        expect_contains("results", r,
                        test_printf("\"%d\",\"10.0.9.8\",\"%d\",\"%s\",\"%s\",\"added\"", seat,
                                    seat, pass, secret));
        ck_assert_msg(!strstr(c.out, pass) && !strstr(c.err, pass),
                      "[%s] a password reached the terminal", scene->label);
    }
    /* Never overwritten: it holds the only copy of the passwords. */
    c = run("seats --from 7001 --count 5 --server-ip 10.0.9.8 --url %s"
            " --default outbound_cid=7275551212",
            api_url());
    expect_status(&c, 2);
    expect_contains("stderr", c.err, "seats-7001-7005.results.csv exists");
    /* A re-run elsewhere: existing seats keep their passwords, none shown. */
    c = run("seats --from 7001 --count 6 --server-ip 10.0.9.8 --url %s --jobs 1"
            " --default outbound_cid=7275551212 --results again.csv",
            api_url());
    expect_status(&c, 0);
    r = file("again.csv");
    expect_contains("results", r, "\"1\",\"add\",\"7001\",\"10.0.9.8\",\"7001\",\"\",\"\","
                                  "\"exists\",");
    ck_assert_int_eq(phones(), 6);
}
END_TEST

START_TEST(seats_without_required_values_send_nothing)
{
    struct ctl c = run("seats --from 7001 --count 3 --server-ip 10.0.9.8 --url %s", api_url());
    expect_status(&c, 2);
    expect_contains("stderr", c.err, "the API would refuse every seat (ERROR: add_phone YOU MUST "
                                     "USE ALL REQUIRED FIELDS: |6666|7001|7001|7001|7001|");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_log"), 0);
}
END_TEST

/* ---- dry run ---- */

START_TEST(dry_run_predicts_answers_and_sends_nothing)
{
    write_file("p.csv",
               HEADER PHONE(801)
               "cc802,802,802,cc802,pw,10.0.9.8,SIP,sec,Agent,-5.5,727\n"       /* timezone */
               "cc803,3,803,cc803,pw,10.0.9.8,SIP,sec,Agent,-5,727\n"           /* dialplan */
               "cc804,804,804,cc804,pw,10.0.9.8,PJSIP,sec,Agent,-5,727\n"       /* protocol */
               "CC801,805,805,cc805,pw,10.0.9.8,SIP,sec,Agent,-5,727\n"         /* dup ext */
               "cc806,806,806,cc801,pw,10.0.9.8,SIP,sec,Agent,-5,727\n"         /* dup login */
               "cc807,807,807,cc807,p w!,10.0.9.8,SIP,sec,Agent,-5,727\n",      /* filtered */
               0644);
    struct ctl c = run("import p.csv --dry-run --url http://127.0.0.1:1/nothing");
    expect_status(&c, 1);
    expect_text("stdout", c.out,
                "row 1 add valid: passes the offline checks; the server, phones already there "
                "and the template are checked when sent\n"
                "row 2 add invalid: ERROR: add_phone YOU MUST USE A VALID TIMEZONE: |6666|-5.5\n"
                "row 3 add invalid: ERROR: add_phone YOU MUST USE ALL REQUIRED FIELDS: "
                "|6666|cc803|3|803|cc803|********|10.0.9.8|SIP|********|Agent|-5|727\n"
                "row 4 add invalid: ERROR: add_phone YOU MUST USE ALL REQUIRED FIELDS: "
                "|6666|cc804|804|804|cc804|********|10.0.9.8|PJSIP|********|Agent|-5|727\n"
                "row 5 add invalid: ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: "
                "|6666|10.0.9.8|CC801\n"
                "row 6 add invalid: ERROR: add_phone PHONE LOGIN ALREADY EXISTS: |6666|cc801\n"
                "row 7 add valid: passes the offline checks; the server, phones already there "
                "and the template are checked when sent; phone_pass has characters the API drops\n"
                "dry run: 7 rows: 2 valid, 5 invalid (nothing sent)\n");
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_log"), 0);
    ck_assert_int_eq(phones(), 0);

    /* What the dry run predicts is what the server answers. */
    c = run("import p.csv --jobs 1 --url %s --results r.csv", api_url());
    expect_status(&c, 1);
    char *r = file("r.csv");
    expect_contains("results", r, "YOU MUST USE A VALID TIMEZONE: |6666|-5.5\"");
    expect_contains("results", r, "\"5\",\"add\",\"CC801\",\"10.0.9.8\",\"exists\","
                                  "\"ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: "
                                  "|6666|10.0.9.8|CC801\"");
    expect_contains("results", r, "\"ERROR: add_phone PHONE LOGIN ALREADY EXISTS: "
                                  "|6666|cc801\"");
    expect_contains("results", r, "|6666|cc804|804|804|cc804|pw|10.0.9.8|PJSIP|sec|Agent|-5|727\"");
}
END_TEST

START_TEST(dry_run_notes_widths_flags_and_update_rules)
{
    write_file("p.csv",
               "action,extension,server_ip,dialplan_number,voicemail_id,phone_login,phone_pass,"
               "protocol,registration_password,phone_full_name,local_gmt,outbound_cid,"
               "is_webphone\n"
               "add,cc901,10.0.9.8,901,12345678901,cc901,pw,SIP,sec,A,-5,727,maybe\n"
               "update,cc902,10.0.9.8,,,,,,,,7.5,,\n"
               "update,cc903,10.0.9.8,,,,,PJSIP,,,,,\n"
               "delete,c,10.0.9.8,,,,,,,,,,\n",
               0644);
    struct ctl c = run("import p.csv --dry-run --json");
    expect_status(&c, 1);
    expect_contains("row 1", c.out, "voicemail_id is longer than its column: stored as its "
                                    "first 10 characters; is_webphone \\\"maybe\\\" is not a "
                                    "value the API takes: the phone keeps the default\"}\n");
    expect_contains("row 2", c.out, "{\"row\":2,\"action\":\"update\",\"extension\":\"cc902\","
                                    "\"server_ip\":\"10.0.9.8\",\"outcome\":\"invalid\","
                                    "\"answer\":\"ERROR: update_phone YOU MUST USE A VALID "
                                    "TIMEZONE: |6666|7.5\"}\n");
    expect_contains("row 3", c.out, "\"answer\":\"ERROR: update_phone YOU MUST USE A VALID "
                                    "PROTOCOL: |6666|PJSIP\"}\n");
    expect_contains("row 4", c.out, "\"answer\":\"ERROR: update_phone YOU MUST USE ALL REQUIRED "
                                    "FIELDS: |6666|c|10.0.9.8\"}\n");
    expect_contains("summary", c.out, "{\"summary\":{\"rows\":4,");
    expect_contains("summary", c.out, "\"valid\":1,\"invalid\":3,");
}
END_TEST

/* ---- bad input: nothing is sent ---- */

static void expect_refused(const char *content, const char *message)
{
    write_file("bad.csv", content, 0644);
    struct ctl c = run("import bad.csv --url %s", api_url());
    expect_status(&c, 2);
    expect_text("stderr", c.err, message);
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_log"), 0);
}

START_TEST(bad_input_is_named_and_nothing_sent)
{
    expect_refused("extension,server_ip,dialplan_numbr\ncc1,10.0.9.8,1\n",
                   "nonagentctl: header: unknown column \"dialplan_numbr\" (column 3): not an "
                   "API parameter\n");
    expect_refused("extension,server_ip,pass\ncc1,10.0.9.8,1\n",
                   "nonagentctl: header: unknown column \"pass\" (column 3): not an API "
                   "parameter\n");
    expect_refused(HEADER PHONE(1) "cc2,2,2,cc2,pw,10.0.9.8,SIP,sec,Agent,-5.00\n",
                   "nonagentctl: row 2: 10 fields, the header has 11\n");
    expect_refused(HEADER PHONE(1) "cc2,2,2,cc2,pw,10.0.9.8,SIP,sec,Jos\xE9,-5.00,727\n",
                   "nonagentctl: bad.csv: not UTF-8: byte 0xE9 at offset 236 (line 3); save "
                   "the file as UTF-8\n");
    expect_refused("action,extension,server_ip\nremove,cc1,10.0.9.8\n",
                   "nonagentctl: row 1: action \"remove\": expected add, update or delete\n");
    expect_refused("extension,server_ip\n\"cc1,10.0.9.8\n",
                   "nonagentctl: bad.csv: row 1: error parsing data while strict checking "
                   "enabled\n");
    expect_refused("extension,extension\ncc1,cc2\n",
                   "nonagentctl: header: column \"extension\" appears twice\n");
    expect_refused("", "nonagentctl: bad.csv: empty: no header line\n");
    struct ctl c = run("import missing.csv --url %s", api_url());
    expect_status(&c, 2);
    expect_text("stderr", c.err, "nonagentctl: missing.csv: No such file or directory\n");
    c = run("import bad.csv --jobs 0");
    expect_status(&c, 2);
    expect_contains("stderr", c.err, "--jobs \"0\": a number from 1 to 256");
    write_file("good.csv", HEADER PHONE(1), 0644);
    c = run("import good.csv --default nothing");
    expect_status(&c, 2);
    expect_contains("stderr", c.err, "--default \"nothing\": expected NAME=VALUE");
}
END_TEST

START_TEST(credentials_never_from_the_command_line)
{
    write_file("p.csv", HEADER PHONE(111), 0644);
    struct ctl c = run_env("-u NONAGENTD_API_USER -u NONAGENTD_API_PASS", "import p.csv --url %s",
                           api_url());
    expect_status(&c, 2);
    expect_contains("stderr", c.err, "no API user: set NONAGENTD_API_USER and "
                                     "NONAGENTD_API_PASS, or give --credentials FILE");
    write_file("creds", "# the API login\nuser=6666\npass=1234\n", 0644);
    c = run_env("-u NONAGENTD_API_USER -u NONAGENTD_API_PASS",
                "import p.csv --credentials creds --url %s", api_url());
    expect_status(&c, 2);
    expect_contains("stderr", c.err, "credentials file creds: mode 0644 lets group or others "
                                     "at it; refusing (chmod 600 creds)");
    chmod(test_printf("%s/creds", workdir), 0600);
    c = run_env("-u NONAGENTD_API_USER -u NONAGENTD_API_PASS",
                "import p.csv --credentials creds --url %s", api_url());
    expect_status(&c, 0);
    write_file("creds2", "user 6666\n", 0600);
    c = run("import p.csv --credentials creds2 --url %s", api_url());
    expect_status(&c, 2);
    expect_contains("stderr", c.err, "credentials file creds2: line 1: expected user=NAME or "
                                     "pass=PASSWORD");
    c = run("import p.csv --user 6666 --url %s", api_url());
    expect_status(&c, 2);
    expect_contains("stderr", c.err, "unknown option \"--user\"");
}
END_TEST

/* ---- the server side going wrong ---- */

START_TEST(wrong_password_stops_after_one_request)
{
    write_file("p.csv", HEADER PHONE(121) PHONE(122) PHONE(123) PHONE(124) PHONE(125), 0644);
    struct ctl c = run_env("NONAGENTD_API_USER=6666 NONAGENTD_API_PASS=wrong",
                           "import p.csv --jobs 4 --url %s", api_url());
    expect_status(&c, 3);
    expect_contains("stderr", c.err, "the API refused the login");
    /* The password does not reach the terminal. */
    expect_contains("stdout", c.out, "row 1 add failed: ERROR: Login incorrect, please try "
                                     "again: |6666|********|BAD|\n");
    expect_contains("stdout", c.out, "row 5 add not-sent: not sent: the run stopped\n");
    expect_contains("results", file("p.csv.results.csv"), "|6666|wrong|BAD|");
    test_expect_db("1", "SELECT failed_login_count FROM vicidial_users WHERE user='6666'");
}
END_TEST

START_TEST(lockout_stops_at_once)
{
    testdb_exec(&scene->db, "UPDATE vicidial_users SET failed_login_count=10,"
                            " last_login_date=NOW() WHERE user='6666'");
    long before = test_db_count("SELECT failed_login_attempts_today FROM vicidial_users"
                                " WHERE user='6666'");
    write_file("p.csv", HEADER PHONE(131) PHONE(132) PHONE(133), 0644);
    struct ctl c = run("import p.csv --jobs 8 --url %s", api_url());
    expect_status(&c, 3);
    expect_contains("stderr", c.err, "the API user is locked out");
    expect_contains("stdout", c.out, "row 1 add failed: ERROR: Too many login attempts, try "
                                     "again in 15 minutes: |6666|LOCK|\n");
    expect_contains("summary", c.out, "1 failed, 2 not sent\n");
    ck_assert_int_eq(test_db_count("SELECT failed_login_attempts_today FROM vicidial_users"
                                   " WHERE user='6666'"),
                     before + 1);
}
END_TEST

START_TEST(unreachable_server_is_retried_then_stops)
{
    write_file("p.csv", HEADER PHONE(141) PHONE(142), 0644);
    unsigned port = daemon_free_port();     /* nothing listens there */
    struct ctl c = run("import p.csv --retries 2 --url http://127.0.0.1:%u/x", port);
    expect_status(&c, 3);
    expect_contains("stderr", c.err, "the server cannot be reached after every retry: stopped");
    expect_contains("stdout", c.out, "row 1 add failed: no answer: ");
    expect_contains("stdout", c.out, "row 2 add not-sent: not sent: the run stopped\n");
    expect_contains("results", file("p.csv.results.csv"),
                    "\"2\",\"add\",\"cc142\",\"10.0.9.8\",\"not-sent\",\"not sent: the run "
                    "stopped\"\n");
}
END_TEST

/* A server that answers every request with nonagentd's 503 line and counts
 * them (the daemon's answer while its database is down). */
struct busy_server {
    int fd;
    unsigned port;
    int requests;
};

static void *serve_503(void *p)
{
    struct busy_server *s = p;
    static const char ANSWER[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 41\r\n"
                                 "Connection: close\r\n\r\n"
                                 "ERROR: DATABASE UNAVAILABLE: |add_phone|\n";
    for (;;) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        char buf[8192];
        ssize_t n = read(c, buf, sizeof buf);
        if (n > 0) {
            s->requests++;
            ck_assert(write(c, ANSWER, sizeof ANSWER - 1) == (ssize_t)sizeof ANSWER - 1);
        }
        close(c);
    }
}

START_TEST(answers_503_are_retried_with_backoff_then_stop)
{
    struct busy_server s = { 0 };
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    pthread_t th;
    s.fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert(bind(s.fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(s.fd, 16) == 0);
    ck_assert(getsockname(s.fd, (struct sockaddr *)&a, &len) == 0);
    s.port = ntohs(a.sin_port);
    pthread_create(&th, NULL, serve_503, &s);

    write_file("p.csv", HEADER PHONE(151) PHONE(152) PHONE(153), 0644);
    struct ctl c = run("import p.csv --retries 3 --jobs 4 --url http://127.0.0.1:%u/", s.port);
    expect_status(&c, 3);
    expect_contains("stderr", c.err, "the server stayed unavailable (HTTP 503) after every "
                                     "retry: stopped");
    expect_contains("stdout", c.out, "row 1 add failed: ERROR: DATABASE UNAVAILABLE: "
                                     "|add_phone|\n");
    ck_assert_int_eq(s.requests, 4);        /* the first row alone, tried 1 + 3 times */
    shutdown(s.fd, SHUT_RDWR);
    close(s.fd);
    pthread_join(th, NULL);
}
END_TEST

START_TEST(terminal_gets_a_progress_bar_quiet_gets_nothing)
{
    write_file("p.csv", HEADER PHONE(171) PHONE(172) "cc173,173,173,cc173,pw,10.0.9.8,SIP,sec,A,"
                                                       "-5.5,727\n",
               0644);
    /* script(1) gives nonagentctl a terminal: a bar on it, and only the row
     * that failed as a line above it. */
    struct ctl c = shell("script -qec \"env " CREDS " %s import p.csv --url %s\" /dev/null",
                         getenv("NONAGENTCTL_BIN"), api_url());
    expect_contains("terminal", c.out, "row 3 add failed: ERROR: add_phone YOU MUST USE A VALID "
                                       "TIMEZONE: |6666|-5.5");
    expect_contains("terminal", c.out, "[##############################] 3/3 rows");
    expect_contains("terminal", c.out, " rows/s");
    ck_assert_msg(!strstr(c.out, "row 1 add added"), "[%s] a row that succeeded scrolled: %s",
                  scene->label, c.out);
    testdb_exec(&scene->db, "DELETE FROM phones");
    c = run("import p.csv --quiet --url %s", api_url());
    expect_status(&c, 1);
    expect_text("stdout", c.out, "");
    expect_text("stderr", c.err, "");
    ck_assert_int_eq(phones(), 2);
}
END_TEST

START_TEST(wrong_url_stops)
{
    write_file("p.csv", HEADER PHONE(161), 0644);
    struct ctl c = run("import p.csv --url http://127.0.0.1:%u/vicidial/nothing.php",
                       scene->daemon.port);
    expect_status(&c, 3);
    expect_contains("stderr", c.err, "HTTP 404 from the server: stopped (is --url the API's address?)");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("nonagentctl");
    TCase *act = test_add_case(s, "actions", 0, setup, teardown);
    TCase *dry = test_add_case(s, "dry run and bad input", 0, setup, teardown);
    TCase *bad = test_add_case(s, "server faults", 0, setup, teardown);

    tcase_add_test(act, import_adds_phones_and_writes_results);
    tcase_add_test(act, import_update_and_delete_actions_in_file_order);
    tcase_add_test(act, add_update_delete_commands);
    tcase_add_test(act, rerun_counts_existing_phones_as_done);
    tcase_add_test(act, rerun_with_login_taken_elsewhere_is_a_failure);
    tcase_add_test(act, defaults_fill_empty_cells_and_tsv_reads);
    tcase_add_test(act, seats_generate_passwords_into_results_only);
    tcase_add_test(act, seats_without_required_values_send_nothing);

    tcase_add_test(dry, dry_run_predicts_answers_and_sends_nothing);
    tcase_add_test(dry, dry_run_notes_widths_flags_and_update_rules);
    tcase_add_test(dry, bad_input_is_named_and_nothing_sent);
    tcase_add_test(dry, credentials_never_from_the_command_line);

    tcase_add_test(bad, wrong_password_stops_after_one_request);
    tcase_add_test(bad, lockout_stops_at_once);
    tcase_add_test(bad, unreachable_server_is_retried_then_stops);
    tcase_add_test(bad, answers_503_are_retried_with_backoff_then_stop);
    tcase_add_test(bad, wrong_url_stops);
    tcase_add_test(bad, terminal_gets_a_progress_bar_quiet_gets_nothing);
    return s;
}

int main(void)
{
    return fixture_run_all("t_ctl", make_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
