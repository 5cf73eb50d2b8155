/* SPDX-License-Identifier: MIT */
/*
 * pidns: PIDs as a caller in a PID namespace sees them (SPEC 5.3).
 *
 * cgroup.procs and cgroup.threads hold PIDs of the daemon's namespace; a
 * caller in a nested PID namespace reads and writes its own numbers.
 */
#pragma once

#include <sys/types.h>

struct pidns {
        ino_t ino;  /* the namespace's inode */
        int level;  /* 0: the daemon's own namespace, no translation */
};

int pidns_init(void);

/* The PID namespace of pid: one stat, and for a foreign one its depth: levels_known
 * (the count of its NSpid line) or, when 0, one read of its status. */
int pidns_of(pid_t pid, int levels_known, struct pidns *ret);

/* global -> the caller's number; 0 when the process is not visible in ns. */
pid_t pidns_to_local(const struct pidns *ns, pid_t global);

/* the caller's number -> global; -ESRCH when ns has no such process. */
pid_t pidns_to_global(const struct pidns *ns, pid_t local);
