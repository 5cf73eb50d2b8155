/* SPDX-License-Identifier: MIT */
/*
 * pollwatch: poll() through the view (SPEC 2). A file polled through the
 * mount has its backing kernel file watched here, in one epoll set served
 * by one thread (started at the first poll, stopped by pollwatch_stop):
 * when the kernel file signals (kernfs_notify of cgroup.events or
 * memory.events, a PSI trigger firing), the poller the kernel is waiting
 * with (FUSE's poll handle, opaque here) is woken.
 *
 * A kernfs file reports POLLPRI|POLLERR from a notification until it is
 * read again; a PSI trigger's poll reports POLLPRI once and clears it, so
 * for those files ("latch") what the watcher saw is kept until the next
 * pollwatch_revents hands it on.
 *
 * No FUSE header: the caller gives what to do with an event (ops.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pollwatch_ops {
        /* Under the watch's lock, key still watched: what to do first; returns an inode to invalidate, or 0. */
        uint64_t (*event)(void *key);
        /* Outside the lock: invalidate inval (not 0), then wake and free ph (either may be absent). */
        void (*wake)(uint64_t inval, void *ph);
        /* Free a poll handle that will not be woken. */
        void (*drop)(void *ph);
};

void pollwatch_init(const struct pollwatch_ops *ops);

/*
 * Watch fd for key (when *id is 0: *id becomes the watch's number) and keep
 * ph to wake at the next event, dropping the one kept before. ph is the
 * watch's even on failure (dropped). 0 or -errno.
 */
int pollwatch_arm(uint64_t *id, int fd, void *key, bool latch, void *ph);

/* The poll events of fd now, with a POLLPRI latched for watch id (0: none) taken. */
unsigned pollwatch_revents(uint64_t id, int fd);

/* Stop watching id (before its fd is closed); nothing of it is called after this returns. */
void pollwatch_remove(uint64_t id);

/* Watches now (a gauge of trusted.cgview.requests). */
unsigned pollwatch_count(void);

/* End the thread and drop every poll handle kept (before the session ends). */
void pollwatch_stop(void);
