/*
 * table.c - nonagentctl's rows (table.h): reading CSV and TSV files with
 * libcsv, checking their header against the daemon's field table
 * (server/filters.h), defaults, seats and their generated passwords.
 *
 * The whole file is read and checked before anything is sent, so that a
 * bad row 900 does not leave 899 phones half-provisioned.
 */
#include "nonagentctl/table.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "server/filters.h"

/* Parameters the daemon filters that a row may not carry: the login and
 * the function are nonagentctl's own (delete_phone comes from the action),
 * and the rest belong to other functions than the phone ones. */
static const char *const OWN_PARAMS[] = { "user", "pass", "source", "function", "format",
                                          "delete_phone", "DB", "agent_user", "alias_id",
                                          "alias_name", "phone_logins", "delete_alias", NULL };

int table_column_allowed(const char *name)
{
    for (int i = 0; OWN_PARAMS[i]; i++)
        if (strcmp(name, OWN_PARAMS[i]) == 0)
            return 0;
    return filter_known(name);
}

const char *action_name(enum action a)
{
    switch (a) {
    case ACTION_ADD: return "add";
    case ACTION_UPDATE: return "update";
    case ACTION_DELETE: return "delete";
    }
    return "?";
}

const char *outcome_name(enum row_outcome o)
{
    switch (o) {
    case OUTCOME_PENDING: return "pending";
    case OUTCOME_ADDED: return "added";
    case OUTCOME_UPDATED: return "updated";
    case OUTCOME_DELETED: return "deleted";
    case OUTCOME_EXISTS: return "exists";
    case OUTCOME_GONE: return "gone";
    case OUTCOME_FAILED: return "failed";
    case OUTCOME_NOT_SENT: return "not-sent";
    case OUTCOME_VALID: return "valid";
    case OUTCOME_INVALID: return "invalid";
    }
    return "?";
}

int outcome_succeeded(enum row_outcome o)
{
    return o == OUTCOME_ADDED || o == OUTCOME_UPDATED || o == OUTCOME_DELETED ||
           o == OUTCOME_EXISTS || o == OUTCOME_GONE || o == OUTCOME_VALID;
}

static int column_index(const struct table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->names[c], name) == 0)
            return c;
    return -1;
}

const char *row_get(const struct table *t, const struct row *r, const char *name)
{
    int c = column_index(t, name);
    return c < 0 ? "" : r->cells[c];
}

/* Add a column (every row's cell ""); its index, or -1 out of memory. */
static int add_column(struct table *t, const char *name)
{
    char **names = realloc(t->names, (t->ncols + 1) * sizeof *names);
    if (!names)
        return -1;
    t->names = names;
    if (!(names[t->ncols] = strdup(name)))
        return -1;
    for (int i = 0; i < t->nrows; i++) {
        char **cells = realloc(t->rows[i].cells, (t->ncols + 1) * sizeof *cells);
        if (!cells)
            return -1;
        t->rows[i].cells = cells;
        if (!(cells[t->ncols] = strdup("")))
            return -1;
    }
    return t->ncols++;
}

static struct row *add_row(struct table *t)
{
    struct row *rows = realloc(t->rows, (t->nrows + 1) * sizeof *rows);
    if (!rows)
        return NULL;
    t->rows = rows;
    struct row *r = &rows[t->nrows];
    memset(r, 0, sizeof *r);
    r->number = t->nrows + 1;
    r->cells = calloc(t->ncols ? t->ncols : 1, sizeof *r->cells);
    if (!r->cells)
        return NULL;
    for (int c = 0; c < t->ncols; c++)
        if (!(r->cells[c] = strdup("")))
            return NULL;
    t->nrows++;
    return r;
}

static void oom(struct table_error *err)
{
    snprintf(err->text, sizeof err->text, "out of memory");
}

/* value with every {n} replaced by the seat number; malloc'd. */
static char *expand_seat(const char *value, long seat)
{
    char num[24];
    int nlen = snprintf(num, sizeof num, "%ld", seat);
    size_t cap = strlen(value) + 1;
    for (const char *p = value; (p = strstr(p, "{n}")); p += 3)
        cap += nlen;
    char *out = malloc(cap), *o = out;
    if (!out)
        return NULL;
    for (const char *p = value; *p;) {
        if (strncmp(p, "{n}", 3) == 0) {
            memcpy(o, num, nlen);
            o += nlen;
            p += 3;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static int set_cells(struct table *t, const char *name, const char *value, int only_empty,
                     struct table_error *err)
{
    if (!table_column_allowed(name)) {
        snprintf(err->text, sizeof err->text, "unknown column \"%s\": not an API parameter",
                 name);
        return -1;
    }
    int c = column_index(t, name);
    if (c < 0 && (c = add_column(t, name)) < 0) {
        oom(err);
        return -1;
    }
    for (int i = 0; i < t->nrows; i++) {
        struct row *r = &t->rows[i];
        if (only_empty && *r->cells[c])
            continue;
        char *v = t->seats ? expand_seat(value, r->seat) : strdup(value);
        if (!v) {
            oom(err);
            return -1;
        }
        free(r->cells[c]);
        r->cells[c] = v;
    }
    return 0;
}

int table_set(struct table *t, const char *name, const char *value, struct table_error *err)
{
    return set_cells(t, name, value, 0, err);
}

int table_default(struct table *t, const char *name, const char *value,
                  struct table_error *err)
{
    return set_cells(t, name, value, 1, err);
}

int table_default_arg(struct table *t, const char *arg, struct table_error *err)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        snprintf(err->text, sizeof err->text, "--default \"%s\": expected NAME=VALUE", arg);
        return -1;
    }
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
    return table_default(t, name, eq + 1, err);
}

int table_single(struct table *t, enum action a)
{
    memset(t, 0, sizeof *t);
    struct row *r = add_row(t);
    if (!r)
        return -1;
    r->action = a;
    return 0;
}

int table_seats(struct table *t, long from, long count)
{
    memset(t, 0, sizeof *t);
    t->seats = 1;
    for (long i = 0; i < count; i++) {
        struct row *r = add_row(t);
        if (!r)
            return -1;
        r->action = ACTION_ADD;
        r->seat = from + i;
    }
    return 0;
}

/* 16 characters from [A-Za-z0-9], from the kernel's random source. */
static int random_password(char out[17])
{
    static const char ALPHABET[] =
        "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    unsigned char bytes[16];
    size_t n = sizeof ALPHABET - 1;    /* 57: bytes >= 228 are drawn again, no bias */

    for (int i = 0; i < 16;) {
        if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
            return -1;
        for (size_t k = 0; k < sizeof bytes && i < 16; k++)
            if (bytes[k] < 256 - 256 % n)
                out[i++] = ALPHABET[bytes[k] % n];
    }
    out[16] = '\0';
    return 0;
}

int table_generate_passwords(struct table *t)
{
    static const char *const NAMES[] = { "phone_pass", "registration_password" };

    for (int k = 0; k < 2; k++)
        if (column_index(t, NAMES[k]) < 0 && add_column(t, NAMES[k]) < 0)
            return -1;
    for (int i = 0; i < t->nrows; i++) {
        struct row *r = &t->rows[i];
        for (int k = 0; k < 2; k++) {
            char **cell = &r->cells[column_index(t, NAMES[k])];
            char pw[17];
            if (**cell)
                continue;
            if (random_password(pw) != 0)
                return -1;
            free(*cell);
            if (!(*cell = strdup(pw)))
                return -1;
            r->generated = 1;
        }
    }
    return 0;
}

/* ---- CSV / TSV ---- */

struct reader {
    struct table *t;
    struct table_error *err;
    char **fields;          /* the record being read */
    int nfields, cap;
    int records;            /* records read, header included */
    int action_col;         /* the file's column holding the action, or -1 */
    int *file_to_table;     /* file column -> table column (-1: action) */
    int file_cols;
    int failed;
};

static void on_field(void *s, size_t len, void *data)
{
    struct reader *rd = data;
    if (rd->failed)
        return;
    if (rd->nfields == rd->cap) {
        int cap = rd->cap ? rd->cap * 2 : 16;
        char **f = realloc(rd->fields, cap * sizeof *f);
        if (!f) {
            rd->failed = 1;
            oom(rd->err);
            return;
        }
        rd->fields = f;
        rd->cap = cap;
    }
    char *v = malloc(len + 1);
    if (!v) {
        rd->failed = 1;
        oom(rd->err);
        return;
    }
    if (len)
        memcpy(v, s, len);
    v[len] = '\0';
    rd->fields[rd->nfields++] = v;
}

static int parse_action(const char *v, enum action *a)
{
    if (!*v || strcasecmp(v, "add") == 0)
        *a = ACTION_ADD;
    else if (strcasecmp(v, "update") == 0)
        *a = ACTION_UPDATE;
    else if (strcasecmp(v, "delete") == 0)
        *a = ACTION_DELETE;
    else
        return -1;
    return 0;
}

static void take_header(struct reader *rd)
{
    struct table *t = rd->t;

    rd->file_cols = rd->nfields;
    rd->file_to_table = calloc(rd->nfields, sizeof *rd->file_to_table);
    if (!rd->file_to_table) {
        rd->failed = 1;
        oom(rd->err);
        return;
    }
    for (int i = 0; i < rd->nfields; i++) {
        const char *name = rd->fields[i];
        /* A UTF-8 byte-order mark, as spreadsheets write one, is not part
         * of the first column's name. */
        if (i == 0 && strncmp(name, "\xEF\xBB\xBF", 3) == 0)
            name += 3;
        if (strcmp(name, "action") == 0) {
            if (rd->action_col >= 0)
                goto duplicate;
            rd->action_col = i;
            rd->file_to_table[i] = -1;
            continue;
        }
        if (!*name) {
            snprintf(rd->err->text, sizeof rd->err->text, "header: column %d has no name", i + 1);
            rd->failed = 1;
            return;
        }
        if (!table_column_allowed(name)) {
            snprintf(rd->err->text, sizeof rd->err->text,
                     "header: unknown column \"%s\" (column %d): not an API parameter", name,
                     i + 1);
            rd->failed = 1;
            return;
        }
        if (column_index(t, name) >= 0)
            goto duplicate;
        if ((rd->file_to_table[i] = add_column(t, name)) < 0) {
            rd->failed = 1;
            oom(rd->err);
            return;
        }
        continue;
    duplicate:
        snprintf(rd->err->text, sizeof rd->err->text, "header: column \"%s\" appears twice",
                 name);
        rd->failed = 1;
        return;
    }
}

static void take_row(struct reader *rd)
{
    int number = rd->records - 1;
    if (rd->nfields != rd->file_cols) {
        snprintf(rd->err->text, sizeof rd->err->text,
                 "row %d: %d fields, the header has %d", number, rd->nfields, rd->file_cols);
        rd->failed = 1;
        return;
    }
    struct row *r = add_row(rd->t);
    if (!r) {
        rd->failed = 1;
        oom(rd->err);
        return;
    }
    for (int i = 0; i < rd->nfields; i++) {
        if (rd->file_to_table[i] < 0) {
            if (parse_action(rd->fields[i], &r->action) != 0) {
                snprintf(rd->err->text, sizeof rd->err->text,
                         "row %d: action \"%.100s\": expected add, update or delete", number,
                         rd->fields[i]);
                rd->failed = 1;
                return;
            }
            continue;
        }
        free(r->cells[rd->file_to_table[i]]);
        r->cells[rd->file_to_table[i]] = rd->fields[i];
        rd->fields[i] = NULL;
    }
}

static void on_record(int terminator, void *data)
{
    struct reader *rd = data;
    (void)terminator;
    if (rd->failed)
        return;
    rd->records++;
    if (rd->records == 1)
        take_header(rd);
    else
        take_row(rd);
    for (int i = 0; i < rd->nfields; i++)
        free(rd->fields[i]);
    rd->nfields = 0;
}

/* Values are taken as written: no space is trimmed. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

/* The offset of the first byte that is not UTF-8, or -1 when all is:
 * glibc's iconv decoder refuses what RFC 3629 refuses (overlong forms,
 * surrogates, code points above U+10FFFF). */
static long utf8_invalid_at(const char *s, size_t len)
{
    iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
    char out[4096];
    char *in = (char *)s;
    size_t left = len;
    long bad = -1;

    if (cd == (iconv_t)-1)
        return -1;              /* no converter: leave the check to the server */
    while (left > 0) {
        char *o = out;
        size_t room = sizeof out;
        if (iconv(cd, &in, &left, &o, &room) == (size_t)-1 && errno != E2BIG) {
            bad = (long)(in - s);       /* EILSEQ, or EINVAL: cut short at the end */
            break;
        }
    }
    iconv_close(cd);
    return bad;
}

/* The whole file into memory (a file of phones is small). */
static char *slurp(const char *path, size_t *len, struct table_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err->text, sizeof err->text, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *data = malloc(cap);
    while (data) {
        n += fread(data + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(data, cap * 2);
        if (!bigger) {
            free(data);
            data = NULL;
            break;
        }
        data = bigger;
        cap *= 2;
    }
    if (!data)
        oom(err);
    else if (ferror(f)) {
        snprintf(err->text, sizeof err->text, "%s: %s", path, strerror(errno));
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = n;
    return data;
}

static int is_tsv(const char *path, const char *data, size_t len)
{
    size_t plen = strlen(path);
    if (plen > 4 && strcasecmp(path + plen - 4, ".tsv") == 0)
        return 1;
    const char *nl = memchr(data, '\n', len);
    size_t first = nl ? (size_t)(nl - data) : len;
    return memchr(data, '\t', first) && !memchr(data, ',', first);
}

/* The line number (1-based) holding byte offset off. */
static long line_of(const char *data, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        line += data[i] == '\n';
    return line;
}

int table_read_file(struct table *t, const char *path, struct table_error *err)
{
    struct csv_parser p;
    struct reader rd = { .t = t, .err = err, .action_col = -1 };
    size_t len;
    int rc = -1;

    memset(t, 0, sizeof *t);
    char *data = slurp(path, &len, err);
    if (!data)
        return -1;
    long bad = utf8_invalid_at(data, len);
    if (bad >= 0) {
        snprintf(err->text, sizeof err->text,
                 "%s: not UTF-8: byte 0x%02X at offset %ld (line %ld); save the file as UTF-8",
                 path, (unsigned char)data[bad], bad, line_of(data, bad));
        goto out;
    }
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        oom(err);
        goto out;
    }
    csv_set_space_func(&p, no_space);
    if (is_tsv(path, data, len))
        csv_set_delim(&p, '\t');
    if (csv_parse(&p, data, len, on_field, on_record, &rd) != len && !rd.failed) {
        snprintf(err->text, sizeof err->text, "%s: row %d: %s", path, rd.records,
                 csv_strerror(csv_error(&p)));
        rd.failed = 1;
    }
    if (!rd.failed && csv_fini(&p, on_field, on_record, &rd) != 0 && !rd.failed) {
        snprintf(err->text, sizeof err->text, "%s: row %d: %s", path, rd.records,
                 csv_strerror(csv_error(&p)));
        rd.failed = 1;
    }
    csv_free(&p);
    if (!rd.failed && rd.records == 0) {
        snprintf(err->text, sizeof err->text, "%s: empty: no header line", path);
        rd.failed = 1;
    }
    if (!rd.failed && rd.records == 1) {
        snprintf(err->text, sizeof err->text, "%s: no rows after the header", path);
        rd.failed = 1;
    }
    if (!rd.failed && column_index(t, "extension") < 0) {
        snprintf(err->text, sizeof err->text, "%s: header: no extension column", path);
        rd.failed = 1;
    }
    rc = rd.failed ? -1 : 0;
    for (int i = 0; i < rd.nfields; i++)
        free(rd.fields[i]);
    free(rd.fields);
    free(rd.file_to_table);
out:
    free(data);
    return rc;
}

void table_free(struct table *t)
{
    for (int i = 0; i < t->nrows; i++) {
        for (int c = 0; c < t->ncols; c++)
            free(t->rows[i].cells[c]);
        free(t->rows[i].cells);
        free(t->rows[i].answer);
    }
    free(t->rows);
    for (int c = 0; c < t->ncols; c++)
        free(t->names[c]);
    free(t->names);
    memset(t, 0, sizeof *t);
}
