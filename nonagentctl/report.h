/*
 * report.h - what nonagentctl tells: the results file (CSV, one line per
 * row: row, action, phone, outcome, the answer line exactly as the server
 * sent it), and on the terminal a progress bar (on a TTY), a line per row
 * (otherwise) or a JSON object per row (--json), then a summary.
 *
 * Passwords reach the results file only: terminal and JSON output show
 * any answer field that equals the row's phone_pass or
 * registration_password, or the API password, as ********.
 */
#ifndef NONAGENTCTL_REPORT_H
#define NONAGENTCTL_REPORT_H

#include <stddef.h>

#include "nonagentctl/table.h"

struct report_options {
    const char *results_path;   /* NULL: no results file */
    int keep_existing;          /* refuse to overwrite results_path (seats' passwords) */
    int quiet, json, dry_run;
    int progress;               /* draw a progress bar on standard error */
    const char *api_pass;       /* hidden from the terminal */
};

struct report;

/* Open the results file (mode 0600: it may hold passwords).  NULL with err
 * filled when it cannot be created. */
struct report *report_open(const struct table *t, const struct report_options *o, char *err,
                           size_t errlen);

/* One row's final outcome (send_options.on_row). */
void report_row(const struct table *t, const struct row *r, void *report);

/* The summary; stopped is the reason the run stopped, or NULL.  Closes the
 * results file; 0, or -1 when writing it failed (err filled). */
int report_close(struct report *rep, const struct table *t, const char *stopped, char *err,
                 size_t errlen);

#endif
