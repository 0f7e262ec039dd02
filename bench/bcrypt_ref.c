/*
 * bench/bcrypt_ref.c - the cost of one bcrypt hash at a given cost with the
 * system's libxcrypt (crypt_r, $2b$), single-threaded: the reference that
 * scenario (d)'s figures are read against.  nonagentd hashes with its own
 * Eksblowfish (server/bcrypt.c), which also takes costs 2 and 3.
 *
 *   bcrypt_ref COST ITERATIONS      prints: BCRYPT cost=C ms_per_hash=M
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    int cost = argc > 1 ? atoi(argv[1]) : 10;
    int n = argc > 2 ? atoi(argv[2]) : 10;
    char setting[64];
    struct crypt_data d;
    struct timespec a, b;
    const char *r = NULL;

    if (cost < 4 || cost > 16 || n < 1 || n > 1000) {
        fprintf(stderr, "usage: bcrypt_ref COST(4-16) ITERATIONS(1-1000)\n");
        return 2;
    }
    /* Any valid 22-character salt: the time depends on the cost only. */
    snprintf(setting, sizeof setting, "$2b$%02d$WUHhXETkX2fnZ2PmY2TrZ.", cost);
    memset(&d, 0, sizeof d);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++)
        r = crypt_r("test", setting, &d);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!r || r[0] == '*') {
        fprintf(stderr, "bcrypt_ref: crypt_r refused %s\n", setting);
        return 1;
    }
    printf("BCRYPT cost=%d ms_per_hash=%.1f\n", cost,
           ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) / n);
    return 0;
}
