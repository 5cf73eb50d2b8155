/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "effective.h"

bool effective_cpu_tighter(uint64_t quota_a, uint64_t period_a, uint64_t quota_b, uint64_t period_b)
{
        if (quota_a == UNITS_MAX || period_a == 0)
                return false;
        if (quota_b == UNITS_MAX || period_b == 0)
                return true;
        /* qa/pa < qb/pb without division: both products fit 128 bits. */
        return (unsigned __int128)quota_a * period_b < (unsigned __int128)quota_b * period_a;
}

static struct effective_io_dev *device(struct effective_io *e, unsigned major, unsigned minor)
{
        struct effective_io_dev *d;

        for (unsigned i = 0; i < e->n; i++)
                if (e->dev[i].major == major && e->dev[i].minor == minor)
                        return &e->dev[i];
        if (e->n == EFFECTIVE_IO_DEVS)
                return NULL;
        d = &e->dev[e->n++];
        d->major = major;
        d->minor = minor;
        for (int k = 0; k < UNITS_IO_NKEYS; k++)
                d->v[k] = UNITS_MAX;
        return d;
}

int effective_io_merge(struct effective_io *e, const char *text)
{
        const char *line = text;

        while (*line) {
                size_t len = strcspn(line, "\n");
                char buf[256];
                uint64_t v[UNITS_IO_NKEYS];
                unsigned major, minor;
                struct effective_io_dev *d;

                if (len >= sizeof(buf))
                        return -EIO;
                memcpy(buf, line, len);
                buf[len] = 0;
                line += len + (line[len] == '\n');
                if (!len)
                        continue;
                if (units_parse_kernel_io_max(buf, &major, &minor, v) < 0)
                        return -EIO;
                if (!(d = device(e, major, minor)))
                        return -ENOBUFS;
                for (int k = 0; k < UNITS_IO_NKEYS; k++)
                        if (v[k] < d->v[k])
                                d->v[k] = v[k];
        }
        return 0;
}
