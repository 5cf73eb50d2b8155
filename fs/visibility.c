/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroupfs.h"
#include "grants.h"
#include "log.h"
#include "util.h"
#include "visibility.h"

static bool show_all;

void visibility_set_all(bool all)
{
        show_all = all;
}

static bool owned_by(const struct caller *c, uid_t uid, gid_t gid, mode_t mode)
{
        if (uid == c->uid)
                return true;
        /* A group is delegated a cgroup only if it may write to it. */
        if (!(mode & S_IWGRP))
                return false;
        if (gid == c->gid)
                return true;
        for (int i = 0; i < c->ngroups; i++)
                if (c->groups[i] == gid)
                        return true;
        return false;
}

/* path, or one of its ancestors up to the view root, is delegated to c. */
static bool delegated(const struct caller *c, const char *path)
{
        char p[PATH_MAX];
        size_t rl = strlen(c->root);

        if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p))
                return false;
        for (;;) {
                struct stat st;
                char *slash;

                if (cgroupfs_stat(p, &st) >= 0 && owned_by(c, st.st_uid, st.st_gid, st.st_mode))
                        return true;
                if (strlen(p) <= rl)
                        return false;
                slash = strrchr(p, '/');
                if (slash)
                        *slash = 0;
                else
                        p[0] = 0;
        }
}

/*
 * The delegation index: every cgroup directory that is not root's alone,
 * found by one walk of the tree. It answers "is there a cgroup delegated to
 * c below path" (the way down to one is visible) without a walk per lookup.
 * It is rebuilt when it may be stale: after a change made through the view,
 * or, at most every REFRESH_NS, when it answered no.
 */
struct deleg {
        char *path;
        uid_t uid;
        gid_t gid;
        mode_t mode;
};

#define REFRESH_NS 2000000000LL

static struct deleg *index_v;
static size_t index_n, index_cap;
static long long index_time = -REFRESH_NS;
static bool index_stale = true;
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

static long long now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void visibility_changed(void)
{
        __atomic_store_n(&index_stale, true, __ATOMIC_RELAXED);
}

static void index_clear(void)
{
        for (size_t i = 0; i < index_n; i++)
                free(index_v[i].path);
        index_n = 0;
}

static int index_add(const char *path, const struct stat *st)
{
        if (index_n == index_cap) {
                size_t cap = index_cap ? index_cap * 2 : 64;
                struct deleg *v = realloc(index_v, cap * sizeof(*v));

                if (!v)
                        return -ENOMEM;
                index_v = v;
                index_cap = cap;
        }
        index_v[index_n].path = strdup(path);
        if (!index_v[index_n].path)
                return -ENOMEM;
        index_v[index_n].uid = st->st_uid;
        index_v[index_n].gid = st->st_gid;
        index_v[index_n].mode = st->st_mode;
        index_n++;
        return 0;
}

struct walk {
        const char *dir;
};

static int index_walk(const char *path);

static int walk_entry(void *userdata, const char *name, unsigned char d_type, ino_t ino)
{
        struct walk *w = userdata;
        _cleanup_free_ char *child = NULL;

        if (d_type != DT_DIR || !strcmp(name, ".") || !strcmp(name, ".."))
                return 0;
        child = path_join(w->dir, name);
        return child ? index_walk(child) : -ENOMEM;
}

static int index_walk(const char *path)
{
        struct walk w = { path };
        struct stat st;
        int r = cgroupfs_stat(path, &st);

        if (r < 0)
                return r == -ENOENT ? 0 : r; /* removed under us */
        if ((st.st_uid != 0 || (st.st_gid != 0 && (st.st_mode & S_IWGRP))) && (r = index_add(path, &st)) < 0)
                return r;
        r = cgroupfs_list(path, walk_entry, &w);
        return r == -ENOENT ? 0 : r;
}

/* Is a cgroup strictly below path delegated to c? index_lock held. */
static bool index_below(const struct caller *c, const char *path)
{
        for (size_t i = 0; i < index_n; i++) {
                const struct deleg *d = &index_v[i];

                if (strcmp(d->path, path) && path_within(d->path, path) && owned_by(c, d->uid, d->gid, d->mode))
                        return true;
        }
        return false;
}

static bool on_the_way(const struct caller *c, const char *path)
{
        bool found;

        pthread_mutex_lock(&index_lock);
        found = !index_stale && index_below(c, path);
        if (!found && (index_stale || now_ns() - index_time >= REFRESH_NS)) {
                index_clear();
                __atomic_store_n(&index_stale, false, __ATOMIC_RELAXED);
                if (index_walk("") < 0)
                        log_warn("cannot index delegated cgroups; the way to them stays hidden");
                index_time = now_ns();
                found = index_below(c, path);
        }
        pthread_mutex_unlock(&index_lock);
        return found;
}

bool visibility_subtree(const struct caller *c, const char *path)
{
        return show_all || c->uid == 0 || delegated(c, path) || (grants_rights(c, path) & POLICY_READ);
}

bool visibility_cgroup(const struct caller *c, const char *path)
{
        char own[PATH_MAX];

        if (show_all || c->uid == 0 || !strcmp(path, c->root))
                return true;
        if (delegated(c, path) || (grants_rights(c, path) & POLICY_READ) || grants_on_the_way(c, path))
                return true;
        /* Its own cgroup and the ancestors on the way to it. */
        if (caller_cgroup(c->pid, own, sizeof(own)) >= 0 && path_within(own, path))
                return true;
        return on_the_way(c, path);
}
