/* SPDX-License-Identifier: MIT */
/*
 * Table tests for fs/units.c, printed as TAP. Every parser gets a table of
 * good and bad inputs; every failing call must leave its output untouched
 * (checked with a sentinel); every formatter is checked as
 * parse(format(x)) == x over boundaries and a few thousand pseudo-random
 * values from a fixed seed, so a failure reproduces.
 */
#include "units.h"
#include "tap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define SENTINEL UINT64_C(0x5e5e5e5e5e5e5e5e)
#define P2(n) (UINT64_C(1) << (n))
#define RANDOM_ROUNDS 4000
#define UNUSED __attribute__((unused))

/* The input quoted and escaped for one TAP line. */
static const char *show(const char *s)
{
        return tap_quote(s, strlen(s));
}

/* Values of every magnitude, often k x 2^s so that "1.5G"-like prints occur. */
static uint64_t rnd_u64(void)
{
        unsigned bits = (unsigned) (rnd() % 65);
        uint64_t v = bits == 64 ? rnd() : rnd() & (P2(bits) - 1);

        if (rnd() % 2)
                v = (rnd() % 4096) << (rnd() % 53);
        return v;
}

static uint64_t rnd_range(uint64_t lo, uint64_t hi)
{
        uint64_t span = hi - lo + 1;

        /* A random width first, so small values are as common as large ones. */
        return lo + (span == 0 ? rnd_u64() : rnd_u64() % span);
}

/* ---- number parsers: one table shape for all ---------------------------- */

struct num_case {
        const char *in;
        uint64_t arg;   /* total for sizes, period for CPUs */
        int ret;
        uint64_t out;   /* expected output; SENTINEL: must stay untouched */
};

typedef int (*num_parser)(const char *s, uint64_t arg, uint64_t *ret);

static int p_size(const char *s, uint64_t arg, uint64_t *ret)
{
        return units_parse_size(s, arg, ret);
}

static int p_cpus(const char *s, uint64_t arg, uint64_t *ret)
{
        return units_parse_cpus(s, arg, ret);
}

static int p_duration(const char *s, uint64_t arg UNUSED, uint64_t *ret)
{
        return units_parse_duration(s, ret);
}

static int p_count(const char *s, uint64_t arg UNUSED, uint64_t *ret)
{
        return units_parse_count(s, ret);
}

static int p_weight(const char *s, uint64_t arg UNUSED, uint64_t *ret)
{
        return units_parse_weight(s, ret);
}

static void run_num_cases(const char *name, num_parser parse, const struct num_case *c, size_t n)
{
        for (size_t i = 0; i < n; i++, c++) {
                uint64_t out = SENTINEL;
                int r = parse(c->in, c->arg, &out);
                uint64_t want = c->ret < 0 ? SENTINEL : c->out;

                if (c->ret < 0)
                        ok(r == c->ret && out == want, "%s(%s, %llu) = %s, output untouched (got %s, %llu)",
                           name, show(c->in), (unsigned long long) c->arg, rets(c->ret), rets(r),
                           (unsigned long long) out);
                else
                        ok(r == c->ret && out == want, "%s(%s, %llu) = %s, %llu (got %s, %llu)", name,
                           show(c->in), (unsigned long long) c->arg, rets(c->ret), (unsigned long long) want,
                           rets(r), (unsigned long long) out);
        }
}

/* Inputs that every number parser refuses the same way. */
static const struct num_case common_bad[] = {
        { "", 0, -EINVAL, 0 },
        { " ", 0, -EINVAL, 0 },
        { "\n", 0, -EINVAL, 0 },
        { "-1", 0, -EINVAL, 0 },
        { "+1", 0, -EINVAL, 0 },
        { "0x10", 0, -EINVAL, 0 },
        { "1e9", 0, -EINVAL, 0 },
        { "1.5.5", 0, -EINVAL, 0 },
        { "12abc", 0, -EINVAL, 0 },
        { ".5", 0, -EINVAL, 0 },
        { "5.", 0, -EINVAL, 0 },
        { "1 2", 0, -EINVAL, 0 },
        { "1,5", 0, -EINVAL, 0 },
        { "maximum", 0, -EINVAL, 0 },
        { "\xc2\xb5", 0, -EINVAL, 0 },
};

static const struct num_case size_cases[] = {
        /* SPEC section 3 */
        { "512", 0, 0, 512 },
        { "1.5G", 0, 0, 1610612736 },
        { "256M", 0, 0, 268435456 },
        { "1g", 0, 0, P2(30) },
        { "1Gi", 0, 0, P2(30) },
        { "1GiB", 0, 0, P2(30) },
        { "1GB", 0, 0, P2(30) },
        { "1gib", 0, 0, P2(30) },
        { "50%", UINT64_C(8) << 30, 0, UINT64_C(4) << 30 },
        { "max", 0, UNITS_IS_MAX, UNITS_MAX },
        { "infinity", 0, UNITS_IS_MAX, UNITS_MAX },
        { "unlimited", 0, UNITS_IS_MAX, UNITS_MAX },
        { "MAX", 0, UNITS_IS_MAX, UNITS_MAX },
        { "Infinity\n", 0, UNITS_IS_MAX, UNITS_MAX },
        /* boundaries */
        { "0", 0, 0, 0 },
        { "1", 0, 0, 1 },
        { "4095", 0, 0, 4095 },
        { "4096", 0, 0, 4096 },
        { "010", 0, 0, 10 },
        { "0000000000000000000000000001", 0, 0, 1 },
        { "9223372036854775808", 0, 0, P2(63) },
        { "18446744073709551614", 0, 0, UINT64_MAX - 1 },
        { "18446744073709551615", 0, UNITS_IS_MAX, UNITS_MAX },
        { "18446744073709551616", 0, -ERANGE, 0 },
        { "99999999999999999999999999999", 0, -ERANGE, 0 },
        { "16E", 0, -ERANGE, 0 },
        { "15.999999999999999999E", 0, UNITS_IS_MAX, UNITS_MAX }, /* 2^64 - 1.15, up */
        { "15.99999999999999999E", 0, 0, UINT64_MAX - 10 },     /* 2^64 - 11.5, up */
        { "15.9999999999999999999E", 0, -ERANGE, 0 },           /* 2^64 - 0.12 */
        { "18446744073709551614.5", 0, UNITS_IS_MAX, UNITS_MAX },
        { "18446744073709551615.0", 0, UNITS_IS_MAX, UNITS_MAX },
        { "18446744073709551615.1", 0, -ERANGE, 0 },
        { "8E", 0, 0, P2(63) },
        { "1e", 0, 0, P2(60) },
        { "1P", 0, 0, P2(50) },
        { "1T", 0, 0, P2(40) },
        { "1K", 0, 0, 1024 },
        { "1k", 0, 0, 1024 },
        { "1KiB", 0, 0, 1024 },
        { "512B", 0, 0, 512 },
        { "512b", 0, 0, 512 },
        /* whitespace */
        { "  512M\n", 0, 0, UINT64_C(512) << 20 },
        { "\t1G \r\n", 0, 0, P2(30) },
        /* exact fractions; a fraction of a byte is a byte: a non-zero request is never 0 */
        { "0.5K", 0, 0, 512 },
        { "1.5K", 0, 0, 1536 },
        { "1.125K", 0, 0, 1152 },
        { "0.5", 0, 0, 1 },
        { "1.5", 0, 0, 2 },
        { "1.0000001", 0, 0, 2 },
        { "1.0", 0, 0, 1 },
        { "1.000000000000000000000000000000", 0, 0, 1 },
        { "4096.5", 0, 0, 4097 },
        { "0.1K", 0, 0, 103 },
        { "0.001K", 0, 0, 2 },
        { "0.0001K", 0, 0, 1 },
        { "0.0000000000000000000000000000001", 0, 0, 1 },
        { "0.0000000000000000000000000000001E", 0, 0, 1 },
        { "0.0", 0, 0, 0 },
        { "0.000000000000000000000000000000", 0, 0, 0 },
        { "0K", 0, 0, 0 },
        { "0.0G", 0, 0, 0 },
        { "1.000000000000000000000000000001G", 0, 0, P2(30) + 1 },
        { "0.999999999999999999999999999999K", 0, 0, 1024 },
        { "0.9990234375K", 0, 0, 1023 },
        { "2.31G", 0, 0, 2480343614 },
        { "0.5M", 0, 0, P2(19) },
        /* percent */
        { "150%", 100, 0, 150 },
        { "12.5%", 1000, 0, 125 },
        { "0.1%", 1000, 0, 1 },
        { "33.333%", 3, 0, 1 },
        { "0.0000001%", 1000, 0, 1 },
        { "0%", 1000, 0, 0 },
        { "33.4%", 3, 0, 2 },
        { "100%", UINT64_MAX, UNITS_IS_MAX, UNITS_MAX },
        { "200%", P2(63), -ERANGE, 0 },
        { "50%", 0, -EINVAL, 0 },
        { "50K%", 100, -EINVAL, 0 },
        { "%", 100, -EINVAL, 0 },
        { "50 %", 100, -EINVAL, 0 },
        /* malformed */
        { "G", 0, -EINVAL, 0 },
        { "1GG", 0, -EINVAL, 0 },
        { "1 G", 0, -EINVAL, 0 },
        { "1Gb ", 0, 0, P2(30) },
        { "1GiBB", 0, -EINVAL, 0 },
        { "1Bi", 0, -EINVAL, 0 },
        { "1iB", 0, -EINVAL, 0 },
        { "1X", 0, -EINVAL, 0 },
        { "1.5.5G", 0, -EINVAL, 0 },
        { "99999999999999999999999x", 0, -EINVAL, 0 },
        { "1G\n1G", 0, -EINVAL, 0 },
};

static const struct num_case cpu_cases[] = {
        /* SPEC section 3 */
        { "1.5", 100000, 0, 150000 },
        { "150%", 100000, 0, 150000 },
        { "1500m", 100000, 0, 150000 },
        { "max", 100000, UNITS_IS_MAX, UNITS_MAX },
        { "Unlimited", 100000, UNITS_IS_MAX, UNITS_MAX },
        { "0.25", 100000, 0, 25000 },
        { "1", 100000, 0, 100000 },
        { "1\n", 100000, 0, 100000 },
        { "2", 1000, 0, 2000 },
        { "1", 1000000, 0, 1000000 },
        /* the minimum and rounding to the nearest microsecond */
        { "0.01", 100000, 0, 1000 },
        { "0.001", 100000, 0, 1000 },
        { "0.000001", 1000, 0, 1000 },
        { "0.0000000000000000000001", 100000, 0, 1000 },
        { "1.0000005", 1000000, 0, 1000001 },
        { "1.0000004999999", 1000000, 0, 1000000 },
        { "1.5005", 1000, 0, 1501 },
        { "1.5004", 1000, 0, 1500 },
        { "0.5m", 1000000, 0, 1000 },
        { "1001m", 1000000, 0, 1001000 },
        /* the kernel's maximum */
        { "175921860.44415", 100000, 0, UNITS_CPU_QUOTA_MAX_US },
        { "175921860.444154", 100000, 0, UNITS_CPU_QUOTA_MAX_US },
        { "175921860.444155", 100000, -ERANGE, 0 },
        { "175921860.44416", 100000, -ERANGE, 0 },
        { "17592186044415", 1000000, -ERANGE, 0 },
        { "17592186044.415", 1000, 0, UNITS_CPU_QUOTA_MAX_US },
        { "18446744073709551616", 100000, -ERANGE, 0 },
        { "18446744073709551616m", 100000, -ERANGE, 0 },
        /* zero and malformed */
        { "0", 100000, -EINVAL, 0 },
        { "0.0", 100000, -EINVAL, 0 },
        { "0%", 100000, -EINVAL, 0 },
        { "0m", 100000, -EINVAL, 0 },
        { "1500M", 100000, -EINVAL, 0 },
        { "1.5 ", 100000, 0, 150000 },
        { "1.5 m", 100000, -EINVAL, 0 },
        { "1.5c", 100000, -EINVAL, 0 },
        { "1%%", 100000, -EINVAL, 0 },
        { "1500mm", 100000, -EINVAL, 0 },
        /* the period's range */
        { "1", 999, -EINVAL, 0 },
        { "1", 1000001, -EINVAL, 0 },
        { "1", 0, -EINVAL, 0 },
        { "max", 0, -EINVAL, 0 },
};

static const struct num_case duration_cases[] = {
        { "100ms", 0, 0, 100000 },
        { "0.1s", 0, 0, 100000 },
        { "100000us", 0, 0, 100000 },
        { "100000", 0, 0, 100000 },
        { "50ms", 0, 0, 50000 },
        { "1s", 0, 0, 1000000 },
        { "1S", 0, 0, 1000000 },
        { "1MS", 0, 0, 1000 },
        { " 10ms\n", 0, 0, 10000 },
        { "0", 0, 0, 0 },
        { "0us", 0, 0, 0 },
        { "1.5us", 0, 0, 2 },
        { "0.5us", 0, 0, 1 },
        { "0.4999us", 0, 0, 0 },
        { "1.0005ms", 0, 0, 1001 },
        { "0.0000015s", 0, 0, 2 },
        { "18446744073709551615", 0, 0, UINT64_MAX },
        { "18446744073709551615us", 0, 0, UINT64_MAX },
        { "18446744073709551.615ms", 0, 0, UINT64_MAX },
        { "18446744073709.551615s", 0, 0, UINT64_MAX },
        { "18446744073709.5516154s", 0, 0, UINT64_MAX },
        { "18446744073709.5516155s", 0, -ERANGE, 0 },
        { "18446744073710s", 0, -ERANGE, 0 },
        { "18446744073709551616", 0, -ERANGE, 0 },
        { "max", 0, -EINVAL, 0 },
        { "1h", 0, -EINVAL, 0 },
        { "1m", 0, -EINVAL, 0 },
        { "100 ms", 0, -EINVAL, 0 },
        { "1sec", 0, -EINVAL, 0 },
        { "ms", 0, -EINVAL, 0 },
        { "1e3", 0, -EINVAL, 0 },
};

static const struct num_case count_cases[] = {
        { "0", 0, 0, 0 },
        { "1", 0, 0, 1 },
        { "512", 0, 0, 512 },
        { "  512\n", 0, 0, 512 },
        { "010", 0, 0, 10 },
        { "max", 0, UNITS_IS_MAX, UNITS_MAX },
        { "MAX\n", 0, UNITS_IS_MAX, UNITS_MAX },
        { "9223372036854775808", 0, 0, P2(63) },
        { "18446744073709551615", 0, UNITS_IS_MAX, UNITS_MAX },
        { "18446744073709551616", 0, -ERANGE, 0 },
        { "1k", 0, -EINVAL, 0 },
        { "1.0", 0, -EINVAL, 0 },
        { "1.5", 0, -EINVAL, 0 },
        { "1K", 0, -EINVAL, 0 },
        { "18446744073709551616x", 0, -EINVAL, 0 },
};

static const struct num_case weight_cases[] = {
        { "1", 0, 0, 1 },
        { "100", 0, 0, 100 },
        { "10000", 0, 0, 10000 },
        { "  250\n", 0, 0, 250 },
        { "default", 0, UNITS_WEIGHT_IS_DEFAULT, UNITS_WEIGHT_DEFAULT },
        { "default\n", 0, UNITS_WEIGHT_IS_DEFAULT, UNITS_WEIGHT_DEFAULT },
        { "idle", 0, UNITS_WEIGHT_IS_IDLE, SENTINEL },
        { " idle\n", 0, UNITS_WEIGHT_IS_IDLE, SENTINEL },
        { "0", 0, -ERANGE, 0 },
        { "10001", 0, -ERANGE, 0 },
        { "18446744073709551616", 0, -ERANGE, 0 },
        { "max", 0, -EINVAL, 0 },
        { "1.5", 0, -EINVAL, 0 },
        { "1k", 0, -EINVAL, 0 },
        { "idle default", 0, -EINVAL, 0 },
        { "defaults", 0, -EINVAL, 0 },
};

static void test_number_parsers(void)
{
        static const struct {
                const char *name;
                num_parser parse;
                uint64_t arg;
        } parsers[] = {
                { "parse_size", p_size, 1000 },
                { "parse_cpus", p_cpus, 100000 },
                { "parse_duration", p_duration, 0 },
                { "parse_count", p_count, 0 },
                { "parse_weight", p_weight, 0 },
        };

        run_num_cases("parse_size", p_size, size_cases, ELEMENTSOF(size_cases));
        run_num_cases("parse_cpus", p_cpus, cpu_cases, ELEMENTSOF(cpu_cases));
        run_num_cases("parse_duration", p_duration, duration_cases, ELEMENTSOF(duration_cases));
        run_num_cases("parse_count", p_count, count_cases, ELEMENTSOF(count_cases));
        run_num_cases("parse_weight", p_weight, weight_cases, ELEMENTSOF(weight_cases));

        for (size_t i = 0; i < ELEMENTSOF(parsers); i++)
                for (size_t j = 0; j < ELEMENTSOF(common_bad); j++) {
                        struct num_case c = common_bad[j];

                        c.arg = parsers[i].arg;
                        run_num_cases(parsers[i].name, parsers[i].parse, &c, 1);
                }
}

static void test_round_up(void)
{
        static const struct {
                uint64_t v, gran;
                int ret;
                uint64_t out;
        } cases[] = {
                { 0, 4096, 0, 0 },
                { 1, 4096, 0, 4096 },
                { 4095, 4096, 0, 4096 },
                { 4096, 4096, 0, 4096 },
                { 4097, 4096, 0, 8192 },
                { 10, 3, 0, 12 },
                { 5, 1, 0, 5 },
                { 1, P2(30), 0, P2(30) },
                { UINT64_MAX - 4095, 4096, 0, UINT64_MAX - 4095 },
                { UINT64_MAX - 4094, 4096, -ERANGE, 0 },
                { UINT64_MAX - 2, 2, 0, UINT64_MAX - 1 },
                { UINT64_MAX - 1, 4, -ERANGE, 0 },
                { UNITS_MAX, 4096, 0, UNITS_MAX },
                { 5, 0, -EINVAL, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint64_t out = SENTINEL, want = cases[i].ret < 0 ? SENTINEL : cases[i].out;
                int r = units_round_up(cases[i].v, cases[i].gran, &out);

                ok(r == cases[i].ret && out == want, "round_up(%llu, %llu) = %s, %llu (got %s, %llu)",
                   (unsigned long long) cases[i].v, (unsigned long long) cases[i].gran,
                   rets(cases[i].ret), (unsigned long long) want, rets(r), (unsigned long long) out);
        }
}

/*
 * What the kernel gets for a size: parsed (fractions of a byte up), then up
 * to the granularity (4K page, 2M/1G huge page). SPEC 3: a non-zero request
 * never becomes 0, exact multiples stay as they are.
 */
static void test_parse_size_up(void)
{
        static const struct {
                const char *in;
                uint64_t gran;
                int ret;
                uint64_t out;
        } cases[] = {
                { "0", 4096, 0, 0 },
                { "0.0", P2(21), 0, 0 },
                { "0K", P2(21), 0, 0 },
                { "0.5", 4096, 0, 4096 },
                { "0.5", P2(21), 0, P2(21) },
                { "0.0001K", 4096, 0, 4096 },
                { "0.0001K", P2(21), 0, P2(21) },
                { "0.0000000000000000000000000000001", P2(30), 0, P2(30) },
                { "1", 4096, 0, 4096 },
                { "1.0000001", 4096, 0, 4096 },
                { "1.0000001", 1, 0, 2 },
                { "0.5", 1, 0, 1 },
                { "4096", 4096, 0, 4096 },
                { "4096.0000001", 4096, 0, 8192 },
                { "4K", 4096, 0, 4096 },
                { "4.0000001K", 4096, 0, 8192 },
                { "3M", P2(21), 0, P2(22) },
                { "2M", P2(21), 0, P2(21) },
                { "1.5G", P2(21), 0, 1610612736 },
                { "1.5G", P2(30), 0, P2(31) },
                { "262148K", P2(21), 0, 258 * P2(20) },
                { "0.1%", 4096, 0, 4096 },
                { "max", 4096, UNITS_IS_MAX, UNITS_MAX },
                { " infinity\n", P2(21), UNITS_IS_MAX, UNITS_MAX },
                { "18446744073709551615", 4096, UNITS_IS_MAX, UNITS_MAX },
                { "18446744073709547520", 4096, 0, UINT64_MAX - 4095 },
                { "18446744073709547521", 4096, -ERANGE, 0 },
                { "18446744073709551614", 3, UNITS_IS_MAX, UNITS_MAX }, /* 3 divides 2^64 - 1 */
                { "16E", 4096, -ERANGE, 0 },
                { "1e9", 4096, -EINVAL, 0 },
                { "-1", 4096, -EINVAL, 0 },
                { "", 4096, -EINVAL, 0 },
                { "1", 0, -EINVAL, 0 },
                { "max", 0, -EINVAL, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint64_t out = SENTINEL, want = cases[i].ret < 0 ? SENTINEL : cases[i].out;
                int r = units_parse_size_up(cases[i].in, 1000, cases[i].gran, &out);

                ok(r == cases[i].ret && out == want, "parse_size_up(%s, gran %llu) = %s, %llu (got %s, %llu)",
                   show(cases[i].in), (unsigned long long) cases[i].gran, rets(cases[i].ret),
                   (unsigned long long) want, rets(r), (unsigned long long) out);
        }
}

/* ---- formatters -------------------------------------------------------- */

struct print_case {
        uint64_t v, arg;
        const char *out;
};

typedef int (*formatter)(uint64_t v, uint64_t arg, char *buf, size_t n);

static int f_size(uint64_t v, uint64_t arg UNUSED, char *buf, size_t n)
{
        return units_format_size(v, buf, n);
}

static int f_size_approx(uint64_t v, uint64_t arg UNUSED, char *buf, size_t n)
{
        return units_format_size_approx(v, buf, n);
}

static int f_cpus(uint64_t v, uint64_t arg, char *buf, size_t n)
{
        return units_format_cpus(v, arg, buf, n);
}

static int f_duration(uint64_t v, uint64_t arg UNUSED, char *buf, size_t n)
{
        return units_format_duration(v, buf, n);
}

static int f_duration_approx(uint64_t v, uint64_t arg UNUSED, char *buf, size_t n)
{
        return units_format_duration_approx(v, buf, n);
}

static void run_print_cases(const char *name, formatter fmt, const struct print_case *c, size_t n)
{
        for (size_t i = 0; i < n; i++, c++) {
                char buf[UNITS_BUF];
                int r = fmt(c->v, c->arg, buf, sizeof buf);

                ok(r == (int) strlen(c->out) && strcmp(buf, c->out) == 0, "%s(%llu, %llu) = %s (got %s)",
                   name, (unsigned long long) c->v, (unsigned long long) c->arg, show(c->out),
                   r < 0 ? rets(r) : show(buf));
        }
}

static const struct print_case size_prints[] = {
        { 0, 0, "0" },
        { 1, 0, "1" },
        { 512, 0, "512" },
        { 1023, 0, "1023" },
        { 1024, 0, "1K" },
        { 1025, 0, "1025" },
        { 1152, 0, "1.125K" },
        { 1088, 0, "1088" },
        { 1536, 0, "1.5K" },
        { 4095, 0, "4095" },
        { 4096, 0, "4K" },
        { 1610612736, 0, "1.5G" },
        { 268435456, 0, "256M" },
        { 268439552, 0, "262148K" },
        { P2(20) - 1, 0, "1048575" },
        { P2(20) + 1, 0, "1048577" },
        { P2(63), 0, "8E" },
        { 15 * P2(60) + P2(59), 0, "15.5E" },
        { UINT64_MAX - 1, 0, "18446744073709551614" },
        { UNITS_MAX, 0, "max" },
};

static const struct print_case size_approx_prints[] = {
        { 0, 0, "0" },
        { 512, 0, "512" },
        { 1023, 0, "1023" },
        { 1024, 0, "1.00K" },
        { 1536, 0, "1.50K" },
        { 10188, 0, "9.95K" },
        { 10234, 0, "9.99K" },
        { 10235, 0, "10.0K" },
        { 1034240, 0, "1010K" },
        { 1048064, 0, "1.00M" },
        { 122683392, 0, "117M" },
        { 2480343613, 0, "2.31G" },
        { UINT64_MAX - 1, 0, "16.0E" },
        { UNITS_MAX, 0, "max" },
};

static const struct print_case cpu_prints[] = {
        { 100000, 100000, "1" },
        { 150000, 100000, "1.5" },
        { 1000, 100000, "0.01" },
        { 25000, 100000, "0.25" },
        { 1000, 1000, "1" },
        { 1500, 1000, "1.5" },
        { 1000, 1000000, "0.001" },
        { 1234567, 1000000, "1.234567" },
        { 100001, 100000, "1.00001" },
        { 1000, 999999, "0.001" },
        { 333333, 1000000, "0.333333" },
        { 33333, 100000, "0.33333" },
        { 50000, 150000, "0.33333" },
        { UNITS_CPU_QUOTA_MAX_US, 100000, "175921860.44415" },
        { UNITS_CPU_QUOTA_MAX_US, 1000, "17592186044.415" },
        { UNITS_MAX, 100000, "max" },
};

static const struct print_case duration_prints[] = {
        { 0, 0, "0" },
        { 1, 0, "1us" },
        { 999, 0, "999us" },
        { 1000, 0, "1ms" },
        { 1500, 0, "1500us" },
        { 100000, 0, "100ms" },
        { 1000000, 0, "1s" },
        { 1500000, 0, "1500ms" },
        { 2000000, 0, "2s" },
        { UINT64_MAX, 0, "18446744073709551615us" },
};

static const struct print_case duration_approx_prints[] = {
        { 0, 0, "0us" },
        { 850, 0, "850us" },
        { 999, 0, "999us" },
        { 1000, 0, "1.00ms" },
        { 12500, 0, "12.5ms" },
        { 999499, 0, "999ms" },
        { 999500, 0, "1.00s" },
        { 1200000, 0, "1.20s" },
        { 83500000, 0, "83.5s" },
        { 999499999, 0, "999s" },
        { 999500000, 0, "1000s" },
        { 12345000000, 0, "12345s" },
        { UINT64_MAX, 0, "18446744073710s" },
};

static void test_prints(void)
{
        run_print_cases("format_size", f_size, size_prints, ELEMENTSOF(size_prints));
        run_print_cases("format_size_approx", f_size_approx, size_approx_prints,
                        ELEMENTSOF(size_approx_prints));
        run_print_cases("format_cpus", f_cpus, cpu_prints, ELEMENTSOF(cpu_prints));
        run_print_cases("format_duration", f_duration, duration_prints, ELEMENTSOF(duration_prints));
        run_print_cases("format_duration_approx", f_duration_approx, duration_approx_prints,
                        ELEMENTSOF(duration_approx_prints));
}

/* A buffer one byte short must fail and stay untouched; the exact size works. */
static void check_enobufs(const char *name, formatter fmt, uint64_t v, uint64_t arg)
{
        char full[UNITS_BUF], buf[UNITS_BUF];
        int len = fmt(v, arg, full, sizeof full), r;
        bool pass = len > 0;

        memset(buf, 'X', sizeof buf);
        r = fmt(v, arg, buf, (size_t) len);
        pass = pass && r == -ENOBUFS && buf[0] == 'X' && buf[len] == 'X';
        r = fmt(v, arg, buf, 0);
        pass = pass && r == -ENOBUFS && buf[0] == 'X';
        r = fmt(v, arg, buf, (size_t) len + 1);
        pass = pass && r == len && strcmp(buf, full) == 0;
        ok(pass, "%s(%llu) -ENOBUFS with %d bytes, fits in %d", name, (unsigned long long) v, len, len + 1);
}

static void test_enobufs(void)
{
        check_enobufs("format_size", f_size, 1610612736, 0);
        check_enobufs("format_size", f_size, UNITS_MAX, 0);
        check_enobufs("format_size_approx", f_size_approx, 2480343613, 0);
        check_enobufs("format_cpus", f_cpus, 150000, 100000);
        check_enobufs("format_duration", f_duration, 1500, 0);
        check_enobufs("format_duration_approx", f_duration_approx, 1200000, 0);
}

/* ---- round trips ------------------------------------------------------- */

static bool size_round_trip(uint64_t v, char *why, size_t n)
{
        char buf[UNITS_BUF];
        uint64_t back = SENTINEL;
        int r = units_format_size(v, buf, sizeof buf), p;

        if (r < 0)
                return snprintf(why, n, "format_size(%llu) = %s", (unsigned long long) v, rets(r)), false;
        p = units_parse_size(buf, 0, &back);
        if (p != (v == UNITS_MAX ? UNITS_IS_MAX : 0) || back != v)
                return snprintf(why, n, "%llu -> %s -> %s, %llu", (unsigned long long) v, show(buf),
                                rets(p), (unsigned long long) back), false;
        return true;
}

/*
 * Approximate prints read back within the rounding of 3 significant
 * digits. Near 2^64 they may round up past it ("16.0E"), which only the
 * parser's -ERANGE can say.
 */
static bool approx_close(uint64_t v, int r, uint64_t back)
{
        uint64_t diff = v > back ? v - back : back - v;

        if (r == -ERANGE)
                return v >= UINT64_MAX - v / 200;
        return r >= 0 && diff <= v / 200 + 1;
}

static bool size_approx_ok(uint64_t v, char *why, size_t n)
{
        char buf[UNITS_BUF];
        uint64_t back = SENTINEL;
        int r = units_format_size_approx(v, buf, sizeof buf), p = 0;

        if (r >= 0)
                p = units_parse_size(buf, 0, &back);
        if (r < 0 || r > 6 || !approx_close(v, p, back))
                return snprintf(why, n, "approx %llu -> %s -> %llu", (unsigned long long) v,
                                r < 0 ? rets(r) : show(buf), (unsigned long long) back), false;
        return true;
}

/* Does c / 10^dec CPUs parse back to quota? */
static bool cpus_maps_to(uint64_t c, unsigned dec, uint64_t period, uint64_t quota)
{
        char buf[UNITS_BUF];
        uint64_t scale = 1, back = SENTINEL;

        for (unsigned i = 0; i < dec; i++)
                scale *= 10;
        if (dec == 0)
                snprintf(buf, sizeof buf, "%llu", (unsigned long long) c);
        else
                snprintf(buf, sizeof buf, "%llu.%0*llu", (unsigned long long) (c / scale), (int) dec,
                         (unsigned long long) (c % scale));
        return units_parse_cpus(buf, period, &back) == 0 && back == quota;
}

/*
 * No correctly rounded value with fewer decimals maps back to quota. (At
 * the minimum quota a cruder value would too, clamped up: "0.9" for
 * 1000/1001; the print stays the rounded value, "0.999".)
 */
static bool cpus_fewest(uint64_t quota, uint64_t period, const char *printed)
{
        const char *dot = strchr(printed, '.');
        unsigned decimals = dot ? (unsigned) strlen(dot + 1) : 0;
        uint64_t scale = 1;

        for (unsigned dec = 0; dec < decimals; dec++, scale *= 10) {
                uint64_t c = (uint64_t) (((unsigned __int128) quota * scale * 2 + period) / (2 * period));

                if (cpus_maps_to(c, dec, period, quota))
                        return false;
        }
        return true;
}

static bool cpus_round_trip(uint64_t quota, uint64_t period, char *why, size_t n)
{
        char buf[UNITS_BUF];
        uint64_t back = SENTINEL;
        int r = units_format_cpus(quota, period, buf, sizeof buf), p;
        const char *dot = strchr(buf, '.');

        if (r < 0)
                return snprintf(why, n, "format_cpus(%llu, %llu) = %s", (unsigned long long) quota,
                                (unsigned long long) period, rets(r)), false;
        p = units_parse_cpus(buf, period, &back);
        if (p != (quota == UNITS_MAX ? UNITS_IS_MAX : 0) || back != quota || (dot && strlen(dot + 1) > 6) ||
            !cpus_fewest(quota, period, buf))
                return snprintf(why, n, "%llu/%llu -> %s -> %s, %llu", (unsigned long long) quota,
                                (unsigned long long) period, show(buf), rets(p),
                                (unsigned long long) back), false;
        return true;
}

static bool duration_round_trip(uint64_t us, char *why, size_t n)
{
        char buf[UNITS_BUF];
        uint64_t back = SENTINEL;
        int r = units_format_duration(us, buf, sizeof buf), p;

        if (r < 0)
                return snprintf(why, n, "format_duration(%llu) = %s", (unsigned long long) us,
                                rets(r)), false;
        p = units_parse_duration(buf, &back);
        if (p != 0 || back != us)
                return snprintf(why, n, "%llu -> %s -> %s, %llu", (unsigned long long) us, show(buf),
                                rets(p), (unsigned long long) back), false;
        r = units_format_duration_approx(us, buf, sizeof buf);
        if (r >= 0)
                p = units_parse_duration(buf, &back);
        if (r < 0 || !approx_close(us, p, back))
                return snprintf(why, n, "approx %llu -> %s -> %llu", (unsigned long long) us,
                                r < 0 ? rets(r) : show(buf), (unsigned long long) back), false;
        return true;
}

/* Counts a loop's failures and prints the first few as diagnostics. */
struct tally {
        unsigned runs, fails;
};

static void tally(struct tally *t, bool pass, const char *why)
{
        t->runs++;
        if (!pass && t->fails++ < 5)
                diag("%s", why);
}

static void test_size_round_trips(void)
{
        static const uint64_t edges[] = {
                0, 1, 2, 511, 512, 1023, 1024, 1025, 4095, 4096, 4097,
                P2(20) - 1, P2(20), P2(20) + 1, P2(30) + P2(29), P2(30) - 1,
                268439552, 1610612736, P2(40) * 3, P2(63) - 1, P2(63), P2(63) + 1,
                UINT64_MAX - 2, UINT64_MAX - 1, UNITS_MAX,
        };
        char why[256] = "";
        struct tally t = { 0 }, a = { 0 };

        for (size_t i = 0; i < ELEMENTSOF(edges); i++) {
                ok(size_round_trip(edges[i], why, sizeof why), "size round trip %llu%s%s",
                   (unsigned long long) edges[i], *why ? ": " : "", why);
                why[0] = '\0';
        }
        for (size_t i = 0; i < ELEMENTSOF(edges); i++)
                tally(&a, size_approx_ok(edges[i], why, sizeof why), why);
        for (unsigned i = 0; i < RANDOM_ROUNDS; i++) {
                uint64_t v = rnd_u64();

                tally(&t, size_round_trip(v, why, sizeof why), why);
                tally(&a, size_approx_ok(v, why, sizeof why), why);
        }
        ok(t.fails == 0, "size round trip, %u random values: %u failed", t.runs, t.fails);
        ok(a.fails == 0, "approximate size within 0.5%%, %u values: %u failed", a.runs, a.fails);
}

static void test_cpus_round_trips(void)
{
        static const uint64_t periods[] = {
                1000, 1001, 3333, 10000, 99999, 100000, 150000, 333333, 999999, 1000000,
        };
        static const uint64_t quotas[] = {
                1000, 1001, 1500, 9999, 10000, 33333, 99999, 100000, 100001, 150000,
                999999, 1000000, 1000001, 123456789, UNITS_CPU_QUOTA_MAX_US - 1, UNITS_CPU_QUOTA_MAX_US,
                UNITS_MAX,
        };
        char why[256];
        struct tally e = { 0 }, t = { 0 };

        for (size_t i = 0; i < ELEMENTSOF(periods); i++)
                for (size_t j = 0; j < ELEMENTSOF(quotas); j++)
                        tally(&e, cpus_round_trip(quotas[j], periods[i], why, sizeof why), why);
        ok(e.fails == 0, "cpus round trip, %u boundary pairs: %u failed", e.runs, e.fails);
        for (unsigned i = 0; i < RANDOM_ROUNDS; i++) {
                uint64_t period = i % 4 == 0 ? 100000 :
                                  rnd_range(UNITS_CPU_PERIOD_MIN_US, UNITS_CPU_PERIOD_MAX_US);
                uint64_t quota = rnd_range(UNITS_CPU_QUOTA_MIN_US, UNITS_CPU_QUOTA_MAX_US);

                tally(&t, cpus_round_trip(quota, period, why, sizeof why), why);
        }
        ok(t.fails == 0, "cpus round trip, %u random pairs: %u failed", t.runs, t.fails);
}

static void test_duration_round_trips(void)
{
        static const uint64_t edges[] = {
                0, 1, 999, 1000, 1001, 999499, 999500, 999999, 1000000, 1000001, 1500000,
                999500000, P2(63), UINT64_MAX - 1, UINT64_MAX,
        };
        char why[256];
        struct tally e = { 0 }, t = { 0 };

        for (size_t i = 0; i < ELEMENTSOF(edges); i++)
                tally(&e, duration_round_trip(edges[i], why, sizeof why), why);
        ok(e.fails == 0, "duration round trip, %u boundaries: %u failed", e.runs, e.fails);
        for (unsigned i = 0; i < RANDOM_ROUNDS; i++) {
                uint64_t us = rnd_u64();

                if (i % 3 == 1)
                        us = (us % (UINT64_MAX / 1000000)) * 1000000;
                else if (i % 3 == 2)
                        us = (us % (UINT64_MAX / 1000)) * 1000;
                tally(&t, duration_round_trip(us, why, sizeof why), why);
        }
        ok(t.fails == 0, "duration round trip, %u random values: %u failed", t.runs, t.fails);
}

/* ---- CPU lists --------------------------------------------------------- */

struct list_case {
        const char *in;
        int ret;
        const char *out; /* NULL: output untouched */
};

static const struct list_case cpulist_cases[] = {
        { "0-3,8", 5, "0-3,8" },
        { "8,0-3", 5, "0-3,8" },
        { "0", 1, "0" },
        { "", 0, "" },
        { " ", 0, "" },
        { "\n", 0, "" },
        { "0-3,8\n", 5, "0-3,8" },
        { " 0 - 3 , 8 ", 5, "0-3,8" },
        { "0,1,2,3", 3, "0-3" },
        { "0,1", 3, "0-1" },
        { "3-3", 1, "3" },
        { "007", 1, "7" },
        { "0-2,4-6,3", 3, "0-6" },
        { "0-3,2-5", 3, "0-5" },
        { "63,64", 5, "63-64" },
        { "0,2,4", 5, "0,2,4" },
        { "65535", 5, "65535" },
        { "0-65535", 7, "0-65535" },
        { "0-65535,0-65535", 7, "0-65535" },
        { "65536", -ERANGE, NULL },
        { "0-65536", -ERANGE, NULL },
        { "18446744073709551616", -ERANGE, NULL },
        { "65536-1", -ERANGE, NULL },
        { "3-1", -EINVAL, NULL },
        { "1,,2", -EINVAL, NULL },
        { ",1", -EINVAL, NULL },
        { "1,", -EINVAL, NULL },
        { ",", -EINVAL, NULL },
        { "-1", -EINVAL, NULL },
        { "1-", -EINVAL, NULL },
        { "1-2-3", -EINVAL, NULL },
        { "a", -EINVAL, NULL },
        { "1.5", -EINVAL, NULL },
        { "0x1", -EINVAL, NULL },
        { "1 2", -EINVAL, NULL },
        { "+1", -EINVAL, NULL },
        { "0-7:2/4", -EINVAL, NULL },
        { "65536,x", -EINVAL, NULL },
        { "max", -EINVAL, NULL },
};

static void test_cpulist(void)
{
        char buf[256], small[16];
        int r;

        for (size_t i = 0; i < ELEMENTSOF(cpulist_cases); i++) {
                const struct list_case *c = &cpulist_cases[i];
                const char *want = c->out ? c->out : "SENTINEL";

                strcpy(buf, "SENTINEL");
                r = units_parse_cpulist(c->in, buf, sizeof buf);
                ok(r == c->ret && strcmp(buf, want) == 0, "parse_cpulist(%s) = %s, %s (got %s, %s)",
                   show(c->in), rets(c->ret), show(want), rets(r), show(buf));
        }

        memset(small, 'X', sizeof small);
        r = units_parse_cpulist("8-11,0-3", small, 8);
        ok(r == -ENOBUFS && small[0] == 'X' && small[7] == 'X',
           "parse_cpulist: 8 bytes for \"0-3,8-11\" is -ENOBUFS, untouched");
        r = units_parse_cpulist("8-11,0-3", small, 9);
        ok(r == 8 && strcmp(small, "0-3,8-11") == 0, "parse_cpulist: 9 bytes hold \"0-3,8-11\"");
        r = units_parse_cpulist("", small, 0);
        ok(r == -ENOBUFS, "parse_cpulist: \"\" needs one byte");
}

/* Random sets written as shuffled single numbers and ranges, against a reference print. */
static void test_cpulist_round_trips(void)
{
        static char in[65536 * 8], out[65536 * 8], want[65536 * 8], again[65536 * 8];
        static unsigned char set[65536];
        struct tally t = { 0 };
        char why[256];

        for (unsigned round = 0; round < 300; round++) {
                unsigned limit = round % 3 == 0 ? 65536 : round % 3 == 1 ? 256 : 64;
                unsigned items = (unsigned) (rnd() % 40), len = 0, wlen = 0;
                int r, r2;

                in[0] = want[0] = '\0';

                memset(set, 0, sizeof set);
                for (unsigned i = 0; i < items; i++) {
                        unsigned a = (unsigned) (rnd() % limit), b = a;

                        if (rnd() % 2)
                                b = a + (unsigned) (rnd() % (limit - a));
                        for (unsigned k = a; k <= b; k++)
                                set[k] = 1;
                        len += (unsigned) sprintf(in + len, "%s%u", i == 0 ? "" : rnd() % 2 ? ", " : ",", a);
                        if (b != a || rnd() % 4 == 0)
                                len += (unsigned) sprintf(in + len, "-%u", b);
                }
                for (unsigned k = 0; k < 65536; k++) {
                        unsigned j = k;

                        if (!set[k])
                                continue;
                        while (j + 1 < 65536 && set[j + 1])
                                j++;
                        wlen += (unsigned) sprintf(want + wlen, wlen ? ",%u" : "%u", k);
                        if (j > k)
                                wlen += (unsigned) sprintf(want + wlen, "-%u", j);
                        k = j;
                }
                r = units_parse_cpulist(in, out, sizeof out);
                r2 = units_parse_cpulist(out, again, sizeof again);
                snprintf(why, sizeof why, "%s -> %s, %s (want %s), again %s, %s", show(in), rets(r),
                         show(out), show(want), rets(r2), show(again));
                tally(&t, r == (int) wlen && strcmp(out, want) == 0 && r2 == r && strcmp(again, out) == 0,
                      why);
        }
        ok(t.fails == 0, "cpulist normalization, %u random sets: %u failed", t.runs, t.fails);
}

/* ---- io.max, io.weight ------------------------------------------------- */

#define M UNITS_MAX
#define ALL ((1u << UNITS_IO_NKEYS) - 1)

struct io_case {
        const char *in;
        int ret;
        const char *dev;
        unsigned set;
        uint64_t v[UNITS_IO_NKEYS];
};

static const struct io_case io_cases[] = {
        { "sda rbps=10M", 0, "sda", 1, { 10 << 20 } },
        { "8:0 wiops=1k", 0, "8:0", 8, { 0, 0, 0, 1000 } },
        { "sda max", 0, "sda", ALL, { M, M, M, M } },
        { "sda MAX\n", 0, "sda", ALL, { M, M, M, M } },
        { "sda rbps=10M wbps=max riops=max wiops=1000", 0, "sda", ALL, { 10 << 20, M, M, 1000 } },
        { "  nvme0n1\trbps=1.5G  wiops=2M\n", 0, "nvme0n1", 9, { 3 * P2(29), 0, 0, 2000000 } },
        { "/dev/sda riops=1.5k", 0, "/dev/sda", 4, { 0, 0, 1500, 0 } },
        { "dm-0 riops=20G", 0, "dm-0", 4, { 0, 0, 20000000000, 0 } },
        { "sda riops=1K wbps=512", 0, "sda", 6, { 0, 512, 1000, 0 } },
        { "sda riops=1.50k", 0, "sda", 4, { 0, 0, 1500, 0 } },
        { "sda wbps=18446744073709551615", 0, "sda", 2, { 0, M } },
        { .in = "sda", .ret = -EINVAL },
        { .in = "", .ret = -EINVAL },
        { .in = "\n", .ret = -EINVAL },
        { .in = "rbps=1M", .ret = -EINVAL },
        { .in = "sda foo=1", .ret = -EINVAL },
        { .in = "sda rbps=1 rbps=2", .ret = -EINVAL },
        { .in = "sda rbps=50%", .ret = -EINVAL },
        { .in = "sda max rbps=1", .ret = -EINVAL },
        { .in = "sda rbps=1 max", .ret = -EINVAL },
        { .in = "sda rbps = 1", .ret = -EINVAL },
        { .in = "sda rbps=", .ret = -EINVAL },
        { .in = "sda =1", .ret = -EINVAL },
        { .in = "sda RBPS=1", .ret = -EINVAL },
        { .in = "sd$a rbps=1", .ret = -EINVAL },
        { .in = "8:-0 rbps=1", .ret = -EINVAL },
        { .in = "-1:0 rbps=1", .ret = -EINVAL },
        { .in = "8:0:0 rbps=1", .ret = -EINVAL },
        { .in = "8: rbps=1", .ret = -EINVAL },
        { .in = ":0 rbps=1", .ret = -EINVAL },
        { .in = "sda:1 rbps=1", .ret = -EINVAL },
        { .in = "sda rbps=-1", .ret = -EINVAL },
        { .in = "sda riops=1.5", .ret = -EINVAL },
        { .in = "sda riops=1.0005k", .ret = -EINVAL },
        { .in = "sda riops=1m", .ret = -EINVAL },
        { .in = "sda riops=1KiB", .ret = -EINVAL },
        { .in = "sda rbps=1M\nsdb rbps=1M", .ret = -EINVAL },
        { .in = "sda rbps=18446744073709551616", .ret = -ERANGE },
        { .in = "sda riops=18446744073709551616", .ret = -ERANGE },
        { .in = "sda riops=19000000000G", .ret = -ERANGE },
        { .in = "sda riops=18446744073709551616 foo=1", .ret = -EINVAL },
        { .in = "0123456789012345678901234567890123456789012345678901234567890123 max", .ret = -EINVAL },
        { "012345678901234567890123456789012345678901234567890123456789012 max", 0,
          "012345678901234567890123456789012345678901234567890123456789012", ALL, { M, M, M, M } },
};

static void test_io_max(void)
{
        for (size_t i = 0; i < ELEMENTSOF(io_cases); i++) {
                const struct io_case *c = &io_cases[i];
                struct units_io_limit l, sentinel;
                int r;
                bool pass;

                memset(&l, 0x5e, sizeof l);
                sentinel = l;
                r = units_parse_io_max_line(c->in, &l);
                if (c->ret < 0)
                        pass = r == c->ret && memcmp(&l, &sentinel, sizeof l) == 0;
                else {
                        pass = r == c->ret && strcmp(l.dev, c->dev) == 0 && l.set == c->set;
                        for (int k = 0; k < UNITS_IO_NKEYS; k++)
                                pass = pass && (!(c->set & 1u << k) || l.v[k] == c->v[k]);
                }
                ok(pass, "parse_io_max_line(%s) = %s (got %s)", show(c->in), rets(c->ret), rets(r));
        }
}

static void test_io_max_format(void)
{
        static const uint64_t v[UNITS_IO_NKEYS] = { 10 << 20, M, M, 1000 };
        static const uint64_t w[UNITS_IO_NKEYS] = { 268439552, 1536, 0, UINT64_MAX - 1 };
        char buf[256], small[16];
        struct tally t = { 0 };
        char why[512];
        int r;

        r = units_format_io_max_line("sda", v, buf, sizeof buf);
        ok(r > 0 && strcmp(buf, "sda rbps=10M wbps=max riops=max wiops=1000") == 0,
           "format_io_max_line = \"sda rbps=10M wbps=max riops=max wiops=1000\" (got %s)", show(buf));
        r = units_format_io_max_line("8:16", w, buf, sizeof buf);
        ok(r > 0 && strcmp(buf, "8:16 rbps=262148K wbps=1.5K riops=0 wiops=18446744073709551614") == 0,
           "format_io_max_line, exact sizes and counts (got %s)", show(buf));
        memset(small, 'X', sizeof small);
        ok(units_format_io_max_line("sda", v, small, sizeof small) == -ENOBUFS && small[0] == 'X',
           "format_io_max_line: -ENOBUFS, untouched");
        ok(units_format_io_max_line("sd a", v, buf, sizeof buf) == -EINVAL &&
           units_format_io_max_line("", v, buf, sizeof buf) == -EINVAL,
           "format_io_max_line: bad device names are -EINVAL");

        for (unsigned i = 0; i < RANDOM_ROUNDS / 4; i++) {
                uint64_t in[UNITS_IO_NKEYS];
                struct units_io_limit l;
                bool pass;

                for (int k = 0; k < UNITS_IO_NKEYS; k++)
                        in[k] = rnd() % 5 == 0 ? UNITS_MAX : rnd_u64();
                r = units_format_io_max_line("nvme0n1", in, buf, sizeof buf);
                pass = r > 0 && units_parse_io_max_line(buf, &l) == 0 && l.set == ALL &&
                       strcmp(l.dev, "nvme0n1") == 0;
                for (int k = 0; k < UNITS_IO_NKEYS; k++)
                        pass = pass && l.v[k] == in[k];
                snprintf(why, sizeof why, "io line %s", show(buf));
                tally(&t, pass, why);
        }
        ok(t.fails == 0, "io.max line round trip, %u random lines: %u failed", t.runs, t.fails);
}

struct kio_case {
        const char *in;
        int ret;
        unsigned major, minor;
        uint64_t v[UNITS_IO_NKEYS];
};

static void test_kernel_io_max(void)
{
        static const struct kio_case cases[] = {
                { "8:0 rbps=max wbps=1048576 riops=max wiops=1000", 0, 8, 0, { M, 1048576, M, 1000 } },
                { "8:16 rbps=1 wbps=2 riops=3 wiops=4\n", 0, 8, 16, { 1, 2, 3, 4 } },
                { "259:0 rbps=max wbps=max riops=max wiops=max newkey=5", 0, 259, 0, { M, M, M, M } },
                { "253:1 wiops=7", 0, 253, 1, { M, M, M, 7 } },
                { "4294967295:4294967295 rbps=0", 0, 4294967295u, 4294967295u, { 0, M, M, M } },
                { .in = "4294967296:0 rbps=1", .ret = -ERANGE },
                { .in = "8:0 rbps=18446744073709551616", .ret = -ERANGE },
                { .in = "8 rbps=1", .ret = -EINVAL },
                { .in = "8:x rbps=1", .ret = -EINVAL },
                { .in = ":0 rbps=1", .ret = -EINVAL },
                { .in = "sda rbps=1", .ret = -EINVAL },
                { .in = "8:0 rbps=1M", .ret = -EINVAL },
                { .in = "8:0 rbps", .ret = -EINVAL },
                { .in = "8:0 rbps=1 rbps=2", .ret = -EINVAL },
                { .in = "4294967296:0 rbps=x", .ret = -EINVAL },
                { .in = "", .ret = -EINVAL },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const struct kio_case *c = &cases[i];
                unsigned major = 0x5e5e, minor = 0x5e5e;
                uint64_t v[UNITS_IO_NKEYS] = { SENTINEL, SENTINEL, SENTINEL, SENTINEL };
                int r = units_parse_kernel_io_max(c->in, &major, &minor, v);
                bool pass = r == c->ret;

                if (c->ret < 0)
                        pass = pass && major == 0x5e5e && minor == 0x5e5e && v[0] == SENTINEL &&
                               v[3] == SENTINEL;
                else
                        pass = pass && major == c->major && minor == c->minor &&
                               memcmp(v, c->v, sizeof v) == 0;
                ok(pass, "parse_kernel_io_max(%s) = %s (got %s)", show(c->in), rets(c->ret), rets(r));
        }
}

static void test_io_weight(void)
{
        static const struct {
                const char *in;
                int ret;
                const char *dev;
                uint64_t w;
        } cases[] = {
                { "100", 0, "", 100 },
                { "  250\n", 0, "", 250 },
                { "sda 200", 0, "sda", 200 },
                { "8:0 10000", 0, "8:0", 10000 },
                { "sda default", UNITS_WEIGHT_IS_DEFAULT, "sda", 100 },
                { "default", UNITS_WEIGHT_IS_DEFAULT, "", 100 },
                { "default 300", 0, "", 300 },
                { .in = "0", .ret = -ERANGE },
                { .in = "10001", .ret = -ERANGE },
                { .in = "sda 0", .ret = -ERANGE },
                { .in = "sda", .ret = -EINVAL },
                { .in = "sda 1 2", .ret = -EINVAL },
                { .in = "sda max", .ret = -EINVAL },
                { .in = "sda idle", .ret = -EINVAL },
                { .in = "sd$ 100", .ret = -EINVAL },
                { .in = "8:-0 100", .ret = -EINVAL },
                { .in = "sda 1.5", .ret = -EINVAL },
                { .in = "", .ret = -EINVAL },
                { .in = " \n", .ret = -EINVAL },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char dev[64] = "SENTINEL";
                uint64_t w = SENTINEL;
                int r = units_parse_io_weight_line(cases[i].in, dev, &w);
                bool pass = r == cases[i].ret;

                if (cases[i].ret < 0)
                        pass = pass && strcmp(dev, "SENTINEL") == 0 && w == SENTINEL;
                else
                        pass = pass && strcmp(dev, cases[i].dev) == 0 && w == cases[i].w;
                ok(pass, "parse_io_weight_line(%s) = %s (got %s, %s, %llu)", show(cases[i].in),
                   rets(cases[i].ret), rets(r), show(dev), (unsigned long long) w);
        }
}

/*
 * The kernel's io.weight line for a parsed line; the device resolved to
 * 7:0. "loop0 default" must reach the kernel as "7:0 default" (which drops
 * the device's own weight), never as an explicit "7:0 100".
 */
static void test_kernel_io_weight(void)
{
        static const struct {
                const char *in;   /* a line as written to limits/io.weight */
                const char *out;
        } cases[] = {
                { "loop0 default", "7:0 default" },
                { "loop0 default\n", "7:0 default" },
                { "7:0 default", "7:0 default" },
                { "loop0 100", "7:0 100" },
                { "loop0 200", "7:0 200" },
                { "loop0 10000", "7:0 10000" },
                { "300", "default 300" },
                { "default", "default 100" },
                { "default 300", "default 300" },
                { "default default", "default 100" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char dev[64], buf[UNITS_BUF] = "";
                uint64_t w = 0;
                int kind = units_parse_io_weight_line(cases[i].in, dev, &w), r = kind;

                if (kind >= 0)
                        r = units_format_kernel_io_weight(kind, dev[0] != 0, 7, 0, w, buf, sizeof buf);
                ok(r == (int) strlen(cases[i].out) && strcmp(buf, cases[i].out) == 0,
                   "kernel io.weight line for %s = %s (got %s, %s)", show(cases[i].in), show(cases[i].out),
                   rets(r), show(buf));
        }
}

static void test_format_kernel_io_weight(void)
{
        static const struct {
                int kind;
                bool has_dev;
                unsigned major, minor;
                uint64_t w;
                int ret;          /* for a failure; a success returns strlen(out) */
                const char *out;  /* NULL: a failure, output untouched */
        } direct[] = {
                { UNITS_WEIGHT_IS_DEFAULT, true, 8, 16, 100, 0, "8:16 default" },
                { UNITS_WEIGHT_IS_DEFAULT, true, 8, 16, 0, -ERANGE, NULL },
                { 0, true, 4294967295u, 4294967295u, 1, 0, "4294967295:4294967295 1" },
                { 0, false, 8, 0, 1, 0, "default 1" },
                { UNITS_WEIGHT_IS_DEFAULT, false, 0, 0, 100, 0, "default 100" },
                { UNITS_WEIGHT_IS_IDLE, true, 8, 0, 100, -EINVAL, NULL },
                { -1, true, 8, 0, 100, -EINVAL, NULL },
                { 0, true, 8, 0, 0, -ERANGE, NULL },
                { 0, true, 8, 0, 10001, -ERANGE, NULL },
                { 0, false, 8, 0, UNITS_MAX, -ERANGE, NULL },
        };
        char small[11] = "SENTINEL";
        const char *want;
        int r, ret;

        for (size_t i = 0; i < ELEMENTSOF(direct); i++) {
                char buf[UNITS_BUF] = "SENTINEL";

                r = units_format_kernel_io_weight(direct[i].kind, direct[i].has_dev, direct[i].major,
                                                  direct[i].minor, direct[i].w, buf, sizeof buf);
                want = direct[i].out ? direct[i].out : "SENTINEL";
                ret = direct[i].out ? (int) strlen(want) : direct[i].ret;
                ok(r == ret && strcmp(buf, want) == 0,
                   "format_kernel_io_weight(%d, %d, %u:%u, %llu) = %s, %s (got %s, %s)", direct[i].kind,
                   direct[i].has_dev, direct[i].major, direct[i].minor, (unsigned long long) direct[i].w,
                   rets(ret), show(want), rets(r), show(buf));
        }

        /* A buffer one byte short is -ENOBUFS and untouched. */
        r = units_format_kernel_io_weight(UNITS_WEIGHT_IS_DEFAULT, true, 8, 0, 100, small, sizeof small);
        ok(r == -ENOBUFS && strcmp(small, "SENTINEL") == 0,
           "format_kernel_io_weight: -ENOBUFS with 11 bytes, untouched (got %s)", rets(r));
}

/* ---- kernel text ------------------------------------------------------- */

static void test_kernel_text(void)
{
        static const char cpu_stat[] = "usage_usec 123\nuser_usec 5\nsystem_usec 118\n"
                                       "nr_periods 0\nthrottled_usec 0";
        static const char io_stat[] =
                "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n"
                "8:16 rbytes=5 wbytes=6 rios=3 wios=4 dbytes=0 dios=0 cost.vrate=100.00\n";
        static const char psi[] = "some avg10=2.35 avg60=1.00 avg300=0.50 total=12345\n"
                                  "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
        static const struct {
                const char *text, *key;
                int ret;
                uint64_t v;
        } kv[] = {
                { cpu_stat, "usage_usec", 0, 123 },
                { cpu_stat, "system_usec", 0, 118 },
                { cpu_stat, "throttled_usec", 0, 0 },
                { .text = cpu_stat, .key = "usage", .ret = -ENOENT },
                { .text = cpu_stat, .key = "nope", .ret = -ENOENT },
                { .text = cpu_stat, .key = "", .ret = -EINVAL },
                { .text = "", .key = "a", .ret = -ENOENT },
                { .text = "a 1 2\n", .key = "a", .ret = -EINVAL },
                { .text = "a x\n", .key = "a", .ret = -EINVAL },
                { .text = "a\n", .key = "a", .ret = -EINVAL },
                { "a 18446744073709551615\n", "a", 0, UINT64_MAX },
                { .text = "a 18446744073709551616\n", .key = "a", .ret = -ERANGE },
                { "b 1\na 2\na 3\n", "a", 0, 2 },
        }, sums[] = {
                { io_stat, "rbytes", 0, 105 },
                { io_stat, "wbytes", 0, 206 },
                { io_stat, "dios", 0, 0 },
                { io_stat, "nope", 0, 0 },
                { "", "rbytes", 0, 0 },
                { "8:0 rbytes=18446744073709551615\n8:1 rbytes=0\n", "rbytes", 0, UINT64_MAX },
                { .text = "8:0 rbytes=18446744073709551615\n8:1 rbytes=1\n", .key = "rbytes",
                  .ret = -ERANGE },
                { .text = "8:0 rbytes=x\n", .key = "rbytes", .ret = -EINVAL },
                { .text = "8:0 rbytes=1.5\n", .key = "rbytes", .ret = -EINVAL },
                { .text = io_stat, .key = "", .ret = -EINVAL },
        };
        static const struct {
                const char *text;
                int ret;
                const char *out;
        } psis[] = {
                { psi, 5, "2.35%" },
                { "some avg10=100.00 avg60=0.00 avg300=0.00 total=1", 7, "100.00%" },
                { "some avg10=0.5 total=1", 5, "0.50%" },
                { .text = "full avg10=1.00 avg60=0.00 avg300=0.00 total=0\n", .ret = -ENOENT },
                { .text = "", .ret = -ENOENT },
                { .text = "some avg60=1.00\n", .ret = -ENOENT },
                { .text = "some avg10=abc\n", .ret = -EINVAL },
                { .text = "some avg10=\n", .ret = -EINVAL },
                { .text = "some avg10=-1.00\n", .ret = -EINVAL },
        };
        char buf[UNITS_BUF], small[5];

        for (size_t i = 0; i < ELEMENTSOF(kv); i++) {
                uint64_t v = SENTINEL, want = kv[i].ret < 0 ? SENTINEL : kv[i].v;
                int r = units_kv_get(kv[i].text, kv[i].key, &v);

                ok(r == kv[i].ret && v == want, "kv_get(%s, %s) = %s, %llu (got %s, %llu)",
                   show(kv[i].text), show(kv[i].key), rets(kv[i].ret), (unsigned long long) want, rets(r),
                   (unsigned long long) v);
        }
        for (size_t i = 0; i < ELEMENTSOF(sums); i++) {
                uint64_t v = SENTINEL, want = sums[i].ret < 0 ? SENTINEL : sums[i].v;
                int r = units_io_stat_sum(sums[i].text, sums[i].key, &v);

                ok(r == sums[i].ret && v == want, "io_stat_sum(%s, %s) = %s, %llu (got %s, %llu)",
                   show(sums[i].text), show(sums[i].key), rets(sums[i].ret), (unsigned long long) want,
                   rets(r), (unsigned long long) v);
        }
        for (size_t i = 0; i < ELEMENTSOF(psis); i++) {
                const char *want = psis[i].out ? psis[i].out : "SENTINEL";
                int r;

                strcpy(buf, "SENTINEL");
                r = units_psi_some_avg10(psis[i].text, buf, sizeof buf);
                ok(r == psis[i].ret && strcmp(buf, want) == 0, "psi_some_avg10(%s) = %s, %s (got %s, %s)",
                   show(psis[i].text), rets(psis[i].ret), show(want), rets(r), show(buf));
        }
        memset(small, 'X', sizeof small);
        ok(units_psi_some_avg10(psi, small, sizeof small) == -ENOBUFS && small[0] == 'X',
           "psi_some_avg10: -ENOBUFS with 5 bytes, untouched");
}

int main(void)
{
        test_number_parsers();
        test_round_up();
        test_parse_size_up();
        test_prints();
        test_enobufs();
        test_size_round_trips();
        test_cpus_round_trips();
        test_duration_round_trips();
        test_cpulist();
        test_cpulist_round_trips();
        test_io_max();
        test_io_max_format();
        test_kernel_io_max();
        test_io_weight();
        test_kernel_io_weight();
        test_format_kernel_io_weight();
        test_kernel_text();

        return tap_finish();
}
