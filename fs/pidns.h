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
        int fd;     /* the namespace, for the kernel's translation (Linux 6.10+); -1: none */
};

#define PIDNS_NONE ((struct pidns){ .fd = -1 })

int pidns_init(void);

/* The PID namespace of pid: one open, and for a foreign one its depth: levels_known
 * (the count of its NSpid line) or, when 0, one read of its status. pidns_close() it. */
int pidns_of(pid_t pid, int levels_known, struct pidns *ret);
void pidns_close(struct pidns *ns);

/* global -> the caller's number; 0 when the process is not visible in ns. */
pid_t pidns_to_local(const struct pidns *ns, pid_t global);

/*
 * the caller's number -> global; -ESRCH when ns has no such process. Both
 * ask the kernel (NS_GET_PID_FROM_PIDNS, NS_GET_PID_IN_PIDNS); a kernel
 * older than 6.10 has no such question, and then the answer is looked for
 * in /proc (every process and thread's NSpid), which costs milliseconds.
 */
pid_t pidns_to_global(const struct pidns *ns, pid_t local);
