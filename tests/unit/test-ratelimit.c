/* SPDX-License-Identifier: MIT */
/* ratelimit: burst events an interval, the count of the dropped handed to the next that passes. */
#include "ratelimit.h"
#include "tap.h"

int main(void)
{
        struct ratelimit rl = { .interval_us = 1000000, .burst = 3 };
        unsigned long dropped, total = 0;
        unsigned passed = 0;

        for (int i = 0; i < 3; i++)
                passed += ratelimit_pass(&rl, 100 + (uint64_t)i, &dropped) && dropped == 0;
        ok(passed == 3, "the first burst of 3 passes, nothing dropped before");
        passed = 0;
        for (int i = 0; i < 1000; i++)
                passed += ratelimit_pass(&rl, 200 + (uint64_t)i, &dropped);
        ok(passed == 0, "1000 more in the same second: none passes");
        ok(ratelimit_pass(&rl, 100 + 1000000, &dropped) && dropped == 1000,
           "the first event of the next interval passes and says 1000 were dropped (%lu)", dropped);
        ok(ratelimit_pass(&rl, 100 + 1000001, &dropped) && dropped == 0, "the next one has nothing to say");

        /* A flood of 10 s at one event per 10 µs: 3 a second pass, and every event is either passed or counted. */
        struct ratelimit f = { .interval_us = 1000000, .burst = 3 };

        passed = 0;
        for (uint64_t t = 0; t < 10000000; t += 10) {
                if (ratelimit_pass(&f, t, &dropped)) {
                        passed++;
                        total += dropped;
                }
        }
        ok(passed == 30, "a 10 s flood lets 30 through (%u)", passed);
        ok(total + f.dropped + passed == 1000000, "passed + reported + still pending = every event (%lu + %lu + %u)",
           total, f.dropped, passed);

        struct ratelimit back = { .interval_us = 1000000, .burst = 1 };

        ok(ratelimit_pass(&back, 5000000, &dropped) && !ratelimit_pass(&back, 5000001, &dropped),
           "a burst of 1: the second in the interval is dropped");
        ok(ratelimit_pass(&back, 10, &dropped) && dropped == 1, "a clock that goes back starts a new interval");

        struct ratelimit none = { .interval_us = 1000000, .burst = 0 };

        passed = 0;
        for (int i = 0; i < 100000; i++)
                passed += ratelimit_pass(&none, 7, &dropped);
        ok(passed == 100000, "burst 0: every event passes");
        return tap_finish();
}
