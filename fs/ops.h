/* SPDX-License-Identifier: MIT */
/* ops: the FUSE low-level operations, the only place FUSE requests become cgroupfs calls. */
#pragma once

#define FUSE_USE_VERSION FUSE_MAKE_VERSION(3, 12)
#include <fuse_lowlevel.h>

extern const struct fuse_lowlevel_ops cgview_ops;

/* The session the operations push values and invalidations into (fuse_lowlevel_notify_*). */
void ops_set_session(struct fuse_session *se);

/*
 * Every caller is in the daemon's cgroup and PID namespaces (host_only: any
 * other is refused with EACCES). If everyone also sees everything
 * (visibility=all), the top's entries are cached too, and a thread drops
 * them after every change. Call after the daemon has forked.
 */
int ops_set_host_only(bool everyone_sees_all);

/* Before the session ends: stop the threads that write to it (the top's entries' drop thread). */
void ops_stop(void);
