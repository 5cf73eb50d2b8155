/* SPDX-License-Identifier: MIT */
/*
 * visibility: which cgroups a caller sees (SPEC 5.2).
 *
 * Root (uid 0) sees its whole view. With visibility=delegated (the default)
 * any other caller sees only its own cgroup and its ancestors, cgroups
 * delegated to it (the directory owned by its uid, or by a group it is in
 * with group write permission), their descendants, and the ancestors on the
 * way to one, and what the policy file grants it (read or manage) with the
 * way down to that. Everything else answers ENOENT, as if it did not exist.
 */
#pragma once

#include <stdbool.h>

#include "caller.h"

void visibility_set_all(bool all);

/* Does c see every cgroup of its view (root, or visibility=all)? */
bool visibility_all(const struct caller *c);

/* May c see the cgroup at path (relative to the served root, within c->root)? */
bool visibility_cgroup(const struct caller *c, const char *path);

/* Does c see every descendant of path, so that a listing needs no check per child? */
bool visibility_subtree(const struct caller *c, const char *path);

/*
 * Start the thread that indexes delegations (the way down to them) and
 * follows every change on cgroupfs by inotify, with the daemon's rights; it
 * also tells the cache (cache.h) of every change a cached entry may show:
 * a cgroup made, removed or renamed, a chown or chmod, cgroup.subtree_control,
 * cgroup.type or cgroup.pressure written, and whether every cgroup is watched.
 * Call once, after the daemon has forked (fuse_daemonize), before serving.
 *
 * Two environment variables exist for the tests alone:
 * CGVIEW_TEST_MAX_WATCHES=N adds at most N inotify watches, as if the
 * kernel's limit were reached (the degraded mode); CGVIEW_TEST_DRAIN_DELAY_MS=N
 * makes the thread read events N ms late unless a request asks, so that a
 * test shows answers do not depend on the thread being quick.
 */
int visibility_start(void);

/* Make the index and the cache hold every change made on cgroupfs before now. */
void visibility_sync(void);

