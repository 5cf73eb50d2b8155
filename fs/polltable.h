/* SPDX-License-Identifier: MIT */
/*
 * polltable: the files the kernel polls with a request to be woken, as the
 * kernel names them (the open file's fh, the kernel's kh), kept in the
 * takeover state so that a new worker wakes every poller a dead one was
 * asked to wake (takeover.c). Lock-free: a worker may die at any point of
 * an update, and other workers' threads update the same table.
 *
 * Pure: no FUSE header, no I/O; unit-tested in tests/unit/test-polltable.c.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct polltable_entry {
        uint64_t fh; /* 0: free (atomic) */
        uint64_t kh; /* 0: not set yet (atomic) */
};

/* fh is polled with kh: 0, or -ENOSPC when all n entries hold other files (fh 0: -EINVAL). */
int polltable_note(struct polltable_entry *t, size_t n, uint64_t fh, uint64_t kh);

/* fh is released: every entry of it is free again. */
void polltable_forget(struct polltable_entry *t, size_t n, uint64_t fh);

/* The kh of every file noted, at most max of them into out: how many there are. */
size_t polltable_list(const struct polltable_entry *t, size_t n, uint64_t *out, size_t max);
