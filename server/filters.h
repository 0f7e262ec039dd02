/*
 * filters.h - VICIdial's per-field character filters (docs/api.md, "Field filters").
 *
 * Every API parameter is cut down to an allowed character set before any
 * check looks at it.  One row per field (fields.h) says which set applies in
 * latin mode (system_settings.use_non_latin='0') and in non-latin mode,
 * where ASCII letters widen to every Unicode letter and invalid UTF-8
 * empties the value.
 */
#ifndef NONAGENTD_FILTERS_H
#define NONAGENTD_FILTERS_H

#include <stddef.h>

#include "server/fields.h"

/* Does VICIdial filter this parameter name at all? */
int filter_known(const char *name);

/* Filter in[0..len) for parameter `name`.  Returns a malloc'd NUL-terminated
 * string (never NULL unless out of memory) and its length in *out_len
 * (out_len may be NULL).  in may hold NUL bytes; it may be NULL if len is 0.
 * The result is never longer than the input.  A name without a rule yields
 * "" (nonagentd reads no unfiltered input).  non_latin is
 * system_settings.use_non_latin > 0. */
char *filter_param(const char *name, const char *in, size_t len, int non_latin,
                   size_t *out_len);

/* The same into out, which has room for len + 1 bytes; returns the
 * filtered length (out is NUL-terminated). */
size_t filter_param_into(const char *name, const char *in, size_t len, int non_latin,
                         char *out);

/* The same for a field by id (the request path: no name lookup). */
size_t filter_field_into(enum field_id id, const char *in, size_t len, int non_latin,
                         char *out);

#endif
