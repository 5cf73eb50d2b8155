/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include "caller.h"
#include "cgroupfs.h"
#include "util.h"

static __thread bool caps_dropped;

/* Set this thread's effective capabilities to its permitted set, or to none. */
static int set_effective_caps(int all)
{
        struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct data[2];

        if (syscall(SYS_capget, &hdr, data) < 0)
                return NEG_ERRNO();
        for (int i = 0; i < 2; i++)
                data[i].effective = all ? data[i].permitted : 0;
        return syscall(SYS_capset, &hdr, data) < 0 ? NEG_ERRNO() : 0;
}

int caller_become(const struct caller *c)
{
        /* Order matters: groups and fsgid first, while fsuid 0 still holds CAP_SETGID. */
        if (syscall(SYS_setgroups, (size_t)c->ngroups, c->groups) < 0)
                return NEG_ERRNO();
        setfsgid(c->gid);
        setfsuid(c->uid);
        if ((uid_t)setfsuid((uid_t)-1) != c->uid || (gid_t)setfsgid((gid_t)-1) != c->gid)
                return -EPERM;
        /*
         * A non-zero fsuid drops only the file capabilities. The kernel checks
         * others on cgroupfs too (CAP_SYS_RESOURCE for PSI triggers): an
         * unprivileged caller gets none of them.
         */
        if (c->uid == 0)
                return 0;
        caps_dropped = true;
        return set_effective_caps(0);
}

void caller_restore(void)
{
        if (caps_dropped && set_effective_caps(1) >= 0)
                caps_dropped = false;
        setfsuid(0);
        setfsgid(0);
        syscall(SYS_setgroups, (size_t)0, NULL);
}

int caller_cgroup(pid_t pid, char *buf, size_t n)
{
        const char *root = cgroupfs_root_cgroup();
        char path[64], line[4096];
        size_t rl = strlen(root);
        const char *cg = NULL, *rest;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
        f = fopen(path, "re");
        if (!f)
                return -ENOENT;
        while (fgets(line, sizeof(line), f)) {
                if (strncmp(line, "0::", 3) == 0) {
                        line[strcspn(line, "\n")] = 0;
                        cg = line + 3;
                        break;
                }
        }
        fclose(f);
        if (!cg)
                return -ENOENT;
        if (strcmp(root, "/") == 0)
                rest = cg;
        else if (strncmp(cg, root, rl) == 0 && (cg[rl] == '/' || cg[rl] == 0))
                rest = cg + rl;
        else
                return -ENOENT;
        while (*rest == '/')
                rest++;
        if ((size_t)snprintf(buf, n, "%s", rest) >= n)
                return -ENAMETOOLONG;
        return 0;
}
