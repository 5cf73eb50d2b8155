/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for every parser in fs/units.h. Beyond not crashing, it
 * checks the module's promises and abort()s when one breaks: whatever
 * parses prints, and the print parses back to the same value; a failure
 * leaves the output untouched. Built with replay.c, it replays the
 * committed corpus as a regression test.
 */
#include "units.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SENTINEL UINT64_C(0x5e5e5e5e5e5e5e5e)
#define MAX_INPUT 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what, const char *in)
{
        if (cond)
                return;
        fprintf(stderr, "fuzz-units: %s broken for input \"%.200s\"\n", what, in);
        abort();
}

/* Every parser: >= 0 or -errno, nothing else. */
static void check_ret(int r, const char *what, const char *in)
{
        check(r >= 0 || r == -EINVAL || r == -ERANGE, what, in);
}

/* An approximate print reads back within 3 significant digits (or past 2^64 when it rounds up). */
static bool approx_close(uint64_t v, int r, uint64_t back)
{
        uint64_t diff = v > back ? v - back : back - v;

        if (r == -ERANGE)
                return v >= UINT64_MAX - v / 200;
        return r >= 0 && diff <= v / 200 + 1;
}

static void fuzz_size(const char *s, uint64_t total)
{
        static const uint64_t grans[] = { 1, 3, 4096, 2u << 20, 1u << 30 };
        char buf[UNITS_BUF];
        uint64_t v = SENTINEL, back = SENTINEL, up;
        int r = units_parse_size(s, total, &v);

        check_ret(r, "parse_size return", s);
        if (r < 0) {
                check(v == SENTINEL, "parse_size untouched", s);
                return;
        }
        check((r == UNITS_IS_MAX) == (v == UNITS_MAX), "parse_size max", s);
        /* Fractions round up: only a number without a non-zero digit is 0. */
        check(v != 0 || !strpbrk(s, "123456789"), "parse_size non-zero", s);
        check(units_format_size(v, buf, sizeof buf) > 0, "format_size", s);
        check(units_parse_size(buf, 0, &back) == r && back == v, "size round trip", s);
        check(units_format_size_approx(v, buf, sizeof buf) > 0, "format_size_approx", s);
        r = units_parse_size(buf, 0, &back);
        check(v == UNITS_MAX || approx_close(v, r, back), "size approx", s);
        if (units_round_up(v, 4096, &up) == 0)
                check(v == UNITS_MAX ? up == v : up >= v && up % 4096 == 0 && up - v < 4096, "round_up", s);
        for (size_t i = 0; i < sizeof grans / sizeof grans[0]; i++) {
                int ru = units_round_up(v, grans[i], &up), rp;

                back = SENTINEL;
                rp = units_parse_size_up(s, total, grans[i], &back);
                check(ru < 0 ? rp == ru && back == SENTINEL :
                               rp >= 0 && back == up && (rp == UNITS_IS_MAX) == (up == UNITS_MAX) &&
                               (v == 0) == (up == 0),
                      "parse_size_up", s);
        }
}

static void fuzz_cpus(const char *s, uint64_t period)
{
        char buf[UNITS_BUF];
        uint64_t q = SENTINEL, back = SENTINEL;
        int r = units_parse_cpus(s, period, &q);

        check_ret(r, "parse_cpus return", s);
        if (r < 0) {
                check(q == SENTINEL, "parse_cpus untouched", s);
                return;
        }
        check(q == UNITS_MAX || (q >= UNITS_CPU_QUOTA_MIN_US && q <= UNITS_CPU_QUOTA_MAX_US),
              "cpus range", s);
        check(units_format_cpus(q, period, buf, sizeof buf) > 0, "format_cpus", s);
        check(units_parse_cpus(buf, period, &back) == r && back == q, "cpus round trip", s);
}

static void fuzz_duration(const char *s)
{
        char buf[UNITS_BUF];
        uint64_t us = SENTINEL, back = SENTINEL;
        int r = units_parse_duration(s, &us);

        check_ret(r, "parse_duration return", s);
        if (r < 0) {
                check(us == SENTINEL, "parse_duration untouched", s);
                return;
        }
        check(units_format_duration(us, buf, sizeof buf) > 0, "format_duration", s);
        check(units_parse_duration(buf, &back) == 0 && back == us, "duration round trip", s);
        check(units_format_duration_approx(us, buf, sizeof buf) > 0, "format_duration_approx", s);
        r = units_parse_duration(buf, &back);
        check(approx_close(us, r, back), "duration approx", s);
}

static void fuzz_count_weight(const char *s)
{
        char buf[32];
        uint64_t v = SENTINEL, back = SENTINEL;
        int r = units_parse_count(s, &v);

        check_ret(r, "parse_count return", s);
        if (r < 0)
                check(v == SENTINEL, "parse_count untouched", s);
        else {
                if (r == UNITS_IS_MAX)
                        snprintf(buf, sizeof buf, "max");
                else
                        snprintf(buf, sizeof buf, "%llu", (unsigned long long) v);
                check(units_parse_count(buf, &back) == r && back == v, "count round trip", s);
        }

        v = SENTINEL;
        r = units_parse_weight(s, &v);
        check_ret(r, "parse_weight return", s);
        if (r < 0 || r == UNITS_WEIGHT_IS_IDLE)
                check(v == SENTINEL, "parse_weight untouched", s);
        else
                check(v >= UNITS_WEIGHT_MIN && v <= UNITS_WEIGHT_MAX, "weight range", s);
}

static void fuzz_cpulist(const char *s)
{
        static char out[512 * 1024], again[512 * 1024];
        int r = units_parse_cpulist(s, out, sizeof out), r2;

        check_ret(r, "parse_cpulist return", s);
        if (r < 0)
                return;
        check((size_t) r == strlen(out), "cpulist length", s);
        /* Normalized means a fixed point. */
        r2 = units_parse_cpulist(out, again, sizeof again);
        check(r2 == r && strcmp(again, out) == 0, "cpulist normalized", s);
        if (r > 0) {
                memset(again, 'X', 4);
                check(units_parse_cpulist(s, again, (size_t) r) == -ENOBUFS && again[0] == 'X',
                      "cpulist ENOBUFS", s);
        }
}

static void fuzz_io(const char *s)
{
        struct units_io_limit l, back;
        uint64_t v[UNITS_IO_NKEYS], v2[UNITS_IO_NKEYS];
        unsigned major, minor, major2, minor2;
        char buf[512], dev[64];
        uint64_t w = SENTINEL;
        int r;

        memset(&l, 0x5e, sizeof l);
        back = l;
        r = units_parse_io_max_line(s, &l);
        check_ret(r, "parse_io_max_line return", s);
        if (r < 0)
                check(memcmp(&l, &back, sizeof l) == 0, "parse_io_max_line untouched", s);
        else {
                check(l.set != 0 && l.set < 1u << UNITS_IO_NKEYS && strlen(l.dev) > 0, "io.max line", s);
                check(units_format_io_max_line(l.dev, l.v, buf, sizeof buf) > 0, "format_io_max_line", s);
                check(units_parse_io_max_line(buf, &back) == 0 && strcmp(back.dev, l.dev) == 0 &&
                      back.set == (1u << UNITS_IO_NKEYS) - 1, "io.max line reparse", s);
                for (int k = 0; k < UNITS_IO_NKEYS; k++)
                        check(!(l.set & 1u << k) || back.v[k] == l.v[k], "io.max round trip", s);
        }

        r = units_parse_kernel_io_max(s, &major, &minor, v);
        check_ret(r, "parse_kernel_io_max return", s);
        if (r == 0) {
                int n = snprintf(buf, sizeof buf, "%u:%u", major, minor);

                for (int k = 0; k < UNITS_IO_NKEYS; k++) {
                        if (v[k] == UNITS_MAX)
                                n += snprintf(buf + n, sizeof buf - (size_t) n, " %s=max", units_io_keys[k]);
                        else
                                n += snprintf(buf + n, sizeof buf - (size_t) n, " %s=%llu", units_io_keys[k],
                                              (unsigned long long) v[k]);
                }
                check(units_parse_kernel_io_max(buf, &major2, &minor2, v2) == 0 && major2 == major &&
                      minor2 == minor && memcmp(v, v2, sizeof v) == 0, "kernel io.max round trip", s);
        }

        strcpy(dev, "SENTINEL");
        r = units_parse_io_weight_line(s, dev, &w);
        check_ret(r, "parse_io_weight_line return", s);
        if (r < 0)
                check(w == SENTINEL && strcmp(dev, "SENTINEL") == 0, "parse_io_weight_line untouched", s);
        else {
                check(w >= UNITS_WEIGHT_MIN && w <= UNITS_WEIGHT_MAX && strlen(dev) < 64, "io.weight", s);
                /* A device's "default" reaches the kernel as "default", never as a weight. */
                check(units_format_kernel_io_weight(r, dev[0] != 0, 8, 0, w, buf, sizeof buf) > 0, "kernel io.weight", s);
                if (dev[0])
                        check(strcmp(buf + 4, "default") == 0 ? r == UNITS_WEIGHT_IS_DEFAULT : r == 0,
                              "kernel io.weight default", s);
                else
                        check(strncmp(buf, "default ", 8) == 0, "kernel io.weight cgroup default", s);
        }
}

static void fuzz_text(const char *s)
{
        static const char *const keys[] = { "usage_usec", "oom_kill", "rbytes", "wbytes", "populated", "a" };
        char buf[UNITS_BUF];
        uint64_t v;
        int r;

        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
                r = units_kv_get(s, keys[i], &v);
                check(r >= 0 || r == -EINVAL || r == -ERANGE || r == -ENOENT, "kv_get return", s);
                r = units_io_stat_sum(s, keys[i], &v);
                check_ret(r, "io_stat_sum return", s);
        }
        r = units_psi_some_avg10(s, buf, sizeof buf);
        check(r >= 0 || r == -EINVAL || r == -ERANGE || r == -ENOENT, "psi return", s);
        if (r > 0)
                check(buf[r - 1] == '%' && (size_t) r == strlen(buf), "psi print", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const uint64_t totals[] = { 0, 1, 8ull << 30, UINT64_MAX };
        static const uint64_t periods[] = { 1000, 100000, 333333, 1000000 };
        char *s;

        if (size > MAX_INPUT)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0'; /* an embedded NUL ends the string early, as for the daemon's callers */

        for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++)
                fuzz_size(s, totals[i]);
        for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++)
                fuzz_cpus(s, periods[i]);
        fuzz_duration(s);
        fuzz_count_weight(s);
        fuzz_cpulist(s);
        fuzz_io(s);
        fuzz_text(s);

        free(s);
        return 0;
}
