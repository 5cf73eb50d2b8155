/* SPDX-License-Identifier: MIT */
/*
 * policy: the grant file (policy=FILE, SPEC 5.4) and the rights it gives.
 *
 * PURE: no I/O, no FUSE, no globals, no name service: user and group names
 * go through the caller's resolver, so tests can fake it. A parsed policy
 * is one immutable allocation: any number of threads may query it while
 * the daemon swaps in a new one on SIGHUP.
 *
 * The file: one rule a line, exactly four fields separated by spaces or
 * tabs. A '#' at the start of a line or after a blank starts a comment
 * (inside a field it is an ordinary byte); blank lines are ignored.
 *
 *     # verb     who                    subtree        what
 *     grant      user:alice             /jobs/alice    manage
 *     grant      group:ops              /              read
 *     grant      uid:100000-165535      /lxc/web       manage
 *
 *   verb     "grant", nothing else.
 *   who      user:NAME, group:NAME (resolved at parse time), uid:N, uid:N-M,
 *            gid:N, gid:N-M: plain decimal, 0 to 4294967295, no sign, no
 *            leading zero (so "010" cannot be read as octal), N <= M.
 *   subtree  an absolute path below the served cgroup root, "/" being the
 *            root itself. No empty, "." or ".." component, no control
 *            character, components of at most 255 bytes, at most 4095
 *            bytes in all; one trailing '/' is dropped ("/a/" is "/a").
 *            Names with blanks cannot be written.
 *   what     "read" or "manage".
 *
 * Lines end with "\n" or "\r\n". NUL anywhere (comments included) and any
 * other control character outside a comment are errors. Duplicate rules
 * are harmless.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_MAX_RULES 65536 /* every lookup scans the rules */

struct policy; /* opaque, immutable once parsed */

/*
 * Resolves a user or group name to its id: returns 0 and sets *ret, or
 * -ENOENT for an unknown name (a bad line), or another -errno when the
 * lookup itself failed (returned as is by policy_parse). A NULL resolver
 * or callback knows no name.
 */
struct policy_resolver {
        int (*user)(void *userdata, const char *name, uint32_t *ret);
        int (*group)(void *userdata, const char *name, uint32_t *ret);
        void *userdata;
};

/*
 * Parses the whole text of a grant file, len bytes (text may be NULL when
 * len is 0). Returns 0 and sets *ret (free with policy_free), leaving
 * *ret_line and *ret_reason untouched. On failure *ret is untouched and
 * *ret_line (1-based) and *ret_reason (a static string) say where and why
 * the first bad line is bad; either may be NULL. Failures:
 *   -EINVAL  a bad line; reasons: "NUL byte", "control character",
 *            "unknown verb", "missing field", "extra field", "bad subject",
 *            "bad name", "bad id", "bad id range", "unknown user",
 *            "unknown group", "bad subtree path", "unknown right",
 *            "too many rules", "too many lines"
 *   -ENOMEM  "out of memory"
 *   other    the resolver's own error: "user lookup failed",
 *            "group lookup failed"
 */
int policy_parse(const char *text, size_t len, const struct policy_resolver *res, struct policy **ret,
                 unsigned *ret_line, const char **ret_reason);

void policy_free(struct policy *p);

/* The number of rules; 0 for NULL. */
unsigned policy_count(const struct policy *p);

/* Who asks: gids holds the primary group and every supplementary one. */
struct policy_subject {
        uint32_t uid;
        const uint32_t *gids;
        size_t ngids;
};

#define POLICY_READ 1u         /* visible: at or below the root of a read or manage subtree */
#define POLICY_MANAGE 2u       /* at or below a manage root: create/remove children, move processes within */
#define POLICY_MANAGE_BELOW 4u /* strictly below a manage root: its limits may be set too */

/*
 * The rights s has on cgroup, the union over every rule that names s (by
 * uid, or by any of its gids). cgroup is relative to the served root and
 * normalized: "" for the root, "a/b" below it, no leading or trailing '/'.
 * Subtrees match by whole components: /jobs/al does not cover "jobs/alice".
 * MANAGE implies READ, MANAGE_BELOW implies MANAGE. A NULL policy grants
 * nothing. No allocation: cheap enough for every lookup.
 */
unsigned policy_rights(const struct policy *p, const struct policy_subject *s, const char *cgroup);

/*
 * Whether cgroup is the root of a subtree granted to s or an ancestor of
 * one: visible as the way down to it (SPEC 5.2). Same cgroup form as
 * policy_rights; false for a NULL policy.
 */
bool policy_on_the_way(const struct policy *p, const struct policy_subject *s, const char *cgroup);
