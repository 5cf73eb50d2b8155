/* SPDX-License-Identifier: MIT */
/*
 * effective: the tightest of the limits of a cgroup and its ancestors,
 * taken one level at a time (SPEC 3.1). Pure: the caller reads each
 * level's kernel text and hands it here.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "units.h"

/* More devices than any machine limits is -ENOBUFS (io.max lists only devices with a limit). */
#define EFFECTIVE_IO_DEVS 64

struct effective_io {
        unsigned n;
        struct effective_io_dev {
                unsigned major, minor;
                uint64_t v[UNITS_IO_NKEYS]; /* UNITS_MAX: no limit */
        } dev[EFFECTIVE_IO_DEVS];
};

/* Whether quota a / period a is fewer CPUs than b (a quota of UNITS_MAX is no limit). Exact. */
bool effective_cpu_tighter(uint64_t quota_a, uint64_t period_a, uint64_t quota_b, uint64_t period_b);

/*
 * Take one level's io.max (the kernel's text, "8:0 rbps=... wiops=..."
 * lines) into e: per device and key, the smaller value. 0, -EIO on text
 * that is no io.max, -ENOBUFS when e is full. Devices keep the order in
 * which a level first named them.
 */
int effective_io_merge(struct effective_io *e, const char *text);
