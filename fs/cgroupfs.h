/* SPDX-License-Identifier: MIT */
/*
 * cgroupfs: the backend. Every access to the cgroup hierarchy goes through
 * here, beneath one directory fd opened at start, with paths relative to it
 * ("" is the served root, "web/db/memory.max" a file below it). Paths are
 * resolved with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS), so no name a caller sends can leave the root.
 *
 * Paths may be longer than PATH_MAX (cgroupfs holds such trees: a user may
 * nest cgroups one level at a time); they are opened in pieces, each beneath
 * the last.
 *
 * Permission is the kernel's: these functions run with the credentials the
 * calling thread has at the time (see caller.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

/* Find the first cgroup2 mount in /proc/self/mountinfo. */
int cgroupfs_find_mount(char *buf, size_t n);

/* Open and check the served root (a cgroup2 mount or a directory in one).
 * Returns 0 or -errno; -ENOTDIR / -EMEDIUMTYPE carry a reason to show. */
int cgroupfs_init(const char *path);

/* The served root's cgroup path as /proc/<pid>/cgroup prints it ("/" or "/a/b"). */
const char *cgroupfs_root_cgroup(void);

/* How many cgroups are above the served root in its cgroup2 mount (0: it serves the mount's root). */
unsigned cgroupfs_levels_above(void);
/* Open file name of the level-th cgroup above the served root (0: its parent), beneath it as cgroupfs_openat does. */
int cgroupfs_open_above(unsigned level, const char *name, int flags);

/* Whether the served mount has nsdelegate: the kernel then guards namespace roots, for callers it sees. */
bool cgroupfs_nsdelegate(void);
/* Whether a namespace may write this file in its own root (/sys/kernel/cgroup/delegate). */
bool cgroupfs_delegatable(const char *name);

/*
 * The path (to free) and attributes of the object whose kernfs id (its
 * st_ino) is id, by file handle: -ESTALE when it is gone or not beneath
 * the served root. Needs CAP_DAC_READ_SEARCH (the daemon's own rights).
 */
int cgroupfs_resolve_id(uint64_t id, char **ret_rel, struct stat *ret_st);

int cgroupfs_open(const char *rel, int flags);
/* Open rel beneath the directory fd dirfd (one opened by cgroupfs_open), with the same rules. */
int cgroupfs_openat(int dirfd, const char *rel, int flags);
int cgroupfs_stat(const char *rel, struct stat *ret);
int cgroupfs_access(const char *rel, int mode);
bool cgroupfs_exists(const char *rel);

/* Call cb for each entry of directory rel ("." and ".." included), in the kernel's order. */
typedef int (*cgroupfs_list_fn)(void *userdata, const char *name, unsigned char d_type, ino_t ino);
int cgroupfs_list(const char *rel, cgroupfs_list_fn cb, void *userdata);

/* Read a whole (small) kernel file from offset 0; *ret is NUL-terminated. */
int cgroupfs_read_fd(int fd, char **ret, size_t *ret_len);
int cgroupfs_read(const char *rel, char **ret, size_t *ret_len);
/* One write(2) of one whole value; returns len or -errno. */
int cgroupfs_write_fd(int fd, const char *buf, size_t len);

int cgroupfs_mkdir(const char *rel, mode_t mode);
int cgroupfs_rmdir(const char *rel);
int cgroupfs_unlink(const char *rel);
int cgroupfs_chmod(const char *rel, mode_t mode);
int cgroupfs_chown(const char *rel, uid_t uid, gid_t gid);
int cgroupfs_utimens(const char *rel, const struct timespec ts[2]);
int cgroupfs_truncate(const char *rel, off_t size);
int cgroupfs_rename(const char *from, const char *to, unsigned flags);
int cgroupfs_link(const char *from, const char *to);
int cgroupfs_symlink(const char *target, const char *rel);
int cgroupfs_mknod(const char *rel, mode_t mode, dev_t dev);
int cgroupfs_setxattr(const char *rel, const char *name, const void *value, size_t size, int flags);
int cgroupfs_getxattr(const char *rel, const char *name, void *value, size_t size);
int cgroupfs_listxattr(const char *rel, char *list, size_t size);
int cgroupfs_removexattr(const char *rel, const char *name);
int cgroupfs_statfs(struct statvfs *ret);

/* "a/b" + "c" -> "a/b/c"; "" + "c" -> "c". Returns a malloc'ed string or NULL. */
char *path_join(const char *dir, const char *name);
