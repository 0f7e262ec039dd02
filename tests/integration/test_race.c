/*
 * test_race.c - no duplicate phone under concurrent add_phone.
 *
 * 32 simultaneous identical calls for one extension, and 32 for one login
 * with different extensions, ten rounds each, against one daemon and
 * against two daemons sharing the database, on InnoDB and on MyISAM tables:
 * exactly one SUCCESS and one row per round, every other answer the
 * ALREADY EXISTS line it would get had it come after.  Callers alternate
 * the case of the contested value: the collation makes "RACE1" and "race1"
 * the same extension, and the locks must agree.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixture.h"

#define CALLERS 32
#define ROUNDS 10

struct caller {
    pthread_barrier_t *start;
    unsigned port;
    char target[1024];
    char expected_error[256];
    char *body;
    int status;
};

/* What caller i sends in a round, and the error it must get if it loses. */
typedef void (*scenario_fn)(int i, int round, char *q, size_t qcap, char *err, size_t ecap);

static const char BASE[] =
    "source=test&function=add_phone&user=6666&pass=1234&voicemail_id=55000"
    "&phone_pass=test&server_ip=10.0.9.8&protocol=SIP&registration_password=test"
    "&phone_full_name=Race&local_gmt=-5.00&outbound_cid=7275551212";

static void same_extension(int i, int round, char *q, size_t qcap, char *err, size_t ecap)
{
    const char *spelling = i % 2 ? "RACE" : "race";
    snprintf(q, qcap, "%s&extension=%s%d&dialplan_number=%d&phone_login=rl%d_%d", BASE,
             spelling, round, 7000 + round, round, i);
    snprintf(err, ecap,
             "ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: |6666|10.0.9.8|%s%d\n",
             spelling, round);
}

static void same_login(int i, int round, char *q, size_t qcap, char *err, size_t ecap)
{
    const char *spelling = i % 2 ? "LOGIN" : "login";
    snprintf(q, qcap, "%s&extension=lx%d_%d&dialplan_number=%d&phone_login=%s%d", BASE, round,
             i, 8000 + round, spelling, round);
    snprintf(err, ecap, "ERROR: add_phone PHONE LOGIN ALREADY EXISTS: |6666|%s%d\n", spelling,
             round);
}

static void *call(void *arg)
{
    struct caller *c = arg;
    struct http_reply r;

    pthread_barrier_wait(c->start);
    if (http_get(c->port, c->target, &r) == 0) {
        c->status = r.status;
        c->body = strdup(r.body);
    }
    http_reply_free(&r);
    return NULL;
}

/* Fire CALLERS requests at once, alternating between the ports; return the
 * number of SUCCESS answers after checking that every other one is the
 * caller's expected ALREADY EXISTS line. */
static int fire(const unsigned *ports, int nports, scenario_fn scenario, int round)
{
    static struct caller callers[CALLERS];
    pthread_t threads[CALLERS];
    pthread_barrier_t start;
    int successes = 0;

    pthread_barrier_init(&start, NULL, CALLERS);
    for (int i = 0; i < CALLERS; i++) {
        char q[900];
        memset(&callers[i], 0, sizeof callers[i]);
        callers[i].start = &start;
        callers[i].port = ports[i % nports];
        scenario(i, round, q, sizeof q, callers[i].expected_error,
                 sizeof callers[i].expected_error);
        snprintf(callers[i].target, sizeof callers[i].target,
                 "/vicidial/non_agent_api.php?%s", q);
        ck_assert_int_eq(pthread_create(&threads[i], NULL, call, &callers[i]), 0);
    }
    for (int i = 0; i < CALLERS; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&start);

    for (int i = 0; i < CALLERS; i++) {
        ck_assert_msg(callers[i].body != NULL, "round %d caller %d got no answer", round, i);
        ck_assert_int_eq(callers[i].status, 200);
        if (strncmp(callers[i].body, "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|", 47) == 0)
            successes++;
        else
            ck_assert_msg(strcmp(callers[i].body, callers[i].expected_error) == 0,
                          "round %d caller %d: got '%s', expected '%s'", round, i,
                          callers[i].body, callers[i].expected_error);
        free(callers[i].body);
    }
    return successes;
}

static void race_extension(const unsigned *ports, int nports)
{
    for (int round = 0; round < ROUNDS; round++) {
        ck_assert_int_eq(fire(ports, nports, same_extension, round), 1);
        ck_assert_int_eq(testdb_count(&scene->db,
                                      "SELECT count(*) FROM phones WHERE extension='race%d'",
                                      round), 1);
        ck_assert_int_eq(testdb_count(&scene->db,
                                      "SELECT count(*) FROM vicidial_admin_log WHERE record_id='race%d'",
                                      round), 1);
        ck_assert_int_eq(testdb_count(&scene->db,
                                      "SELECT count(*) FROM vicidial_api_log WHERE result='SUCCESS'"
                                      " AND data LIKE 'race%d|%%'", round), 1);
    }
}

static void race_login(const unsigned *ports, int nports)
{
    for (int round = 0; round < ROUNDS; round++) {
        ck_assert_int_eq(fire(ports, nports, same_login, round), 1);
        ck_assert_int_eq(testdb_count(&scene->db,
                                      "SELECT count(*) FROM phones WHERE login='login%d'", round), 1);
    }
}

/* A second daemon on the scene's database, for the two-process tests. */
static unsigned second_daemon(struct daemon *d)
{
    daemon_start(d, &scene->db, scene->sql_mode, NULL);
    return d->port;
}

START_TEST(one_daemon_one_success_per_extension)
{
    unsigned ports[] = { scene->daemon.port };
    race_extension(ports, 1);
}
END_TEST

START_TEST(one_daemon_one_success_per_login)
{
    unsigned ports[] = { scene->daemon.port };
    race_login(ports, 1);
}
END_TEST

START_TEST(two_daemons_one_success_per_extension)
{
    struct daemon d2;
    unsigned ports[] = { scene->daemon.port, second_daemon(&d2) };
    race_extension(ports, 2);
    ck_assert_int_eq(daemon_stop(&d2), 0);
}
END_TEST

START_TEST(two_daemons_one_success_per_login)
{
    struct daemon d2;
    unsigned ports[] = { scene->daemon.port, second_daemon(&d2) };
    race_login(ports, 2);
    ck_assert_int_eq(daemon_stop(&d2), 0);
}
END_TEST

START_TEST(no_named_lock_left_held_after_the_race)
{
    unsigned ports[] = { scene->daemon.port };
    race_extension(ports, 1);
    race_login(ports, 1);
    /* The keys as db/locks.c builds them: every one must be free again. */
    for (int round = 0; round < ROUNDS; round++) {
        ck_assert_int_eq(testdb_count(&scene->db,
            "SELECT IS_FREE_LOCK(CONCAT('nonagentd.ext.', SHA1(CONCAT(WEIGHT_STRING("
            "CONVERT('race%d' USING utf8mb3) COLLATE utf8mb3_unicode_ci), '|', WEIGHT_STRING("
            "CONVERT('10.0.9.8' USING utf8mb3) COLLATE utf8mb3_unicode_ci)))))", round), 1);
        ck_assert_int_eq(testdb_count(&scene->db,
            "SELECT IS_FREE_LOCK(CONCAT('nonagentd.login.', SHA1(WEIGHT_STRING("
            "CONVERT('login%d' USING utf8mb3) COLLATE utf8mb3_unicode_ci))))", round), 1);
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("race");
    TCase *tc = tcase_create("concurrent add_phone");

    tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, one_daemon_one_success_per_extension);
    tcase_add_test(tc, one_daemon_one_success_per_login);
    tcase_add_test(tc, two_daemons_one_success_per_extension);
    tcase_add_test(tc, two_daemons_one_success_per_login);
    tcase_add_test(tc, no_named_lock_left_held_after_the_race);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fixture_run_all("t_race", make_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
