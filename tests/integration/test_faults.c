/*
 * test_faults.c - the request path's promises when the database misbehaves
 * under it: connections killed mid-request, SQL errors after the named
 * locks are taken, and a unique key that refuses an insert.
 *
 * The faults are made at the level they happen, from the outside, with no
 * hook in the daemon: a second test connection holds a table lock (LOCK
 * TABLES ... WRITE or READ) on the table the daemon's next statement needs,
 * so that a request stops at a known point with its named locks held; the
 * test sees it waiting in the processlist and KILLs that connection, as a
 * DBA or a proxy failover would.  SQL errors come from the server itself: a
 * trigger that SIGNALs, a table renamed away, an InnoDB lock wait that times
 * out (the trigger also shortens the daemon's session lock wait to 1 s).
 *
 * What is proved, on InnoDB and on MyISAM:
 *  - a request whose connection dies while it holds named locks never goes
 *    on without them: one SUCCESS and one phone per login, whichever of
 *    add_phone and update_phone ask for it (and under a storm of kills);
 *  - a kill between any two of add_phone's writes leaves all or nothing on
 *    InnoDB (503), and on MyISAM the admin log row and the rebuild flag
 *    written before SUCCESS (or a 503 and a log line naming the phone);
 *  - after every error answer, each named lock the request took is free;
 *  - InnoDB's unique key refusing the insert answers ALREADY EXISTS and
 *    leaves no admin log row.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixture.h"

#define SERVER1 "10.0.9.8"
#define SERVER2 "192.168.198.5"
#define AUTH "source=test&user=6666&pass=1234"
#define UNAVAILABLE_ADD "ERROR: DATABASE UNAVAILABLE: |add_phone|\n"
#define UNAVAILABLE_UPDATE "ERROR: DATABASE UNAVAILABLE: |update_phone|\n"

static char *add_query(const char *extension, const char *login, const char *extra)
{
    return test_printf("source=test&function=add_phone&user=6666&pass=1234&extension=%s"
                       "&dialplan_number=5500&voicemail_id=5500&phone_login=%s&phone_pass=test"
                       "&server_ip=" SERVER1 "&protocol=SIP&registration_password=test"
                       "&phone_full_name=Fault&local_gmt=-5.00&outbound_cid=7275551212%s",
                       extension, login, extra);
}

static char *update_query(const char *extension, const char *server_ip, const char *extra)
{
    return test_printf(AUTH "&function=update_phone&extension=%s&server_ip=%s%s", extension,
                       server_ip, extra);
}

/* A phone as the test's own connection writes it (not through the API). */
static void seed_phone(const char *extension, const char *server_ip, const char *login)
{
    testdb_exec(&scene->db, "INSERT INTO phones SET extension='%s', server_ip='%s', login='%s',"
                " dialplan_number='5500', voicemail_id='5500', pass='test', protocol='SIP',"
                " fullname='Seed', local_gmt='-5.00', outbound_cid='7275551212',"
                " user_group='---ALL---', template_id=''", extension, server_ip, login);
}

/* ---- the named locks, as db/locks.c names them ---- */

/* The connection id holding add_phone's login lock, 0 when free. */
static long login_lock_holder(const char *login)
{
    char *v = test_db_value("SELECT IS_USED_LOCK(CONCAT('nonagentd.login.', SHA1(WEIGHT_STRING("
                            "CONVERT('%s' USING utf8mb3) COLLATE utf8mb3_unicode_ci))))", login);
    long id = v ? atol(v) : 0;
    free(v);
    return id;
}

static long extension_lock_holder(const char *extension, const char *server_ip)
{
    char *v = test_db_value("SELECT IS_USED_LOCK(CONCAT('nonagentd.ext.', SHA1(CONCAT("
                            "WEIGHT_STRING(CONVERT('%s' USING utf8mb3) COLLATE"
                            " utf8mb3_unicode_ci), '|', WEIGHT_STRING(CONVERT('%s' USING utf8mb3)"
                            " COLLATE utf8mb3_unicode_ci)))))", extension, server_ip);
    long id = v ? atol(v) : 0;
    free(v);
    return id;
}

/* ---- requests in flight ---- */

struct call {
    pthread_t thread;
    unsigned port;
    char *target;
    volatile int done;
    int status;
    char *body;
};

static void *run_call(void *arg)
{
    struct call *c = arg;
    struct http_reply r;

    if (http_get(c->port, c->target, &r) == 0) {
        c->status = r.status;
        c->body = strdup(r.body ? r.body : "");
    }
    http_reply_free(&r);
    c->done = 1;
    return NULL;
}

static void call_start(struct call *c, unsigned port, const char *query)
{
    memset(c, 0, sizeof *c);
    c->port = port;
    c->target = test_printf("/vicidial/non_agent_api.php?%s", query);
    ck_assert_int_eq(pthread_create(&c->thread, NULL, run_call, c), 0);
}

static void call_finish(struct call *c)
{
    pthread_join(c->thread, NULL);
    ck_assert_msg(c->body != NULL, "no answer to %s", c->target);
}

static int is_success(const struct call *c)
{
    return c->body && strncmp(c->body, "SUCCESS: ", 9) == 0;
}

/* ---- the table lock that stops a request at a known point ---- */

static struct testdb locker;

static void locker_open(void)
{
    testdb_connect(&locker);
    testdb_exec(&locker, "USE %s", scene->dbname);
}

static long locker_id(void)
{
    return testdb_count(&locker, "SELECT CONNECTION_ID()");
}

/* The ids of the daemon's connections waiting for a table lock, as a
 * comma-separated list ("" when none). */
static char *blocked_ids(void)
{
    char *v = test_db_value("SELECT IFNULL(GROUP_CONCAT(ID ORDER BY ID), '') FROM"
                            " information_schema.PROCESSLIST WHERE DB='%s' AND STATE LIKE"
                            " 'Waiting for table%%' AND ID <> CONNECTION_ID() AND ID <> %ld",
                            scene->dbname, locker_id());
    return v ? v : strdup("");
}

static int count_ids(const char *ids)
{
    int n = *ids ? 1 : 0;
    for (; *ids; ids++)
        n += *ids == ',';
    return n;
}

/* The first daemon connection waiting on a table lock that is not
 * not_this; 0 when none. */
static long blocked_other_than(long not_this)
{
    char *ids = blocked_ids();
    long found = 0;

    for (char *p = ids; *p && !found;) {
        long id = strtol(p, &p, 10);
        if (id != not_this)
            found = id;
        if (*p == ',')
            p++;
    }
    free(ids);
    return found;
}

/* Wait (at most 20 s) until some daemon connection waits on the table
 * lock; its id. */
static long wait_blocked(long not_this)
{
    double t0 = test_now();
    while (test_now() - t0 < 20.0) {
        long id = blocked_other_than(not_this);
        if (id)
            return id;
        test_sleep_ms(20);
    }
    ck_abort_msg("no daemon connection came to wait on the table lock within 20 s");
    return 0;
}

static void kill_connection(long id)
{
    testdb_exec(&scene->db, "KILL %ld", id);
}

static void faults_setup(void)
{
    struct testdb t;

    /* What a failed test may have left behind (a test program's database
     * is its own), repaired before the fixture restores the tables. */
    testdb_connect(&t);
    testdb_exec(&t, "USE %s", scene->dbname);
    testdb_exec(&t, "DROP TRIGGER IF EXISTS fault_phone_insert;"
                " DROP TRIGGER IF EXISTS fault_phone_update;"
                " DROP TRIGGER IF EXISTS fault_short_lock_wait");
    if (testdb_count(&t, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA="
                     "DATABASE() AND TABLE_NAME='templates_away'") == 1)
        testdb_exec(&t, "RENAME TABLE templates_away TO vicidial_conf_templates");
    testdb_close(&t);
    fixture_setup();
    locker_open();
}

static void faults_teardown(void)
{
    testdb_close(&locker);
    fixture_teardown();
}

/* ---- 1. no request goes on without its named locks ---- */

/* Request A takes the named locks and stops at the template lookup (the
 * table is locked); its connection is killed there.  Request B, for the
 * same login, then takes the locks and stops at the same place.  Once the
 * table is free, exactly one of them may have the login. */
static void killed_lock_holder(const char *query_a, const char *query_b, const char *login,
                               const char *a_unavailable)
{
    struct call a, b;
    long a_conn, b_conn;
    double t0;

    /* A login just before, so that A's own login test finds this second's
     * stamp and writes nothing before it takes the locks: a request that
     * has written is never retried anyway, and the point is the one that
     * has not. */
    free(api_body(AUTH "&function=no_such_function"));
    testdb_exec(&locker, "LOCK TABLES vicidial_conf_templates WRITE");
    call_start(&a, scene->daemon.port, query_a);
    a_conn = wait_blocked(0);
    ck_assert_int_eq(login_lock_holder(login), a_conn);
    kill_connection(a_conn);

    call_start(&b, scene->daemon.port, query_b);
    /* B holds the login lock and waits; A has either answered or (as it
     * must not) gone on without the lock and is waiting again. */
    t0 = test_now();
    for (;;) {
        char *ids = blocked_ids();
        long holder = login_lock_holder(login);
        int waiting = count_ids(ids);
        b_conn = holder && holder != a_conn && strstr(ids, test_printf("%ld", holder)) ? holder
                                                                                    : 0;
        free(ids);
        if (b_conn && (a.done || waiting >= 2))
            break;
        ck_assert_msg(test_now() - t0 < 20.0, "B never came to hold the lock and wait");
        test_sleep_ms(20);
    }
    testdb_exec(&locker, "UNLOCK TABLES");
    call_finish(&a);
    call_finish(&b);

    ck_assert_msg(!is_success(&a), "[%s] the killed request went on without its lock: %s",
                  scene->label, a.body);
    ck_assert_str_eq(a.body, a_unavailable);
    ck_assert_int_eq(a.status, 503);
    ck_assert_msg(is_success(&b), "[%s] B: %s", scene->label, b.body);
    ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM phones WHERE login='%s'", login), 1);
    ck_assert_int_eq(login_lock_holder(login), 0);
}

START_TEST(add_phone_killed_holding_its_locks_stops_and_one_phone_has_the_login)
{
    killed_lock_holder(add_query("fa1", "flog", "&template_id=SIPdefault"),
                       add_query("fb1", "flog", "&template_id=SIPdefault"), "flog",
                       UNAVAILABLE_ADD);
    ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM phones WHERE extension='fa1'"), 0);
    ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM vicidial_admin_log WHERE"
                                   " record_id='fa1'"), 0);
    ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM vicidial_api_log WHERE"
                                   " data LIKE 'fa1|%%'"), 0);
}
END_TEST

START_TEST(update_phone_killed_holding_its_lock_stops_and_one_phone_has_the_login)
{
    seed_phone("fu1", SERVER1, "fu1");
    seed_phone("fu2", SERVER2, "fu2");
    killed_lock_holder(update_query("fu1", SERVER1, "&phone_login=fnew&template_id=SIPdefault"),
                       update_query("fu2", SERVER2, "&phone_login=fnew&template_id=SIPdefault"),
                       "fnew", UNAVAILABLE_UPDATE);
    ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM phones WHERE extension='fu1' AND"
                                   " login='fu1'"), 1);
}
END_TEST

START_TEST(add_and_update_phone_killed_and_not_one_login_twice)
{
    seed_phone("fu2", SERVER2, "fu2");
    killed_lock_holder(add_query("fa1", "fmix", "&template_id=SIPdefault"),
                       update_query("fu2", SERVER2, "&phone_login=fmix&template_id=SIPdefault"),
                       "fmix", UNAVAILABLE_ADD);
    seed_phone("fu3", SERVER2, "fu3");
    killed_lock_holder(update_query("fu3", SERVER2, "&phone_login=fmix2&template_id=SIPdefault"),
                       add_query("fa2", "fmix2", "&template_id=SIPdefault"), "fmix2",
                       UNAVAILABLE_UPDATE);
}
END_TEST

/* ---- every named lock free after every error answer ---- */

/* The session holding a named lock (0: none).  A killed session's locks
 * go only once the server has finished ending it, which on a loaded
 * machine can be a moment after its client saw the error: while the holder
 * is a session being killed (or already gone), wait for it, up to 10 s; a
 * live holder is answered at once. */
static long lock_holder_once_kills_end(const char *extension, const char *login)
{
    double t0 = test_now();

    for (;;) {
        long id = extension ? extension_lock_holder(extension, SERVER1) : login_lock_holder(login);
        if (id == 0 || test_now() - t0 > 10.0 ||
            test_db_count("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %ld"
                          " AND COMMAND <> 'Killed'", id) > 0)
            return id;
        test_sleep_ms(20);
    }
}

static void expect_locks_free(const char *extension, const char *login, const char *after)
{
    if (extension)
        ck_assert_msg(lock_holder_once_kills_end(extension, NULL) == 0,
                      "[%s] extension lock of %s still held after %s", scene->label, extension,
                      after);
    if (login)
        ck_assert_msg(lock_holder_once_kills_end(NULL, login) == 0,
                      "[%s] login lock of %s still held after %s", scene->label, login, after);
}

/* add_phone for (extension, login) plus extra: its answer, then both of
 * its locks free. */
static struct http_reply add_phone_then_free(const char *extension, const char *login,
                                             const char *extra)
{
    struct http_reply r = api_get(add_query(extension, login, extra));
    expect_locks_free(extension, login, r.body);
    return r;
}

static struct http_reply update_phone_then_free(const char *extension, const char *server_ip,
                                                const char *login, const char *extra)
{
    struct http_reply r = api_get(update_query(extension, server_ip,
                                               test_printf("&phone_login=%s%s", login, extra)));
    expect_locks_free(NULL, login, r.body);
    return r;
}

static void expect_answer(const struct http_reply *r, int status, const char *body)
{
    ck_assert_msg(r->status == status && strcmp(r->body, body) == 0,
                  "[%s] expected %d '%s', got %d '%s'", scene->label, status,
                  test_visible(body), r->status, test_visible(r->body));
}

START_TEST(add_phone_error_answers_leave_no_lock_held)
{
    struct http_reply r;

    seed_phone("dup1", SERVER1, "duplog");
    r = add_phone_then_free("dup1", "e1", "");
    expect_answer(&r, 200, "ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: |6666|"
                  SERVER1 "|dup1\n");
    r = add_phone_then_free("e2", "duplog", "");
    expect_answer(&r, 200, "ERROR: add_phone PHONE LOGIN ALREADY EXISTS: |6666|duplog\n");
    r = add_phone_then_free("e3", "e3", "&local_gmt=7.77");
    expect_answer(&r, 200, "ERROR: add_phone YOU MUST USE A VALID TIMEZONE: |6666|7.77\n");
    r = add_phone_then_free("e4", "e4", "&template_id=nosuch");
    expect_answer(&r, 200, "ERROR: add_phone TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL"
                  " FIELD: |6666|e4|nosuch\n");
}
END_TEST

START_TEST(add_phone_sql_errors_leave_no_lock_held)
{
    struct http_reply r;

    /* The template lookup fails: the table is not there. */
    testdb_exec(&scene->db, "RENAME TABLE vicidial_conf_templates TO templates_away");
    r = add_phone_then_free("s1", "s1", "&template_id=SIPdefault");
    expect_answer(&r, 503, UNAVAILABLE_ADD);
    testdb_exec(&scene->db, "RENAME TABLE templates_away TO vicidial_conf_templates");

    /* The insert fails. */
    testdb_exec(&scene->db, "CREATE TRIGGER fault_phone_insert BEFORE INSERT ON phones FOR EACH"
                " ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT='refused by a test trigger'");
    r = add_phone_then_free("s2", "s2", "");
    expect_answer(&r, 200, "ERROR: add_phone PHONE HAS NOT BEEN ADDED: |6666|" SERVER1 "|s2\n");
    testdb_exec(&scene->db, "DROP TRIGGER fault_phone_insert");
    ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM vicidial_admin_log"), 0);

    /* The service goes on. */
    r = add_phone_then_free("s3", "s3", "");
    ck_assert_msg(strncmp(r.body, "SUCCESS: ", 9) == 0, "%s", r.body);
}
END_TEST

START_TEST(update_phone_error_answers_leave_no_lock_held)
{
    struct http_reply r;

    seed_phone("ua", SERVER1, "ua");
    seed_phone("ub", SERVER2, "ub");
    r = update_phone_then_free("ua", SERVER1, "ub", "");
    expect_answer(&r, 200, "ERROR: update_phone LOGIN ALREADY EXISTS: |6666|ub\n");
    r = update_phone_then_free("ua", SERVER1, "un1", "&voicemail_id=1");
    expect_answer(&r, 200, "ERROR: update_phone YOU MUST USE A VALID VOICEMAIL NUMBER: |6666|1\n");
    r = update_phone_then_free("ua", SERVER1, "un2", "&active=X");
    expect_answer(&r, 200, "ERROR: update_phone ACTIVE MUST BE Y OR N, THIS IS AN OPTIONAL"
                  " FIELD: |6666|X\n");
    r = update_phone_then_free("ua", SERVER1, "un3", "&template_id=nosuch");
    expect_answer(&r, 200, "ERROR: update_phone TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL"
                  " FIELD: |6666|un3|nosuch\n");
}
END_TEST

START_TEST(update_phone_sql_errors_leave_no_lock_held)
{
    struct http_reply r;

    seed_phone("ua", SERVER1, "ua");
    testdb_exec(&scene->db, "RENAME TABLE vicidial_conf_templates TO templates_away");
    r = update_phone_then_free("ua", SERVER1, "us1", "&template_id=SIPdefault");
    expect_answer(&r, 503, UNAVAILABLE_UPDATE);
    testdb_exec(&scene->db, "RENAME TABLE templates_away TO vicidial_conf_templates");

    testdb_exec(&scene->db, "CREATE TRIGGER fault_phone_update BEFORE UPDATE ON phones FOR EACH"
                " ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT='refused by a test trigger'");
    r = update_phone_then_free("ua", SERVER1, "us2", "");
    expect_answer(&r, 503, UNAVAILABLE_UPDATE);
    testdb_exec(&scene->db, "DROP TRIGGER fault_phone_update");
    test_expect_db("ua", "SELECT login FROM phones WHERE extension='ua'");
    ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM vicidial_admin_log"), 0);

    r = update_phone_then_free("ua", SERVER1, "us3", "");
    expect_answer(&r, 200, "SUCCESS: update_phone PHONE HAS BEEN UPDATED - 6666|ua|" SERVER1 "|\n");
}
END_TEST

/* The daemon's connection gets a 1 s InnoDB lock wait from a trigger on
 * the login stamp the request writes first (so no global setting of the
 * shared test server changes); the test's other connection holds the row
 * the request then needs. */
static void shorten_lock_wait_of_next_request(void)
{
    testdb_exec(&scene->db, "CREATE TRIGGER IF NOT EXISTS fault_short_lock_wait BEFORE UPDATE ON"
                " vicidial_users FOR EACH ROW SET SESSION innodb_lock_wait_timeout=1");
    testdb_exec(&scene->db, "UPDATE vicidial_users SET last_login_date='2020-01-01 00:00:00'"
                " WHERE user='6666'");
}

START_TEST(innodb_lock_wait_timeouts_leave_no_lock_held)
{
    struct http_reply r;

    if (strcmp(scene->engine, "InnoDB") != 0)
        return;     /* MyISAM has no row locks to wait for */
    seed_phone("ua", SERVER1, "ua");

    testdb_exec(&locker, "START TRANSACTION; SELECT * FROM phones WHERE extension='ua' FOR UPDATE");
    shorten_lock_wait_of_next_request();
    r = update_phone_then_free("ua", SERVER1, "lw1", "");
    expect_answer(&r, 503, UNAVAILABLE_UPDATE);
    testdb_exec(&locker, "ROLLBACK");

    testdb_exec(&locker, "START TRANSACTION; INSERT INTO phones SET extension='lw2',"
                " server_ip='" SERVER1 "', login='other', template_id=''");
    shorten_lock_wait_of_next_request();
    r = add_phone_then_free("lw2", "lw2", "");
    expect_answer(&r, 200, "ERROR: add_phone PHONE HAS NOT BEEN ADDED: |6666|" SERVER1 "|lw2\n");
    testdb_exec(&locker, "ROLLBACK");
    ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM phones WHERE extension='lw2'"), 0);
    ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM vicidial_admin_log"), 0);
}
END_TEST

START_TEST(busy_answer_leaves_the_extension_lock_free)
{
    struct daemon d;
    const char *args[] = { "--lock-wait", "1", NULL };
    struct http_reply r;
    char *target = test_printf("/vicidial/non_agent_api.php?%s", add_query("b1", "blog", ""));

    ck_assert_int_eq(testdb_count(&locker, "SELECT GET_LOCK(CONCAT('nonagentd.login.',"
                                  " SHA1(WEIGHT_STRING(CONVERT('blog' USING utf8mb3) COLLATE"
                                  " utf8mb3_unicode_ci))), 0)"), 1);
    daemon_start(&d, &scene->db, scene->sql_mode, args);
    ck_assert_int_eq(http_get(d.port, target, &r), 0);
    expect_answer(&r, 200, "ERROR: add_phone PHONE IS BUSY, TRY AGAIN: |6666|" SERVER1 "|b1\n");
    ck_assert_int_eq(extension_lock_holder("b1", SERVER1), 0);
    ck_assert_int_eq(login_lock_holder("blog"), locker_id());
    ck_assert_int_eq(daemon_stop(&d), 0);
}
END_TEST

/* ---- InnoDB's unique key refuses the insert ---- */

START_TEST(unique_key_refusal_answers_already_exists_without_an_admin_log_row)
{
    struct call a;
    double t0;

    if (strcmp(scene->engine, "InnoDB") != 0)
        return;     /* on MyISAM another writer's row is visible at once */
    /* Another writer (not nonagentd: no named lock) inserts the extension
     * in a transaction it has not committed: add_phone's check cannot see
     * the row, and its insert waits on the unique key. */
    testdb_exec(&locker, "START TRANSACTION; INSERT INTO phones SET extension='uk1',"
                " server_ip='" SERVER1 "', login='other', template_id=''");
    call_start(&a, scene->daemon.port, add_query("uk1", "ukl", ""));
    t0 = test_now();
    while (test_db_count("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB='%s'"
                         " AND INFO LIKE 'INSERT INTO phones%%'", scene->dbname) < 1) {
        ck_assert_msg(test_now() - t0 < 20.0, "add_phone never came to wait on the unique key: %s",
                      test_db_value("SELECT GROUP_CONCAT(CONCAT_WS(':', ID, STATE, INFO)"
                                    " SEPARATOR ' / ') FROM information_schema.PROCESSLIST"
                                    " WHERE DB='%s'", scene->dbname));
        ck_assert_msg(!a.done, "add_phone answered before the other writer committed: %s",
                      a.body);
        test_sleep_ms(20);
    }
    testdb_exec(&locker, "COMMIT");
    call_finish(&a);
    ck_assert_int_eq(a.status, 200);
    ck_assert_str_eq(a.body, "ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: |6666|"
                     SERVER1 "|uk1\n");
    test_expect_db("other", "SELECT GROUP_CONCAT(login) FROM phones WHERE extension='uk1'");
    ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM vicidial_admin_log"), 0);
    test_expect_db("N", "SELECT rebuild_conf_files FROM servers WHERE server_ip='" SERVER1 "'");
    test_expect_db("ERROR|add_phone PHONE ALREADY EXISTS ON THIS SERVER|" SERVER1 "|uk1",
                   "SELECT CONCAT_WS('|', result, result_reason, data) FROM vicidial_api_log");
    expect_locks_free("uk1", "ukl", a.body);
}
END_TEST

/* ---- a kill between any two of add_phone's writes ---- */

/* What a kill at one write leaves, once the request has answered: the
 * answer's status, and the rows of its phone. */
struct left {
    int status, phones, admin_log, rebuild, api_log, api_urls;
};

struct write_point {
    const char *table;          /* the write that waits, and is killed */
    struct left innodb, myisam;
};

/* InnoDB: all or nothing.  MyISAM: the phone lands at its insert, and from
 * then on SUCCESS waits for the admin log row and the rebuild flag; the API
 * log rows are the log of the answer, written after it is decided. */
static const struct write_point WRITE_POINTS[] = {
    { "phones",             { 503, 0, 0, 0, 0, 0 }, { 503, 0, 0, 0, 0, 0 } },
    { "vicidial_admin_log", { 503, 0, 0, 0, 0, 0 }, { 200, 1, 1, 1, 1, 1 } },
    { "servers",            { 503, 0, 0, 0, 0, 0 }, { 200, 1, 1, 1, 1, 1 } },
    { "vicidial_api_log",   { 503, 0, 0, 0, 0, 0 }, { 200, 1, 1, 1, 0, 0 } },
    { "vicidial_api_urls",  { 503, 0, 0, 0, 0, 0 }, { 200, 1, 1, 1, 1, 0 } },
};

static struct left rows_left(const char *extension, int status)
{
    return (struct left){
        .status = status,
        .phones = (int)test_db_count("SELECT COUNT(*) FROM phones WHERE extension='%s'",
                                     extension),
        .admin_log = (int)test_db_count("SELECT COUNT(*) FROM vicidial_admin_log WHERE"
                                        " record_id='%s'", extension),
        .rebuild = (int)test_db_count("SELECT rebuild_conf_files='Y' FROM servers WHERE"
                                      " server_ip='" SERVER1 "'"),
        .api_log = (int)test_db_count("SELECT COUNT(*) FROM vicidial_api_log WHERE"
                                      " data LIKE '%s|%%'", extension),
        .api_urls = (int)test_db_count("SELECT COUNT(*) FROM vicidial_api_urls u JOIN"
                                       " vicidial_api_log l USING (api_id) WHERE"
                                       " l.data LIKE '%s|%%'", extension),
    };
}

/* The call (query, for the phone extension on SERVER1) stops at the
 * point's table (locked for reading by the other connection) and its
 * connection is killed there; `kills` times in all when the daemon writes
 * again on a new connection. */
static struct left kill_at(const struct write_point *wp, const char *query,
                           const char *extension, int kills)
{
    struct call a;
    long killed = 0;

    testdb_exec(&scene->db, "UPDATE servers SET rebuild_conf_files='N'");
    testdb_exec(&locker, "LOCK TABLES %s READ", wp->table);
    call_start(&a, scene->daemon.port, query);
    for (int k = 0; k < kills; k++) {
        double t0 = test_now();
        long id = 0;
        /* The first wait is the request's; later ones its writes again, on
         * a new connection.  A killed connection may stay listed a moment
         * after KILL returns, until its thread has woken to it. */
        while (!a.done && !(id = blocked_other_than(killed))) {
            ck_assert_msg(test_now() - t0 < 20.0, "the call never came to wait on %s",
                          wp->table);
            test_sleep_ms(10);
        }
        if (a.done)
            break;
        kill_connection(id);
        killed = id;
    }
    testdb_exec(&locker, "UNLOCK TABLES");
    call_finish(&a);
    return rows_left(extension, a.status);
}

static void expect_left(const struct write_point *wp, struct left got, struct left want)
{
    ck_assert_msg(memcmp(&got, &want, sizeof got) == 0,
                  "[%s] killed at %s: status %d, phones %d, admin log %d, rebuild %d,"
                  " api log %d, api url %d; expected %d, %d, %d, %d, %d, %d", scene->label,
                  wp->table, got.status, got.phones, got.admin_log, got.rebuild, got.api_log,
                  got.api_urls, want.status, want.phones, want.admin_log, want.rebuild,
                  want.api_log, want.api_urls);
}

START_TEST(a_kill_between_any_two_writes_leaves_all_or_the_rows_success_needs)
{
    int innodb = strcmp(scene->engine, "InnoDB") == 0;

    for (size_t i = 0; i < sizeof WRITE_POINTS / sizeof WRITE_POINTS[0]; i++) {
        const struct write_point *wp = &WRITE_POINTS[i];
        const char *extension = test_printf("kw%zu", i);
        struct http_reply r;

        expect_left(wp, kill_at(wp, add_query(extension, extension, ""), extension, 1),
                    innodb ? wp->innodb : wp->myisam);
        expect_locks_free(extension, extension, wp->table);
        /* Nothing half-written is in the way of the call made again. */
        r = api_get(add_query(extension, extension, ""));
        if (test_db_count("SELECT COUNT(*) FROM phones WHERE extension='%s'", extension) == 1 &&
            strncmp(r.body, "SUCCESS", 7) != 0)
            ck_assert_str_eq(r.body, test_printf("ERROR: add_phone PHONE ALREADY EXISTS ON THIS"
                                                 " SERVER: |6666|" SERVER1 "|%s\n", extension));
        else
            ck_assert_msg(strncmp(r.body, "SUCCESS", 7) == 0, "[%s] %s again: %s",
                          scene->label, extension, r.body);
        ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM phones WHERE extension='%s'",
                                       extension), 1);
        ck_assert_int_eq(test_db_count("SELECT COUNT(*) FROM vicidial_admin_log WHERE"
                                       " record_id='%s'", extension), 1);
    }
}
END_TEST

/* update_phone's UPDATE, admin log row, rebuild flag and API log: the same
 * points, the phone there before and after (changed only with SUCCESS). */
START_TEST(update_phone_killed_between_any_two_writes_changes_all_or_nothing)
{
    int innodb = strcmp(scene->engine, "InnoDB") == 0;

    for (size_t i = 0; i < sizeof WRITE_POINTS / sizeof WRITE_POINTS[0]; i++) {
        const struct write_point *wp = &WRITE_POINTS[i];
        const char *extension = test_printf("ku%zu", i);
        struct left want = innodb ? wp->innodb : wp->myisam;

        seed_phone(extension, SERVER1, extension);
        want.phones = 1;
        expect_left(wp, kill_at(wp, update_query(extension, SERVER1, "&phone_full_name=Changed"),
                                extension, 1), want);
        test_expect_db(want.status == 200 ? "Changed" : "Seed",
                       "SELECT fullname FROM phones WHERE extension='%s'", extension);
    }
}
END_TEST

START_TEST(myisam_rows_that_cannot_be_written_again_answer_503_naming_the_phone)
{
    const struct write_point *wp = &WRITE_POINTS[1];    /* the admin log */
    struct left none_after_the_phone = { 503, 1, 0, 0, 0, 0 };
    char *log;

    if (strcmp(scene->engine, "MyISAM") != 0)
        return;     /* InnoDB rolls the phone back: the test above */
    /* The first write and every write again are killed. */
    expect_left(wp, kill_at(wp, add_query("kx1", "kx1", ""), "kx1", 10), none_after_the_phone);
    log = daemon_log(&scene->daemon);
    ck_assert_msg(strstr(log, "add_phone of phone kx1|" SERVER1 " is written, but not its admin"
                         " log row or the server's rebuild flag"), "no line names the phone");
    free(log);
}
END_TEST

/* ---- a storm of kills under concurrent add_phone and update_phone ---- */

#define STORM_ROUNDS_MAX 400
/* At least STORM_SECONDS, and on (up to STORM_SECONDS_MAX, for a daemon
 * under valgrind) until a kill has hit and a call has got through. */
#define STORM_SECONDS 3.0
#define STORM_SECONDS_MAX 60.0
#define STORM_ADDS 4        /* add_phone for one login, each its own extension */
#define STORM_UPDATES 4     /* update_phone to the same login, each on its own server */
#define STORM_SAME_EXT 2    /* add_phone for one extension, each its own login */
#define STORM_CALLERS (STORM_ADDS + STORM_UPDATES + STORM_SAME_EXT)

struct storm_caller {
    pthread_barrier_t *start;
    unsigned port;
    char *target;
    int success, unavailable;
};

static void *storm_call(void *arg)
{
    struct storm_caller *c = arg;
    struct http_reply r;

    pthread_barrier_wait(c->start);
    if (http_get(c->port, c->target, &r) == 0 && r.body) {
        c->success = strncmp(r.body, "SUCCESS: ", 9) == 0;
        c->unavailable = r.status == 503;
    }
    http_reply_free(&r);
    return NULL;
}

struct killer {
    volatile int stop;
    long own[2];
    int kills;
};

/* KILL one of the daemon's connections (the pool's, from the processlist:
 * every connection to the scene's database but the test's own), again and
 * again, a few milliseconds apart. */
static void *kill_loop(void *arg)
{
    struct killer *k = arg;
    struct testdb t;

    testdb_connect(&t);
    while (!k->stop) {
        long id = testdb_count(&t, "SELECT IFNULL(MIN(ID), 0) FROM information_schema.PROCESSLIST"
                               " WHERE DB='%s' AND ID NOT IN (%ld, %ld, CONNECTION_ID()) AND"
                               " COMMAND <> 'Sleep' ORDER BY RAND() LIMIT 1", scene->dbname,
                               k->own[0], k->own[1]);
        /* KILL of a connection that has just gone is an error: ignored. */
        if (id > 0 && mysql_query(t.conn, test_printf("KILL %ld", id)) == 0)
            k->kills++;
        test_sleep_ms(2);
    }
    testdb_close(&t);
    return NULL;
}

START_TEST(kills_under_concurrent_add_and_update_phone_leave_one_phone_per_login_and_extension)
{
    static struct storm_caller callers[STORM_CALLERS];
    struct killer k = { .own = { testdb_count(&scene->db, "SELECT CONNECTION_ID()"),
                                 locker_id() } };
    pthread_t killer_thread;
    int rounds = 0, successes = 0, unavailable = 0;
    double t0 = test_now();

    for (int i = 0; i < STORM_UPDATES; i++)
        testdb_exec(&scene->db, "INSERT INTO servers SET server_id='storm%d',"
                    " server_ip='10.1.0.%d', active='Y', local_gmt='-5.00'", i, i + 1);
    ck_assert_int_eq(pthread_create(&killer_thread, NULL, kill_loop, &k), 0);
    for (int round = 0; round < STORM_ROUNDS_MAX; round++) {
        double elapsed = test_now() - t0;
        pthread_t threads[STORM_CALLERS];
        pthread_barrier_t start;
        const char *login = test_printf("st%d", round);
        int login_successes = 0, ext_successes = 0;

        if (elapsed >= STORM_SECONDS_MAX ||
            (elapsed >= STORM_SECONDS && successes > 0 && unavailable > 0))
            break;

        for (int i = 0; i < STORM_UPDATES; i++)
            seed_phone(test_printf("su%d_%d", round, i), test_printf("10.1.0.%d", i + 1),
                       test_printf("sul%d_%d", round, i));
        pthread_barrier_init(&start, NULL, STORM_CALLERS);
        for (int i = 0; i < STORM_CALLERS; i++) {
            struct storm_caller *c = &callers[i];
            const char *q;

            if (i < STORM_ADDS)
                q = add_query(test_printf("sa%d_%d", round, i), login, "");
            else if (i < STORM_ADDS + STORM_UPDATES)
                q = update_query(test_printf("su%d_%d", round, i - STORM_ADDS),
                                 test_printf("10.1.0.%d", i - STORM_ADDS + 1),
                                 test_printf("&phone_login=%s", login));
            else
                q = add_query(test_printf("sx%d", round), test_printf("sxl%d_%d", round, i), "");
            memset(c, 0, sizeof *c);
            c->start = &start;
            c->port = scene->daemon.port;
            c->target = test_printf("/vicidial/non_agent_api.php?%s", q);
            ck_assert_int_eq(pthread_create(&threads[i], NULL, storm_call, c), 0);
        }
        for (int i = 0; i < STORM_CALLERS; i++)
            pthread_join(threads[i], NULL);
        pthread_barrier_destroy(&start);

        for (int i = 0; i < STORM_CALLERS; i++) {
            if (i < STORM_ADDS + STORM_UPDATES)
                login_successes += callers[i].success;
            else
                ext_successes += callers[i].success;
            successes += callers[i].success;
            unavailable += callers[i].unavailable;
        }
        long login_rows = test_db_count("SELECT COUNT(*) FROM phones WHERE login='%s'", login);
        long ext_rows = test_db_count("SELECT COUNT(*) FROM phones WHERE extension='sx%d'",
                                      round);
        ck_assert_msg(login_rows <= 1 && login_successes <= 1,
                      "[%s] round %d: %ld phones and %d SUCCESS for login %s", scene->label,
                      round, login_rows, login_successes, login);
        ck_assert_msg(ext_rows <= 1 && ext_successes <= 1,
                      "[%s] round %d: %ld phones and %d SUCCESS for extension sx%d",
                      scene->label, round, ext_rows, ext_successes, round);
        /* A SUCCESS has its row (a row without one: its answer was lost). */
        ck_assert_msg(login_rows >= login_successes && ext_rows >= ext_successes,
                      "[%s] round %d: a SUCCESS without its row", scene->label, round);
        rounds++;
    }
    k.stop = 1;
    pthread_join(killer_thread, NULL);
    fprintf(stderr, "%s: %d rounds, %d kills, %d SUCCESS, %d answered 503\n", scene->label,
            rounds, k.kills, successes, unavailable);
    ck_assert_msg(successes > 0 && unavailable > 0,
                  "the storm proved nothing: %d SUCCESS, %d answered 503", successes,
                  unavailable);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = test_add_case(s, "killed connections", 120, faults_setup, faults_teardown);

    tcase_add_test(tc, add_phone_killed_holding_its_locks_stops_and_one_phone_has_the_login);
    tcase_add_test(tc, update_phone_killed_holding_its_lock_stops_and_one_phone_has_the_login);
    tcase_add_test(tc, add_and_update_phone_killed_and_not_one_login_twice);
    tcase_add_test(tc,
        kills_under_concurrent_add_and_update_phone_leave_one_phone_per_login_and_extension);

    tc = test_add_case(s, "locks after errors", 120, faults_setup, faults_teardown);
    tcase_add_test(tc, add_phone_error_answers_leave_no_lock_held);
    tcase_add_test(tc, add_phone_sql_errors_leave_no_lock_held);
    tcase_add_test(tc, update_phone_error_answers_leave_no_lock_held);
    tcase_add_test(tc, update_phone_sql_errors_leave_no_lock_held);
    tcase_add_test(tc, innodb_lock_wait_timeouts_leave_no_lock_held);
    tcase_add_test(tc, busy_answer_leaves_the_extension_lock_free);
    tcase_add_test(tc, unique_key_refusal_answers_already_exists_without_an_admin_log_row);

    tc = test_add_case(s, "killed between writes", 120, faults_setup, faults_teardown);
    tcase_add_test(tc, a_kill_between_any_two_writes_leaves_all_or_the_rows_success_needs);
    tcase_add_test(tc, update_phone_killed_between_any_two_writes_changes_all_or_nothing);
    tcase_add_test(tc, myisam_rows_that_cannot_be_written_again_answer_503_naming_the_phone);
    return s;
}

int main(void)
{
    return fixture_run_all("t_faults", make_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
