/* SPDX-License-Identifier: MIT */
/*
 * takeover: what a worker that dies leaves for the next one on the same
 * FUSE connection (SPEC 9.1).
 *
 * The supervisor holds the connection's /dev/fuse descriptor and a memfd
 * with this state; every worker maps it and does all of its FUSE I/O
 * through takeover_read()/takeover_writev() (libfuse's custom I/O):
 *
 *  - FUSE_INIT: the kernel sends it once per connection. The first worker
 *    keeps the request and its reply; a later one is handed the same
 *    request first, and its reply is swallowed (the kernel has one). No
 *    other request is handed out before that reply: libfuse answers
 *    everything with EIO until it has initialised.
 *  - The journal: every request is read straight into a slot of the
 *    shared memory and stays there until its reply has been written. The
 *    kernel keeps waiting for the uniques of requests whose reply was
 *    lost; the next worker handles them first (they are "replayed"). The
 *    slot holds the request from the moment read() returns, so there is
 *    no window in which a request the kernel gave out is in no slot.
 *    Requests that take no reply (forget, interrupt) leave their slot at
 *    once. Works on every kernel (FUSE_NOTIFY_RESEND needs Linux 6.9).
 *  - Requests that a worker died replaying (by itself: a crash, not a kill
 *    from outside) are answered EIO by the next: a request kills at most
 *    two workers, the one that read it and the one that replayed it.
 *  - Per-slot node counts for cache.c: the slots the kernel may still hold
 *    ids of are never given to a new class (cache.h).
 *
 * No libfuse header: the kernel's protocol structs and plain syscalls.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#define TAKEOVER_SLOT_COUNTS 65536
/* Requests in flight at once; the worker's threads are capped below it (main.c). */
#define TAKEOVER_JOURNAL_SLOTS 64
/* Files polled at once whose pollers a new worker wakes (takeover.c: polled_note). */
#define TAKEOVER_POLLED 4096
/* The largest write the connection takes (op_init sets max_write). */
#define TAKEOVER_MAX_WRITE (128u * 1024)

/* Supervisor: a new state, as a memfd (close-on-exec), or -errno. */
int takeover_create(void);

/* Is the state in fd one this binary can use (its layout, or new)? 0 or -errno (-EPROTO: another layout). */
int takeover_check(int fd);

/*
 * Worker: map the state in fd; this worker is one more on the connection.
 * before_killed: the worker before was killed from outside (SIGKILL), so the
 * requests it held did not kill it. 0 or -errno.
 */
int takeover_attach(int fd, bool before_killed);

/* The per-slot node counts (TAKEOVER_SLOT_COUNTS of them) in the shared state; NULL before attach. */
uint32_t *takeover_slot_counts(void);

/* Workers started on this connection so far, this one included (1: the first). */
uint32_t takeover_generation(void);

/* Requests this worker took over from the one before it (replayed or answered EIO). */
unsigned takeover_replayed(void);

/* Is the request this thread is handling one a dead worker had read (its effect may have happened)? */
bool takeover_replaying(void);

/* libfuse's custom I/O (fuse_session_custom_io). */
ssize_t takeover_read(int fd, void *buf, size_t len, void *userdata);
ssize_t takeover_writev(int fd, struct iovec *iov, int count, void *userdata);
