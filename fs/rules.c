/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "rules.h"

bool rules_mode_allows(const struct rules_who *w, uid_t owner, gid_t group, mode_t mode, int mask)
{
        unsigned bits;
        bool member = w->gid == group;

        if (w->privileged)
                return !(mask & X_OK) || (mode & 0111) || S_ISDIR(mode);
        for (int i = 0; i < w->ngroups && !member; i++)
                member = w->groups[i] == group;
        bits = w->uid == owner ? (mode >> 6) & 7 : member ? (mode >> 3) & 7 : mode & 7;
        return ((unsigned)mask & 7 & ~bits) == 0;
}

unsigned rules_grant_need(const char *file)
{
        if (file && (!strcmp(file, "cgroup.procs") || !strcmp(file, "cgroup.threads") ||
                     !strcmp(file, "cgroup.subtree_control")))
                return POLICY_MANAGE;
        return POLICY_MANAGE_BELOW;
}

bool rules_grant_allows(int r, unsigned rights, unsigned need)
{
        return (r == -EACCES || r == -EPERM) && (rights & need) == need;
}

bool rules_ns_root_guarded(const char *cgroup, const char *ns_root, const char *file, bool delegatable)
{
        return !strcmp(cgroup, ns_root) && (!file || !delegatable);
}
