/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grants.h"
#include "log.h"
#include "util.h"

static char *path;
static struct policy *current;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static volatile sig_atomic_t reload;

static int resolve_user(void *userdata, const char *name, uint32_t *ret)
{
        struct passwd pw, *found = NULL;
        char buf[4096];

        if (getpwnam_r(name, &pw, buf, sizeof(buf), &found) != 0 || !found)
                return -ENOENT;
        *ret = pw.pw_uid;
        return 0;
}

static int resolve_group(void *userdata, const char *name, uint32_t *ret)
{
        struct group gr, *found = NULL;
        char buf[16384];

        if (getgrnam_r(name, &gr, buf, sizeof(buf), &found) != 0 || !found)
                return -ENOENT;
        *ret = gr.gr_gid;
        return 0;
}

static int parse_file(const char *file, struct policy **ret)
{
        static const struct policy_resolver resolver = { resolve_user, resolve_group, NULL };
        _cleanup_free_ char *text = NULL;
        const char *reason = "unreadable";
        unsigned line = 0;
        size_t len = 0;
        FILE *f = fopen(file, "re");
        int r;

        if (!f) {
                r = NEG_ERRNO();
                log_err("%s: %s", file, strerror(-r));
                return r;
        }
        r = getdelim(&text, &len, 0, f) < 0 && ferror(f) ? NEG_ERRNO() : 0;
        len = text ? strlen(text) : 0;
        /* a NUL byte stops getdelim: anything after it is a bad file */
        if (r == 0 && !feof(f) && fgetc(f) != EOF)
                r = -EINVAL, line = 0, reason = "NUL byte";
        fclose(f);
        if (r == 0)
                r = policy_parse(text ? text : "", len, &resolver, ret, &line, &reason);
        if (r < 0)
                log_err("%s:%u: %s", file, line, reason);
        return r;
}

int grants_load(const char *file)
{
        struct policy *p;
        int r;

        if (!file)
                return 0;
        r = parse_file(file, &p);
        if (r < 0)
                return r;
        path = strdup(file);
        if (!path) {
                policy_free(p);
                return -ENOMEM;
        }
        current = p;
        log_info("%s: %u grants", file, policy_count(p));
        return 0;
}

void grants_reload_soon(void)
{
        reload = 1;
}

void grants_refresh(void)
{
        struct policy *p, *old;

        if (!reload || !path)
                return;
        reload = 0;
        if (parse_file(path, &p) < 0) {
                log_err("%s: keeping the %u grants in force", path, policy_count(current));
                return;
        }
        pthread_rwlock_wrlock(&lock);
        old = current;
        current = p;
        pthread_rwlock_unlock(&lock);
        policy_free(old);
        log_info("%s: reloaded, %u grants", path, policy_count(p));
}

static void subject(const struct caller *c, struct policy_subject *s, uint32_t *gids)
{
        gids[0] = c->gid;
        for (int i = 0; i < c->ngroups; i++)
                gids[i + 1] = c->groups[i];
        *s = (struct policy_subject){ .uid = c->uid, .gids = gids, .ngids = (size_t)c->ngroups + 1 };
}

unsigned grants_rights(const struct caller *c, const char *cgroup)
{
        uint32_t gids[CALLER_MAX_GROUPS + 1];
        struct policy_subject s;
        unsigned r;

        if (!current)
                return 0;
        subject(c, &s, gids);
        pthread_rwlock_rdlock(&lock);
        r = policy_rights(current, &s, cgroup);
        pthread_rwlock_unlock(&lock);
        return r;
}

bool grants_on_the_way(const struct caller *c, const char *cgroup)
{
        uint32_t gids[CALLER_MAX_GROUPS + 1];
        struct policy_subject s;
        bool r;

        if (!current)
                return false;
        subject(c, &s, gids);
        pthread_rwlock_rdlock(&lock);
        r = policy_on_the_way(current, &s, cgroup);
        pthread_rwlock_unlock(&lock);
        return r;
}
