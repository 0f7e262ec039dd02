/*
 * request.c - a request's parameters as VICIdial sees them: query string
 * over body per name, then each field through its filter.
 */
#include "server/request.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/filters.h"

void request_start_clock(struct request *r)
{
    struct tm tm;

    clock_gettime(CLOCK_MONOTONIC, &r->started);
    r->started_wall = time(NULL);
    localtime_r(&r->started_wall, &tm);
    strftime(r->now_time, sizeof r->now_time, "%Y-%m-%d %H:%M:%S", &tm);
}

double request_elapsed(const struct request *r)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - r->started.tv_sec) +
           (double)(now.tv_nsec - r->started.tv_nsec) / 1e9;
}

const char *request_raw(const struct request *r, const char *name, size_t *len,
                        int *is_array)
{
    const struct param *p = params_find(&r->get, name);

    if (!p)
        p = params_find(&r->post, name);
    if (!p)
        return NULL;
    *len = p->value_len;
    *is_array = p->is_array;
    return p->value;
}

/* Every filtered value lives in one block (r->field_block): a request
 * allocates once here, not once per field. */
int request_filter_fields(struct request *r)
{
    const char *raw[FIELD_COUNT];
    size_t raw_len[FIELD_COUNT];
    size_t total = 0;
    char *out;

    free(r->field_block);
    r->field_block = NULL;
    r->nfields = 0;
    for (size_t i = 0; i < FIELD_COUNT; i++) {
        int is_array = 0;

        raw_len[i] = 0;
        raw[i] = request_raw(r, FIELD_NAME[i], &raw_len[i], &is_array);
        /* PHP dies with a 500 on an array where a string is expected;
         * nonagentd reads it as missing and answers as for a missing field. */
        if (!raw[i] || is_array) {
            raw[i] = "";
            raw_len[i] = 0;
        }
        if (raw_len[i] >= SIZE_MAX - total - 1)
            return -1;
        total += raw_len[i] + 1;    /* a filtered value is never longer */
    }
    out = malloc(total ? total : 1);
    if (!out)
        return -1;
    r->field_block = out;
    for (size_t i = 0; i < FIELD_COUNT; i++) {
        struct field *f = &r->fields[i];

        f->value = out;
        f->len = filter_field_into((enum field_id)i, raw[i], raw_len[i],
                                   r->settings.use_non_latin, out);
        out += f->len + 1;
    }
    r->nfields = FIELD_COUNT;
    r->function = request_field(r, FIELD_function);
    r->user = request_field(r, FIELD_user);
    r->source = request_field(r, FIELD_source);
    return 0;
}

int request_from_query(struct request *r, const char *query, int non_latin)
{
    memset(r, 0, sizeof *r);
    params_init(&r->get);
    params_init(&r->post);
    r->query = query;
    settings_defaults(&r->settings);
    r->settings.use_non_latin = non_latin;
    if (params_parse_urlencoded(&r->get, query, strlen(query)) != 0)
        return -1;
    return request_filter_fields(r);
}

void request_free(struct request *r)
{
    free(r->field_block);
    r->field_block = NULL;
    r->nfields = 0;
    params_free(&r->get);
    params_free(&r->post);
}
