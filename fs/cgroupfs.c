/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include "cgpath.h"
#include "cgroupfs.h"
#include "util.h"

static int root_fd = -1;
static int handle_fd = -1; /* the root again, not O_PATH: open_by_handle_at takes no O_PATH descriptor */
static char root_cgroup[PATH_MAX] = "/";
static char root_real[PATH_MAX]; /* the served root as /proc/self/fd shows it */
static int *above_fd;             /* the cgroups above the served root in its mount, its parent first */
static unsigned above_n, below_mount; /* how many; how many names the served root is below its mount point */

/* The kernel's file handle type for kernfs objects (include/linux/exportfs.h): the 64-bit id. */
#define FILEID_KERNFS 0xfe
static bool nsdelegate;
static char delegatable[1024] = "\ncgroup.procs\ncgroup.threads\ncgroup.subtree_control\n";

char *path_join(const char *dir, const char *name)
{
        char *p;

        if (!*dir)
                return strdup(name);
        if (asprintf(&p, "%s/%s", dir, name) < 0)
                return NULL;
        return p;
}

static long openat2_beneath(int dirfd, const char *rel, int flags)
{
        struct open_how how = {
                .flags = (uint64_t)flags | O_CLOEXEC | O_NOFOLLOW,
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };

        return syscall(SYS_openat2, dirfd, *rel ? rel : ".", &how, sizeof(how));
}

int cgroupfs_openat(int dirfd, const char *rel, int flags)
{
        long fd = openat2_beneath(dirfd, rel, flags);

        return fd < 0 ? NEG_ERRNO() : (int)fd;
}

/*
 * Open the first len bytes of rel. The kernel takes at most PATH_MAX - 1
 * bytes a call, while cgroupfs holds deeper paths (a user may nest cgroups
 * one level at a time): a longer path is opened in pieces cut at slashes,
 * each beneath the directory the last one opened, so no piece can leave
 * the root either.
 */
static int open_n(const char *rel, size_t len, int flags)
{
        char piece[PATH_MAX];
        int dirfd = root_fd;

        for (;;) {
                size_t n = len;
                int fd = -ENAMETOOLONG;

                if (n >= sizeof(piece)) {
                        /* The longest prefix that fits, up to a slash (none: one name too long). */
                        n = sizeof(piece) - 1;
                        while (n > 0 && rel[n] != '/')
                                n--;
                }
                if (n > 0 || len == 0) {
                        memcpy(piece, rel, n);
                        piece[n] = 0;
                        fd = cgroupfs_openat(dirfd, piece, n == len ? flags : O_PATH | O_DIRECTORY);
                }
                if (dirfd != root_fd)
                        close(dirfd);
                if (fd < 0 || n == len)
                        return fd;
                dirfd = fd;
                rel += n + 1;
                len -= n + 1;
        }
}

int cgroupfs_open(const char *rel, int flags)
{
        return open_n(rel, strlen(rel), flags);
}

/* Open the directory holding rel; *ret_name points into rel at the last component. */
static int open_parent(const char *rel, const char **ret_name)
{
        const char *slash = strrchr(rel, '/');
        int fd;

        if (!*rel)
                return -EBUSY; /* the root itself has no parent we may touch */
        fd = open_n(rel, slash ? (size_t)(slash - rel) : 0, O_PATH | O_DIRECTORY);
        if (fd >= 0)
                *ret_name = slash ? slash + 1 : rel;
        return fd;
}

int cgroupfs_stat(const char *rel, struct stat *ret)
{
        _cleanup_close_ int fd = cgroupfs_open(rel, O_PATH);

        if (fd < 0)
                return fd;
        return fstat(fd, ret) < 0 ? NEG_ERRNO() : 0;
}

bool cgroupfs_exists(const char *rel)
{
        struct stat st;

        return cgroupfs_stat(rel, &st) >= 0;
}

int cgroupfs_access(const char *rel, int mode)
{
        _cleanup_close_ int fd = cgroupfs_open(rel, O_PATH);

        if (fd < 0)
                return fd;
        /* AT_EACCESS: check with the fsuid/fsgid the thread acts as, not the real ids. */
        if (syscall(SYS_faccessat2, fd, "", mode, AT_EMPTY_PATH | AT_EACCESS) < 0)
                return NEG_ERRNO();
        return 0;
}

int cgroupfs_list(const char *rel, cgroupfs_list_fn cb, void *userdata)
{
        int fd = cgroupfs_open(rel, O_RDONLY | O_DIRECTORY), r = 0;
        struct dirent *de;
        DIR *d;

        if (fd < 0)
                return fd;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -ENOMEM;
        }
        while (r >= 0) {
                /* readdir() reports an error only through errno, and cb may have left one there. */
                errno = 0;
                de = readdir(d);
                if (!de) {
                        if (errno)
                                r = NEG_ERRNO();
                        break;
                }
                r = cb(userdata, de->d_name, de->d_type, de->d_ino);
        }
        closedir(d);
        return r;
}

int cgroupfs_read_fd(int fd, char **ret, size_t *ret_len)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, len = 0;

        for (;;) {
                ssize_t r;

                if (len + 1 >= size) {
                        char *nb;

                        size = size ? size * 2 : 4096;
                        if (size > (64u << 20))
                                return -EFBIG;
                        nb = realloc(buf, size);
                        if (!nb)
                                return -ENOMEM;
                        buf = nb;
                }
                r = pread(fd, buf + len, size - len - 1, (off_t)len);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return NEG_ERRNO();
                }
                len += (size_t)r;
                /* cgroupfs files are seq_files: a read short of the buffer ended the text (no read for 0). */
                if (r == 0 || len + 1 < size)
                        break;
        }
        buf[len] = 0;
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int cgroupfs_read(const char *rel, char **ret, size_t *ret_len)
{
        _cleanup_close_ int fd = cgroupfs_open(rel, O_RDONLY);

        if (fd < 0)
                return fd;
        return cgroupfs_read_fd(fd, ret, ret_len);
}

int cgroupfs_write_fd(int fd, const char *buf, size_t len)
{
        ssize_t r;

        do
                r = write(fd, buf, len);
        while (r < 0 && errno == EINTR);
        if (r < 0)
                return NEG_ERRNO();
        return (int)r;
}

/* Run one *at() call on the parent of rel; the call returns -1/errno like libc. */
#define AT_PARENT(rel, call)                                          \
        ({                                                            \
                const char *name;                                     \
                _cleanup_close_ int pfd = open_parent(rel, &name);    \
                pfd < 0 ? pfd : (call) < 0 ? NEG_ERRNO() : 0;         \
        })

int cgroupfs_mkdir(const char *rel, mode_t mode)
{
        return AT_PARENT(rel, mkdirat(pfd, name, mode));
}

int cgroupfs_rmdir(const char *rel)
{
        return AT_PARENT(rel, unlinkat(pfd, name, AT_REMOVEDIR));
}

int cgroupfs_unlink(const char *rel)
{
        return AT_PARENT(rel, unlinkat(pfd, name, 0));
}

int cgroupfs_chmod(const char *rel, mode_t mode)
{
        if (!*rel)
                return fchmodat(root_fd, ".", mode, 0) < 0 ? NEG_ERRNO() : 0;
        return AT_PARENT(rel, fchmodat(pfd, name, mode, 0));
}

int cgroupfs_chown(const char *rel, uid_t uid, gid_t gid)
{
        if (!*rel)
                return fchownat(root_fd, "", uid, gid, AT_EMPTY_PATH) < 0 ? NEG_ERRNO() : 0;
        return AT_PARENT(rel, fchownat(pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW));
}

int cgroupfs_utimens(const char *rel, const struct timespec ts[2])
{
        if (!*rel)
                return utimensat(root_fd, ".", ts, 0) < 0 ? NEG_ERRNO() : 0;
        return AT_PARENT(rel, utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW));
}

int cgroupfs_truncate(const char *rel, off_t size)
{
        _cleanup_close_ int fd = cgroupfs_open(rel, O_WRONLY);

        if (fd < 0)
                return fd;
        return ftruncate(fd, size) < 0 ? NEG_ERRNO() : 0;
}

int cgroupfs_rename(const char *from, const char *to, unsigned flags)
{
        const char *to_name;
        _cleanup_close_ int tfd = open_parent(to, &to_name);

        if (tfd < 0)
                return tfd;
        return AT_PARENT(from, renameat2(pfd, name, tfd, to_name, flags));
}

int cgroupfs_link(const char *from, const char *to)
{
        const char *to_name;
        _cleanup_close_ int tfd = open_parent(to, &to_name);

        if (tfd < 0)
                return tfd;
        return AT_PARENT(from, linkat(pfd, name, tfd, to_name, 0));
}

int cgroupfs_symlink(const char *target, const char *rel)
{
        return AT_PARENT(rel, symlinkat(target, pfd, name));
}

int cgroupfs_mknod(const char *rel, mode_t mode, dev_t dev)
{
        return AT_PARENT(rel, mknodat(pfd, name, mode, dev));
}

/* There is no *at() xattr call before Linux 6.13: go through the O_PATH fd's /proc link. */
#define AT_FD_PATH(rel, call)                                          \
        ({                                                             \
                char p[64];                                            \
                _cleanup_close_ int fd = cgroupfs_open(rel, O_PATH);   \
                ssize_t _r = -1;                                       \
                if (fd >= 0) {                                         \
                        snprintf(p, sizeof(p), "/proc/self/fd/%d", fd); \
                        _r = (call);                                   \
                }                                                      \
                fd < 0 ? fd : _r < 0 ? NEG_ERRNO() : (int)_r;          \
        })

int cgroupfs_setxattr(const char *rel, const char *name, const void *value, size_t size, int flags)
{
        return AT_FD_PATH(rel, setxattr(p, name, value, size, flags));
}

int cgroupfs_getxattr(const char *rel, const char *name, void *value, size_t size)
{
        return AT_FD_PATH(rel, getxattr(p, name, value, size));
}

int cgroupfs_listxattr(const char *rel, char *list, size_t size)
{
        return AT_FD_PATH(rel, listxattr(p, list, size));
}

int cgroupfs_removexattr(const char *rel, const char *name)
{
        return AT_FD_PATH(rel, removexattr(p, name));
}

int cgroupfs_statfs(struct statvfs *ret)
{
        return fstatvfs(root_fd, ret) < 0 ? NEG_ERRNO() : 0;
}

/*
 * Walk the cgroup2 entries of mountinfo. With want == NULL: the first one's
 * mount point. Otherwise: the entry whose mount point is the longest prefix
 * of want, and want's cgroup path under it.
 */
static int scan_mountinfo(const char *want, char *buf, size_t n)
{
        _cleanup_free_ char *line = NULL;
        size_t cap = 0, best = 0;
        FILE *f = fopen("/proc/self/mountinfo", "re");
        int r = -ENOENT;

        if (!f)
                return NEG_ERRNO();
        while (getline(&line, &cap, f) > 0) {
                char root[PATH_MAX], mnt[PATH_MAX], fstype[64];
                const char *sep = strstr(line, " - ");
                size_t ml;

                if (!sep || sscanf(sep, " - %63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
                        continue;
                if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2)
                        continue;
                cgpath_unescape(root);
                cgpath_unescape(mnt);
                if (!want) {
                        r = snprintf(buf, n, "%s", mnt) >= (int)n ? -ENAMETOOLONG : 0;
                        break;
                }
                ml = strlen(mnt);
                if (strcmp(mnt, "/") == 0)
                        ml = 0;
                if (strncmp(want, mnt, ml) || (want[ml] && want[ml] != '/') || (best && ml <= best))
                        continue;
                best = ml ? ml : 1;
                below_mount = 0;
                for (const char *q = want + ml; *q; q++)
                        below_mount += *q == '/' && q[1] && q[1] != '/';
                /* super options: "cgroup2 rw,nsdelegate,memory_recursiveprot" */
                nsdelegate = strstr(sep, ",nsdelegate") || strstr(sep, " nsdelegate");
                r = snprintf(buf, n, "%s%s", strcmp(root, "/") ? root : "", want + ml) >= (int)n ? -ENAMETOOLONG : 0;
                if (!buf[0])
                        strcpy(buf, "/");
        }
        fclose(f);
        return r;
}

/*
 * The cgroups above the served root, up to its mount's root: effective/
 * takes limits from all of them. The served root is a directory of its
 * mount, so each ".." stays in the mount, and the last is the mount's root.
 */
static int open_above(void)
{
        above_fd = calloc(below_mount ? below_mount : 1, sizeof(int));
        if (!above_fd)
                return -ENOMEM;
        for (above_n = 0; above_n < below_mount; above_n++) {
                struct statfs sfs;
                int fd = openat(above_n ? above_fd[above_n - 1] : root_fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

                if (fd < 0)
                        return NEG_ERRNO();
                above_fd[above_n] = fd;
                if (fstatfs(fd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
                        return -EMEDIUMTYPE;
        }
        return 0;
}

unsigned cgroupfs_levels_above(void)
{
        return above_n;
}

int cgroupfs_open_above(unsigned level, const char *name, int flags)
{
        if (level >= above_n)
                return -ENOENT;
        return cgroupfs_openat(above_fd[level], name, flags);
}

int cgroupfs_find_mount(char *buf, size_t n)
{
        return scan_mountinfo(NULL, buf, n);
}

int cgroupfs_init(const char *path)
{
        char real[PATH_MAX];
        struct statfs sfs;
        int fd, r;

        fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return NEG_ERRNO();
        if (fstatfs(fd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC) {
                close(fd);
                return -EMEDIUMTYPE;
        }
        if (!realpath(path, real)) {
                r = NEG_ERRNO();
                close(fd);
                return r;
        }
        r = scan_mountinfo(real, root_cgroup, sizeof(root_cgroup));
        if (r < 0) {
                close(fd);
                return r;
        }
        root_fd = fd;
        handle_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if ((r = open_above()) < 0)
                return r;
        memcpy(root_real, real, sizeof(root_real));
        /* The kernel's own list of files a namespace may write in its root (since 5.x; else the three above). */
        {
                FILE *f = fopen("/sys/kernel/cgroup/delegate", "re");

                if (f) {
                        size_t l = fread(delegatable + 1, 1, sizeof(delegatable) - 3, f);

                        delegatable[0] = '\n';
                        delegatable[l + 1] = '\n';
                        delegatable[l + 2] = 0;
                        fclose(f);
                }
        }
        return 0;
}

int cgroupfs_resolve_id(uint64_t id, char **ret_rel, struct stat *ret_st)
{
        struct {
                struct file_handle h;
                uint64_t id;
        } fh = { .h = { .handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS } };
        char proc[64], real[PATH_MAX];
        _cleanup_close_ int fd = -1;
        size_t n = strlen(root_real);
        ssize_t len;

        memcpy(fh.h.f_handle, &id, sizeof(id));
        fd = open_by_handle_at(handle_fd, &fh.h, O_PATH | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT || errno == EINVAL ? -ESTALE : NEG_ERRNO();
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        len = readlink(proc, real, sizeof(real) - 1);
        if (len < 0)
                return NEG_ERRNO();
        if ((size_t)len >= sizeof(real) - 1)
                return -ENAMETOOLONG;
        real[len] = 0;
        /* The handle names any object of the file system: only one beneath the served root is ours. */
        if (strncmp(real, root_real, n) || (real[n] && real[n] != '/' && strcmp(root_real, "/")))
                return -ESTALE;
        if (fstat(fd, ret_st) < 0)
                return NEG_ERRNO();
        *ret_rel = strdup(real + n + (real[n] == '/'));
        return *ret_rel ? 0 : -ENOMEM;
}

bool cgroupfs_delegatable(const char *name)
{
        char key[NAME_MAX + 3];

        /* No kernel file has a longer name; cut, it would match as a prefix. */
        if (strlen(name) > NAME_MAX)
                return false;
        snprintf(key, sizeof(key), "\n%s\n", name);
        return strstr(delegatable, key) != NULL;
}

bool cgroupfs_nsdelegate(void)
{
        return nsdelegate;
}

const char *cgroupfs_root_cgroup(void)
{
        return root_cgroup;
}
