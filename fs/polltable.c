/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>

#include "polltable.h"

int polltable_note(struct polltable_entry *t, size_t n, uint64_t fh, uint64_t kh)
{
        size_t i;

        if (!fh)
                return -EINVAL;
        for (i = 0; i < n; i++)
                if (__atomic_load_n(&t[i].fh, __ATOMIC_ACQUIRE) == fh)
                        break;
        for (size_t k = 0; i == n && k < n; k++) {
                uint64_t free_fh = 0;

                if (__atomic_compare_exchange_n(&t[k].fh, &free_fh, fh, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                        i = k;
        }
        if (i == n)
                return -ENOSPC;
        __atomic_store_n(&t[i].kh, kh, __ATOMIC_RELEASE);
        return 0;
}

void polltable_forget(struct polltable_entry *t, size_t n, uint64_t fh)
{
        for (size_t i = 0; i < n && fh; i++) {
                uint64_t mine = fh;

                if (__atomic_load_n(&t[i].fh, __ATOMIC_ACQUIRE) != fh)
                        continue;
                /* kh first: an entry whose fh is set again by a new poll never shows the old kh as its own. */
                __atomic_store_n(&t[i].kh, 0, __ATOMIC_RELEASE);
                __atomic_compare_exchange_n(&t[i].fh, &mine, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
        }
}

size_t polltable_list(const struct polltable_entry *t, size_t n, uint64_t *out, size_t max)
{
        size_t count = 0;

        for (size_t i = 0; i < n; i++) {
                uint64_t kh = __atomic_load_n(&t[i].kh, __ATOMIC_ACQUIRE);

                if (!__atomic_load_n(&t[i].fh, __ATOMIC_ACQUIRE) || !kh)
                        continue;
                if (count < max)
                        out[count] = kh;
                count++;
        }
        return count;
}
