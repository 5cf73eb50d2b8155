/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blockdev.h"

/*
 * Every look-up here is judged with the thread's fsuid, fsgid and groups:
 * the daemon sets them to the caller's before resolving what the caller
 * wrote, so a path the caller cannot reach is ENODEV for it, as a missing
 * one. stat() and open() honour them; access() would use the real uid.
 */
static int devnum_exists(unsigned major, unsigned minor)
{
        char p[64];
        struct stat st;

        snprintf(p, sizeof(p), "/sys/dev/block/%u:%u", major, minor);
        return stat(p, &st) == 0 ? 0 : -ENODEV;
}

int blockdev_resolve(const char *token, unsigned *ret_major, unsigned *ret_minor)
{
        unsigned major, minor;
        char p[PATH_MAX], extra;
        struct stat st;
        FILE *f;
        int r;

        if (sscanf(token, "%u:%u%c", &major, &minor, &extra) == 2) {
                r = devnum_exists(major, minor);
        } else if (token[0] == '/') {
                if (stat(token, &st) < 0 || !S_ISBLK(st.st_mode))
                        return -ENODEV;
                major = major(st.st_rdev);
                minor = minor(st.st_rdev);
                r = 0;
        } else {
                /* A kernel name: one path component, read back from sysfs. */
                if (!*token || strchr(token, '/') || !strcmp(token, ".") || !strcmp(token, "..") ||
                    snprintf(p, sizeof(p), "/sys/class/block/%s/dev", token) >= (int)sizeof(p))
                        return -ENODEV;
                f = fopen(p, "re");
                if (!f)
                        return -ENODEV;
                r = fscanf(f, "%u:%u", &major, &minor) == 2 ? 0 : -ENODEV;
                fclose(f);
        }
        if (r < 0)
                return r;
        *ret_major = major;
        *ret_minor = minor;
        return 0;
}

int blockdev_name(unsigned major, unsigned minor, char *buf, size_t n)
{
        char p[64], target[PATH_MAX];
        const char *base;
        ssize_t l;

        snprintf(p, sizeof(p), "/sys/dev/block/%u:%u", major, minor);
        l = readlink(p, target, sizeof(target) - 1);
        if (l > 0) {
                target[l] = 0;
                base = strrchr(target, '/');
                base = base ? base + 1 : target;
                return snprintf(buf, n, "%s", base) >= (int)n ? -ENOBUFS : 0;
        }
        return snprintf(buf, n, "%u:%u", major, minor) >= (int)n ? -ENOBUFS : 0;
}
