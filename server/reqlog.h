/*
 * reqlog.h - the one-line-per-request access log: on standard error (the
 * default), in a file, or off.
 */
#ifndef NONAGENTD_REQLOG_H
#define NONAGENTD_REQLOG_H

#include <stddef.h>

/* Where the lines go: "off", "stderr" or a file path (opened for append,
 * created 0640).  0, or -1 with err filled. */
int reqlog_open(const char *where, char *err, size_t errlen);

/* Open the file again by its name (after a log rotator renamed it); lines
 * being written meanwhile go whole to the old file or the new one.  0 (also
 * when there is no file), or -1 with err filled and the old file kept. */
int reqlog_reopen(char *err, size_t errlen);

/* "<UTC time> <client> <method> <path> <function> <result> <status> <us>us",
 * followed by " undelivered" when the answer could not be sent whole.
 * Never given the password: callers pass the function name only. */
void reqlog_write(const char *client, const char *method, const char *path,
                  const char *function, const char *result, int status, long usec,
                  int delivered);

#endif
