/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the kernel's number grammar (fs/knum.h). The input
 * is any bytes, NUL included. It checks knum against a reference model
 * written from the kernel's own code (lib/kstrtox.c: the radix fixup,
 * _parse_integer, kstrtoull, kstrtoll then kstrtoint) run on a C string
 * copy, as the kernel's handler sees it, and abort()s when they differ in
 * the result or the errno; errors are -EINVAL or -ERANGE only and leave
 * the output untouched. knum_write_text() is checked against strstrip() on
 * the bytes before the first NUL, parse_decimal() against a 128-bit model
 * for several limits, and the first 8 bytes, read as a number, round-trip
 * through every spelling the kernel accepts (decimal, "+", hex, octal,
 * "\n", white space around it).
 */
#include "knum.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SENTINEL 0x5e5e5e5e5e5e5e5eull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what)
{
        if (cond)
                return;
        fprintf(stderr, "fuzz-knum: %s broken\n", what);
        abort();
}

/* ---- the reference: lib/kstrtox.c on a C string ---- */

static bool ref_isxdigit(unsigned char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int ref_kstrtoull_nosign(const char *s, unsigned long long *res)
{
        unsigned base, n = 0;
        unsigned long long v = 0;
        bool overflow = false;

        if (s[0] == '0')
                base = ((unsigned char)s[1] | 0x20) == 'x' && ref_isxdigit((unsigned char)s[2]) ? 16 : 8;
        else
                base = 10;
        if (base == 16)
                s += 2;
        for (;; s++, n++) {
                unsigned c = (unsigned char)*s, lc = c | 0x20, val;

                if (c >= '0' && c <= '9')
                        val = c - '0';
                else if (lc >= 'a' && lc <= 'f')
                        val = lc - 'a' + 10;
                else
                        break;
                if (val >= base)
                        break;
                if ((unsigned __int128)v * base + val > ULLONG_MAX)
                        overflow = true;
                v = v * base + val;
        }
        if (overflow)
                return -ERANGE;
        if (n == 0)
                return -EINVAL;
        if (*s == '\n')
                s++;
        if (*s)
                return -EINVAL;
        *res = v;
        return 0;
}

static int ref_kstrtoull(const char *s, unsigned long long *res)
{
        return ref_kstrtoull_nosign(s[0] == '+' ? s + 1 : s, res);
}

static int ref_kstrtoint(const char *s, int *res)
{
        unsigned long long u;
        long long v;
        int r;

        if (s[0] == '-') {
                r = ref_kstrtoull_nosign(s + 1, &u);
                if (r < 0)
                        return r;
                if ((long long)(0 - u) > 0)
                        return -ERANGE;
                v = (long long)(0 - u);
        } else {
                r = ref_kstrtoull(s, &u);
                if (r < 0)
                        return r;
                if ((long long)u < 0)
                        return -ERANGE;
                v = (long long)u;
        }
        if (v != (int)v)
                return -ERANGE;
        *res = (int)v;
        return 0;
}

static bool ref_isspace(unsigned char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0xa0;
}

static int ref_parse_decimal(const char *s, size_t len, unsigned long long max, unsigned long long *ret)
{
        unsigned __int128 v = 0;

        if (len == 0)
                return -EINVAL;
        /* The first bad byte decides: a non-digit is EINVAL, a digit that passes max ERANGE. */
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned)(s[i] - '0');
                if (v > max)
                        return -ERANGE;
        }
        *ret = (unsigned long long)v;
        return 0;
}

/* ---- the checks ---- */

static void check_strtox(const char *s, size_t len)
{
        char *c = malloc(len + 1);
        unsigned long long u = SENTINEL, ur = SENTINEL;
        int i = 0x5e5e5e5e, ir = 0x5e5e5e5e, r, rr;

        if (!c)
                return;
        memcpy(c, s, len);
        c[len] = '\0';

        r = knum_strtoull(s, len, &u);
        rr = ref_kstrtoull(c, &ur);
        check(r == 0 || r == -EINVAL || r == -ERANGE, "strtoull errno");
        check(r == rr, "strtoull result as the kernel's");
        check(u == ur, "strtoull value as the kernel's (untouched on failure)");

        r = knum_strtoint(s, len, &i);
        rr = ref_kstrtoint(c, &ir);
        check(r == 0 || r == -EINVAL || r == -ERANGE, "strtoint errno");
        check(r == rr, "strtoint result as the kernel's");
        check(i == ir, "strtoint value as the kernel's (untouched on failure)");
        free(c);
}

static void check_write_text(const char *s, size_t len)
{
        const char *text = (const char *)0x5e, *ref;
        size_t tlen = 0x5e, rlen;
        int r = knum_write_text(s, len, &text, &tlen);

        if (len > KNUM_WRITE_MAX) {
                check(r == -E2BIG && text == (const char *)0x5e && tlen == 0x5e, "E2BIG over a page");
                return;
        }
        check(r == 0, "a page is taken");
        /* strstrip(): the end first, then the start, on the C string. */
        rlen = strnlen(s, len);
        while (rlen > 0 && ref_isspace((unsigned char)s[rlen - 1]))
                rlen--;
        ref = s;
        while (ref < s + rlen && ref_isspace((unsigned char)*ref))
                ref++;
        check(text == ref && tlen == rlen - (size_t)(ref - s), "strstrip");
        check(text >= s && text + tlen <= s + len, "the slice stays inside the write");
        check_strtox(text, tlen);
}

static void check_decimal(const char *s, size_t len)
{
        static const unsigned long long maxes[] = { 0, 9, INT_MAX, 4194304, UINT32_MAX, ULLONG_MAX };

        for (size_t k = 0; k < sizeof maxes / sizeof maxes[0]; k++) {
                unsigned long long v = SENTINEL, rv = SENTINEL;
                int r = parse_decimal(s, len, maxes[k], &v), rr = ref_parse_decimal(s, len, maxes[k], &rv);

                check(r == rr && v == rv, "parse_decimal as the model");
                check(r < 0 || v <= maxes[k], "parse_decimal within max");
        }
}

/* v, spelt every way the kernel reads as v. */
static void check_round_trip(unsigned long long v)
{
        char fmt[8][48];
        int n = 0;

        snprintf(fmt[n++], sizeof fmt[0], "%llu", v);
        snprintf(fmt[n++], sizeof fmt[0], "+%llu\n", v);
        snprintf(fmt[n++], sizeof fmt[0], "0x%llx", v);
        snprintf(fmt[n++], sizeof fmt[0], "0X%llX\n", v);
        snprintf(fmt[n++], sizeof fmt[0], "0%llo", v);
        snprintf(fmt[n++], sizeof fmt[0], "+0x%llx", v);
        snprintf(fmt[n++], sizeof fmt[0], "%llu\n", v);
        snprintf(fmt[n++], sizeof fmt[0], "0000%llo", v);
        for (int k = 0; k < n; k++) {
                unsigned long long u = SENTINEL;
                char spaced[64];
                const char *t;
                size_t tl;
                int i = 0;

                check(knum_strtoull(fmt[k], strlen(fmt[k]), &u) == 0 && u == v, "strtoull round trip");
                snprintf(spaced, sizeof spaced, " \t\xa0%s\r\v", fmt[k]);
                check(knum_write_text(spaced, strlen(spaced), &t, &tl) == 0 &&
                      knum_strtoull(t, tl, &u) == 0 && u == v, "stripped round trip");
                if (v <= INT_MAX)
                        check(knum_strtoint(fmt[k], strlen(fmt[k]), &i) == 0 && i == (int)v, "strtoint round trip");
                else
                        check(knum_strtoint(fmt[k], strlen(fmt[k]), &i) == -ERANGE, "strtoint range");
        }
        if (v <= (unsigned long long)INT_MAX + 1) {
                char neg[32];
                int i = 0;

                snprintf(neg, sizeof neg, "-%llu", v);
                check(knum_strtoint(neg, strlen(neg), &i) == 0 && i == (int)(0 - v), "negative round trip");
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *s = (const char *)data;
        unsigned long long v = 0;

        if (size > 2 * KNUM_WRITE_MAX)
                return 0;
        check_strtox(s, size);
        check_write_text(s, size);
        check_decimal(s, size);
        for (size_t i = 0; i < size && i < 8; i++)
                v = v << 8 | data[i];
        check_round_trip(v);
        check_round_trip(v >> (size % 64));
        return 0;
}
