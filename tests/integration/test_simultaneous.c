/*
 * test_simultaneous.c - the rows of requests answered at the same moment.
 *
 * Rounds of 32 simultaneous requests, mixed: every answer has exactly its
 * own rows: one api log row, one url row holding its own URL, pointing at
 * the webserver row of its own Host, those lookup rows added once when
 * missing; every phone written has one admin log row, and its server's
 * rebuild flag is set even though the statement releasing the locks reads
 * it first (db/locks.h).  A refused admin log row fails only its own
 * request.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixture.h"

#define CALLERS 32
#define ROUNDS 5

struct caller {
    pthread_barrier_t *start;
    unsigned port;
    char request[2048];
    struct http_reply reply;
    int sent;
};

static void *call(void *arg)
{
    struct caller *c = arg;

    pthread_barrier_wait(c->start);
    c->sent = http_raw(c->port, c->request, strlen(c->request), &c->reply) == 0;
    return NULL;
}

/* Send every caller's request at once; wait for all the answers. */
static void fire(struct caller *callers, int n)
{
    pthread_t threads[CALLERS];
    pthread_barrier_t start;

    pthread_barrier_init(&start, NULL, (unsigned)n);
    for (int i = 0; i < n; i++) {
        callers[i].start = &start;
        callers[i].port = scene->daemon.port;
        ck_assert_int_eq(pthread_create(&threads[i], NULL, call, &callers[i]), 0);
    }
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&start);
}

static void request(struct caller *c, const char *host, const char *query)
{
    memset(c, 0, sizeof *c);
    snprintf(c->request, sizeof c->request,
             "GET /vicidial/non_agent_api.php?%s HTTP/1.1\r\nHost: %s\r\n"
             "Connection: close\r\n\r\n", query, host);
}

/* One request from each host first, alone: the rows the API log points
 * at (vicidial_webservers, vicidial_urls) are added then.  (On InnoDB, two
 * transactions adding the same such row at once can deadlock, and one of
 * them answers 503: docs/differences.md.) */
static void see_hosts(const char *a, const char *b)
{
    const char *hosts[] = { a, b };

    for (int i = 0; i < 2; i++) {
        struct caller c;
        request(&c, hosts[i], "source=test&function=version");
        ck_assert_int_eq(http_raw(scene->daemon.port, c.request, strlen(c.request), &c.reply), 0);
        http_reply_free(&c.reply);
    }
}

static const char ADD[] =
    "function=add_phone&user=6666&pass=1234&voicemail_id=55000&phone_pass=test"
    "&protocol=SIP&registration_password=test&phone_full_name=Group&local_gmt=-5.00"
    "&outbound_cid=7275551212";

static const char *body_of(const struct caller *c)
{
    ck_assert_msg(c->sent && c->reply.body, "no answer to %s", c->request);
    return c->reply.body;
}

START_TEST(every_answer_has_its_own_api_log_and_url_rows)
{
    static struct caller callers[CALLERS];

    see_hosts("alpha.example", "beta.example");
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < CALLERS; i++) {
            const char *host = i % 2 ? "alpha.example" : "beta.example";
            char q[1024];

            if (i % 3 == 0)
                snprintf(q, sizeof q, "source=g%dx%d&function=version", round, i);
            else if (i % 3 == 1)
                snprintf(q, sizeof q, "source=g%dx%d&%s&extension=gx%d_%d&dialplan_number=77"
                         "&phone_login=gl%d_%d&server_ip=10.9.9.9", round, i, ADD, round, i,
                         round, i);
            else
                snprintf(q, sizeof q, "source=g%dx%d&%s&extension=gx%d_%d&dialplan_number=77"
                         "&phone_login=gl%d_%d&server_ip=10.0.9.8", round, i, ADD, round, i,
                         round, i);
            request(&callers[i], host, q);
        }
        fire(callers, CALLERS);
        for (int i = 0; i < CALLERS; i++) {
            const char *body = body_of(&callers[i]);
            if (i % 3 == 0)
                ck_assert_msg(strncmp(body, "VERSION: ", 9) == 0, "%s", body);
            else if (i % 3 == 1)
                ck_assert_str_eq(body, "ERROR: add_phone SERVER DOES NOT EXIST: |6666|10.9.9.9\n");
            else
                ck_assert_msg(strncmp(body, "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|", 47)
                              == 0, "%s", body);
            http_reply_free(&callers[i].reply);
        }
    }
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_api_log WHERE source LIKE 'g%%'"),
                     ROUNDS * CALLERS);
    /* one url row each, and it is the request's own */
    ck_assert_int_eq(test_db_count(
        "SELECT count(*) FROM vicidial_api_log l WHERE l.source LIKE 'g%%' AND"
        " (SELECT count(*) FROM vicidial_api_urls u WHERE u.api_id=l.api_id) <> 1"), 0);
    ck_assert_int_eq(test_db_count(
        "SELECT count(*) FROM vicidial_api_log l JOIN vicidial_api_urls u ON u.api_id=l.api_id"
        " WHERE l.source LIKE 'g%%' AND u.url NOT LIKE CONCAT('http://%%.example:%%/vicidial/"
        "non_agent_api.php?source=', l.source, '&function=', l.function, '%%')"), 0);
    /* the webserver row of its own Host, and the page it was asked on */
    ck_assert_int_eq(test_db_count(
        "SELECT count(*) FROM vicidial_api_log l JOIN vicidial_webservers w"
        " ON w.webserver_id=l.webserver JOIN vicidial_urls p ON p.url_id=l.api_url"
        " JOIN vicidial_api_urls u ON u.api_id=l.api_id WHERE l.source LIKE 'g%%' AND"
        " (u.url NOT LIKE CONCAT('http://', w.webserver, ':%%') OR u.url NOT LIKE"
        " CONCAT(p.url, '?%%') OR w.webserver <> IF(CAST(SUBSTRING_INDEX(l.source, 'x', -1)"
        " AS UNSIGNED) %% 2, 'alpha.example', 'beta.example'))"), 0);
    /* the answer logged is the request's own */
    ck_assert_int_eq(test_db_count(
        "SELECT count(*) FROM vicidial_api_log WHERE source LIKE 'g%%' AND NOT ("
        "(function='version' AND result='SUCCESS') OR (data='10.9.9.9' AND result='ERROR'"
        " AND result_reason='add_phone SERVER DOES NOT EXIST') OR (result='SUCCESS' AND"
        " data LIKE CONCAT('gx', SUBSTRING(source, 2, LOCATE('x', source) - 2), '\\_',"
        " SUBSTRING_INDEX(source, 'x', -1), '|10.0.9.8|SIP|77')))"), 0);
}
END_TEST

START_TEST(rows_the_api_log_points_at_are_added_when_missing)
{
    static struct caller callers[CALLERS];

    test_db_count("SELECT count(*) FROM vicidial_api_log");
    testdb_exec(&scene->db, "DELETE FROM vicidial_webservers");
    testdb_exec(&scene->db, "DELETE FROM vicidial_urls");
    for (int i = 0; i < CALLERS; i++) {
        char q[128];
        snprintf(q, sizeof q, "source=m%d&function=version", i);
        request(&callers[i], "gamma.example", q);
    }
    fire(callers, CALLERS);
    for (int i = 0; i < CALLERS; i++) {
        ck_assert_msg(strncmp(body_of(&callers[i]), "VERSION: ", 9) == 0, "%s",
                      callers[i].reply.body);
        http_reply_free(&callers[i].reply);
    }
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_webservers"), 1);
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_urls"), 1);
    ck_assert_int_eq(test_db_count(
        "SELECT count(*) FROM vicidial_api_log l JOIN vicidial_webservers w"
        " ON w.webserver_id=l.webserver JOIN vicidial_urls p ON p.url_id=l.api_url"
        " JOIN vicidial_api_urls u ON u.api_id=l.api_id WHERE l.source LIKE 'm%%'"
        " AND w.webserver='gamma.example' AND u.url=CONCAT(p.url, '?source=', l.source,"
        " '&function=version')"), CALLERS);
}
END_TEST

/* add_phone and then update_phone, 32 at once each, on both servers. */
START_TEST(every_written_phone_has_one_admin_log_row_and_its_flag)
{
    static struct caller callers[CALLERS];

    see_hosts("localhost", "localhost");
    for (int round = 0; round < ROUNDS; round++) {
        testdb_exec(&scene->db, "UPDATE servers SET rebuild_conf_files='N'");
        for (int i = 0; i < CALLERS; i++) {
            char q[1024];
            snprintf(q, sizeof q, "source=test&%s&extension=gp%d_%d&dialplan_number=77"
                     "&phone_login=gp%d_%d&server_ip=%s", ADD, round, i, round, i,
                     i % 2 ? "10.0.9.8" : "192.168.198.5");
            request(&callers[i], "localhost", q);
        }
        fire(callers, CALLERS);
        for (int i = 0; i < CALLERS; i++) {
            ck_assert_msg(strncmp(body_of(&callers[i]),
                                  "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|", 47) == 0,
                          "%s", callers[i].reply.body);
            http_reply_free(&callers[i].reply);
        }
        ck_assert_int_eq(test_db_count("SELECT count(*) FROM servers WHERE rebuild_conf_files='Y'"
                                       " AND server_ip IN ('10.0.9.8', '192.168.198.5')"), 2);

        testdb_exec(&scene->db, "UPDATE servers SET rebuild_conf_files='N'");
        for (int i = 0; i < CALLERS; i++) {
            char q[1024];
            snprintf(q, sizeof q, "source=test&function=update_phone&user=6666&pass=1234"
                     "&extension=gp%d_%d&server_ip=%s&phone_full_name=Grouped%d", round, i,
                     i % 2 ? "10.0.9.8" : "192.168.198.5", i);
            request(&callers[i], "localhost", q);
        }
        fire(callers, CALLERS);
        for (int i = 0; i < CALLERS; i++) {
            ck_assert_msg(strncmp(body_of(&callers[i]), "SUCCESS: update_phone", 21) == 0,
                          "%s", callers[i].reply.body);
            http_reply_free(&callers[i].reply);
        }
        ck_assert_int_eq(test_db_count("SELECT count(*) FROM servers WHERE rebuild_conf_files='Y'"
                                       " AND server_ip IN ('10.0.9.8', '192.168.198.5')"), 2);
    }
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones WHERE extension LIKE 'gp%%'"),
                     ROUNDS * CALLERS);
    ck_assert_int_eq(test_db_count(
        "SELECT count(*) FROM phones p WHERE p.extension LIKE 'gp%%' AND"
        " ((SELECT count(*) FROM vicidial_admin_log a WHERE a.record_id=p.extension AND"
        " a.event_type='ADD' AND a.event_sql LIKE CONCAT('INSERT INTO phones SET  extension=''',"
        " p.extension, ''',%%')) <> 1 OR (SELECT count(*) FROM vicidial_admin_log a WHERE"
        " a.record_id=p.extension AND a.event_type='MODIFY' AND a.event_sql LIKE"
        " CONCAT('%%', p.fullname, '%%')) <> 1 OR p.fullname NOT LIKE 'Grouped%%')"), 0);
}
END_TEST

/* One phone of every four has its admin log row refused by a trigger:
 * that request answers 503; the others, at the same moment, each have
 * their one row. */
START_TEST(a_refused_admin_log_row_fails_only_its_request)
{
    static struct caller callers[CALLERS];
    int myisam = strcmp(scene->engine, "MyISAM") == 0;

    see_hosts("localhost", "localhost");
    testdb_exec(&scene->db,
                "CREATE TRIGGER refuse_boom BEFORE INSERT ON vicidial_admin_log FOR EACH ROW"
                " BEGIN IF NEW.record_id LIKE 'boom%%' THEN SIGNAL SQLSTATE '45000'"
                " SET MESSAGE_TEXT = 'refused'; END IF; END");
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < CALLERS; i++) {
            char q[1024];
            snprintf(q, sizeof q, "source=test&%s&extension=%s%d_%d&dialplan_number=77"
                     "&phone_login=pl%d_%d&server_ip=10.0.9.8", ADD, i % 4 == 3 ? "boom" : "fine",
                     round, i, round, i);
            request(&callers[i], "localhost", q);
        }
        fire(callers, CALLERS);
        for (int i = 0; i < CALLERS; i++) {
            const char *body = body_of(&callers[i]);
            if (i % 4 == 3) {
                ck_assert_int_eq(callers[i].reply.status, 503);
                ck_assert_str_eq(body, "ERROR: DATABASE UNAVAILABLE: |add_phone|\n");
            } else {
                ck_assert_msg(strncmp(body, "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|",
                                      47) == 0, "%s", body);
            }
            http_reply_free(&callers[i].reply);
        }
    }
    ck_assert_int_eq(test_db_count(
        "SELECT count(*) FROM phones p WHERE p.extension LIKE 'fine%%' AND (SELECT count(*)"
        " FROM vicidial_admin_log a WHERE a.record_id=p.extension) = 1"), ROUNDS * CALLERS * 3 / 4);
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM vicidial_admin_log"
                                   " WHERE record_id LIKE 'boom%%'"), 0);
    /* without a transaction the phone row stands (the 503 says its rows
     * are not all there); with one it was rolled back */
    ck_assert_int_eq(test_db_count("SELECT count(*) FROM phones WHERE extension LIKE 'boom%%'"),
                     myisam ? ROUNDS * CALLERS / 4 : 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("simultaneous");
    TCase *tc = fixture_add_case(s, "rows of simultaneous requests", 240);

    tcase_add_test(tc, every_answer_has_its_own_api_log_and_url_rows);
    tcase_add_test(tc, rows_the_api_log_points_at_are_added_when_missing);
    tcase_add_test(tc, every_written_phone_has_one_admin_log_row_and_its_flag);
    tcase_add_test(tc, a_refused_admin_log_row_fails_only_its_request);
    return s;
}

int main(void)
{
    return fixture_run_all("t_simul", make_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
