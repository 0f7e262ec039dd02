/*
 * credentials.c - the API login (credentials.h).
 */
#include "nonagentctl/credentials.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_value(char *dst, size_t size, const char *v)
{
    if (strlen(v) >= size)
        return -1;
    strcpy(dst, v);
    return 0;
}

static int read_file(struct credentials *c, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;

    if (fd < 0) {
        snprintf(err, errlen, "credentials file %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "credentials file %s: not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen,
                 "credentials file %s: mode %04o lets group or others at it; refusing "
                 "(chmod 600 %s)",
                 path, (unsigned)(st.st_mode & 07777), path);
        close(fd);
        return -1;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        snprintf(err, errlen, "credentials file %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    char line[512];
    int n = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        n++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *eq = strchr(line, '=');
        if (eq)
            *eq = '\0';
        if (eq && strcmp(line, "user") == 0)
            rc = copy_value(c->user, sizeof c->user, eq + 1);
        else if (eq && strcmp(line, "pass") == 0)
            rc = copy_value(c->pass, sizeof c->pass, eq + 1);
        else
            rc = -1;
        if (rc != 0)
            snprintf(err, errlen,
                     "credentials file %s: line %d: expected user=NAME or pass=PASSWORD", path,
                     n);
    }
    fclose(f);
    return rc;
}

int credentials_load(struct credentials *c, const char *path, int required, char *err,
                     size_t errlen)
{
    memset(c, 0, sizeof *c);
    if (path) {
        if (read_file(c, path, err, errlen) != 0)
            return -1;
    } else {
        const char *u = getenv("NONAGENTD_API_USER"), *p = getenv("NONAGENTD_API_PASS");
        if ((u && copy_value(c->user, sizeof c->user, u) != 0) ||
            (p && copy_value(c->pass, sizeof c->pass, p) != 0)) {
            snprintf(err, errlen, "NONAGENTD_API_USER or NONAGENTD_API_PASS is too long");
            return -1;
        }
    }
    if (required && (!c->user[0] || !c->pass[0])) {
        snprintf(err, errlen,
                 "no API %s: set NONAGENTD_API_USER and NONAGENTD_API_PASS, or give "
                 "--credentials FILE (lines user=... and pass=..., mode 600)",
                 !c->user[0] ? "user" : "password");
        return -1;
    }
    return 0;
}
