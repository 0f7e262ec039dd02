/*
 * params.h - PHP-compatible parameter intake.
 *
 * Turns a query string or an application/x-www-form-urlencoded body into
 * the list of (name, value) pairs PHP would put in $_GET / $_POST:
 * pairs split on '&' only, '+' and %HH decoded once (a malformed '%' kept
 * literally), names mangled as PHP does ('.' and ' ' to '_', leading
 * spaces dropped, an unbalanced '[' to '_'), "name[...]" marking an array.
 * Lookups return the last occurrence, as PHP's last duplicate wins.
 *
 * Details that follow PHP 8.2 (main/php_variables.c): a name ends at its
 * first NUL byte (after decoding); characters after an unbalanced '[' are
 * mangled too (' ', '.', '[' to '_'); a name that only mangling made start
 * with "__Host-" or "__Secure-" is dropped; nesting deeper than 64 levels
 * deletes every earlier pair of that name; at most 1000 pairs are read per
 * params_parse_urlencoded call (max_input_vars), the rest ignored.
 */
#ifndef NONAGENTD_PARAMS_H
#define NONAGENTD_PARAMS_H

#include <stddef.h>

struct param {
    char *name;        /* mangled, NUL-terminated; for arrays the base name;
                          the pair's one allocation */
    char *value;       /* decoded; may contain NUL bytes, see value_len;
                          inside name's allocation */
    size_t value_len;
    int is_array;      /* name had [..]: PHP would make this an array;
                          value is then the element's value, informational */
};

struct param_list {
    struct param *v;
    size_t n, cap;
};

void params_init(struct param_list *p);
void params_free(struct param_list *p);

/* Parse urlencoded data and append its pairs in order.  Binary-safe, as
 * PHP's POST reader (a raw NUL in a value is kept).  0, or -1 on OOM. */
int params_parse_urlencoded(struct param_list *p, const char *data, size_t len);

/* Append one pair whose value is already decoded (multipart bodies); the
 * raw name is mangled here.  1 when the pair was appended, 0 when PHP
 * would register nothing (a skipped or deleted name), -1 on OOM. */
int params_add(struct param_list *p, const char *raw_name, size_t name_len,
               const char *value, size_t value_len);

/* Append data to the value of the last pair (a multipart value that
 * arrives in pieces); only after params_add returned 1 for that pair.
 * 0, or -1 on OOM or when there is no pair. */
int params_extend_last(struct param_list *p, const char *data, size_t size);

/* The last pair with this (mangled) name, or NULL. */
const struct param *params_find(const struct param_list *p, const char *name);

/* PHP's foreach over the array: each distinct name once, in order of first
 * appearance, with the value of its last appearance ("Array" for arrays).
 * params_php_join returns "k=v&k2=v2..." (malloc'd, "" when empty);
 * params_php_last_value the value the loop leaves behind ("" when empty,
 * not malloc'd: points into p or a constant).  Both are C strings: a value's
 * NUL bytes are copied as they are, so strlen() stops at the first one. */
char *params_php_join(const struct param_list *p);
const char *params_php_last_value(const struct param_list *p);

#endif
