/*
 * reqlog.h - the one-line-per-request log on standard error.
 */
#ifndef NONAGENTD_REQLOG_H
#define NONAGENTD_REQLOG_H

/* "<UTC time> <client> <method> <path> <function> <result> <status> <us>us".
 * Never given the password: callers pass the function name only. */
void reqlog_write(const char *client, const char *method, const char *path,
                  const char *function, const char *result, int status, long usec);

#endif
