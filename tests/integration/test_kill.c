/*
 * test_kill.c - SIGKILL mid-load leaves no half-written phone (issue 6).
 *
 * Eight clients send add_phone calls, each for a new extension and login,
 * to a daemon for about two seconds; then the daemon gets SIGKILL.  Each
 * call ended one of three ways: a SUCCESS answer, another answer, or no
 * answer (in flight at the kill, or sent after it).  add_phone writes the
 * phones row, then its vicidial_admin_log row, then its vicidial_api_log
 * row, and answers last; these are separate statements (as in VICIdial),
 * so a kill between them can leave a phone whose caller never heard of
 * it.  The invariant, checked in both scenes (InnoDB strict, MyISAM):
 *
 *  1. SUCCESS => its phones row (exactly one), its vicidial_admin_log row
 *     and its vicidial_api_log SUCCESS row: every answer was preceded by
 *     its writes;
 *  2. a phones row => its call got SUCCESS or no answer; never a row for
 *     a call answered with an error.  A row whose call got no answer may
 *     lack its log rows (killed between the statements): that is the only
 *     gap a kill can leave, and it is a complete, usable phone;
 *  3. no vicidial_admin_log row without its phones row;
 *  4. no named lock stays held: once the killed daemon's database
 *     connections are gone (polled up to 5 s), IS_FREE_LOCK is 1 for the
 *     extension and login key of every call, as db/locks.c builds them;
 *  5. on a new daemon, the same add_phone for an extension that has a row
 *     answers ALREADY EXISTS (the row stays single), and for a call that
 *     got no answer and left no row, answers SUCCESS: nothing half-written
 *     blocks it;
 *  6. the new daemon serves.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/fixture.h"

#define CLIENTS 8
#define MAX_CALLS 4000          /* per client: a bound, far above two seconds' worth */
#define LOAD_SECONDS 2.0

enum outcome { NOT_SENT, SUCCESS, OTHER_ANSWER, NO_ANSWER };

struct client {
    int id;
    unsigned port;
    volatile int *stop;
    int ncalls;
    enum outcome out[MAX_CALLS];
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static void call_target(int client, int i, char *buf, size_t cap)
{
    snprintf(buf, cap,
             "/vicidial/non_agent_api.php?source=test&function=add_phone&user=6666&pass=1234"
             "&extension=k%d_%d&dialplan_number=9%d%d&voicemail_id=9%d%d&phone_login=kl%d_%d"
             "&phone_pass=test&server_ip=10.0.9.8&protocol=SIP&registration_password=test"
             "&phone_full_name=Kill+Test&local_gmt=-5.00&outbound_cid=7275551212",
             client, i, client, i, client, i, client, i);
}

static void *load(void *arg)
{
    struct client *c = arg;
    char target[600];
    double t0 = now_s();

    for (int i = 0; i < MAX_CALLS && !*c->stop && now_s() - t0 < 15.0; i++) {
        struct http_reply r;
        call_target(c->id, i, target, sizeof target);
        c->ncalls = i + 1;
        if (http_get(c->port, target, &r) != 0 || r.status == 0 || r.body_len == 0)
            c->out[i] = NO_ANSWER;
        else if (strncmp(r.body, "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|", 47) == 0)
            c->out[i] = SUCCESS;
        else
            c->out[i] = OTHER_ANSWER;
        http_reply_free(&r);
    }
    return NULL;
}

/* The killed daemon: stopped at exit if a check fails before the kill. */
static struct daemon *own[2];

static void kill_own(void)
{
    for (int i = 0; i < 2; i++)
        if (own[i] && own[i]->pid > 0) {
            kill(own[i]->pid, SIGKILL);
            waitpid(own[i]->pid, NULL, 0);
            own[i]->pid = 0;
        }
}

static void kill_setup(void)
{
    static int registered;
    fixture_setup();
    if (!registered) {
        atexit(kill_own);
        registered = 1;
    }
}

static long rows(const char *table, const char *column, int client, int i)
{
    return testdb_count(&scene->db, "SELECT COUNT(*) FROM %s WHERE %s='k%d_%d'", table, column,
                        client, i);
}

START_TEST(sigkill_under_load_leaves_no_half_written_phone)
{
    static struct client clients[CLIENTS];
    static struct daemon victim, fresh;
    pthread_t threads[CLIENTS];
    volatile int stop = 0;
    char *ids;
    int successes = 0, unanswered = 0, other = 0, orphans = 0, lost = 0, calls = 0;
    int status;

    /* The database connections that are not the victim's, to tell when
     * the victim's are gone. */
    ids = testdb_value(&scene->db, "SELECT IFNULL(GROUP_CONCAT(ID), '0') FROM"
                       " information_schema.PROCESSLIST");
    own[0] = &victim;
    own[1] = &fresh;
    daemon_start(&victim, &scene->db, scene->sql_mode, NULL);

    for (int c = 0; c < CLIENTS; c++) {
        memset(&clients[c], 0, sizeof clients[c]);
        clients[c].id = c;
        clients[c].port = victim.port;
        clients[c].stop = &stop;
        ck_assert_int_eq(pthread_create(&threads[c], NULL, load, &clients[c]), 0);
    }
    sleep_ms((long)(LOAD_SECONDS * 1000));
    /* No new call after this; the ones in flight meet the kill. */
    stop = 1;
    ck_assert_int_eq(kill(victim.pid, SIGKILL), 0);
    ck_assert_int_eq(waitpid(victim.pid, &status, 0), victim.pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    victim.pid = 0;
    for (int c = 0; c < CLIENTS; c++)
        pthread_join(threads[c], NULL);

    /* 4, first part: the killed daemon's connections go away. */
    {
        double t0 = now_s();
        long left = -1;
        while (now_s() - t0 < 5.0) {
            left = testdb_count(&scene->db, "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                                " WHERE DB='%s' AND ID NOT IN (%s) AND ID <> CONNECTION_ID()",
                                scene->dbname, ids);
            if (left == 0)
                break;
            sleep_ms(100);
        }
        ck_assert_msg(left == 0, "%ld connections of the killed daemon still open after 5 s",
                      left);
    }
    free(ids);

    for (int c = 0; c < CLIENTS; c++) {
        for (int i = 0; i < clients[c].ncalls; i++) {
            long phones = rows("phones", "extension", c, i);
            long admin = rows("vicidial_admin_log", "record_id", c, i);
            calls++;
            ck_assert_msg(phones <= 1, "k%d_%d: %ld phones rows", c, i, phones);
            ck_assert_msg(admin <= phones, "k%d_%d: an admin log row without its phone", c, i);
            switch (clients[c].out[i]) {
            case SUCCESS:
                successes++;
                ck_assert_msg(phones == 1, "k%d_%d: SUCCESS without its phones row", c, i);
                ck_assert_msg(admin == 1, "k%d_%d: SUCCESS without its admin log row", c, i);
                ck_assert_int_eq(testdb_count(&scene->db,
                                              "SELECT COUNT(*) FROM vicidial_api_log WHERE"
                                              " result='SUCCESS' AND data LIKE 'k%d\\_%d|%%'",
                                              c, i), 1);
                break;
            case OTHER_ANSWER:
                other++;
                ck_assert_msg(phones == 0, "k%d_%d: a phones row for a call answered with"
                              " an error", c, i);
                break;
            case NO_ANSWER:
            case NOT_SENT:
                unanswered++;
                lost += phones == 1;
                orphans += phones == 1 && admin == 0;
                break;
            }
        }
    }
    /* No phones row from this test that no call accounts for. */
    ck_assert_int_eq(testdb_count(&scene->db, "SELECT COUNT(*) FROM phones WHERE extension LIKE"
                                  " 'k%%'"), successes + lost);
    ck_assert_msg(successes > 0, "no SUCCESS before the kill: the load did not run");
    ck_assert_msg(unanswered >= 1, "every call was answered: the kill came after the load");

    /* 4: every lock free (they were released or died with the connections). */
    {
        double t0 = now_s();
        long held = -1;
        while (now_s() - t0 < 5.0) {
            held = 0;
            for (int c = 0; c < CLIENTS; c++)
                for (int i = 0; i < clients[c].ncalls; i++)
                    held += 1 - testdb_count(&scene->db,
                        "SELECT IS_FREE_LOCK(CONCAT('nonagentd.ext.', SHA1(CONCAT(WEIGHT_STRING("
                        "CONVERT('k%d_%d' USING utf8mb3) COLLATE utf8mb3_unicode_ci), '|',"
                        " WEIGHT_STRING(CONVERT('10.0.9.8' USING utf8mb3) COLLATE"
                        " utf8mb3_unicode_ci))))) + IS_FREE_LOCK(CONCAT('nonagentd.login.',"
                        " SHA1(WEIGHT_STRING(CONVERT('kl%d_%d' USING utf8mb3) COLLATE"
                        " utf8mb3_unicode_ci)))) - 1", c, i, c, i);
            if (held == 0)
                break;
            sleep_ms(200);
        }
        ck_assert_msg(held == 0, "%ld named locks still held 5 s after the kill", held);
    }

    /* 5: retries on a new daemon. */
    daemon_start(&fresh, &scene->db, scene->sql_mode, NULL);
    for (int c = 0; c < CLIENTS; c++) {
        for (int i = 0; i < clients[c].ncalls; i++) {
            long phones = rows("phones", "extension", c, i);
            char target[600], expected[160];
            struct http_reply r;

            call_target(c, i, target, sizeof target);
            ck_assert_int_eq(http_get(fresh.port, target, &r), 0);
            ck_assert_int_eq(r.status, 200);
            if (phones == 1) {
                snprintf(expected, sizeof expected,
                         "ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: |6666|10.0.9.8|"
                         "k%d_%d\n", c, i);
                ck_assert_str_eq(r.body, expected);
            } else {
                ck_assert_msg(strncmp(r.body, "SUCCESS: add_phone PHONE HAS BEEN ADDED", 39) == 0,
                              "k%d_%d (no row after the kill): %s", c, i, r.body);
            }
            http_reply_free(&r);
            ck_assert_int_eq(rows("phones", "extension", c, i), 1);
        }
    }

    /* 6: it serves. */
    {
        struct http_reply r;
        ck_assert_int_eq(http_get(fresh.port, "/vicidial/non_agent_api.php?source=test"
                                  "&function=version", &r), 0);
        ck_assert_int_eq(r.status, 200);
        ck_assert_int_eq(strncmp(r.body, "VERSION: ", 9), 0);
        http_reply_free(&r);
    }
    ck_assert_int_eq(daemon_stop(&fresh), 0);
    fprintf(stderr, "%s: %d calls, %d SUCCESS, %d other answers, %d unanswered (%d of them left"
            " a phone, %d without its admin log row)\n", scene->label, calls, successes, other,
            unanswered, lost, orphans);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("kill");
    TCase *tc = tcase_create("SIGKILL under load");

    tcase_add_checked_fixture(tc, kill_setup, fixture_teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, sigkill_under_load_leaves_no_half_written_phone);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fixture_run_all("t_kill", make_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
