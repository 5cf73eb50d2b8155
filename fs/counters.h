/* SPDX-License-Identifier: MIT */
/*
 * counters: what the daemon has been asked, per FUSE operation, and what it
 * holds, read as the text of the extended attribute trusted.cgview.requests
 * of the top of the mount (the kernel sends trusted.* names only for callers
 * with CAP_SYS_ADMIN). One "name count" line each: the benchmark
 * (tests/bench) and the tests count requests per operation with it.
 *
 * Pure: no FUSE header.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define COUNTERS_XATTR "trusted.cgview.requests"

/* Requests by FUSE operation, then notify_store (pushes, not requests), then handles (open now). */
#define COUNTERS(X)                                                                                        \
        X(LOOKUP, "lookup") X(FORGET, "forget") X(GETATTR, "getattr") X(SETATTR, "setattr")                 \
        X(READLINK, "readlink") X(MKNOD, "mknod") X(MKDIR, "mkdir") X(UNLINK, "unlink") X(RMDIR, "rmdir")   \
        X(SYMLINK, "symlink") X(RENAME, "rename") X(LINK, "link") X(CREATE, "create") X(OPEN, "open")      \
        X(READ, "read") X(WRITE, "write") X(FLUSH, "flush") X(RELEASE, "release") X(OPENDIR, "opendir")    \
        X(READDIR, "readdir") X(RELEASEDIR, "releasedir") X(STATFS, "statfs") X(ACCESS, "access")          \
        X(SETXATTR, "setxattr") X(GETXATTR, "getxattr") X(LISTXATTR, "listxattr")                         \
        X(REMOVEXATTR, "removexattr") X(POLL, "poll") X(STORE, "notify_store") X(HANDLES, "handles")

#define COUNTER_ENUM_(e, s) COUNTER_##e,
enum counter { COUNTERS(COUNTER_ENUM_) COUNTER__MAX };
#undef COUNTER_ENUM_

void counter_add(enum counter c, int64_t delta);
uint64_t counter_get(enum counter c);

struct counter_gauge {
        const char *name;
        uint64_t value;
};

/*
 * Every counter, then the gauges given, as "name value" lines into buf:
 * the length; with n 0 the length it would take; -ERANGE when n is short.
 */
int counters_text(char *buf, size_t n, const struct counter_gauge *gauges, size_t n_gauges);
