/* SPDX-License-Identifier: MIT */
/*
 * units: parse and print the human units of cgview's friendly files.
 *
 * Everything is exact integer arithmetic. Numbers are scanned once by
 * dec_scan(), which keeps the fraction as its digits, and scaled by
 * dec_scale() or dec_scale_up(), which compute floor or ceil of
 * number x mul / div without rounding error. Parsers work on spans of the input so that io.max lines and kernel
 * text are parsed in place. Formatters build the text in a local buffer and
 * hand it over whole, so a short caller buffer is never half written.
 */
#include "units.h"
#include "span.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

typedef unsigned __int128 u128;

const char *const units_io_keys[UNITS_IO_NKEYS] = { "rbps", "wbps", "riops", "wiops" };

#define CPULIST_LIMIT 65536 /* CPU and node numbers are below this */

/* ---- spans ------------------------------------------------------------ */

/* Our own classes: <ctype.h> depends on the locale and takes int, not char. */
static bool is_space(char c)
{
        return c == ' ' || (c >= '\t' && c <= '\r');
}

static char to_lower(char c)
{
        return c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
}

static struct span skip_space(struct span s)
{
        while (s.len > 0 && is_space(s.p[0]))
                s = span_skip(s, 1);
        return s;
}

static struct span span_trim(struct span s)
{
        s = skip_space(s);
        while (s.len > 0 && is_space(s.p[s.len - 1]))
                s.len--;
        return s;
}

/* The whole input, trimmed: leading and trailing whitespace never matter. */
static struct span span_input(const char *s)
{
        return span_trim((struct span){ s, strlen(s) });
}

/* ASCII case-insensitive; word is lower case. */
static bool span_ieq(struct span s, const char *word)
{
        if (s.len != strlen(word))
                return false;
        for (size_t i = 0; i < s.len; i++)
                if (to_lower(s.p[i]) != word[i])
                        return false;
        return true;
}

static bool span_is_max(struct span s)
{
        return span_ieq(s, "max") || span_ieq(s, "infinity") || span_ieq(s, "unlimited");
}

/* The next run of blanks-separated characters in *s; false at the end. */
static bool next_token(struct span *s, struct span *ret)
{
        size_t i = 0, j;

        while (i < s->len && is_blank(s->p[i]))
                i++;
        j = i;
        while (j < s->len && !is_blank(s->p[j]))
                j++;
        *s = span_skip(*s, j);
        if (i == j)
                return false;
        *ret = (struct span){ s->p - (j - i), j - i };
        return true;
}

/* Splits "key=value"; false when there is no '='. */
static bool split_pair(struct span tok, struct span *key, struct span *val)
{
        const char *eq = memchr(tok.p, '=', tok.len);

        if (!eq)
                return false;
        *key = (struct span){ tok.p, (size_t) (eq - tok.p) };
        *val = span_skip(tok, key->len + 1);
        return true;
}

/* ---- the decimal number scanner ---------------------------------------- */

/*
 * A decimal number as written. The integer part is converted (with an
 * overflow flag rather than an error, so that a syntax error later in the
 * input still wins over the range error); the fraction stays as digits so
 * that it can be scaled exactly by any unit.
 */
struct dec {
        uint64_t ipart;
        bool overflow;          /* the integer part needs more than 64 bits */
        bool zero;              /* every digit is 0 */
        const char *frac;       /* fraction digits; NULL when there is no '.' */
        size_t nfrac;
};

/*
 * Scans digits ['.' digits] at the start of s and returns how many bytes it
 * took, 0 when s does not start with a number. Signs, ".5" and "5." are not
 * numbers: a digit is required on both sides of the dot.
 */
static size_t dec_scan(struct span s, struct dec *ret)
{
        struct dec d = { .zero = true };
        size_t i = 0, start;

        for (; i < s.len && is_digit(s.p[i]); i++) {
                unsigned digit = (unsigned) (s.p[i] - '0');

                if (d.ipart > (UINT64_MAX - digit) / 10)
                        d.overflow = true;
                else
                        d.ipart = d.ipart * 10 + digit;
                d.zero = d.zero && digit == 0;
        }
        if (i == 0)
                return 0;
        if (i < s.len && s.p[i] == '.') {
                start = ++i;
                for (; i < s.len && is_digit(s.p[i]); i++)
                        d.zero = d.zero && s.p[i] == '0';
                if (i == start)
                        return 0;
                d.frac = s.p + start;
                d.nfrac = i - start;
        }
        *ret = d;
        return i;
}

/*
 * floor(d x mul / div), exactly, for a d without overflow; *ret_inexact
 * says whether the exact value had a fractional part. The fraction is
 * folded in from its last digit: t = floor((mul x digit + t) / 10) keeps
 * only the integer part of mul x (the tail so far), which loses nothing
 * because floor((a + x) / n) = floor((a + floor(x)) / n) for integers a, n.
 * The tail is an integer exactly when no step had a remainder, and the
 * quotient then exactly when the last division has none.
 * No overflow: ipart x mul + t < (2^64 - 1)^2 + 2^64 < 2^128.
 */
static u128 dec_scale_exact(const struct dec *d, uint64_t mul, uint64_t div, bool *ret_inexact)
{
        u128 t = 0, a;
        bool inexact = false;

        for (size_t i = d->nfrac; i > 0; i--) {
                u128 x = (u128) mul * (unsigned) (d->frac[i - 1] - '0') + t;

                inexact = inexact || x % 10 != 0;
                t = x / 10;
        }
        a = (u128) d->ipart * mul + t;
        *ret_inexact = inexact || a % div != 0;
        return a / div;
}

static u128 dec_scale(const struct dec *d, uint64_t mul, uint64_t div)
{
        bool inexact;

        return dec_scale_exact(d, mul, div, &inexact);
}

/*
 * ceil(d x mul / div): when the tail had a remainder, the exact numerator
 * lies strictly between a and a + 1, so its quotient is floor(a / div) + 1.
 */
static u128 dec_scale_up(const struct dec *d, uint64_t mul, uint64_t div)
{
        bool inexact;
        u128 v = dec_scale_exact(d, mul, div, &inexact);

        return v + inexact;
}

/* round(d x mul / div), halves up: floor((2 x d x mul / div + 1) / 2). */
static u128 dec_round(const struct dec *d, uint64_t mul, uint64_t div)
{
        return (dec_scale(d, 2 * mul, div) + 1) / 2;
}

/* A plain decimal integer, the whole span. */
static int uint_span(struct span s, uint64_t *ret)
{
        struct dec d;
        size_t n = dec_scan(s, &d);

        if (n == 0 || n != s.len || d.frac)
                return -EINVAL;
        if (d.overflow)
                return -ERANGE;
        *ret = d.ipart;
        return 0;
}

/* UNITS_IS_MAX exactly when the value is UNITS_MAX, however it was spelled. */
static int max_or_zero(uint64_t v)
{
        return v == UNITS_MAX ? UNITS_IS_MAX : 0;
}

/* An integer or "max". */
static int count_span(struct span s, uint64_t *ret)
{
        uint64_t v;
        int r;

        if (span_is_max(s)) {
                *ret = UNITS_MAX;
                return UNITS_IS_MAX;
        }
        r = uint_span(s, &v);
        if (r < 0)
                return r;
        *ret = v;
        return max_or_zero(v);
}

/* ---- sizes ------------------------------------------------------------- */

static const char size_units[] = "KMGTPE";

/* The power of 1024 (as a shift) of a size suffix, -1 if it is none. */
static int size_shift(struct span u)
{
        struct span rest;
        size_t k;

        if (u.len == 0 || span_ieq(u, "b"))
                return 0;
        for (k = 0; k < sizeof size_units - 1; k++)
                if (to_lower(u.p[0]) == to_lower(size_units[k]))
                        break;
        if (k == sizeof size_units - 1)
                return -1;
        rest = span_skip(u, 1);
        if (rest.len > 0 && !span_ieq(rest, "i") && !span_ieq(rest, "ib") && !span_ieq(rest, "b"))
                return -1;
        return 10 * (int) (k + 1);
}

static int size_span(struct span s, uint64_t total, uint64_t *ret)
{
        struct dec d;
        struct span unit;
        uint64_t mul = 1, div = 1;
        size_t n;
        u128 v;

        if (span_is_max(s)) {
                *ret = UNITS_MAX;
                return UNITS_IS_MAX;
        }
        n = dec_scan(s, &d);
        if (n == 0)
                return -EINVAL;
        unit = span_skip(s, n);
        if (span_eq(unit, "%")) {
                if (total == 0)
                        return -EINVAL;
                mul = total;
                div = 100;
        } else {
                int shift = size_shift(unit);

                if (shift < 0)
                        return -EINVAL;
                mul = UINT64_C(1) << shift;
        }
        if (d.overflow)
                return -ERANGE;
        /* Up: a fraction of a byte is a byte, so a non-zero request is never 0. */
        v = dec_scale_up(&d, mul, div);
        if (v > UINT64_MAX)
                return -ERANGE;
        *ret = (uint64_t) v;
        return max_or_zero(*ret);
}

int units_parse_size(const char *s, uint64_t total, uint64_t *ret)
{
        return size_span(span_input(s), total, ret);
}

int units_parse_size_up(const char *s, uint64_t total, uint64_t gran, uint64_t *ret)
{
        uint64_t v;
        int r;

        if (gran == 0)
                return -EINVAL;
        r = units_parse_size(s, total, &v);
        if (r < 0)
                return r;
        if (r == UNITS_IS_MAX) {
                *ret = UNITS_MAX;
                return r;
        }
        r = units_round_up(v, gran, &v);
        if (r < 0)
                return r;
        *ret = v;
        return max_or_zero(v);
}

int units_round_up(uint64_t v, uint64_t gran, uint64_t *ret)
{
        uint64_t rem;

        if (gran == 0)
                return -EINVAL;
        if (v == UNITS_MAX) {
                *ret = v;
                return 0;
        }
        rem = v % gran;
        if (rem != 0 && v > UINT64_MAX - (gran - rem))
                return -ERANGE;
        *ret = rem != 0 ? v + (gran - rem) : v;
        return 0;
}

/* ---- output ------------------------------------------------------------ */

/*
 * Text under construction. len counts every byte asked for, so that a
 * buffer too small shows at the end; bytes past size are dropped, and a
 * NULL buf only measures.
 */
struct out {
        char *buf;
        size_t size;
        size_t len;
};

static void out_mem(struct out *o, const char *s, size_t len)
{
        if (o->buf && o->len < o->size)
                memcpy(o->buf + o->len, s, len < o->size - o->len ? len : o->size - o->len);
        o->len += len;
}

static void out_str(struct out *o, const char *s)
{
        out_mem(o, s, strlen(s));
}

static void out_char(struct out *o, char c)
{
        out_mem(o, &c, 1);
}

static void out_u64(struct out *o, uint64_t v)
{
        char d[20];
        size_t i = sizeof d;

        do
                d[--i] = (char) ('0' + v % 10);
        while ((v /= 10) != 0);
        out_mem(o, d + i, sizeof d - i);
}

/*
 * "ipart.frac" with frac as dec digits. Exact prints drop trailing zeros
 * (and the dot with them); approximate ones keep them ("1.20s") because
 * they show the precision.
 */
static void out_fixed(struct out *o, uint64_t ipart, uint64_t frac, unsigned dec, bool strip)
{
        char d[20];

        out_u64(o, ipart);
        for (unsigned i = dec; i > 0; i--, frac /= 10)
                d[i - 1] = (char) ('0' + frac % 10);
        while (strip && dec > 0 && d[dec - 1] == '0')
                dec--;
        if (dec > 0) {
                out_char(o, '.');
                out_mem(o, d, dec);
        }
}

/* All or nothing: a short buffer is left untouched. */
static int out_done(const struct out *o, char *buf, size_t n)
{
        if (o->len >= o->size || o->len >= n)
                return -ENOBUFS;
        memcpy(buf, o->buf, o->len);
        buf[o->len] = '\0';
        return (int) o->len;
}

static uint64_t round_div(u128 a, uint64_t b)
{
        return (uint64_t) ((a * 2 + b) / ((u128) b * 2));
}

/*
 * v / unit with 3 significant digits, rounded halves up ("1.00", "12.5",
 * "117"), for v >= unit. Writes nothing and returns false when the value
 * rounds to 1000 or more: the caller picks the next unit then.
 */
static bool out_sig3(struct out *o, uint64_t v, uint64_t unit)
{
        uint64_t scale = 100;

        for (unsigned dec = 2;; dec--, scale /= 10) {
                uint64_t r = round_div((u128) v * scale, unit);

                if (r < 1000) {
                        out_fixed(o, r / scale, r % scale, dec, false);
                        return true;
                }
                if (dec == 0)
                        return false;
        }
}

/* The largest unit in which v has at most 3 decimals; never "0.5K". */
static void out_size(struct out *o, uint64_t v)
{
        if (v == UNITS_MAX) {
                out_str(o, "max");
                return;
        }
        for (unsigned k = sizeof size_units - 1; k >= 1; k--) {
                uint64_t unit = UINT64_C(1) << (10 * k);

                if (v >= unit && (u128) v * 1000 % unit == 0) {
                        out_fixed(o, v / unit, (uint64_t) ((u128) (v % unit) * 1000 / unit), 3, true);
                        out_char(o, size_units[k - 1]);
                        return;
                }
        }
        out_u64(o, v);
}

int units_format_size(uint64_t v, char *buf, size_t n)
{
        char tmp[UNITS_BUF];
        struct out o = { tmp, sizeof tmp, 0 };

        out_size(&o, v);
        return out_done(&o, buf, n);
}

int units_format_size_approx(uint64_t v, char *buf, size_t n)
{
        char tmp[UNITS_BUF];
        struct out o = { tmp, sizeof tmp, 0 };
        unsigned k = 1;

        if (v == UNITS_MAX)
                out_str(&o, "max");
        else if (v < 1024)
                out_u64(&o, v);
        else {
                while (k < sizeof size_units - 1 && v >> (10 * (k + 1)) != 0)
                        k++;
                /* 1000..1023 units print whole ("1010K"); 1024 moves up ("1.00M"). */
                for (;; k++) {
                        uint64_t unit = UINT64_C(1) << (10 * k), whole;

                        if (out_sig3(&o, v, unit))
                                break;
                        whole = round_div(v, unit);
                        if (whole < 1024 || k == sizeof size_units - 1) { /* E is the last unit */
                                out_u64(&o, whole);
                                break;
                        }
                }
                out_char(&o, size_units[k - 1]);
        }
        return out_done(&o, buf, n);
}

/* ---- CPUs -------------------------------------------------------------- */

int units_parse_cpus(const char *s, uint64_t period_us, uint64_t *ret_quota_us)
{
        struct span t = span_input(s), unit;
        struct dec d;
        uint64_t div;
        size_t n;
        u128 q;

        if (period_us < UNITS_CPU_PERIOD_MIN_US || period_us > UNITS_CPU_PERIOD_MAX_US)
                return -EINVAL;
        if (span_is_max(t)) {
                *ret_quota_us = UNITS_MAX;
                return UNITS_IS_MAX;
        }
        n = dec_scan(t, &d);
        if (n == 0)
                return -EINVAL;
        unit = span_skip(t, n);
        if (unit.len == 0)
                div = 1;
        else if (span_eq(unit, "%"))
                div = 100;
        else if (span_eq(unit, "m")) /* milli; "M" would read as mega */
                div = 1000;
        else
                return -EINVAL;
        if (d.zero)
                return -EINVAL;
        if (d.overflow)
                return -ERANGE;
        q = dec_round(&d, period_us, div);
        if (q > UNITS_CPU_QUOTA_MAX_US)
                return -ERANGE;
        /* A tiny non-zero request gets the kernel's minimum, not an error. */
        *ret_quota_us = q < UNITS_CPU_QUOTA_MIN_US ? UNITS_CPU_QUOTA_MIN_US : (uint64_t) q;
        return 0;
}

int units_format_cpus(uint64_t quota_us, uint64_t period_us, char *buf, size_t n)
{
        char tmp[UNITS_BUF];
        struct out o = { tmp, sizeof tmp, 0 };
        uint64_t scale = 1, q;

        if (quota_us == UNITS_MAX) {
                out_str(&o, "max");
                return out_done(&o, buf, n);
        }
        if (period_us < UNITS_CPU_PERIOD_MIN_US || period_us > UNITS_CPU_PERIOD_MAX_US)
                return -EINVAL;
        /*
         * The nearest number with dec decimals, fewest first, checked by
         * parsing it back: that is the definition of right. With 6
         * decimals one step is at most 1 us, so the nearest always maps
         * back for any quota the kernel can hold; other quotas print with 6.
         */
        for (unsigned dec = 0; dec <= 6; dec++, scale *= 10) {
                uint64_t c = round_div((u128) quota_us * scale, period_us);

                o.len = 0;
                out_fixed(&o, c / scale, c % scale, dec, false);
                tmp[o.len] = '\0'; /* at most 27 bytes: 20 digits, '.', 6 decimals */
                if (units_parse_cpus(tmp, period_us, &q) == 0 && q == quota_us)
                        break;
        }
        return out_done(&o, buf, n);
}

/* ---- durations --------------------------------------------------------- */

int units_parse_duration(const char *s, uint64_t *ret_us)
{
        struct span t = span_input(s), unit;
        struct dec d;
        uint64_t mul;
        size_t n;
        u128 v;

        n = dec_scan(t, &d);
        if (n == 0)
                return -EINVAL;
        unit = span_skip(t, n);
        if (unit.len == 0 || span_ieq(unit, "us"))
                mul = 1;
        else if (span_ieq(unit, "ms"))
                mul = 1000;
        else if (span_ieq(unit, "s"))
                mul = 1000000;
        else
                return -EINVAL;
        if (d.overflow)
                return -ERANGE;
        v = dec_round(&d, mul, 1);
        if (v > UINT64_MAX)
                return -ERANGE;
        *ret_us = (uint64_t) v;
        return 0;
}

int units_format_duration(uint64_t us, char *buf, size_t n)
{
        char tmp[UNITS_BUF];
        struct out o = { tmp, sizeof tmp, 0 };

        if (us == 0)
                out_char(&o, '0');
        else if (us % 1000000 == 0) {
                out_u64(&o, us / 1000000);
                out_char(&o, 's');
        } else if (us % 1000 == 0) {
                out_u64(&o, us / 1000);
                out_str(&o, "ms");
        } else {
                out_u64(&o, us);
                out_str(&o, "us");
        }
        return out_done(&o, buf, n);
}

int units_format_duration_approx(uint64_t us, char *buf, size_t n)
{
        char tmp[UNITS_BUF];
        struct out o = { tmp, sizeof tmp, 0 };

        if (us < 1000) {
                out_u64(&o, us);
                out_str(&o, "us");
        } else if (us < 1000000 && out_sig3(&o, us, 1000))
                out_str(&o, "ms");
        else {
                /* 999.6 ms lands here too and prints "1.00s". */
                if (!out_sig3(&o, us, 1000000))
                        out_u64(&o, round_div(us, 1000000));
                out_char(&o, 's');
        }
        return out_done(&o, buf, n);
}

/* ---- counts and weights ------------------------------------------------ */

int units_parse_count(const char *s, uint64_t *ret)
{
        return count_span(span_input(s), ret);
}

static int weight_span(struct span s, uint64_t *ret)
{
        uint64_t v;
        int r = uint_span(s, &v);

        if (r < 0)
                return r;
        if (v < UNITS_WEIGHT_MIN || v > UNITS_WEIGHT_MAX)
                return -ERANGE;
        *ret = v;
        return 0;
}

int units_parse_weight(const char *s, uint64_t *ret)
{
        struct span t = span_input(s);

        if (span_ieq(t, "idle"))
                return UNITS_WEIGHT_IS_IDLE;
        if (span_ieq(t, "default")) {
                *ret = UNITS_WEIGHT_DEFAULT;
                return UNITS_WEIGHT_IS_DEFAULT;
        }
        return weight_span(t, ret);
}

/* ---- CPU lists --------------------------------------------------------- */

/* One list number at the start of *s; -ERANGE from 65536 on. */
static int cpulist_number(struct span *s, unsigned *ret)
{
        struct dec d;
        size_t n;

        *s = skip_space(*s);
        n = dec_scan(*s, &d);
        if (n == 0 || d.frac)
                return -EINVAL;
        *s = span_skip(*s, n);
        if (d.overflow || d.ipart >= CPULIST_LIMIT)
                return -ERANGE;
        *ret = (unsigned) d.ipart;
        return 0;
}

/* Whole words at a time, so that "0-65535" repeated stays cheap. */
static void bits_set_range(uint64_t *bits, unsigned a, unsigned b)
{
        for (unsigned i = a; i <= b;) {
                if (i % 64 == 0 && b - i >= 63) {
                        bits[i / 64] = UINT64_MAX;
                        i += 64;
                } else {
                        bits[i / 64] |= UINT64_C(1) << (i % 64);
                        i++;
                }
        }
}

static bool bits_test(const uint64_t *bits, unsigned i)
{
        return i < CPULIST_LIMIT && (bits[i / 64] >> (i % 64) & 1);
}

/* The kernel's own print ("%*pbl"): sorted, runs of two or more as "a-b". */
static void out_cpulist(struct out *o, const uint64_t *bits)
{
        bool first = true;

        for (unsigned i = 0; i < CPULIST_LIMIT;) {
                unsigned j = i;

                if (bits[i / 64] >> (i % 64) == 0) {
                        i = (i / 64 + 1) * 64;
                        continue;
                }
                if (!bits_test(bits, i)) {
                        i++;
                        continue;
                }
                while (bits_test(bits, j + 1))
                        j++;
                if (!first)
                        out_char(o, ',');
                out_u64(o, i);
                if (j > i) {
                        out_char(o, '-');
                        out_u64(o, j);
                }
                first = false;
                i = j + 1;
        }
}

int units_parse_cpulist(const char *s, char *buf, size_t n)
{
        uint64_t bits[CPULIST_LIMIT / 64] = { 0 };
        struct span t = span_input(s);
        struct out o = { NULL, 0, 0 };
        bool range = false;

        while (t.len > 0) {
                unsigned a = 0, b = 0;
                int ra, rb = 0;

                ra = cpulist_number(&t, &a);
                if (ra == -EINVAL)
                        return ra;
                t = skip_space(t);
                if (t.len > 0 && t.p[0] == '-') {
                        t = span_skip(t, 1);
                        rb = cpulist_number(&t, &b);
                        if (rb == -EINVAL)
                                return rb;
                        t = skip_space(t);
                } else
                        b = a;
                if (ra < 0 || rb < 0)
                        range = true;
                else if (a > b)
                        return -EINVAL;
                else
                        bits_set_range(bits, a, b);
                if (t.len == 0)
                        break;
                if (t.p[0] != ',')
                        return -EINVAL;
                t = span_skip(t, 1);
                if (t.len == 0) /* a trailing comma */
                        return -EINVAL;
        }
        if (range)
                return -ERANGE;

        /* Measure, then write: a short buffer stays untouched. */
        out_cpulist(&o, bits);
        if (o.len >= n || o.len > INT_MAX)
                return -ENOBUFS;
        o = (struct out){ buf, n, 0 };
        out_cpulist(&o, bits);
        buf[o.len] = '\0';
        return (int) o.len;
}

/* ---- io.max and io.weight ---------------------------------------------- */

#define DEV_SIZE 64 /* struct units_io_limit.dev and ret_dev[64] */
_Static_assert(sizeof ((struct units_io_limit){ .set = 0 }).dev == DEV_SIZE, "dev size");

static bool is_dev_char(char c)
{
        return is_digit(c) || (to_lower(c) >= 'a' && to_lower(c) <= 'z') ||
               (c != '\0' && strchr(":/._-", c) != NULL);
}

/*
 * A device token that fits DEV_SIZE with its NUL. Outside a path, a ':'
 * makes it MAJ:MIN, digits only: blockdev_resolve()'s sscanf("%u") would
 * take a sign ("8:-0" is 8:0, "-1:0" is 4294967295:0).
 */
static bool dev_ok(struct span dev)
{
        const char *colon;

        if (dev.len == 0 || dev.len >= DEV_SIZE)
                return false;
        for (size_t i = 0; i < dev.len; i++)
                if (!is_dev_char(dev.p[i]))
                        return false;
        colon = memchr(dev.p, ':', dev.len);
        if (colon && dev.p[0] != '/') {
                size_t c = (size_t) (colon - dev.p);

                if (c == 0 || c + 1 == dev.len)
                        return false;
                for (size_t i = 0; i < dev.len; i++)
                        if (i != c && !is_digit(dev.p[i]))
                                return false;
        }
        return true;
}

static int io_key(struct span key)
{
        for (int k = 0; k < UNITS_IO_NKEYS; k++)
                if (span_eq(key, units_io_keys[k]))
                        return k;
        return -1;
}

/*
 * An I/O count: an integer with an optional k/K (10^3), M (10^6) or G
 * (10^9). A fraction is fine while the result is whole ("1.5k"); "1.5"
 * is not a number of operations.
 */
static int iops_span(struct span s, uint64_t *ret)
{
        struct dec d;
        struct span suffix;
        unsigned exp = 0;
        uint64_t mul = 1;
        size_t n, nfrac;
        u128 v;

        if (span_is_max(s))
                return count_span(s, ret);
        n = dec_scan(s, &d);
        if (n == 0)
                return -EINVAL;
        suffix = span_skip(s, n);
        if (suffix.len == 1 && to_lower(suffix.p[0]) == 'k')
                exp = 3;
        else if (span_eq(suffix, "M"))
                exp = 6;
        else if (span_eq(suffix, "G"))
                exp = 9;
        else if (suffix.len > 0)
                return -EINVAL;
        for (nfrac = d.nfrac; nfrac > 0 && d.frac[nfrac - 1] == '0'; nfrac--)
                ;
        if (nfrac > exp)
                return -EINVAL;
        if (d.overflow)
                return -ERANGE;
        for (unsigned i = 0; i < exp; i++)
                mul *= 10;
        v = dec_scale(&d, mul, 1);
        if (v > UINT64_MAX)
                return -ERANGE;
        *ret = (uint64_t) v;
        return max_or_zero(*ret);
}

/*
 * The "key=value" tokens of an io.max line into v[] and *ret_set. The
 * kernel's lines hold plain integers and may gain keys, which are skipped;
 * a user's line takes sizes and k/M/G counts and no unknown key. Range
 * errors are reported only once the whole line is known to be well-formed.
 */
static int io_pairs(struct span rest, bool kernel, unsigned *ret_set, uint64_t v[UNITS_IO_NKEYS])
{
        struct span tok, key, val;
        unsigned set = 0;
        bool range = false;

        while (next_token(&rest, &tok)) {
                int k, r;

                if (!split_pair(tok, &key, &val))
                        return -EINVAL;
                k = io_key(key);
                if (k < 0 && kernel)
                        continue;
                if (k < 0 || set & 1u << k)
                        return -EINVAL;
                set |= 1u << k;
                if (kernel)
                        r = count_span(val, &v[k]);
                else if (k == UNITS_IO_RBPS || k == UNITS_IO_WBPS)
                        r = size_span(val, 0, &v[k]);
                else
                        r = iops_span(val, &v[k]);
                if (r == -ERANGE)
                        range = true;
                else if (r < 0)
                        return r;
        }
        if (range)
                return -ERANGE;
        *ret_set = set;
        return 0;
}

int units_parse_io_max_line(const char *s, struct units_io_limit *ret)
{
        struct units_io_limit l = { .set = 0 };
        struct span t = span_input(s), dev;
        int r;

        if (!next_token(&t, &dev) || !dev_ok(dev))
                return -EINVAL;
        memcpy(l.dev, dev.p, dev.len);
        if (span_is_max(span_trim(t))) {
                l.set = (1u << UNITS_IO_NKEYS) - 1;
                for (int k = 0; k < UNITS_IO_NKEYS; k++)
                        l.v[k] = UNITS_MAX;
        } else {
                r = io_pairs(t, false, &l.set, l.v);
                if (r < 0)
                        return r;
                if (l.set == 0)
                        return -EINVAL;
        }
        *ret = l;
        return 0;
}

int units_parse_kernel_io_max(const char *line, unsigned *ret_major, unsigned *ret_minor,
                              uint64_t ret_v[UNITS_IO_NKEYS])
{
        struct span t = span_input(line), dev;
        uint64_t v[UNITS_IO_NKEYS], major = 0, minor = 0;
        const char *colon;
        unsigned set;
        int r1, r2, r;

        if (!next_token(&t, &dev))
                return -EINVAL;
        colon = memchr(dev.p, ':', dev.len);
        if (!colon)
                return -EINVAL;
        r1 = uint_span((struct span){ dev.p, (size_t) (colon - dev.p) }, &major);
        r2 = uint_span(span_skip(dev, (size_t) (colon - dev.p) + 1), &minor);
        if (r1 == -EINVAL || r2 == -EINVAL)
                return -EINVAL;
        /* The kernel prints every key; one it left out limits nothing. */
        for (int k = 0; k < UNITS_IO_NKEYS; k++)
                v[k] = UNITS_MAX;
        r = io_pairs(t, true, &set, v);
        if (r < 0)
                return r;
        if (r1 < 0 || r2 < 0 || major > UINT_MAX || minor > UINT_MAX)
                return -ERANGE;
        *ret_major = (unsigned) major;
        *ret_minor = (unsigned) minor;
        memcpy(ret_v, v, sizeof v);
        return 0;
}

int units_format_io_max_line(const char *dev, const uint64_t v[UNITS_IO_NKEYS], char *buf, size_t n)
{
        char tmp[256]; /* a 63-byte device and four keys of at most 26 bytes */
        struct out o = { tmp, sizeof tmp, 0 };

        if (!dev_ok((struct span){ dev, strlen(dev) }))
                return -EINVAL;
        out_str(&o, dev);
        for (int k = 0; k < UNITS_IO_NKEYS; k++) {
                out_char(&o, ' ');
                out_str(&o, units_io_keys[k]);
                out_char(&o, '=');
                if (k == UNITS_IO_RBPS || k == UNITS_IO_WBPS || v[k] == UNITS_MAX)
                        out_size(&o, v[k]);
                else
                        out_u64(&o, v[k]);
        }
        return out_done(&o, buf, n);
}

int units_parse_io_weight_line(const char *s, char ret_dev[64], uint64_t *ret_weight)
{
        struct span t = span_input(s), dev = { s, 0 }, val, extra;
        uint64_t w = UNITS_WEIGHT_DEFAULT;
        int r = UNITS_WEIGHT_IS_DEFAULT;

        if (!next_token(&t, &val))
                return -EINVAL;
        if (next_token(&t, &extra)) {
                dev = val;
                val = extra;
                if (next_token(&t, &extra) || !dev_ok(dev))
                        return -EINVAL;
                /* The kernel's own "default 100" line means the default weight. */
                if (span_eq(dev, "default"))
                        dev.len = 0;
        }
        if (!span_ieq(val, "default")) {
                r = weight_span(val, &w);
                if (r < 0)
                        return r;
        }
        memcpy(ret_dev, dev.p, dev.len);
        ret_dev[dev.len] = '\0';
        *ret_weight = w;
        return r;
}

int units_format_kernel_io_weight(int kind, bool has_dev, unsigned major, unsigned minor, uint64_t weight,
                                  char *buf, size_t n)
{
        char tmp[UNITS_BUF];
        struct out o = { tmp, sizeof tmp, 0 };

        if (kind != 0 && kind != UNITS_WEIGHT_IS_DEFAULT)
                return -EINVAL;
        if (weight < UNITS_WEIGHT_MIN || weight > UNITS_WEIGHT_MAX)
                return -ERANGE;
        if (!has_dev) {
                out_str(&o, "default ");
                out_u64(&o, weight);
                return out_done(&o, buf, n);
        }
        out_u64(&o, major);
        out_char(&o, ':');
        out_u64(&o, minor);
        out_char(&o, ' ');
        if (kind == UNITS_WEIGHT_IS_DEFAULT)
                out_str(&o, "default");
        else
                out_u64(&o, weight);
        return out_done(&o, buf, n);
}

/* ---- kernel text for stats/ -------------------------------------------- */

int units_kv_get(const char *text, const char *key, uint64_t *ret)
{
        struct span rest = { text, strlen(text) }, line, tok, val;

        if (key[0] == '\0')
                return -EINVAL;
        while (next_line(&rest, &line)) {
                if (!next_token(&line, &tok) || !span_eq(tok, key))
                        continue;
                if (!next_token(&line, &val) || next_token(&line, &tok))
                        return -EINVAL;
                return uint_span(val, ret);
        }
        return -ENOENT;
}

int units_io_stat_sum(const char *text, const char *key, uint64_t *ret)
{
        struct span rest = { text, strlen(text) }, line, tok, k, val;
        uint64_t sum = 0, x;
        int r;

        if (key[0] == '\0')
                return -EINVAL;
        while (next_line(&rest, &line)) {
                if (!next_token(&line, &tok)) /* the device */
                        continue;
                while (next_token(&line, &tok)) {
                        if (!split_pair(tok, &k, &val) || !span_eq(k, key))
                                continue;
                        r = uint_span(val, &x);
                        if (r < 0)
                                return r;
                        if (x > UINT64_MAX - sum)
                                return -ERANGE;
                        sum += x;
                }
        }
        *ret = sum;
        return 0;
}

int units_psi_some_avg10(const char *text, char *buf, size_t n)
{
        char tmp[UNITS_BUF];
        struct out o = { tmp, sizeof tmp, 0 };
        struct span rest = { text, strlen(text) }, line, tok, k, val;
        struct dec d;

        while (next_line(&rest, &line)) {
                if (!next_token(&line, &tok) || !span_eq(tok, "some"))
                        continue;
                while (next_token(&line, &tok)) {
                        if (!split_pair(tok, &k, &val) || !span_eq(k, "avg10"))
                                continue;
                        if (dec_scan(val, &d) != val.len || val.len == 0)
                                return -EINVAL;
                        if (d.overflow)
                                return -ERANGE;
                        /* The kernel prints two decimals ("2.35"); keep exactly two. */
                        out_u64(&o, d.ipart);
                        out_char(&o, '.');
                        for (size_t i = 0; i < 2; i++)
                                out_char(&o, i < d.nfrac ? d.frac[i] : '0');
                        out_char(&o, '%');
                        return out_done(&o, buf, n);
                }
                return -ENOENT;
        }
        return -ENOENT;
}
