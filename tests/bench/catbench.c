/* SPDX-License-Identifier: MIT */
/*
 * catbench: the cost of `cat` (open, read to EOF, close) of each file given,
 * in microseconds, measured in interleaved rounds so that the machine's
 * noise hits every file alike. Prints "path median_us" lines, then the
 * ratio of each file to the first.
 *
 * usage: catbench ITERATIONS FILE...
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 15

static double now_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return (x > y) - (x < y);
}

static double cat_us(const char *path, int n)
{
        char buf[65536];
        double t0 = now_us();

        for (int i = 0; i < n; i++) {
                int fd = open(path, O_RDONLY | O_CLOEXEC);

                if (fd < 0) {
                        perror(path);
                        exit(1);
                }
                while (read(fd, buf, sizeof(buf)) > 0)
                        ;
                close(fd);
        }
        return (now_us() - t0) / n;
}

int main(int argc, char **argv)
{
        int n = argc > 2 ? atoi(argv[1]) : 0, files = argc - 2;
        double (*t)[ROUNDS], med[64];

        if (n <= 0 || files < 1 || files > 64) {
                fprintf(stderr, "usage: catbench ITERATIONS FILE...\n");
                return 2;
        }
        t = calloc((size_t)files, sizeof(*t));
        for (int r = 0; r < ROUNDS; r++)
                for (int f = 0; f < files; f++)
                        t[f][r] = cat_us(argv[f + 2], n);
        for (int f = 0; f < files; f++) {
                qsort(t[f], ROUNDS, sizeof(double), cmp);
                med[f] = t[f][ROUNDS / 2];
                printf("%-60s %8.1f us  x%.2f\n", argv[f + 2], med[f], med[f] / med[0]);
        }
        free(t);
        return 0;
}
