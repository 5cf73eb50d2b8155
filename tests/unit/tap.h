/* SPDX-License-Identifier: MIT */
/*
 * tap: a tiny TAP producer for the unit tests. ok() prints one numbered
 * result, diag() a "# " comment; tap_finish() prints the plan at the end
 * ("1..N"), says how many failed and returns the exit status for main().
 * The counters are per test program: include this from one file only.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned n_tests, n_failed;

static inline bool __attribute__((format(printf, 2, 3))) ok(bool pass, const char *fmt, ...)
{
        va_list ap;

        n_tests++;
        if (!pass)
                n_failed++;
        printf("%sok %u - ", pass ? "" : "not ", n_tests);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
        return pass;
}

static inline void __attribute__((format(printf, 1, 2))) diag(const char *fmt, ...)
{
        va_list ap;

        fputs("# ", stdout);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
}

static inline int tap_finish(void)
{
        printf("1..%u\n", n_tests);
        if (n_failed)
                diag("%u of %u tests failed", n_failed, n_tests);
        return n_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* A return value for a TAP line: "-EINVAL" for an -errno, the number otherwise. */
static inline const char *rets(int r)
{
        static char ring[8][32];
        static unsigned next;
        char *b = ring[next++ % 8];
        const char *name = r < 0 ? strerrorname_np(-r) : NULL;

        if (name)
                snprintf(b, sizeof(ring[0]), "-%s", name);
        else
                snprintf(b, sizeof(ring[0]), "%d", r);
        return b;
}

/* n bytes of s quoted and escaped for one TAP line (no newline, no '#'). */
static inline const char *tap_quote(const char *s, size_t n)
{
        static char ring[8][200];
        static unsigned next;
        char *b = ring[next++ % sizeof(ring) / sizeof(ring[0])], *p = b;
        size_t i;

        *p++ = '"';
        for (i = 0; i < n && p < b + sizeof ring[0] - 8; i++) {
                unsigned char c = (unsigned char) s[i];

                if (c == '\n')
                        p += sprintf(p, "\\n");
                else if (c == '\t')
                        p += sprintf(p, "\\t");
                else if (c == '\r')
                        p += sprintf(p, "\\r");
                else if (c < 0x20 || c >= 0x7f || c == '#' || c == '"' || c == '\\')
                        p += sprintf(p, "\\x%02x", c);
                else
                        *p++ = (char) c;
        }
        if (i < n)
                p += sprintf(p, "...");
        *p++ = '"';
        *p = '\0';
        return b;
}

/* xorshift64, fixed seed: the "random" cases are the same on every run. */
static uint64_t rng = UINT64_C(0x9e3779b97f4a7c15);

static inline uint64_t rnd(void)
{
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
}
