/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "knum.h"
#include "pidns.h"
#include "procfs.h"
#include "util.h"

/* Linux 6.10's translations (linux/nsfs.h of Debian 12 predates them). */
#ifndef NS_GET_PID_FROM_PIDNS
#define NS_GET_PID_FROM_PIDNS _IOR(NSIO, 0x6, int)
#endif
#ifndef NS_GET_PID_IN_PIDNS
#define NS_GET_PID_IN_PIDNS _IOR(NSIO, 0x8, int)
#endif

static dev_t own_dev;
static ino_t own_ino;
static bool no_ioctl; /* the kernel does not translate: ask /proc */

int pidns_init(void)
{
        struct stat st;

        if (stat("/proc/self/ns/pid", &st) < 0)
                return NEG_ERRNO();
        own_dev = st.st_dev;
        own_ino = st.st_ino;
        return 0;
}

/* The NSpid line of /proc/<pid>/status: the process's number at each level, outermost first. */
static int nspids(pid_t pid, pid_t *ret, int max)
{
        _cleanup_free_ char *buf = NULL;
        unsigned long v[33];
        int n = procfs_read(pid, "status", &buf);

        if (n < 0)
                return n;
        n = procfs_numbers(buf, "\nNSpid:", v, max < 33 ? max : 33);
        for (int i = 0; i < n; i++)
                ret[i] = (pid_t)v[i];
        return n;
}

int pidns_of(pid_t pid, int levels_known, struct pidns *ret)
{
        pid_t levels[33];
        char path[64];
        struct stat st;
        int fd, n;

        *ret = PIDNS_NONE;
        snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0) {
                if (fd >= 0)
                        close(fd);
                return -ESRCH;
        }
        if (st.st_dev == own_dev && st.st_ino == own_ino) {
                close(fd);
                ret->ino = st.st_ino;
                return 0;
        }
        n = levels_known > 0 ? levels_known : nspids(pid, levels, 33);
        if (n < 2) {
                close(fd);
                return n < 0 ? n : -ESRCH;
        }
        *ret = (struct pidns){ .ino = st.st_ino, .level = n - 1, .fd = fd };
        return 0;
}

void pidns_close(struct pidns *ns)
{
        if (ns->fd >= 0)
                close(ns->fd);
        ns->fd = -1;
}

/* The kernel's translation: > 0 the number, 0 none, -ENOTTY when the kernel cannot say. */
static pid_t ask_kernel(const struct pidns *ns, unsigned long request, pid_t pid)
{
        int r;

        if (ns->fd < 0 || __atomic_load_n(&no_ioctl, __ATOMIC_RELAXED))
                return -ENOTTY;
        r = ioctl(ns->fd, request, (unsigned long)pid);
        if (r > 0)
                return r;
        if (r < 0 && (errno == ENOTTY || errno == EINVAL || errno == ENOSYS)) {
                __atomic_store_n(&no_ioctl, true, __ATOMIC_RELAXED);
                return -ENOTTY;
        }
        return 0;
}

/* Is global's PID namespace at ns->level the namespace ns? (Its innermost is at depth - 1.) */
static int same_ns_at_level(pid_t global, int depth, const struct pidns *ns)
{
        char path[64];
        struct stat st;
        int fd, r;

        snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)global);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        /* Climb from the innermost namespace to the caller's level. */
        for (int l = depth - 1; l > ns->level; l--) {
                int parent = ioctl(fd, NS_GET_PARENT);

                close(fd);
                if (parent < 0)
                        return 0;
                fd = parent;
        }
        r = fstat(fd, &st) == 0 && st.st_ino == ns->ino;
        close(fd);
        return r;
}

pid_t pidns_to_local(const struct pidns *ns, pid_t global)
{
        pid_t levels[33];
        int n;

        if (ns->level == 0)
                return global;
        if ((n = ask_kernel(ns, NS_GET_PID_IN_PIDNS, global)) != -ENOTTY)
                return n;
        n = nspids(global, levels, 33);
        if (n <= ns->level || !same_ns_at_level(global, n, ns))
                return 0;
        return levels[ns->level];
}

/* Does global (a process or a thread) have number local in ns? */
static bool is_local(const struct pidns *ns, pid_t global, pid_t local)
{
        pid_t levels[33];
        int n = nspids(global, levels, 33);

        return n > ns->level && levels[ns->level] == local && same_ns_at_level(global, n, ns);
}

/* The PID a /proc or /proc/<pid>/task entry names, or 0 for any other entry. */
static pid_t entry_pid(const char *name)
{
        unsigned long long v;

        return parse_decimal(name, strlen(name), INT32_MAX, &v) < 0 ? 0 : (pid_t)v;
}

pid_t pidns_to_global(const struct pidns *ns, pid_t local)
{
        struct dirent *de;
        pid_t found = -ESRCH;
        DIR *d;

        if (ns->level == 0)
                return local;
        if ((found = ask_kernel(ns, NS_GET_PID_FROM_PIDNS, local)) != -ENOTTY)
                return found > 0 ? found : -ESRCH;
        found = -ESRCH;
        /* Before Linux 6.10 no syscall maps a foreign namespace's number back: ask every process, then every thread. */
        for (int threads = 0; threads < 2 && found < 0; threads++) {
                d = opendir("/proc");
                if (!d)
                        return -ESRCH;
                while ((de = readdir(d)) && found < 0) {
                        pid_t g = entry_pid(de->d_name);
                        char task[64];
                        struct dirent *te;
                        DIR *t;

                        if (g <= 0)
                                continue;
                        if (!threads) {
                                if (is_local(ns, g, local))
                                        found = g;
                                continue;
                        }
                        snprintf(task, sizeof(task), "/proc/%d/task", (int)g);
                        t = opendir(task);
                        if (!t)
                                continue;
                        while ((te = readdir(t)) && found < 0) {
                                pid_t tid = entry_pid(te->d_name);

                                if (tid > 0 && tid != g && is_local(ns, tid, local))
                                        found = tid;
                        }
                        closedir(t);
                }
                closedir(d);
        }
        return found;
}
