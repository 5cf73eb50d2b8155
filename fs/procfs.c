/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

int procfs_read(pid_t pid, const char *file, char *buf, size_t n)
{
        char path[64];
        ssize_t len;
        int fd;

        snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)pid, (int)pid, file);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -ESRCH;
        /* These files are small and made whole at the first read: one read(2) is all of it. */
        len = read(fd, buf, n - 1);
        close(fd);
        if (len <= 0)
                return -ESRCH;
        buf[len] = 0;
        return 0;
}

int procfs_numbers(const char *status, const char *key, unsigned long *ret, int max)
{
        const char *line = strstr(status, key);
        int n = 0;

        if (!line)
                return -ESRCH;
        for (const char *p = line + strlen(key); n < max;) {
                char *end;
                unsigned long v = strtoul(p, &end, 10);

                if (end == p || *p == '\n')
                        break;
                ret[n++] = v;
                p = end;
        }
        return n;
}
