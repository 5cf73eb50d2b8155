/* SPDX-License-Identifier: MIT */
/*
 * rules: the decisions the daemon makes for a caller beyond the kernel's
 * own checks, besides moves (procs.h) and visibility (visibility.h).
 *
 * PURE: no I/O, no FUSE, no globals; the glue passes the facts in.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Who asks, for a permission check by mode. */
struct rules_who {
        uid_t uid;
        gid_t gid;
        const gid_t *groups;
        int ngroups;
        bool privileged; /* CAP_DAC_OVERRIDE */
};

/*
 * The kernel's generic permission check for a caller without capabilities
 * (cgroupfs has no ACLs): the owner's bits if it owns the file, else the
 * group's if the file's group is one of its groups, else the others'.
 * mask: R_OK, W_OK, X_OK bits. A privileged caller (CAP_DAC_OVERRIDE) may
 * do anything but execute a file with no x bit at all.
 */
bool rules_mode_allows(const struct rules_who *w, uid_t owner, gid_t group, mode_t mode, int mask);

/*
 * What a grant must give (POLICY_* bits) to open a kernel file of a cgroup
 * for writing: the delegation files (cgroup.procs, cgroup.threads,
 * cgroup.subtree_control) of a managed subtree's root; every other file,
 * and every limits/ file (file NULL), only strictly below it, as kernel
 * delegation gives.
 */
unsigned rules_grant_need(const char *file);

/* Whether a grant turns the kernel's answer r into a yes: only a refusal
 * (EACCES, EPERM), and only with the rights needed. */
bool rules_grant_allows(int r, unsigned rights, unsigned need);

/*
 * nsdelegate (SPEC 5.3): the kernel keeps a cgroup namespace from writing
 * the interface files of its own root, except the delegatable ones; it
 * sees only the daemon's namespace, so the daemon applies the rule for a
 * namespaced caller. cgroup: the file's cgroup; ns_root: the caller's
 * namespace root; file: the kernel file's name, or NULL for a limits/ file
 * (which writes limits: never delegatable); delegatable: whether the
 * kernel lists file in /sys/kernel/cgroup/delegate.
 */
bool rules_ns_root_guarded(const char *cgroup, const char *ns_root, const char *file, bool delegatable);
