/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "knum.h"
#include "procfs.h"
#include "util.h"

#define PROCFS_MAX (4u << 20)

#define STATUS_FDS 256 /* one per bucket: pid % STATUS_FDS */

static struct status_fd {
        pthread_mutex_t lock; /* held across the read: the descriptor is never closed under a reader */
        pid_t pid;
        int fd;
} status_fds[STATUS_FDS] = { [0 ... STATUS_FDS - 1] = { PTHREAD_MUTEX_INITIALIZER, 0, -1 } };

/* The whole text of fd from offset 0, NUL-terminated. */
static int read_whole(int fd, char **ret)
{
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, size = 0;

        for (;;) {
                ssize_t n;

                if (size - len < 2) {
                        char *nb;

                        size = size ? size * 2 : 4096;
                        if (size > PROCFS_MAX)
                                return -EFBIG;
                        nb = realloc(buf, size);
                        if (!nb)
                                return -ENOMEM;
                        buf = nb;
                }
                n = pread(fd, buf + len, size - len - 1, (off_t)len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return errno == ESRCH || errno == ENOENT ? -ESRCH : NEG_ERRNO();
                if (n == 0)
                        break;
                len += (size_t)n;
                /* /proc/<pid> files are seq_files: a read short of the buffer ended the text. */
                if (size - len > 1)
                        break;
        }
        if (len == 0)
                return -ESRCH; /* a process being reaped reads empty */
        buf[len] = 0;
        *ret = TAKE_PTR(buf);
        return 0;
}

int procfs_read(pid_t pid, const char *file, char **ret)
{
        _cleanup_close_ int fd = -1;
        char path[64];

        snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)pid, (int)pid, file);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : NEG_ERRNO();
        return read_whole(fd, ret);
}

int procfs_read_status(pid_t pid, char **ret)
{
        struct status_fd *s = &status_fds[(unsigned)pid % STATUS_FDS];
        char path[64];
        int r = -ESRCH;

        pthread_mutex_lock(&s->lock);
        for (int attempt = 0; attempt < 2 && r == -ESRCH; attempt++) {
                if (s->fd < 0 || s->pid != pid || attempt > 0) {
                        if (s->fd >= 0)
                                close(s->fd);
                        snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)pid);
                        s->fd = open(path, O_RDONLY | O_CLOEXEC);
                        s->pid = pid;
                        if (s->fd < 0) {
                                r = errno == ENOENT ? -ESRCH : NEG_ERRNO();
                                break;
                        }
                }
                r = read_whole(s->fd, ret);
        }
        pthread_mutex_unlock(&s->lock);
        return r;
}

int procfs_hex(const char *status, const char *key, uint64_t *ret)
{
        const char *p = strstr(status, key);
        uint64_t v = 0;
        size_t n = 0;

        if (!p)
                return -ENOENT;
        p += strlen(key);
        p += strspn(p, " \t");
        for (; n < 16 && p[n] && p[n] != '\n'; n++) {
                char c = p[n];
                unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;

                if (d == 16)
                        return -EINVAL;
                v = v << 4 | d;
        }
        if (n == 0 || (p[n] && p[n] != '\n'))
                return -EINVAL;
        *ret = v;
        return 0;
}

int procfs_numbers(const char *status, const char *key, unsigned long *ret, int max)
{
        const char *p = strstr(status, key);
        int n = 0;

        if (!p)
                return -ENOENT;
        p += strlen(key);
        while (n < max) {
                unsigned long long v;
                size_t len;
                int r;

                p += strspn(p, " \t");
                len = strcspn(p, " \t\n");
                if (len == 0)
                        break;
                r = parse_decimal(p, len, UINT32_MAX, &v);
                if (r < 0)
                        return r;
                ret[n++] = (unsigned long)v;
                p += len;
        }
        return n;
}
