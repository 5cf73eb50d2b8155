/* SPDX-License-Identifier: MIT */
/*
 * procs: cgroup.procs and cgroup.threads through the view (SPEC 5.3, 5.4).
 *
 * PURE: no I/O, no FUSE, no globals. The glue gathers the facts (where a
 * process is, what the opener may write, what a grant gives) and these
 * functions decide, so that every rule is table-tested:
 *
 *   - a written PID is read exactly as the kernel reads it (knum.h), and
 *     the kernel is then handed the canonical decimal of the PID decided
 *     on, never the caller's bytes;
 *   - a listing shown to a caller in another PID namespace is rebuilt in
 *     its numbers, leaving out the processes it cannot see;
 *   - a move through a file opened by grant, or by a caller in a cgroup
 *     namespace (nsdelegate), is checked here, because the kernel sees
 *     only the daemon.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The number a write of len bytes at buf carries, as the kernel reads it
 * (kstrtoint base 0 on the stripped text): 0 (the writer itself) or a
 * positive PID. -EINVAL for anything the kernel refuses as a number
 * (garbage, out of range, negative), -E2BIG for a write over one page.
 */
int procs_parse_write(const char *buf, size_t len, int *ret);

/*
 * The kernel's listing (one decimal PID per line) with each PID replaced
 * by map(userdata, pid); PIDs map() gives <= 0 for are left out. *ret is
 * malloc'ed and NUL-terminated, *ret_len its length. -EINVAL when a line
 * is not a PID, -ENOMEM.
 */
int procs_translate(const char *raw, size_t len, pid_t (*map)(void *userdata, pid_t pid), void *userdata,
                    char **ret, size_t *ret_len);

/* The length of the common ancestor of two cgroup paths (relative to the
 * served root, "" the root): "a/b" and "a/c" -> 1 ("a"), "ab" and "a" -> 0. */
size_t procs_common_ancestor(const char *a, const char *b);

/* What the daemon knows of a move when a PID is written (see procs_move_check). */
struct procs_move {
        bool opener_root;      /* the opener overrides file permission (CAP_DAC_OVERRIDE in the daemon's user namespace) */
        bool granted;          /* opened by grant, with the daemon's rights (SPEC 5.4) */
        const char *ns_root;   /* nsdelegate and a namespaced opener: its namespace root; else NULL */
        const char *src;       /* the process's cgroup; NULL when outside the served tree */
        unsigned src_rights;   /* the opener's grant rights (POLICY_*) on src */
        bool may_write_common; /* the opener may write cgroup.procs of the common ancestor of src and dst */
        bool daemon;           /* the process is the daemon itself */
};

/*
 * 0 when the move may go to the kernel; -EACCES or -ENOENT in the kernel's
 * order (permission first, then the namespace boundary):
 *   - no one but root moves the daemon;
 *   - by grant, the process must be in a subtree the opener manages;
 *   - otherwise the kernel judges permission itself (the file was opened
 *     as the caller), but for a namespaced caller the daemon must decide
 *     first, so that EACCES comes before its ENOENT;
 *   - nsdelegate: the process must be inside the opener's namespace root.
 */
int procs_move_check(const struct procs_move *m);
