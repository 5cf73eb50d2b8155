/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "grants.h"
#include "log.h"
#include "util.h"

static char *path;
static struct policy *current;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t reload;

/*
 * The answer of a get*nam_r() call as -errno: ERANGE asks for a bigger
 * buffer (grown here, up to 1 MiB: a group with many members is long); "no
 * such name" is -ENOENT however the name service says it; any other error
 * is the lookup's own.
 */
static int lookup_result(int r, bool found, char **buf, size_t *size)
{
        char *nb;

        if (r == ERANGE) {
                if (*size >= (1u << 20))
                        return -ERANGE;
                nb = realloc(*buf, *size *= 2);
                if (!nb)
                        return -ENOMEM;
                *buf = nb;
                return 1; /* again */
        }
        if (r == 0 && found)
                return 0;
        return r == 0 || r == ENOENT || r == ESRCH ? -ENOENT : -r;
}

static int resolve_user(void *userdata, const char *name, uint32_t *ret)
{
        struct passwd pw, *found = NULL;
        size_t size = 1024;
        _cleanup_free_ char *buf = malloc(size);
        int r = buf ? 1 : -ENOMEM;

        while (r > 0) {
                r = getpwnam_r(name, &pw, buf, size, &found);
                r = lookup_result(r, found, &buf, &size);
        }
        if (r == 0)
                *ret = pw.pw_uid;
        return r;
}

static int resolve_group(void *userdata, const char *name, uint32_t *ret)
{
        struct group gr, *found = NULL;
        size_t size = 4096;
        _cleanup_free_ char *buf = malloc(size);
        int r = buf ? 1 : -ENOMEM;

        while (r > 0) {
                r = getgrnam_r(name, &gr, buf, size, &found);
                r = lookup_result(r, found, &buf, &size);
        }
        if (r == 0)
                *ret = gr.gr_gid;
        return r;
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

        if (!path || !__atomic_load_n(&reload, __ATOMIC_ACQUIRE))
                return;
        /* One thread reloads; the others go on with the rules in force. */
        if (pthread_mutex_trylock(&reload_lock) != 0)
                return;
        if (__atomic_exchange_n(&reload, 0, __ATOMIC_ACQ_REL)) {
                if (parse_file(path, &p) < 0) {
                        pthread_rwlock_rdlock(&lock);
                        log_err("%s: keeping the %u grants in force", path, policy_count(current));
                        pthread_rwlock_unlock(&lock);
                } else {
                        pthread_rwlock_wrlock(&lock);
                        old = current;
                        current = p;
                        pthread_rwlock_unlock(&lock);
                        policy_free(old);
                        cache_changed(); /* what callers see changed: no cached entry holds */
                        log_info("%s: reloaded, %u grants", path, policy_count(p));
                }
        }
        pthread_mutex_unlock(&reload_lock);
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

        if (!path)
                return 0; /* no policy file: nothing to lock */
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

        if (!path)
                return false;
        subject(c, &s, gids);
        pthread_rwlock_rdlock(&lock);
        r = policy_on_the_way(current, &s, cgroup);
        pthread_rwlock_unlock(&lock);
        return r;
}
