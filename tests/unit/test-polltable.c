/* SPDX-License-Identifier: MIT */
/* polltable: the files polled that a new worker wakes (takeover.c). */
#include <errno.h>

#include "polltable.h"
#include "tap.h"

#define N 8

static struct polltable_entry t[N];
static uint64_t out[N + 4];

static bool listed(uint64_t kh, size_t count)
{
        for (size_t i = 0; i < count && i < N + 4; i++)
                if (out[i] == kh)
                        return true;
        return false;
}

int main(void)
{
        size_t n;

        ok(polltable_list(t, N, out, N) == 0, "an empty table lists nothing");
        ok(polltable_note(t, N, 0, 5) == -EINVAL, "fh 0 is no file: -EINVAL");
        ok(polltable_note(t, N, 11, 101) == 0 && polltable_note(t, N, 12, 102) == 0, "two files noted");
        n = polltable_list(t, N, out, N);
        ok(n == 2 && listed(101, n) && listed(102, n), "both kh listed");
        ok(polltable_note(t, N, 11, 101) == 0 && polltable_list(t, N, out, N) == 2,
           "a file polled again takes no second entry");
        polltable_forget(t, N, 11);
        n = polltable_list(t, N, out, N);
        ok(n == 1 && out[0] == 102, "a released file is no longer woken, the other still is");
        polltable_forget(t, N, 99);
        ok(polltable_list(t, N, out, N) == 1, "releasing a file never polled changes nothing");
        polltable_forget(t, N, 0);
        ok(polltable_list(t, N, out, N) == 1, "fh 0 forgets nothing");

        /* Full: every entry another file's. */
        for (uint64_t fh = 20; fh < 20 + N - 1; fh++)
                polltable_note(t, N, fh, fh + 1000);
        ok(polltable_list(t, N, out, N) == N, "the table fills to its size");
        ok(polltable_note(t, N, 50, 1050) == -ENOSPC, "one more file when full: -ENOSPC");
        ok(polltable_note(t, N, 12, 102) == 0, "a file already in a full table is still noted");
        n = polltable_list(t, N, out, 3);
        ok(n == N, "list counts every entry even when out holds fewer (%zu)", n);
        polltable_forget(t, N, 20);
        ok(polltable_note(t, N, 50, 1050) == 0, "an entry freed by a release is taken by the next file");
        n = polltable_list(t, N, out, N);
        ok(n == N && listed(1050, n) && !listed(1020, n), "and its kh replaces the released one's");

        /* A worker that died between taking an entry and setting its kh leaves an entry with no kh. */
        struct polltable_entry half[2] = { { 70, 0 }, { 0, 0 } };

        ok(polltable_list(half, 2, out, 2) == 0, "an entry without its kh is not woken");
        ok(polltable_note(half, 2, 70, 170) == 0 && polltable_list(half, 2, out, 2) == 1 && out[0] == 170,
           "the next poll of that file completes it");

        /* Two entries of one file (two threads noted it at once): a release frees both. */
        struct polltable_entry twice[3] = { { 80, 180 }, { 80, 180 }, { 81, 181 } };

        polltable_forget(twice, 3, 80);
        n = polltable_list(twice, 3, out, 3);
        ok(n == 1 && out[0] == 181 && !twice[0].fh && !twice[1].fh, "a release frees every entry of its file");
        return tap_finish();
}
