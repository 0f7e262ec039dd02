/*
 * test_params.c - unit tests for PHP-compatible parameter intake
 * (server/params.c; docs/api.md, "The path of a request").
 *
 * Each expectation is what PHP 8.2 puts in $_GET / $_POST for the same
 * bytes; the name-mangling cases marked "php-src" are the inputs and
 * outputs of PHP's own regression tests (tests/basic/bug78236.phpt).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/params.h"
#include "tests/support/suite.h"

/* Parse a literal (its sizeof keeps embedded NULs) into a fresh list. */
static struct param_list parse_bytes(const char *data, size_t len)
{
    struct param_list p;
    params_init(&p);
    ck_assert_int_eq(params_parse_urlencoded(&p, data, len), 0);
    return p;
}
#define PARSE(lit) parse_bytes(lit, sizeof(lit) - 1)

/* The last value of `name` must be exactly want[0..want_len). */
static void expect_value(const struct param_list *p, const char *name,
                         const char *want, size_t want_len, int line)
{
    const struct param *e = params_find(p, name);
    ck_assert_msg(e != NULL, "line %d: %s missing", line, name);
    ck_assert_msg(!e->is_array, "line %d: %s is an array", line, name);
    ck_assert_msg(e->value_len == want_len &&
                      memcmp(e->value, want, want_len) == 0,
                  "line %d: %s = \"%.*s\" (%zu bytes), want \"%.*s\"", line,
                  name, (int)e->value_len, e->value, e->value_len,
                  (int)want_len, want);
    ck_assert_msg(e->value[e->value_len] == '\0',
                  "line %d: %s not NUL-terminated", line, name);
}
#define EXPECT_VALUE(p, name, lit) \
    expect_value(&(p), name, lit, sizeof(lit) - 1, __LINE__)

/* The whole list must hold exactly these names, in order. */
static void expect_names(const struct param_list *p, const char *const *names,
                         size_t n, int line)
{
    ck_assert_msg(p->n == n, "line %d: %zu pairs, want %zu", line, p->n, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(strcmp(p->v[i].name, names[i]) == 0,
                      "line %d: pair %zu is \"%s\", want \"%s\"", line, i,
                      p->v[i].name, names[i]);
}
#define EXPECT_NAMES(p, ...)                                             \
    do {                                                                 \
        static const char *const want_[] = { __VA_ARGS__ };              \
        expect_names(&(p), want_, sizeof(want_) / sizeof(want_[0]),      \
                     __LINE__);                                          \
    } while (0)

/* ---- splitting ------------------------------------------------------- */

START_TEST(last_duplicate_wins)
{
    struct param_list p = PARSE("extension=1&extension=2&extension=3");
    EXPECT_VALUE(p, "extension", "3");
    ck_assert_uint_eq(p.n, 3);
    params_free(&p);
}
END_TEST

START_TEST(semicolon_is_not_a_separator)
{
    struct param_list p = PARSE("a=1;b=2&c=3");
    EXPECT_VALUE(p, "a", "1;b=2");
    ck_assert_ptr_null(params_find(&p, "b"));
    EXPECT_VALUE(p, "c", "3");
    params_free(&p);
}
END_TEST

START_TEST(pair_without_equals_is_empty_value)
{
    /* &extension& with a POST value behind it: GET's "" must exist. */
    struct param_list p = PARSE("&extension&");
    EXPECT_VALUE(p, "extension", "");
    ck_assert_uint_eq(p.n, 1);
    params_free(&p);
}
END_TEST

START_TEST(empty_pieces_are_skipped)
{
    struct param_list p = PARSE("&&a=1&&&b=2&");
    EXPECT_NAMES(p, "a", "b");
    params_free(&p);

    p = PARSE("");
    ck_assert_uint_eq(p.n, 0);
    params_free(&p);
}
END_TEST

START_TEST(value_keeps_later_equals_signs)
{
    struct param_list p = PARSE("a=b=c&d==");
    EXPECT_VALUE(p, "a", "b=c");
    EXPECT_VALUE(p, "d", "=");
    params_free(&p);
}
END_TEST

START_TEST(empty_name_is_skipped)
{
    /* "=x", an all-space name (leading spaces go, nothing is left), and
     * a name that starts with '[' have no base name in PHP. */
    struct param_list p = PARSE("=x&+=y&%20%20=z&[a]=w&[=v&ok=1");
    EXPECT_NAMES(p, "ok");
    params_free(&p);
}
END_TEST

/* ---- decoding ---------------------------------------------------------- */

START_TEST(plus_is_space_and_percent_2b_is_plus)
{
    struct param_list p = PARSE("a=x+y&b=x%2By&c=x%2by");
    EXPECT_VALUE(p, "a", "x y");
    EXPECT_VALUE(p, "b", "x+y");
    EXPECT_VALUE(p, "c", "x+y");
    params_free(&p);
}
END_TEST

START_TEST(hex_escapes_in_either_case)
{
    struct param_list p = PARSE("a=%41%61%4a%4A%ff%FF");
    EXPECT_VALUE(p, "a", "AaJJ\xff\xff");
    params_free(&p);
}
END_TEST

START_TEST(malformed_percent_stays_literal)
{
    struct param_list p = PARSE("a=%zz&b=x%&c=%4&d=%4g&e=%%41&f=%2+");
    EXPECT_VALUE(p, "a", "%zz");
    EXPECT_VALUE(p, "b", "x%");     /* trailing '%' */
    EXPECT_VALUE(p, "c", "%4");     /* one hex digit at the end */
    EXPECT_VALUE(p, "d", "%4g");
    EXPECT_VALUE(p, "e", "%A");     /* the '%' is literal, then %41 */
    EXPECT_VALUE(p, "f", "%2 ");    /* '+' is no hex digit, still a space */
    params_free(&p);
}
END_TEST

START_TEST(double_encoding_decodes_once)
{
    struct param_list p = PARSE("a=%252B&b=%2541");
    EXPECT_VALUE(p, "a", "%2B");
    EXPECT_VALUE(p, "b", "%41");
    params_free(&p);
}
END_TEST

START_TEST(nul_bytes_in_values_are_kept)
{
    struct param_list p = PARSE("a=x%00y&b=\0z");
    EXPECT_VALUE(p, "a", "x\0y");
    EXPECT_VALUE(p, "b", "\0z");    /* a raw NUL, as PHP's POST reader */
    params_free(&p);
}
END_TEST

/* ---- name mangling ----------------------------------------------------- */

START_TEST(dot_space_and_leading_space_give_phone_login)
{
    struct param_list p = PARSE("phone.login=1&phone+login=2&%20phone_login=3"
                                "&phone%2Elogin=4&++phone.login=5");
    EXPECT_NAMES(p, "phone_login", "phone_login", "phone_login",
                 "phone_login", "phone_login");
    EXPECT_VALUE(p, "phone_login", "5");
    params_free(&p);
}
END_TEST

START_TEST(only_leading_spaces_are_dropped)
{
    struct param_list p = PARSE("a+=1&a+b+=2");
    EXPECT_NAMES(p, "a_", "a_b_");
    params_free(&p);
}
END_TEST

START_TEST(brackets_make_an_array)
{
    struct param_list p = PARSE("extension[]=1&source[x]=2&a%5B%5D=3"
                                "&b[+]=4&c[x][y]=5&d[x]tail=6");
    EXPECT_NAMES(p, "extension", "source", "a", "b", "c", "d");
    for (size_t i = 0; i < p.n; i++)
        ck_assert_msg(p.v[i].is_array, "%s not an array", p.v[i].name);
    ck_assert_int_eq(params_find(&p, "extension")->is_array, 1);
    params_free(&p);
}
END_TEST

START_TEST(dots_before_bracket_mangled_not_inside)
{
    struct param_list p = PARSE("a.b[c.d]=1");
    EXPECT_NAMES(p, "a_b");
    ck_assert_int_eq(p.v[0].is_array, 1);
    params_free(&p);
}
END_TEST

START_TEST(unbalanced_bracket_becomes_underscore)
{
    /* php-src tests/basic/bug78236.phpt: everything after the unbalanced
     * '[' is mangled too, and the result is a plain string variable. */
    struct param_list p = PARSE("a[b=1&id[name=1&id[[name=a&id[na+me.=3"
                                "&x]y[z=4&t[=5");
    EXPECT_NAMES(p, "a_b", "id_name", "id__name", "id_na_me_", "x]y_z",
                 "t_");
    for (size_t i = 0; i < p.n; i++)
        ck_assert_msg(!p.v[i].is_array, "%s is an array", p.v[i].name);
    EXPECT_VALUE(p, "id__name", "a");
    params_free(&p);
}
END_TEST

START_TEST(unbalanced_bracket_after_an_index_stays_array)
{
    /* The second '[' has no ']': PHP stores under the first key. */
    struct param_list p = PARSE("a[b][c=1");
    EXPECT_NAMES(p, "a");
    ck_assert_int_eq(p.v[0].is_array, 1);
    params_free(&p);
}
END_TEST

START_TEST(name_ends_at_nul_byte)
{
    /* PHP registers names as C strings. */
    struct param_list p = PARSE("ab%00cd=1&%00x=2&ef\0gh=3");
    EXPECT_NAMES(p, "ab", "ef");
    EXPECT_VALUE(p, "ab", "1");
    params_free(&p);
}
END_TEST

START_TEST(mangling_into_host_prefix_is_dropped)
{
    /* CVE-2022-31629 / CVE-2024-2756: a name must not become __Host- or
     * __Secure- through mangling; a genuine one is kept. */
    struct param_list p = PARSE("..Host-a=1&_.Secure-b=2&__Host-c=3"
                                "&+__Secure-d=4&_[Host-e=5");
    EXPECT_NAMES(p, "__Host-c", "__Secure-d");
    params_free(&p);
}
END_TEST

START_TEST(host_prefix_index_keeps_the_array)
{
    /* The element is dropped, but PHP created $_GET['a'] (empty). */
    struct param_list p = PARSE("a[__Host-x]=1");
    EXPECT_NAMES(p, "a");
    ck_assert_int_eq(p.v[0].is_array, 1);
    params_free(&p);
}
END_TEST

/* "n" followed by `levels` "[]" groups. */
static char *nested_name(int levels)
{
    char *s = malloc(2 + 2 * (size_t)levels + 3);
    ck_assert_ptr_nonnull(s);
    size_t o = 0;
    s[o++] = 'n';
    for (int i = 0; i < levels; i++) {
        s[o++] = '[';
        s[o++] = ']';
    }
    memcpy(s + o, "=1", 3);
    return s;
}

START_TEST(nesting_64_levels_is_an_array)
{
    char *s = nested_name(64);
    struct param_list p = parse_bytes(s, strlen(s));
    EXPECT_NAMES(p, "n");
    ck_assert_int_eq(p.v[0].is_array, 1);
    params_free(&p);
    free(s);
}
END_TEST

START_TEST(nesting_65_levels_deletes_the_name)
{
    char *deep = nested_name(65);
    size_t len = strlen(deep) + 32;
    char *q = malloc(len);
    ck_assert_ptr_nonnull(q);
    snprintf(q, len, "n=0&m=1&%s&o=2", deep);
    struct param_list p = parse_bytes(q, strlen(q));
    EXPECT_NAMES(p, "m", "o");
    params_free(&p);
    free(q);
    free(deep);
}
END_TEST

START_TEST(params_add_mangles_without_decoding)
{
    struct param_list p;
    params_init(&p);
    ck_assert_int_eq(params_add(&p, " a.b", 4, "v+%41", 5), 1);
    ck_assert_int_eq(params_add(&p, "c%2E", 4, "x\0y", 3), 1);
    ck_assert_int_eq(params_add(&p, "d[]", 3, "1", 1), 1);
    ck_assert_int_eq(params_add(&p, "", 0, "skipped", 7), 0);
    EXPECT_NAMES(p, "a_b", "c%2E", "d");
    EXPECT_VALUE(p, "a_b", "v+%41");
    EXPECT_VALUE(p, "c%2E", "x\0y");
    ck_assert_int_eq(p.v[2].is_array, 1);
    params_free(&p);
}
END_TEST

START_TEST(extend_last_grows_the_last_value)
{
    struct param_list p;
    params_init(&p);
    ck_assert_int_eq(params_extend_last(&p, "x", 1), -1);    /* no pair yet */
    ck_assert_int_eq(params_add(&p, "a", 1, "1", 1), 1);
    ck_assert_int_eq(params_add(&p, "b.c", 3, "xy", 2), 1);
    ck_assert_int_eq(params_extend_last(&p, "z\0w", 3), 0);
    ck_assert_int_eq(params_extend_last(&p, "", 0), 0);
    EXPECT_NAMES(p, "a", "b_c");
    EXPECT_VALUE(p, "a", "1");
    EXPECT_VALUE(p, "b_c", "xyz\0w");
    ck_assert_int_eq(p.v[1].value[p.v[1].value_len], '\0');
    params_free(&p);
}
END_TEST

/* ---- PHP's array view -------------------------------------------------- */

START_TEST(find_returns_last_and_null_when_absent)
{
    struct param_list p = PARSE("a=1&b=2&a=3");
    ck_assert_ptr_eq(params_find(&p, "a"), &p.v[2]);
    ck_assert_ptr_null(params_find(&p, "c"));
    params_free(&p);
}
END_TEST

START_TEST(join_uses_first_appearance_order_and_last_value)
{
    struct param_list p = PARSE("b=1&a=2&b=3&c=4&a=5");
    char *j = params_php_join(&p);
    ck_assert_str_eq(j, "b=3&a=5&c=4");
    free(j);
    ck_assert_str_eq(params_php_last_value(&p), "4");
    params_free(&p);
}
END_TEST

START_TEST(join_prints_array_for_arrays)
{
    struct param_list p = PARSE("user=6666&extension[]=1&pass=x%2By");
    char *j = params_php_join(&p);
    ck_assert_str_eq(j, "user=6666&extension=Array&pass=x+y");
    free(j);
    ck_assert_str_eq(params_php_last_value(&p), "x+y");
    params_free(&p);

    p = PARSE("a=1&b[]=2");
    ck_assert_str_eq(params_php_last_value(&p), "Array");
    params_free(&p);
}
END_TEST

START_TEST(array_then_string_keeps_slot_takes_last)
{
    /* PHP replaces the value in place: position of first appearance,
     * type and value of the last. */
    struct param_list p = PARSE("a[]=1&b=2&a=3&b[x]=4");
    char *j = params_php_join(&p);
    ck_assert_str_eq(j, "a=3&b=Array");
    free(j);
    ck_assert_int_eq(params_find(&p, "a")->is_array, 0);
    ck_assert_int_eq(params_find(&p, "b")->is_array, 1);
    params_free(&p);
}
END_TEST

START_TEST(join_and_last_value_of_empty_list)
{
    struct param_list p;
    params_init(&p);
    char *j = params_php_join(&p);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(j, "");
    free(j);
    ck_assert_str_eq(params_php_last_value(&p), "");
    params_free(&p);
}
END_TEST

START_TEST(join_uses_mangled_names_and_decoded_values)
{
    struct param_list p = PARSE("phone.login=a%26b&x=%27");
    char *j = params_php_join(&p);
    ck_assert_str_eq(j, "phone_login=a&b&x='");
    free(j);
    params_free(&p);
}
END_TEST

START_TEST(last_value_is_latest_new_name_not_latest_pair)
{
    /* The foreach ends on c, even though a was sent after it. */
    struct param_list p = PARSE("a=1&c=2&a=3");
    ck_assert_str_eq(params_php_last_value(&p), "2");
    params_free(&p);
}
END_TEST

/* ---- size -------------------------------------------------------------- */

START_TEST(long_value_and_long_name)
{
    size_t big = 1 << 20;
    char *q = malloc(2 * big + 8);
    ck_assert_ptr_nonnull(q);
    memset(q, 'n', big);
    q[big] = '=';
    for (size_t i = 0; i < big / 3; i++)
        memcpy(q + big + 1 + 3 * i, "%41", 3);
    size_t len = big + 1 + 3 * (big / 3);
    struct param_list p = parse_bytes(q, len);
    ck_assert_uint_eq(p.n, 1);
    ck_assert_uint_eq(strlen(p.v[0].name), big);
    ck_assert_uint_eq(p.v[0].value_len, big / 3);
    ck_assert_int_eq(p.v[0].value[0], 'A');
    ck_assert_int_eq(p.v[0].value[big / 3 - 1], 'A');
    params_free(&p);
    free(q);
}
END_TEST

START_TEST(many_pairs_stop_at_max_input_vars)
{
    /* PHP reads 1000 pairs (max_input_vars) and ignores the rest. */
    size_t cap = 1200 * 16;
    char *q = malloc(cap);
    ck_assert_ptr_nonnull(q);
    size_t o = 0;
    for (int i = 0; i < 1200; i++)
        o += (size_t)snprintf(q + o, cap - o, "%sk%d=%d", i ? "&" : "", i, i);
    struct param_list p = parse_bytes(q, o);
    ck_assert_uint_eq(p.n, 1000);
    EXPECT_VALUE(p, "k999", "999");
    ck_assert_ptr_null(params_find(&p, "k1000"));
    char *j = params_php_join(&p);
    ck_assert_ptr_nonnull(j);
    ck_assert(strncmp(j, "k0=0&k1=1&", 10) == 0);
    free(j);
    ck_assert_str_eq(params_php_last_value(&p), "999");
    params_free(&p);
    free(q);
}
END_TEST

START_TEST(empty_pieces_do_not_count_toward_the_limit)
{
    size_t cap = 1000 * 8 + 64;
    char *q = malloc(cap);
    ck_assert_ptr_nonnull(q);
    size_t o = 0;
    for (int i = 0; i < 1000; i++)
        o += (size_t)snprintf(q + o, cap - o, "&&a=%d", i);
    struct param_list p = parse_bytes(q, o);
    ck_assert_uint_eq(p.n, 1000);
    EXPECT_VALUE(p, "a", "999");
    params_free(&p);
    free(q);
}
END_TEST

START_TEST(appending_across_calls)
{
    /* The limit is per call; a second call appends after the first. */
    struct param_list p = PARSE("a=1");
    ck_assert_int_eq(params_parse_urlencoded(&p, "a=2&b=3", 7), 0);
    EXPECT_NAMES(p, "a", "a", "b");
    EXPECT_VALUE(p, "a", "2");
    params_free(&p);
}
END_TEST

static Suite *params_suite(void)
{
    Suite *s = suite_create("params");
    TCase *split = tcase_create("splitting");
    tcase_add_test(split, last_duplicate_wins);
    tcase_add_test(split, semicolon_is_not_a_separator);
    tcase_add_test(split, pair_without_equals_is_empty_value);
    tcase_add_test(split, empty_pieces_are_skipped);
    tcase_add_test(split, value_keeps_later_equals_signs);
    tcase_add_test(split, empty_name_is_skipped);
    suite_add_tcase(s, split);

    TCase *dec = tcase_create("decoding");
    tcase_add_test(dec, plus_is_space_and_percent_2b_is_plus);
    tcase_add_test(dec, hex_escapes_in_either_case);
    tcase_add_test(dec, malformed_percent_stays_literal);
    tcase_add_test(dec, double_encoding_decodes_once);
    tcase_add_test(dec, nul_bytes_in_values_are_kept);
    suite_add_tcase(s, dec);

    TCase *names = tcase_create("names");
    tcase_add_test(names, dot_space_and_leading_space_give_phone_login);
    tcase_add_test(names, only_leading_spaces_are_dropped);
    tcase_add_test(names, brackets_make_an_array);
    tcase_add_test(names, dots_before_bracket_mangled_not_inside);
    tcase_add_test(names, unbalanced_bracket_becomes_underscore);
    tcase_add_test(names, unbalanced_bracket_after_an_index_stays_array);
    tcase_add_test(names, name_ends_at_nul_byte);
    tcase_add_test(names, mangling_into_host_prefix_is_dropped);
    tcase_add_test(names, host_prefix_index_keeps_the_array);
    tcase_add_test(names, nesting_64_levels_is_an_array);
    tcase_add_test(names, nesting_65_levels_deletes_the_name);
    tcase_add_test(names, params_add_mangles_without_decoding);
    tcase_add_test(names, extend_last_grows_the_last_value);
    suite_add_tcase(s, names);

    TCase *view = tcase_create("php array view");
    tcase_add_test(view, find_returns_last_and_null_when_absent);
    tcase_add_test(view, join_uses_first_appearance_order_and_last_value);
    tcase_add_test(view, join_prints_array_for_arrays);
    tcase_add_test(view, array_then_string_keeps_slot_takes_last);
    tcase_add_test(view, join_and_last_value_of_empty_list);
    tcase_add_test(view, join_uses_mangled_names_and_decoded_values);
    tcase_add_test(view, last_value_is_latest_new_name_not_latest_pair);
    suite_add_tcase(s, view);

    TCase *size = tcase_create("size");
    tcase_add_test(size, long_value_and_long_name);
    tcase_add_test(size, many_pairs_stop_at_max_input_vars);
    tcase_add_test(size, empty_pieces_do_not_count_toward_the_limit);
    tcase_add_test(size, appending_across_calls);
    suite_add_tcase(s, size);
    return s;
}

int main(void)
{
    return test_run_suite(params_suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
