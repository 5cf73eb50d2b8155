/* SPDX-License-Identifier: MIT */
/* Tests for fs/counters.c, printed as TAP: the text the benchmark and the tests parse, and its bounds. */
#include "counters.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The value of a "name value" line of text, or -1. */
static long long value_of(const char *text, const char *name)
{
        char key[64];
        const char *p;
        long long v;

        snprintf(key, sizeof(key), "%s ", name);
        for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (!strncmp(p, key, strlen(key)) && sscanf(p + strlen(key), "%lld", &v) == 1)
                        return v;
        return -1;
}

int main(void)
{
        char text[4096];
        const struct counter_gauge g[] = { { "nodes", 7 }, { "epoch", 3 } };
        int need, r;

        counter_add(COUNTER_LOOKUP, 1);
        counter_add(COUNTER_LOOKUP, 1);
        counter_add(COUNTER_HANDLES, 1);
        counter_add(COUNTER_HANDLES, -1);
        r = counters_text(text, sizeof(text), g, 2);
        ok(r > 0 && (size_t)r < sizeof(text), "the text fits (%d bytes)", r);
        text[r > 0 ? r : 0] = 0;
        ok(value_of(text, "lookup") == 2, "lookup counted twice");
        ok(value_of(text, "open") == 0, "open never asked: 0, and listed");
        ok(value_of(text, "handles") == 0, "a gauge counter goes back down");
        ok(value_of(text, "notify_store") == 0, "pushes have a line of their own");
        ok(value_of(text, "nodes") == 7 && value_of(text, "epoch") == 3, "gauges follow the counters");
        ok(text[r - 1] == '\n' && !strstr(text, "\n\n"), "one line each, newline-terminated");
        need = counters_text(NULL, 0, g, 2);
        ok(need == r, "size 0 asks the length (%d)", need);
        ok(counters_text(text, (size_t)r - 1, g, 2) == -ERANGE, "a buffer one byte short: ERANGE");
        ok(counters_text(text, (size_t)r, g, 2) == r, "a buffer of exactly the length: filled");
        return tap_finish();
}
