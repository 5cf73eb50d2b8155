/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"

#define COUNTER_NAME_(e, s) s,
static const char *const names[] = { COUNTERS(COUNTER_NAME_) };
static uint64_t counts[COUNTER__MAX];

void counter_add(enum counter c, int64_t delta)
{
        __atomic_fetch_add(&counts[c], (uint64_t)delta, __ATOMIC_RELAXED);
}

uint64_t counter_get(enum counter c)
{
        return __atomic_load_n(&counts[c], __ATOMIC_RELAXED);
}

int counters_text(char *buf, size_t n, const struct counter_gauge *gauges, size_t n_gauges)
{
        char text[4096];
        size_t len = 0;

        for (int i = 0; i < COUNTER__MAX && len < sizeof(text); i++)
                len += (size_t)snprintf(text + len, sizeof(text) - len, "%s %llu\n", names[i],
                                        (unsigned long long)counter_get((enum counter)i));
        for (size_t i = 0; i < n_gauges && len < sizeof(text); i++)
                len += (size_t)snprintf(text + len, sizeof(text) - len, "%s %llu\n", gauges[i].name,
                                        (unsigned long long)gauges[i].value);
        if (len >= sizeof(text))
                return -EIO;
        if (n == 0)
                return (int)len;
        if (n < len)
                return -ERANGE;
        memcpy(buf, text, len);
        return (int)len;
}
