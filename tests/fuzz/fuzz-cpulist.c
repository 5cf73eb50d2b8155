/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for CPU and memory-node lists (units_parse_cpulist,
 * fs/units.h) and for every formatter of fs/units.h on small buffers. The
 * input is a list as written, then (after a NUL) numbers for the
 * formatters. abort() when a property breaks:
 *   - the list is parsed as a model does (a bitmap; "a", "a-b" with a <= b,
 *     numbers < 65536, ',' between items, blanks around them): the same
 *     answer, -EINVAL for bad syntax (before -ERANGE for a number too
 *     big), and for a good list exactly the kernel's print of the model's
 *     bitmap ("%*pbl": sorted runs, "a-b" for two or more);
 *   - errors are -EINVAL, -ERANGE or -ENOBUFS only;
 *   - every formatter, on a buffer of every size up to what it needs (an
 *     exact-size heap buffer, so ASan sees one byte more), either writes
 *     the same NUL-terminated text as with a big buffer and returns its
 *     length, or returns -ENOBUFS leaving the buffer untouched, -ENOBUFS
 *     exactly when the text does not fit; and what it prints parses back
 *     to the value (sizes, CPUs, durations, io.max lines).
 */
#include "units.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 65536
#define MAX_INPUT 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what)
{
        if (cond)
                return;
        fprintf(stderr, "fuzz-cpulist: %s broken\n", what);
        abort();
}

/* ---- the list model ---- */

static bool space(char c)
{
        return c == ' ' || (c >= '\t' && c <= '\r');
}

/* A number at *s: 0, -EINVAL (none, or a fraction), -ERANGE (>= LIMIT). */
static int number(const char **s, unsigned long *ret)
{
        const char *p = *s;
        unsigned long v = 0;
        bool big = false;

        while (space(*p))
                p++;
        if (*p < '0' || *p > '9')
                return -EINVAL;
        for (; *p >= '0' && *p <= '9'; p++) {
                v = v * 10 + (unsigned long)(*p - '0');
                if (v >= LIMIT) {
                        big = true;
                        v = LIMIT;
                }
        }
        if (*p == '.' && p[1] >= '0' && p[1] <= '9')
                return -EINVAL; /* "1.5" is a number with a fraction: not a CPU */
        *s = p;
        *ret = v;
        return big ? -ERANGE : 0;
}

static int model(const char *s, uint8_t *bits)
{
        size_t len = strlen(s);
        const char *end;
        bool range = false;

        while (len > 0 && space(s[len - 1]))
                len--;
        while (len > 0 && space(*s))
                s++, len--;
        if (len == 0)
                return 0;
        end = s + len;
        for (;;) {
                unsigned long a, b;
                int ra = number(&s, &a), rb;

                if (ra == -EINVAL || s > end)
                        return -EINVAL;
                while (space(*s) && s < end)
                        s++;
                if (*s == '-' && s < end) {
                        s++;
                        rb = number(&s, &b);
                        if (rb == -EINVAL || s > end)
                                return -EINVAL;
                        while (space(*s) && s < end)
                                s++;
                } else {
                        b = a;
                        rb = 0;
                }
                if (ra < 0 || rb < 0)
                        range = true;
                else if (a > b)
                        return -EINVAL;
                else
                        memset(bits + a, 1, b - a + 1);
                if (s == end)
                        break;
                if (*s != ',' || s + 1 == end)
                        return -EINVAL;
                s++;
        }
        return range ? -ERANGE : 0;
}

/* The kernel's "%*pbl". */
static size_t print_bits(const uint8_t *bits, char *out)
{
        size_t n = 0;

        out[0] = '\0';
        for (unsigned i = 0; i < LIMIT; i++) {
                unsigned j = i;

                if (!bits[i])
                        continue;
                while (j + 1 < LIMIT && bits[j + 1])
                        j++;
                n += (size_t)sprintf(out + n, "%s%u", n ? "," : "", i);
                if (j > i)
                        n += (size_t)sprintf(out + n, "-%u", j);
                i = j;
        }
        return n;
}

static void check_list(const char *s)
{
        static uint8_t bits[LIMIT];
        static char want[LIMIT * 7], got[LIMIT * 7];
        int r, rm;
        size_t wl;

        memset(bits, 0, sizeof bits);
        rm = model(s, bits);
        r = units_parse_cpulist(s, got, sizeof got);
        check(r >= 0 || r == -EINVAL || r == -ERANGE, "cpulist errno");
        check(r < 0 ? r == rm : rm == 0, "cpulist answer as the model");
        if (r < 0)
                return;
        wl = print_bits(bits, want);
        check((size_t)r == wl && strcmp(got, want) == 0, "cpulist print as the model");
        /* Every buffer too short is refused, untouched; one that fits is filled the same. */
        for (size_t n = wl > 16 ? wl - 16 : 0; n <= wl + 1; n++) {
                char *buf = malloc(n ? n : 1);

                if (!buf)
                        abort();
                memset(buf, 'X', n ? n : 1);
                r = units_parse_cpulist(s, buf, n);
                if (n <= wl)
                        check(r == -ENOBUFS && (n == 0 || buf[0] == 'X'), "cpulist ENOBUFS, untouched");
                else
                        check(r == (int)wl && strcmp(buf, want) == 0, "cpulist within n bytes");
                free(buf);
        }
}

/* ---- formatters on every buffer size ---- */

typedef int (*fmt_fn)(const void *arg, char *buf, size_t n);

static void check_bounds(fmt_fn f, const void *arg, const char *what)
{
        char big[1024];
        int want = f(arg, big, sizeof big);

        check(want >= 0 || want == -ERANGE || want == -EINVAL, what);
        if (want < 0)
                return;
        check((size_t)want == strlen(big), what);
        for (size_t n = 0; n <= (size_t)want + 1; n++) {
                char *buf = malloc(n ? n : 1);
                int r;

                if (!buf)
                        abort();
                memset(buf, 'X', n ? n : 1);
                r = f(arg, buf, n);
                if (n <= (size_t)want)
                        check(r == -ENOBUFS && (n == 0 || buf[0] == 'X'), what);
                else
                        check(r == want && memcmp(buf, big, (size_t)want + 1) == 0, what);
                free(buf);
        }
}

struct nums {
        uint64_t v, w, weight;
        uint64_t io[UNITS_IO_NKEYS];
        unsigned major, minor;
        int kind;
        bool has_dev;
        char dev[64];
};

static int f_size(const void *a, char *b, size_t n) { return units_format_size(((const struct nums *)a)->v, b, n); }
static int f_size_approx(const void *a, char *b, size_t n) { return units_format_size_approx(((const struct nums *)a)->v, b, n); }
static int f_duration(const void *a, char *b, size_t n) { return units_format_duration(((const struct nums *)a)->v, b, n); }
static int f_duration_approx(const void *a, char *b, size_t n) { return units_format_duration_approx(((const struct nums *)a)->v, b, n); }

static int f_cpus(const void *a, char *b, size_t n)
{
        const struct nums *x = a;

        return units_format_cpus(x->v, x->w, b, n);
}

static int f_io(const void *a, char *b, size_t n)
{
        const struct nums *x = a;

        return units_format_io_max_line(x->dev, x->io, b, n);
}

static int f_io_weight(const void *a, char *b, size_t n)
{
        const struct nums *x = a;

        return units_format_kernel_io_weight(x->kind, x->has_dev, x->major, x->minor, x->weight, b, n);
}

static uint64_t take(const uint8_t **p, size_t *n)
{
        uint64_t v = 0;

        for (int i = 0; i < 8; i++) {
                v = v << 8 | (*n ? **p : 0);
                if (*n)
                        (*p)++, (*n)--;
        }
        return v;
}

static void check_formats(const uint8_t *p, size_t n)
{
        static const char *const devs[] = { "sda", "8:0", "nvme0n1", "vd-b_1.x", "/dev/sdb" };
        struct nums x;
        char buf[1024];
        uint64_t back;
        uint8_t shift;

        memset(&x, 0, sizeof x);
        shift = n ? p[0] : 0;
        x.v = take(&p, &n) >> (shift % 64);
        x.w = take(&p, &n);
        for (int k = 0; k < UNITS_IO_NKEYS; k++)
                x.io[k] = take(&p, &n) >> (shift % 61);
        x.major = (unsigned)x.w;
        x.minor = (unsigned)(x.w >> 32);
        x.kind = shift % 4;
        x.has_dev = shift & 1;
        x.weight = shift & 2 ? x.w : 1 + x.w % 10000;
        strcpy(x.dev, devs[shift % 5]);

        check_bounds(f_size, &x, "format_size bounds");
        check_bounds(f_size_approx, &x, "format_size_approx bounds");
        check_bounds(f_duration, &x, "format_duration bounds");
        check_bounds(f_duration_approx, &x, "format_duration_approx bounds");
        check_bounds(f_io, &x, "format_io_max_line bounds");
        check_bounds(f_io_weight, &x, "format_kernel_io_weight bounds");
        x.w = UNITS_CPU_PERIOD_MIN_US + x.w % (UNITS_CPU_PERIOD_MAX_US - UNITS_CPU_PERIOD_MIN_US + 1);
        check_bounds(f_cpus, &x, "format_cpus bounds");

        /* What prints parses back. */
        check(units_format_size(x.v, buf, sizeof buf) > 0 && units_parse_size(buf, 0, &back) >= 0 && back == x.v,
              "size round trip");
        check(units_format_duration(x.v, buf, sizeof buf) > 0 && units_parse_duration(buf, &back) == 0 &&
              back == x.v, "duration round trip");
        {
                uint64_t q = x.v == UNITS_MAX ? x.v :
                             UNITS_CPU_QUOTA_MIN_US + x.v % (UNITS_CPU_QUOTA_MAX_US - UNITS_CPU_QUOTA_MIN_US + 1);

                check(units_format_cpus(q, x.w, buf, sizeof buf) > 0 && units_parse_cpus(buf, x.w, &back) >= 0 &&
                      back == q, "cpus round trip");
        }
        {
                struct units_io_limit l;

                check(units_format_io_max_line(x.dev, x.io, buf, sizeof buf) > 0 &&
                      units_parse_io_max_line(buf, &l) == 0 && !strcmp(l.dev, x.dev) &&
                      memcmp(l.v, x.io, sizeof l.v) == 0, "io.max line round trip");
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s;
        size_t len;

        if (size > MAX_INPUT)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        len = strlen(s);
        check_list(s);
        if (len < size)
                check_formats(data + len + 1, size - len - 1);
        else
                check_formats(data, size);
        free(s);
        return 0;
}
