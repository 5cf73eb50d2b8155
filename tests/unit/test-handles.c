/* SPDX-License-Identifier: MIT */
/* handles: numbers of this worker stand for what was put; a worker before's never do until adopted. */
#include "handles.h"
#include "tap.h"

#define N 5000

static int objs[N];
static uint64_t fhs[N];

int main(void)
{
        unsigned bad = 0;

        handles_set_generation(7);
        for (unsigned i = 0; i < N; i++)
                fhs[i] = handles_put(&objs[i], 1000 + i);
        for (unsigned i = 0; i < N; i++)
                bad += !fhs[i] || handles_get(fhs[i]) != &objs[i] || handles_uid(fhs[i]) != 1000 + i;
        ok(bad == 0 && handles_count() == N, "%u numbers put: each gives back its object and its opener's uid", N);
        for (unsigned i = 0; i < N; i += 2)
                bad += handles_take(fhs[i]) != &objs[i];
        for (unsigned i = 0; i < N; i++)
                bad += handles_get(fhs[i]) != (i % 2 ? &objs[i] : NULL);
        ok(bad == 0 && handles_count() == N / 2, "taken numbers stand for nothing, the others are untouched");
        /* Reused slots get numbers unlike the ones taken: a stale number never finds the new object. */
        uint64_t again = handles_put(&objs[0], 1000);
        unsigned stale = 0;

        for (unsigned i = 0; i < N; i += 2)
                stale += handles_get(fhs[i]) != NULL;
        ok(again && stale == 0 && handles_get(again) == &objs[0], "a slot used again: the old number still finds nothing");

        /* The worker after: the same numbers are a worker before's. */
        handles_set_generation(8);
        int adopted = 0, other = 0;

        ok(handles_get(fhs[1]) == &objs[1], "this process's own numbers still hold after the generation moves");
        uint64_t foreign = (uint64_t)9 << 56 | (uint64_t)3 << 32 | 1234;

        ok(handles_get(foreign) == NULL, "a number of another generation stands for nothing");
        ok(handles_adopt(foreign, &adopted) == &adopted && handles_get(foreign) == &adopted,
           "adopted: the old number now stands for the object opened again");
        ok(handles_adopt(foreign, &other) == &adopted, "a second adoption of the same number gets the first one's");
        ok(handles_uid(foreign) == 1234, "the opener's uid comes with the number");
        ok(handles_take(foreign) == &adopted && handles_get(foreign) == NULL, "released: gone");
        ok(handles_take(foreign) == NULL, "released twice: nothing the second time");
        return tap_finish();
}
