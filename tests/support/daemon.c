/*
 * daemon.c - starting and stopping the daemon under test (see daemon.h).
 */
#include "tests/support/daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/httpc.h"

/* A port below the kernel's ephemeral range (32768 and up), so that no
 * client connection of a concurrent test can take it between this check
 * and the daemon's bind; and none whose digits contain "443", which makes
 * the API log's page https as VICIdial decides (tests expect http from
 * their Host: localhost:PORT, and test that rule on its own). */
unsigned daemon_free_port(void)
{
    static unsigned seed;

    if (!seed)
        seed = (unsigned)getpid() * 7919u + (unsigned)time(NULL);
    for (int attempt = 0; attempt < 200; attempt++) {
        struct sockaddr_in sa = { .sin_family = AF_INET };
        char digits[16];
        unsigned port = 20000 + (seed = seed * 1103515245u + 12345u) % 12000;
        int fd, ok;

        snprintf(digits, sizeof digits, "%u", port);
        if (strstr(digits, "443"))
            continue;
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return 0;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = htons((uint16_t)port);
        ok = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        close(fd);
        if (ok)
            return port;
    }
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

void daemon_spawn(struct daemon *d, const struct testdb *t, const char *sql_mode,
                  const char *const *extra_args)
{
    const char *bin = getenv("NONAGENTD_BIN");
    const char *dir = getenv("NONAGENTD_TESTDB_DIR");
    char listen[64], port[16];
    const char *argv[64];
    int argc = 0;

    if (!bin || !dir) {
        fprintf(stderr, "NONAGENTD_BIN and NONAGENTD_TESTDB_DIR must be set (run through ctest)\n");
        exit(1);
    }
    memset(d, 0, sizeof *d);
    d->port = daemon_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%u", d->port);
    snprintf(port, sizeof port, "%u", t->port);
    snprintf(d->log_path, sizeof d->log_path, "%s/daemon-%s-%u.log", dir, t->name, d->port);

    /* NONAGENTD_VALGRIND=1 runs the daemon under memcheck: any error, or a
     * definite leak at exit, makes its exit status 99, which daemon_stop
     * returns and the fixture reports. */
    if (getenv("NONAGENTD_VALGRIND") && *getenv("NONAGENTD_VALGRIND") == '1') {
        argv[argc++] = "valgrind";
        argv[argc++] = "--quiet";
        argv[argc++] = "--error-exitcode=99";
        argv[argc++] = "--leak-check=full";
        argv[argc++] = "--errors-for-leak-kinds=definite";
        argv[argc++] = "--show-leak-kinds=definite";
    }
    argv[argc++] = bin;
    argv[argc++] = "--listen";
    argv[argc++] = listen;
    argv[argc++] = "--threads";
    argv[argc++] = "4";
    argv[argc++] = "--db-socket";
    argv[argc++] = t->socket;
    argv[argc++] = "--db-user";
    argv[argc++] = t->user;
    argv[argc++] = "--db-pass";
    argv[argc++] = t->pass;
    argv[argc++] = "--db-name";
    argv[argc++] = t->name;
    if (sql_mode) {
        argv[argc++] = "--sql-mode";
        argv[argc++] = sql_mode;
    }
    for (int i = 0; extra_args && extra_args[i] && argc < 62; i++)
        argv[argc++] = extra_args[i];
    argv[argc] = NULL;

    d->pid = fork();
    if (d->pid == 0) {
        int fd = open(d->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
            dup2(fd, STDOUT_FILENO);
            close(fd);
        }
        /* Under AddressSanitizer a leak at exit fails the daemon's exit
         * status, which daemon_stop reports. */
        setenv("ASAN_OPTIONS", "detect_leaks=1", 1);
        /* A config file on this machine must not leak into the test. */
        setenv("NONAGENTD_DB_HOST", "localhost", 1);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
}

void daemon_start(struct daemon *d, const struct testdb *t, const char *sql_mode,
                  const char *const *extra_args)
{
    daemon_spawn(d, t, sql_mode, extra_args);
    int tries = getenv("NONAGENTD_VALGRIND") ? 1200 : 300;
    for (int i = 0; i < tries; i++) {
        struct http_reply r;
        int status;
        if (http_get(d->port, "/healthz", &r) == 0 && r.status == 200) {
            http_reply_free(&r);
            return;
        }
        http_reply_free(&r);
        if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
            char *log = daemon_log(d);
            fprintf(stderr, "nonagentd exited at start:\n%s\n", log ? log : "");
            free(log);
            exit(1);
        }
        sleep_ms(50);
    }
    fprintf(stderr, "nonagentd did not become healthy in %d s\n", tries / 20);
    kill(d->pid, SIGKILL);
    exit(1);
}

int daemon_stop(struct daemon *d)
{
    int status = 0;

    if (d->pid <= 0)
        return -1;
    kill(d->pid, SIGTERM);
    for (int i = 0; i < 1200; i++) {
        if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
            d->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        sleep_ms(50);
    }
    kill(d->pid, SIGKILL);
    waitpid(d->pid, &status, 0);
    d->pid = 0;
    return -1;
}

int daemon_wait_exit(struct daemon *d, unsigned seconds)
{
    int status = 0;

    for (unsigned i = 0; d->pid > 0 && i < seconds * 20; i++) {
        if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
            d->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        sleep_ms(50);
    }
    return -2;
}

char *read_whole_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    len = (long)fread(buf, 1, (size_t)len, f);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

char *daemon_log(const struct daemon *d)
{
    return read_whole_file(d->log_path);
}
