/* SPDX-License-Identifier: MIT */
/*
 * fdquota: how many files each uid holds open through the view.
 *
 * The daemon holds a descriptor (or two) for every open file, and all
 * callers share its RLIMIT_NOFILE: without a bound per uid, one user
 * holding files open would make everyone's opens fail with EMFILE. With
 * it, that user's own excess fails, for it alone. Thread-safe; no FUSE.
 */
#pragma once

#include <sys/types.h>

/* At most max files per uid (0: no bound). */
void fdquota_set(unsigned max);
unsigned fdquota_max(void);

/* Count one more file for uid: 0, or -EMFILE at the bound (nothing counted), -ENOMEM. */
int fdquota_take(uid_t uid);
/* One file of uid closed. */
void fdquota_put(uid_t uid);
unsigned fdquota_held(uid_t uid);
