/*
 * table.h - the rows nonagentctl sends: read from a CSV or TSV file, made
 * from flags (add, update, delete) or generated (seats), one API call each.
 *
 * A table has named columns (API parameter names, checked against the
 * daemon's own field list) and rows of cells; an empty cell is a parameter
 * not sent.  --default NAME=VALUE fills a column's empty cells (adding the
 * column when the file has none).  Each row also carries its outcome once
 * it has been checked or sent.
 */
#ifndef NONAGENTCTL_TABLE_H
#define NONAGENTCTL_TABLE_H

#include <stddef.h>

enum action { ACTION_ADD, ACTION_UPDATE, ACTION_DELETE };

enum row_outcome {
    OUTCOME_PENDING,
    OUTCOME_ADDED, OUTCOME_UPDATED, OUTCOME_DELETED,
    OUTCOME_EXISTS,         /* add: the same extension on the same server is there */
    OUTCOME_GONE,           /* delete: the phone was not there (deleted before) */
    OUTCOME_FAILED,
    OUTCOME_NOT_SENT,       /* the run stopped before this row */
    OUTCOME_VALID,          /* dry run: nothing known offline stops it */
    OUTCOME_INVALID,        /* dry run: it would fail */
};

struct row {
    int number;             /* 1 = the first row after the header */
    enum action action;
    char **cells;           /* one per table column, "" when empty */
    long seat;              /* seats: the seat's number, for {n} */
    int generated;          /* seats: phone_pass and registration_password made here */
    enum row_outcome outcome;
    char *answer;           /* the server's answer line (no newline), or the dry run's */
    int http_status;
    int attempts;
};

struct table {
    int ncols;
    char **names;           /* column names */
    int nrows;
    struct row *rows;
    int seats;              /* rows were generated: results carry their passwords */
};

/* A message naming what is wrong with the input (file, row, column). */
struct table_error {
    char text[512];
};

/* Read a CSV (or TSV: the file name ends in .tsv, or the header line holds
 * a tab and no comma) whose header names API parameters and, optionally,
 * the action column.  0, or -1 with err filled: unknown column, a row with
 * the wrong number of fields, bytes that are not UTF-8, a bad action,
 * broken quoting, an unreadable file. */
int table_read_file(struct table *t, const char *path, struct table_error *err);

/* A table of one row, action a, no columns yet (add cells with table_set). */
int table_single(struct table *t, enum action a);

/* seats: count empty add rows for seats from, from+1, ...; fill them with
 * table_default (where {n} stands for the seat's number), then
 * table_generate_passwords. */
int table_seats(struct table *t, long from, long count);

/* Every empty phone_pass and registration_password of a seats table gets
 * a random password (16 letters and digits, which every filter keeps). */
int table_generate_passwords(struct table *t);

/* Set column name to value in every row (table_single) or only where it
 * is empty (defaults: table_default).  -1 with err for a name that is not an
 * API parameter, or out of memory. */
int table_set(struct table *t, const char *name, const char *value, struct table_error *err);
int table_default(struct table *t, const char *name, const char *value,
                  struct table_error *err);

/* Parse NAME=VALUE into table_default. */
int table_default_arg(struct table *t, const char *arg, struct table_error *err);

/* The row's value of column name, "" when absent or empty. */
const char *row_get(const struct table *t, const struct row *r, const char *name);

/* The name nonagentctl uses for an action and an outcome. */
const char *action_name(enum action a);
const char *outcome_name(enum row_outcome o);

/* Whether a row with this outcome counts as done (0 exit status). */
int outcome_succeeded(enum row_outcome o);

/* Is the parameter one the API takes (the daemon's filter table)?  The
 * login parameters (user, pass, source, function) are nonagentctl's own. */
int table_column_allowed(const char *name);

void table_free(struct table *t);

#endif
