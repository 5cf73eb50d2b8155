/* SPDX-License-Identifier: MIT */
#include "ratelimit.h"

bool ratelimit_pass(struct ratelimit *rl, uint64_t now_us, unsigned long *ret_dropped)
{
        *ret_dropped = 0;
        if (rl->burst == 0)
                return true;
        /* A new interval: a clock that went back starts one too. */
        if (rl->passed == 0 || now_us < rl->begin_us || now_us - rl->begin_us >= rl->interval_us) {
                rl->begin_us = now_us;
                rl->passed = 0;
        }
        if (rl->passed >= rl->burst) {
                rl->dropped++;
                return false;
        }
        rl->passed++;
        *ret_dropped = rl->dropped;
        rl->dropped = 0;
        return true;
}
