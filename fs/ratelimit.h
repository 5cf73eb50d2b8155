/* SPDX-License-Identifier: MIT */
/*
 * ratelimit: at most burst events in each interval, as systemd's log rate
 * limit counts them. Pure: the caller gives the time and holds any lock.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
        uint64_t interval_us;
        unsigned burst;         /* 0: every event passes */
        uint64_t begin_us;      /* the start of the current interval */
        unsigned passed;        /* events let through in it */
        unsigned long dropped;  /* events dropped since the last one let through */
};

/*
 * Whether an event at now_us may pass. When it does, *ret_dropped is the
 * number of events dropped before it (and is reset), so that the line
 * that passes can say how many went unsaid.
 */
bool ratelimit_pass(struct ratelimit *rl, uint64_t now_us, unsigned long *ret_dropped);
