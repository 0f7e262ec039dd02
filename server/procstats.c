/*
 * procstats.c - the standard process_* metrics (see procstats.h), read
 * from the kernel at each scrape, as Prometheus's own client libraries
 * read them: CPU time from getrusage, memory from /proc/self/statm, open
 * descriptors from /proc/self/fd, the start time from /proc/self/stat
 * and the boot time in /proc/stat.  A value that cannot be read is left
 * out rather than reported wrong.
 */
#include "server/procstats.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static int read_text(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f)
        return -1;
    n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n > 0 ? 0 : -1;
}

static long open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    long n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1;       /* the directory's own descriptor */
}

/* Seconds since the epoch when the process started: its start in clock
 * ticks after boot (field 22 of /proc/self/stat, counted after the
 * command name, which may hold spaces) plus the boot time. */
static double start_time(void)
{
    char stat[1024], sys[8192];
    unsigned long long ticks = 0, btime = 0;
    const char *p = NULL, *b;
    long hz = sysconf(_SC_CLK_TCK);

    if (read_text("/proc/self/stat", stat, sizeof stat) != 0 ||
        read_text("/proc/stat", sys, sizeof sys) != 0 || hz <= 0)
        return -1;
    p = strrchr(stat, ')');
    b = strstr(sys, "\nbtime ");
    if (!p || !b)
        return -1;
    /* After ")": state is field 3, starttime field 22. */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d"
                      " %*d %*d %llu", &ticks) != 1 ||
        sscanf(b + 7, "%llu", &btime) != 1)
        return -1;
    return (double)btime + (double)ticks / (double)hz;
}

void procstats_render(struct buf *b)
{
    struct rusage ru;
    struct rlimit rl;
    char statm[256];
    unsigned long pages_total, pages_resident;
    long page = sysconf(_SC_PAGESIZE);
    long fds = open_fds();
    double started = start_time();

    if (getrusage(RUSAGE_SELF, &ru) == 0)
        buf_printf(b, "# HELP process_cpu_seconds_total Total user and system CPU time spent in"
                      " seconds.\n# TYPE process_cpu_seconds_total counter\n"
                      "process_cpu_seconds_total %.6f\n",
                   (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
    if (read_text("/proc/self/statm", statm, sizeof statm) == 0 &&
        sscanf(statm, "%lu %lu", &pages_total, &pages_resident) == 2 && page > 0)
        buf_printf(b, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
                      "# TYPE process_resident_memory_bytes gauge\n"
                      "process_resident_memory_bytes %lu\n"
                      "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
                      "# TYPE process_virtual_memory_bytes gauge\n"
                      "process_virtual_memory_bytes %lu\n",
                   pages_resident * (unsigned long)page, pages_total * (unsigned long)page);
    if (fds >= 0)
        buf_printf(b, "# HELP process_open_fds Number of open file descriptors.\n"
                      "# TYPE process_open_fds gauge\nprocess_open_fds %ld\n", fds);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        buf_printf(b, "# HELP process_max_fds Maximum number of open file descriptors.\n"
                      "# TYPE process_max_fds gauge\nprocess_max_fds %llu\n",
                   (unsigned long long)rl.rlim_cur);
    if (started >= 0)
        buf_printf(b, "# HELP process_start_time_seconds Start time of the process since unix"
                      " epoch in seconds.\n# TYPE process_start_time_seconds gauge\n"
                      "process_start_time_seconds %.2f\n", started);
}
