/* SPDX-License-Identifier: MIT */
/*
 * caller: who is asking, and acting as them.
 *
 * caller_become() gives the calling worker thread the caller's fsuid, fsgid
 * and supplementary groups, so that every cgroupfs access that follows is
 * judged by the kernel's own rules for that caller. All three are
 * per-thread at the syscall level (setgroups goes through the raw syscall:
 * glibc's wrapper would change every thread of the daemon).
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#define CALLER_MAX_GROUPS 256

struct caller {
        uid_t uid;
        gid_t gid;
        pid_t pid;
        int ngroups;
        gid_t groups[CALLER_MAX_GROUPS];
};

int caller_become(const struct caller *c);
void caller_restore(void);

/* The caller's cgroup path relative to the served root ("" for the root
 * itself, "a/b" below it); -ENOENT when it lives outside the served tree. */
int caller_cgroup(pid_t pid, char *buf, size_t n);
