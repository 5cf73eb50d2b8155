/* SPDX-License-Identifier: MIT */
/*
 * span: a view of len bytes at p, not NUL-terminated and not owned, so that
 * the pure parsers (units, policy) can cut their input into lines, fields
 * and tokens in place. The byte classes are our own: <ctype.h> depends on
 * the locale and takes int, not char.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct span {
        const char *p;
        size_t len;
};

static inline bool is_blank(char c)
{
        return c == ' ' || c == '\t';
}

static inline bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* s without its first n bytes; n must not exceed s.len. */
static inline struct span span_skip(struct span s, size_t n)
{
        return (struct span){ s.p + n, s.len - n };
}

/* s is exactly word. */
static inline bool span_eq(struct span s, const char *word)
{
        return s.len == strlen(word) && memcmp(s.p, word, s.len) == 0;
}

/* The next line, without its '\n' (a '\r' before it stays); false at the end. */
static inline bool next_line(struct span *s, struct span *ret)
{
        const char *nl;
        size_t n;

        if (s->len == 0)
                return false;
        nl = memchr(s->p, '\n', s->len);
        n = nl ? (size_t) (nl - s->p) : s->len;
        *ret = (struct span){ s->p, n };
        *s = span_skip(*s, nl ? n + 1 : n);
        return true;
}

/* Like next_line(), but also drops one trailing '\r': "\n" or "\r\n" endings. */
static inline bool next_line_crlf(struct span *s, struct span *ret)
{
        if (!next_line(s, ret))
                return false;
        if (ret->len > 0 && ret->p[ret->len - 1] == '\r')
                ret->len--;
        return true;
}
