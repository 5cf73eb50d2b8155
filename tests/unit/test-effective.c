/* SPDX-License-Identifier: MIT */
/* effective: the tightest CPU share and io.max over levels, against tables and a model. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "effective.h"
#include "tap.h"

#define M UNITS_MAX

static void cpu_table(void)
{
        static const struct {
                uint64_t qa, pa, qb, pb;
                bool tighter;
        } t[] = {
                { 50000, 100000, M, 100000, true },         /* any quota beats none */
                { M, 100000, 50000, 100000, false },
                { M, 100000, M, 100000, false },            /* no limit is never tighter */
                { 50000, 100000, 50000, 100000, false },    /* equal: not tighter (the nearer level stays) */
                { 10000, 20000, 50000, 100000, false },     /* 0.5 CPU both ways */
                { 49999, 100000, 50000, 100000, true },
                { 150000, 100000, 20000, 10000, true },     /* 1.5 < 2 */
                { 1000, 1000000, 1000, 1000, true },        /* 0.001 < 1 */
                { UINT64_MAX - 1, 1000, M, 1000, true },    /* the largest finite quota is a limit */
                { UINT64_MAX - 1, 1, UINT64_MAX - 2, 1, false },
                { 1, UINT64_MAX - 1, 1, UINT64_MAX - 2, true }, /* products beyond 64 bits */
                { 5, 0, 5, 10, false },                     /* no period: no limit */
                { 5, 10, 5, 0, true },
        };

        for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
                ok(effective_cpu_tighter(t[i].qa, t[i].pa, t[i].qb, t[i].pb) == t[i].tighter,
                   "cpu %" PRIu64 "/%" PRIu64 " vs %" PRIu64 "/%" PRIu64 ": %s", t[i].qa, t[i].pa, t[i].qb, t[i].pb,
                   t[i].tighter ? "tighter" : "not tighter");
}

/* A random quota/period against the share as a long double, away from ties. */
static void cpu_model(void)
{
        unsigned bad = 0;

        for (int i = 0; i < 100000; i++) {
                uint64_t qa = rnd() % 2000000 + 1, pa = rnd() % 1000000 + 1000, qb = rnd() % 2000000 + 1,
                         pb = rnd() % 1000000 + 1000;
                long double a = (long double)qa / pa, b = (long double)qb / pb;

                if (a != b && effective_cpu_tighter(qa, pa, qb, pb) != (a < b))
                        bad++;
        }
        ok(bad == 0, "100000 random shares compare as their quotients do (%u wrong)", bad);
}

static const char *io_text(const struct effective_io *e)
{
        static char buf[1024];
        size_t len = 0;

        buf[0] = 0;
        for (unsigned i = 0; i < e->n; i++) {
                len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u:%u", e->dev[i].major, e->dev[i].minor);
                for (int k = 0; k < UNITS_IO_NKEYS; k++)
                        len += e->dev[i].v[k] == M ? (size_t)snprintf(buf + len, sizeof(buf) - len, " max")
                                                   : (size_t)snprintf(buf + len, sizeof(buf) - len, " %" PRIu64, e->dev[i].v[k]);
                len += (size_t)snprintf(buf + len, sizeof(buf) - len, ";");
        }
        return buf;
}

static void io_table(void)
{
        static const struct {
                const char *levels[3]; /* the cgroup first, then its ancestors */
                int r;
                const char *want;
        } t[] = {
                { { "", "", "" }, 0, "" },
                { { "8:0 rbps=100 wbps=max riops=max wiops=max\n", "", "" }, 0, "8:0 100 max max max;" },
                { { "8:0 rbps=100 wbps=max riops=max wiops=max\n", "8:0 rbps=50 wbps=max riops=7 wiops=max\n", "" },
                  0, "8:0 50 max 7 max;" },
                { { "8:0 rbps=max wbps=200 riops=max wiops=max\n", "8:16 rbps=1 wbps=max riops=max wiops=max\n",
                    "8:0 rbps=max wbps=300 riops=max wiops=9\n" },
                  0, "8:0 max 200 max 9;8:16 1 max max max;" },
                { { "8:0 rbps=100 wbps=max riops=max wiops=max", "", "" }, 0, "8:0 100 max max max;" }, /* no newline */
                { { "8:0 rbps=100 wbps=max riops=max wiops=max\n\n", "", "" }, 0, "8:0 100 max max max;" },
                { { "garbage\n", "", "" }, -EIO, NULL },
                { { "8:0 rbps=-1 wbps=max riops=max wiops=max\n", "", "" }, -EIO, NULL },
        };

        for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
                struct effective_io e = { 0 };
                int r = 0;

                for (int l = 0; l < 3 && r >= 0; l++)
                        r = effective_io_merge(&e, t[i].levels[l]);
                ok(r == t[i].r && (r < 0 || !strcmp(io_text(&e), t[i].want)), "io case %zu: %s, %s", i, rets(r),
                   r < 0 ? "" : io_text(&e));
        }
}

static void io_full(void)
{
        struct effective_io e = { 0 };
        char line[128];
        int r = 0;

        for (unsigned i = 0; i < EFFECTIVE_IO_DEVS && r >= 0; i++) {
                snprintf(line, sizeof(line), "8:%u rbps=1 wbps=max riops=max wiops=max\n", i);
                r = effective_io_merge(&e, line);
        }
        ok(r == 0 && e.n == EFFECTIVE_IO_DEVS, "%u devices fit", EFFECTIVE_IO_DEVS);
        r = effective_io_merge(&e, "8:0 rbps=1 wbps=max riops=max wiops=max\n");
        ok(r == 0 && e.n == EFFECTIVE_IO_DEVS, "a device already held takes no room");
        r = effective_io_merge(&e, "9:0 rbps=1 wbps=max riops=max wiops=max\n");
        ok(r == -ENOBUFS, "one device more is ENOBUFS: %s", rets(r));
        char longline[400] = "8:0 rbps=";

        memset(longline + 9, '1', 300);
        r = effective_io_merge(&e, longline);
        ok(r == -EIO, "a line longer than io.max prints is EIO: %s", rets(r));
}

int main(void)
{
        cpu_table();
        cpu_model();
        io_table();
        io_full();
        return tap_finish();
}
