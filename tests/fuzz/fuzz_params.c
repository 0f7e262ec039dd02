/*
 * fuzz_params.c - libFuzzer target for server/params.c.
 *
 * Feeds arbitrary bytes to the urlencoded parser (whole, and split in two
 * calls to exercise appending), adds one multipart-style pair, then looks
 * up every stored name plus a few fixed ones, builds PHP's join and last
 * value, and frees.  Invariants checked: lookups find the last occurrence,
 * mangled names are never empty and hold no '.', ' ' or '[', and values
 * are NUL-terminated at value_len.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/params.h"

static void check_list(const struct param_list *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct param *e = &p->v[i];
        if (e->name[0] == '\0' || e->value[e->value_len] != '\0')
            abort();
        if (strpbrk(e->name, ". ["))
            abort();
        const struct param *last = params_find(p, e->name);
        if (!last || last < e || strcmp(last->name, e->name) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {
        "function", "extension", "phone_login", "a", "a_b", "__Host-x", "",
    };
    struct param_list p;
    params_init(&p);
    if (params_parse_urlencoded(&p, (const char *)data, size) == 0) {
        size_t half = size / 2;
        params_parse_urlencoded(&p, (const char *)data, half);
        params_parse_urlencoded(&p, (const char *)data + half, size - half);
        if (params_add(&p, (const char *)data, size < 64 ? size : 64,
                       (const char *)data, size) == 1 &&
            params_extend_last(&p, (const char *)data, size) != 0)
            abort();            /* a kept multipart value grows in pieces */
        check_list(&p);
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            params_find(&p, names[i]);
        char *joined = params_php_join(&p);
        if (joined && p.n == 0 && joined[0] != '\0')
            abort();
        free(joined);
        if (!params_php_last_value(&p))
            abort();
    }
    params_free(&p);
    return 0;
}
