/* SPDX-License-Identifier: MIT */
/*
 * cgunits: cgview's unit codec on the command line, for scripts that talk to
 * cgroupfs directly. Links the pure units module only, never libfuse.
 *
 *   cgunits size 1.5G            -> 1610612736
 *   cgunits size 0.5             -> 1           (a fraction of a byte is a byte)
 *   cgunits size 0.5 4K          -> 4096        (rounded up to a granularity: the
 *                                                page for memory.*, the huge page
 *                                                for hugetlb.*, as the kernel floors)
 *   cgunits cpus 150% [PERIOD]   -> 150000      (quota in us; period default 100000)
 *   cgunits duration 50ms        -> 50000
 *   cgunits cpulist " 3,0-2 "    -> 0-3
 *   cgunits -p size 1610612736   -> 1.5G        (-p: print the human form)
 *   cgunits -p cpus 150000 [PERIOD] -> 1.5
 *   cgunits -p duration 50000    -> 50ms
 *
 * Exit status 0, or 1 with the errno's message on stderr (EINVAL, ERANGE).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "units.h"

static int usage(void)
{
        fprintf(stderr, "usage: cgunits size VALUE [GRANULARITY] | cpus VALUE [PERIOD_US] | duration VALUE |\n"
                        "               cpulist VALUE | -p size|cpus|duration NUMBER [PERIOD_US]\n");
        return 2;
}

static int number(const char *s, uint64_t *ret)
{
        return units_parse_count(s, ret) == 0 ? 0 : -EINVAL;
}

/* A size's granularity: a size ("4K", "2M", "4096"), neither 0 nor max. */
static int granularity(const char *s, uint64_t *ret)
{
        uint64_t g;

        if (units_parse_size(s, 0, &g) != 0 || g == 0)
                return -EINVAL;
        *ret = g;
        return 0;
}

/* extra: the granularity of a size, the period of cpus; other kinds take none (usage). */
static int parse(const char *kind, const char *value, const char *extra, char *out, size_t n)
{
        uint64_t v, period = 100000, gran = 1;
        int r;

        if (!strcmp(kind, "size")) {
                if (extra && granularity(extra, &gran) < 0)
                        return -EINVAL;
                r = units_parse_size_up(value, (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE),
                                        gran, &v);
        } else if (!strcmp(kind, "cpus")) {
                if (extra && number(extra, &period) < 0)
                        return -EINVAL;
                r = units_parse_cpus(value, period, &v);
        } else if (extra)
                return -ENOSYS;
        else if (!strcmp(kind, "cpulist"))
                return units_parse_cpulist(value, out, n);
        else if (!strcmp(kind, "duration"))
                r = units_parse_duration(value, &v);
        else
                return -ENOSYS;
        if (r < 0)
                return r;
        return r == UNITS_IS_MAX ? snprintf(out, n, "max") : snprintf(out, n, "%" PRIu64, v);
}

static int print(const char *kind, const char *value, const char *period_s, char *out, size_t n)
{
        uint64_t v, period = 100000;

        if ((period_s && number(period_s, &period) < 0) || number(value, &v) < 0)
                return -EINVAL;
        if (!strcmp(kind, "size"))
                return units_format_size(v, out, n);
        if (!strcmp(kind, "cpus"))
                return units_format_cpus(v, period, out, n);
        if (!strcmp(kind, "duration"))
                return units_format_duration(v, out, n);
        return -ENOSYS;
}

int main(int argc, char **argv)
{
        char out[4096];
        int human = argc > 1 && !strcmp(argv[1], "-p"), r;

        argv += human;
        argc -= human;
        if (argc < 3 || argc > 4)
                return usage();
        r = (human ? print : parse)(argv[1], argv[2], argc == 4 ? argv[3] : NULL, out, sizeof(out));
        if (r == -ENOSYS)
                return usage();
        if (r < 0) {
                fprintf(stderr, "cgunits: %s: %s\n", argv[2], strerror(-r));
                return 1;
        }
        puts(out);
        return 0;
}
