/*
 * params.c - PHP-compatible parameter intake (docs/api.md, "The path of a request").
 *
 * Owns the byte-level rules PHP 8.2 applies when it builds $_GET / $_POST:
 * splitting on '&', form decoding, and the name mangling and array detection
 * of php_register_variable_ex (main/php_variables.c, as of PHP 8.2.18, which
 * carries the CVE-2024-2756 __Host-/__Secure- fix).  PHP keeps a hash table;
 * here the pairs stay a flat list in arrival order and the table's view
 * (last value wins, first appearance orders) is computed on demand.
 */
#include "server/params.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* php.ini defaults: pairs per query string or body, and "a[b][c]" depth. */
#define MAX_INPUT_VARS 1000
#define MAX_NESTING 64

/* What a raw name turns into once PHP has mangled it. */
enum name_kind {
    NAME_SKIP,   /* PHP registers nothing (empty name, forbidden prefix) */
    NAME_PLAIN,  /* a string variable */
    NAME_ARRAY,  /* an array variable (the top-level name exists as array) */
    NAME_DELETE  /* nesting too deep: PHP deletes the whole top-level name */
};

void params_init(struct param_list *p)
{
    p->v = NULL;
    p->n = 0;
    p->cap = 0;
}

void params_free(struct param_list *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].name);    /* the value shares its allocation */
    free(p->v);
    params_init(p);
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* PHP's urldecode(): '+' is a space, %HH a byte; a '%' not followed by two
 * hex digits is copied and scanning goes on after it.  Decoding never grows
 * the data: out has room for len + 1 bytes.  Returns the decoded length;
 * out is NUL-terminated. */
static size_t form_decode_into(const char *s, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int hi, lo;
        if (c == '+') {
            out[o++] = ' ';
        } else if (c == '%' && len - i > 2 &&
                   (hi = hex_value((unsigned char)s[i + 1])) >= 0 &&
                   (lo = hex_value((unsigned char)s[i + 2])) >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return o;
}

static int starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

/* Browsers trust cookies named __Host-x / __Secure-x, so PHP drops any
 * variable that only got such a name through mangling.  It applies this to
 * every key it stores, GET and POST too, not only cookies. */
static int forbidden_name(const char *name, size_t len, const char *premangled,
                          size_t pl)
{
    if (starts_with(name, len, "__Host-") &&
        !starts_with(premangled, pl, "__Host-"))
        return 1;
    if (starts_with(name, len, "__Secure-") &&
        !starts_with(premangled, pl, "__Secure-"))
        return 1;
    return 0;
}

static int is_c_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
           c == '\r';
}

/*
 * Mangle a decoded name exactly as php_register_variable_ex does.  The name
 * is a C string there, so it ends at its first NUL byte.  On NAME_PLAIN,
 * NAME_ARRAY and NAME_DELETE *out is the malloc'd name (the base name for
 * arrays), with `extra` more bytes from offset *extra_at, where the caller
 * puts the value; on NAME_SKIP *out is NULL.  Returns -1 on OOM.
 */
static int mangle_name(const char *raw, size_t raw_len, size_t extra, char **out,
                       size_t *extra_at)
{
    *out = NULL;
    const char *nul = memchr(raw, '\0', raw_len);
    size_t n = nul ? (size_t)(nul - raw) : raw_len;
    while (n > 0 && *raw == ' ') {        /* leading spaces are dropped */
        raw++;
        n--;
    }
    const char *pre = raw;                /* unmangled, for the __Host- check */
    if (extra > SIZE_MAX - n - 1)
        return -1;
    char *buf = malloc(n + 1 + extra);
    if (!buf)
        return -1;
    *extra_at = n + 1;
    memcpy(buf, raw, n);
    buf[n] = '\0';

    /* The base name: '.' and ' ' become '_' up to the first '['. */
    size_t base = 0;
    while (base < n && buf[base] != '[') {
        if (buf[base] == ' ' || buf[base] == '.')
            buf[base] = '_';
        base++;
    }

    int kind;
    if (base == 0) {
        kind = NAME_SKIP;
    } else if (base == n) {
        kind = forbidden_name(buf, n, pre, n) ? NAME_SKIP : NAME_PLAIN;
    } else {
        kind = NAME_ARRAY;
        size_t open = base;               /* index of the current '[' */
        for (int level = 1;; level++) {
            if (level > MAX_NESTING) {
                kind = NAME_DELETE;
                break;
            }
            size_t key = open + 1;        /* first byte of the index */
            size_t q = key;
            if (q < n && is_c_space(buf[q]))
                q++;                      /* "a[ ]" counts as "a[]" */
            size_t close = q;
            if (q >= n || buf[q] != ']') {
                const char *r = memchr(buf + q, ']', n - q);
                if (!r) {
                    /* No ']': not an index.  At the top level the whole
                     * name becomes one plain variable, the '[' and every
                     * later ' ', '.', '[' turned into '_'.  Deeper down the
                     * value lands under the previous key; the top-level
                     * array exists either way. */
                    if (level == 1) {
                        buf[open] = '_';
                        for (size_t j = key; j < n; j++)
                            if (buf[j] == ' ' || buf[j] == '.' || buf[j] == '[')
                                buf[j] = '_';
                        base = n;
                        kind = forbidden_name(buf, n, pre, n) ? NAME_SKIP
                                                           : NAME_PLAIN;
                    }
                    break;
                }
                close = (size_t)(r - buf);
            }
            /* The top-level name itself is checked before PHP creates the
             * array; deeper keys only lose their value, not the array. */
            if (level == 1 && forbidden_name(buf, base, pre, n)) {
                kind = NAME_SKIP;
                break;
            }
            if (close + 1 >= n || buf[close + 1] != '[')
                break;                    /* anything after ']' is ignored */
            open = close + 1;
        }
    }

    if (kind == NAME_SKIP) {
        free(buf);
        return NAME_SKIP;
    }
    buf[base] = '\0';
    *out = buf;
    return kind;
}

/* Append, taking ownership of name, whose allocation also holds value
 * (freed on failure). */
static int push(struct param_list *p, char *name, char *value, size_t vlen,
                int is_array)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        if (cap < p->cap || cap > SIZE_MAX / sizeof(*p->v))
            goto oom;
        struct param *v = realloc(p->v, cap * sizeof(*v));
        if (!v)
            goto oom;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n].name = name;
    p->v[p->n].value = value;
    p->v[p->n].value_len = vlen;
    p->v[p->n].is_array = is_array;
    p->n++;
    return 0;
oom:
    free(name);
    return -1;
}

/* PHP deleted the top-level name: every earlier occurrence goes. */
static void remove_name(struct param_list *p, const char *name)
{
    size_t keep = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(p->v[i].name, name) == 0)
            free(p->v[i].name);
        else
            p->v[keep++] = p->v[i];
    }
    p->n = keep;
}

/* Register one pair: its name decoded but not yet mangled, and its value's
 * bytes, form-decoded here when `decode`.  Name and value share one
 * allocation.  1: appended; 0: PHP registers nothing; -1: OOM. */
static int register_pair(struct param_list *p, const char *name, size_t name_len,
                         const char *value, size_t value_len, int decode)
{
    char *block;
    size_t at = 0, vlen;

    if (value_len == SIZE_MAX)
        return -1;
    int kind = mangle_name(name, name_len, value_len + 1, &block, &at);
    if (kind < 0)
        return -1;
    if (kind == NAME_SKIP)
        return 0;
    if (kind == NAME_DELETE) {
        remove_name(p, block);
        free(block);
        return 0;
    }
    if (decode) {
        vlen = form_decode_into(value, value_len, block + at);
    } else {
        if (value_len)
            memcpy(block + at, value, value_len);
        block[at + value_len] = '\0';
        vlen = value_len;
    }
    return push(p, block, block + at, vlen, kind == NAME_ARRAY) == 0 ? 1 : -1;
}

/* One "name=value" piece: decode the name and register the pair. */
static int parse_pair(struct param_list *p, const char *s, size_t len)
{
    const char *eq = memchr(s, '=', len);
    size_t name_len = eq ? (size_t)(eq - s) : len;
    char small[128];            /* names are short: decode on the stack */
    char *name = name_len < sizeof small ? small : malloc(name_len + 1);
    size_t nlen;
    int rc;

    if (!name)
        return -1;
    nlen = form_decode_into(s, name_len, name);
    rc = register_pair(p, name, nlen, eq ? eq + 1 : "", eq ? len - name_len - 1 : 0, 1);
    if (name != small)
        free(name);
    return rc < 0 ? -1 : 0;
}

/*
 * Pieces are split on '&' only.  Empty pieces are skipped, and, as for
 * $_GET, only non-empty pieces count toward max_input_vars (1000); PHP's
 * POST reader counts empty pieces too and stops one pair later, a
 * difference that only shows past 1000 pairs.
 */
int params_parse_urlencoded(struct param_list *p, const char *data, size_t len)
{
    size_t count = 0;
    size_t i = 0;
    if (!data)
        return 0;
    while (i < len) {
        const char *amp = memchr(data + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - data) : len;
        if (end > i) {
            if (++count > MAX_INPUT_VARS)
                break;
            if (parse_pair(p, data + i, end - i) < 0)
                return -1;
        }
        i = end + 1;
    }
    return 0;
}

int params_add(struct param_list *p, const char *raw_name, size_t name_len,
               const char *value, size_t value_len)
{
    return register_pair(p, raw_name ? raw_name : "", raw_name ? name_len : 0,
                         value ? value : "", value ? value_len : 0, 0);
}

int params_extend_last(struct param_list *p, const char *data, size_t size)
{
    struct param *e;
    size_t at;
    char *grown;

    if (p->n == 0)
        return -1;
    e = &p->v[p->n - 1];
    at = (size_t)(e->value - e->name);
    if (size > SIZE_MAX - at - e->value_len - 1)
        return -1;
    grown = realloc(e->name, at + e->value_len + size + 1);
    if (!grown)
        return -1;
    e->name = grown;
    e->value = grown + at;
    if (size)
        memcpy(e->value + e->value_len, data, size);
    e->value_len += size;
    e->value[e->value_len] = '\0';
    return 0;
}

const struct param *params_find(const struct param_list *p, const char *name)
{
    for (size_t i = p->n; i-- > 0;)
        if (p->v[i].name[0] == name[0] && strcmp(p->v[i].name, name) == 0)
            return &p->v[i];
    return NULL;
}

/* One entry of PHP's array: where its name first appeared, and the pair
 * whose value it holds (the last one). */
struct slot {
    size_t first, last;
};

struct keyed {
    const char *name;
    size_t index;
};

static int by_name_then_index(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int by_first(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/*
 * PHP's array order in O(n log n): group the pairs by name, keep each
 * group's first and last index, then order the groups by first index.
 * Returns the number of slots (*out NULL when there are none), or -1 on OOM.
 */
static long php_slots(const struct param_list *p, struct slot **out)
{
    *out = NULL;
    if (p->n == 0)
        return 0;
    if (p->n > (size_t)LONG_MAX || p->n > SIZE_MAX / sizeof(struct keyed))
        return -1;
    struct keyed *keys = malloc(p->n * sizeof(*keys));
    struct slot *slots = malloc(p->n * sizeof(*slots));
    if (!keys || !slots) {
        free(keys);
        free(slots);
        return -1;
    }
    for (size_t i = 0; i < p->n; i++) {
        keys[i].name = p->v[i].name;
        keys[i].index = i;
    }
    qsort(keys, p->n, sizeof(*keys), by_name_then_index);
    size_t ns = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (i == 0 || strcmp(keys[i].name, keys[i - 1].name) != 0)
            slots[ns++].first = keys[i].index;
        slots[ns - 1].last = keys[i].index;
    }
    free(keys);
    qsort(slots, ns, sizeof(*slots), by_first);
    *out = slots;
    return (long)ns;
}

/* What PHP prints for the variable: the string, or "Array". */
static const char *shown_value(const struct param *e, size_t *len)
{
    if (e->is_array) {
        *len = 5;
        return "Array";
    }
    *len = e->value_len;
    return e->value;
}

char *params_php_join(const struct param_list *p)
{
    struct slot *slots;
    long ns = php_slots(p, &slots);
    if (ns < 0)
        return NULL;

    size_t total = 1;
    for (long i = 0; i < ns; i++) {
        size_t vlen;
        const struct param *e = &p->v[slots[i].last];
        shown_value(e, &vlen);
        size_t piece = strlen(e->name) + vlen + 2;  /* '&' or NUL, '=' */
        if (piece < vlen || total > SIZE_MAX - piece) {
            free(slots);
            return NULL;
        }
        total += piece;
    }
    char *out = malloc(total);
    if (!out) {
        free(slots);
        return NULL;
    }
    size_t o = 0;
    for (long i = 0; i < ns; i++) {
        size_t vlen;
        const struct param *e = &p->v[slots[i].last];
        const char *v = shown_value(e, &vlen);
        size_t nlen = strlen(e->name);
        if (i > 0)
            out[o++] = '&';
        memcpy(out + o, e->name, nlen);
        o += nlen;
        out[o++] = '=';
        memcpy(out + o, v, vlen);
        o += vlen;
    }
    out[o] = '\0';
    free(slots);
    return out;
}

const char *params_php_last_value(const struct param_list *p)
{
    size_t len;
    struct slot *slots;
    long ns = php_slots(p, &slots);
    if (ns > 0) {
        /* The foreach ends on the slot that was created last. */
        const char *v = shown_value(&p->v[slots[ns - 1].last], &len);
        free(slots);
        return v;
    }
    if (ns == 0)
        return "";
    /* Out of memory: the same answer the slow way, without allocating.
     * The last slot is the latest pair whose name no earlier pair has. */
    for (size_t i = p->n; i-- > 0;) {
        int seen_before = 0;
        for (size_t j = 0; j < i && !seen_before; j++)
            seen_before = strcmp(p->v[j].name, p->v[i].name) == 0;
        if (!seen_before)
            return shown_value(params_find(p, p->v[i].name), &len);
    }
    return "";
}
