/*
 * suite.h - the Check glue every test program shares, unit and integration:
 * a test case added to a suite in one call, and a suite run to its number
 * of failures.
 */
#ifndef NONAGENTD_TEST_SUITE_H
#define NONAGENTD_TEST_SUITE_H

#include <check.h>

/* A test case named name, added to s and returned for its tests.  Each of
 * its tests runs between setup and teardown (either may be NULL) and within
 * timeout seconds; 0 leaves Check's default (CK_DEFAULT_TIMEOUT, which
 * tests/CMakeLists.txt sets for every test program). */
TCase *test_add_case(Suite *s, const char *name, double timeout, SFun setup, SFun teardown);

/* Run every test of s, each in a process of its own (Check's default);
 * returns how many failed. */
int test_run_suite(Suite *s);

#endif
