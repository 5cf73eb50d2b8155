/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "knum.h"

bool knum_isspace(unsigned char c)
{
        return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

int knum_write_text(const char *buf, size_t len, const char **ret, size_t *ret_len)
{
        const char *nul;
        size_t b = 0;

        if (len > KNUM_WRITE_MAX)
                return -E2BIG;
        nul = memchr(buf, 0, len);
        if (nul)
                len = (size_t)(nul - buf);
        while (len > 0 && knum_isspace((unsigned char)buf[len - 1]))
                len--;
        while (b < len && knum_isspace((unsigned char)buf[b]))
                b++;
        *ret = buf + b;
        *ret_len = len - b;
        return 0;
}

/* s[i], or the NUL the kernel's C string would have there. */
static unsigned char at(const char *s, size_t len, size_t i)
{
        return i < len ? (unsigned char)s[i] : 0;
}

static int digit_value(unsigned char c)
{
        unsigned char lc = c | 0x20;

        if (c >= '0' && c <= '9')
                return c - '0';
        if (lc >= 'a' && lc <= 'f')
                return lc - 'a' + 10;
        return -1;
}

/* _kstrtoull: no sign. The overflow is reported before trailing garbage, as the kernel does. */
static int strtoull_unsigned(const char *s, size_t len, unsigned long long *ret)
{
        unsigned long long v = 0;
        unsigned base = 10;
        bool overflow = false;
        size_t i = 0, digits = 0;

        if (at(s, len, 0) == '0') {
                base = (at(s, len, 1) | 0x20) == 'x' && digit_value(at(s, len, 2)) >= 0 ? 16 : 8;
                if (base == 16)
                        i = 2;
        }
        for (; i < len; i++, digits++) {
                int d = digit_value((unsigned char)s[i]);

                if (d < 0 || (unsigned)d >= base)
                        break;
                if (v > (ULLONG_MAX - (unsigned)d) / base)
                        overflow = true;
                v = v * base + (unsigned)d;
        }
        if (overflow)
                return -ERANGE;
        if (digits == 0)
                return -EINVAL;
        if (at(s, len, i) == '\n')
                i++;
        if (i < len && s[i])
                return -EINVAL;
        *ret = v;
        return 0;
}

int knum_strtoull(const char *s, size_t len, unsigned long long *ret)
{
        if (at(s, len, 0) == '+')
                s++, len--;
        return strtoull_unsigned(s, len, ret);
}

int knum_strtoint(const char *s, size_t len, int *ret)
{
        unsigned long long u;
        bool neg = at(s, len, 0) == '-';
        int r = neg ? strtoull_unsigned(s + 1, len - 1, &u) : knum_strtoull(s, len, &u);

        if (r < 0)
                return r;
        /* kstrtoll's range, then kstrtoint's: [-2^31, 2^31 - 1]. */
        if (neg ? u > (unsigned long long)INT_MAX + 1 : u > INT_MAX)
                return -ERANGE;
        *ret = neg ? (int)(0 - u) : (int)u;
        return 0;
}

int parse_decimal(const char *s, size_t len, unsigned long long max, unsigned long long *ret)
{
        unsigned long long v = 0;

        if (len == 0)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                unsigned d = (unsigned)(s[i] - '0');

                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                if (v > max / 10 || d > max - v * 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}
