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

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <linux/capability.h>

#include "cgpath.h"

#define CALLER_MAX_GROUPS 256

struct caller {
        uid_t uid;
        gid_t gid;
        pid_t pid;
        int ngroups;
        gid_t groups[CALLER_MAX_GROUPS];
        int pid_levels;   /* PID namespaces it is nested in, its own counted (1: the daemon's); 0: not read */
        uint64_t caps;    /* its effective capabilities in the daemon's user namespace (0 in another) */
        /*
         * Where it stands (SPEC 5.3): the root of its cgroup namespace, as a
         * path relative to the served root, and the view id of that root.
         * in_view is false when its namespace holds nothing of the served tree.
         */
        bool in_view;
        bool namespaced;  /* in a cgroup namespace other than the daemon's */
        uint32_t view;
        char root[PATH_MAX];
};

/* Remember the daemon's own cgroup namespace; call once at start. */
int caller_init(void);

/* Act as c: its fsuid, fsgid, groups and effective capabilities. */
int caller_become(const struct caller *c);
/* Act with the daemon's own rights (caller_restore), or only those a grant lends: file
 * permission (not CAP_SYS_RESOURCE: a PSI trigger opened by grant is an unprivileged one). */
void caller_restore(void);
int caller_become_granted(void);

/* Evaluate expr with the daemon's own credentials, then act as caller c again. */
#define AS_DAEMON(c, expr)                              \
        ({                                              \
                caller_restore();                       \
                __typeof__(expr) r_ = (expr);           \
                if (caller_become(c) < 0)               \
                        abort();                        \
                r_;                                     \
        })

#define CALLER_CAP(n) (UINT64_C(1) << (n))
#define CALLER_GRANT_CAPS (CALLER_CAP(CAP_DAC_OVERRIDE) | CALLER_CAP(CAP_DAC_READ_SEARCH) | CALLER_CAP(CAP_FOWNER))
/* Whether c may override file permission, as root normally may. */
#define CALLER_PRIVILEGED(c) (((c)->caps & CALLER_CAP(CAP_DAC_OVERRIDE)) != 0)

/* Fill c->in_view, c->view and c->root for c->pid: one stat of
 * /proc/<pid>/ns/cgroup, and more only for a namespace not seen before. */
int caller_locate(struct caller *c);

/* Fill c->groups, c->ngroups, c->pid_levels and c->caps from /proc/<pid>/task/<pid>/status, with one read. */
int caller_read_status(struct caller *c);

/* The caller's cgroup path relative to the served root ("" for the root
 * itself, "a/b" below it); -ENOENT when it lives outside the served tree,
 * -ESRCH when there is no such process. */
int caller_cgroup(pid_t pid, char *buf, size_t n);

/*
 * The name of c's class (cache.h): its view root and PID namespace, and,
 * unless it sees everything and may read every entry (CAP_DAC_OVERRIDE),
 * its uid, gid, groups, file capabilities and (unless it sees every
 * cgroup) its own cgroup. Call as c
 * (caller_become); -errno when a fact cannot be read (c is gone). *ret
 * lives until the next request this thread begins (caller_request_begin).
 */
int caller_class_key(const struct caller *c, const char **ret);

/* Every caller is of one class (host_only with visibility=all: a trade the mount declares). */
void caller_set_single_class(void);

/*
 * A request begins on this thread: forget what the last one read. Within
 * one request, the class key and the caller's own cgroup are read once
 * (the same moment's facts for every decision of the request).
 */
void caller_request_begin(void);
