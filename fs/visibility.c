/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <uthash.h>

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

static bool in_groups(const struct caller *c, gid_t gid)
{
        if (gid == c->gid)
                return true;
        for (int i = 0; i < c->ngroups; i++)
                if (c->groups[i] == gid)
                        return true;
        return false;
}

/* A directory with this owner, group and mode is delegated to c (SPEC 5.2). */
static bool owned_by(const struct caller *c, uid_t uid, gid_t gid, mode_t mode)
{
        /* A group is delegated a cgroup only if it may write to it. */
        return uid == c->uid || ((mode & S_IWGRP) && in_groups(c, gid));
}

/* path, or one of its ancestors up to the view root, is delegated to c: stats as the caller. */
static bool delegated(const struct caller *c, const char *path)
{
        _cleanup_free_ char *p = strdup(path); /* deeper than PATH_MAX is possible on cgroupfs */
        size_t rl = strlen(c->root);

        if (!p)
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
 * The delegation index: "is a cgroup strictly below this one delegated to
 * c", the way down to a delegation, without a walk per lookup.
 *
 * It is a tree of every cgroup directory under the served root (names and
 * parent links: no stored paths, so a tree deeper than PATH_MAX costs what
 * its names cost). Each cgroup holds its owner and mode, and counts of the
 * delegation keys found strictly below it: "uid u" for a directory owned by
 * u != 0, "gid g" for one of group g with group write. A lookup finds the
 * cgroup by its path and looks for c's uid or one of its groups in those
 * counts; a change of one directory updates the counts of its ancestors.
 *
 * One thread, started at mount, owns the tree and keeps it exact with the
 * daemon's own rights (a caller that cannot read a directory changes
 * nothing): one inotify watch per cgroup directory, added as it appears,
 * reports chown and chmod (IN_ATTRIB), new and removed cgroups (IN_CREATE,
 * IN_DELETE, IN_MOVED_*). The kernel queues an event before the syscall
 * that caused it returns, so a request that finds the queue empty, with no
 * drain in progress (the thread drains under the lock), answers from a tree
 * that holds every change made before it began; otherwise it wakes the
 * thread and waits for one drain that starts after it. Exact, not
 * eventually consistent.
 *
 * A directory the thread could not watch (fs.inotify.max_user_watches
 * reached) or read is "inexact": while there is one, every request that
 * needs the index first has the thread read again each inexact directory
 * (attributes and children). Slower, still exact. What cannot be read
 * counts as holding nothing: the way is hidden, never shown by mistake.
 */

#define WATCH_MASK (IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR)

struct key {
        uint32_t id;
        bool group;
        uint32_t n; /* in below: strict descendants that have it */
};

struct keys {
        struct key *v;
        uint32_t n, cap;
};

struct cg {
        struct cg *parent;
        struct cg *children;    /* by name */
        UT_hash_handle hh;      /* in parent->children */
        UT_hash_handle hw;      /* in watches, by wd */
        int wd;                 /* -1: not watched */
        bool exact;             /* watched, its attributes and children read */
        bool fresh;             /* made by the scan in progress: not yet counted in its ancestors */
        bool stated;
        uid_t uid;
        gid_t gid;
        mode_t mode;
        uint64_t seen;          /* listing stamp: still there */
        struct keys below;
        char name[];
};

/* The index and its thread; all under lock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t drained = PTHREAD_COND_INITIALIZER;
static struct cg *root;
static struct cg *watches;              /* by wd */
static int ifd = -1;                    /* inotify; -1: none (every cgroup inexact) */
static int wake_fd = -1;                /* eventfd: a request wants a drain */
static bool running;
static bool rescan_wanted, rebuild_wanted;
static uint64_t drains_started, drains_done;
static size_t n_inexact, n_watches, max_watches = SIZE_MAX;
static long drain_delay_ms;
static uint64_t stamp;
static bool warned_watches, warned_read, warned_memory;

/* The thread's directory fd for the parent of the next cgroup a scan opens. */
static struct {
        const struct cg *node;
        DIR *d;
        int fd;
} cursor = { NULL, NULL, -1 };

static void cursor_close(void)
{
        if (cursor.d)
                closedir(cursor.d);
        else if (cursor.fd >= 0)
                close(cursor.fd);
        cursor.node = NULL;
        cursor.d = NULL;
        cursor.fd = -1;
}

static void warn_memory(void)
{
        if (!__atomic_exchange_n(&warned_memory, true, __ATOMIC_RELAXED))
                log_warn("out of memory indexing delegated cgroups; rebuilding the index");
        rebuild_wanted = true;
}

/* ---- keys ---- */

static int own_keys(const struct cg *g, struct key k[2])
{
        int n = 0;

        if (!g->stated)
                return 0;
        /* uid 0 is no delegation: root sees everything anyway. */
        if (g->uid != 0)
                k[n++] = (struct key){ .id = g->uid, .group = false, .n = 1 };
        if (g->mode & S_IWGRP)
                k[n++] = (struct key){ .id = g->gid, .group = true, .n = 1 };
        return n;
}

/* Add n (negative: remove) of key to ks. */
static void keys_add(struct keys *ks, uint32_t id, bool group, int64_t n)
{
        for (uint32_t i = 0; i < ks->n; i++) {
                struct key *k = &ks->v[i];

                if (k->id != id || k->group != group)
                        continue;
                if (n < 0 && (uint64_t)-n >= k->n)
                        *k = ks->v[--ks->n];
                else
                        k->n = (uint32_t)((int64_t)k->n + n);
                return;
        }
        if (n <= 0)
                return;
        if (ks->n == ks->cap) {
                uint32_t cap = ks->cap ? ks->cap * 2 : 2;
                struct key *v = realloc(ks->v, cap * sizeof(*v));

                if (!v) {
                        warn_memory();
                        return;
                }
                ks->v = v;
                ks->cap = cap;
        }
        ks->v[ks->n++] = (struct key){ .id = id, .group = group, .n = (uint32_t)n };
}

/* Add g's own keys and what is below it (sign -1: remove them) to every ancestor of g. */
static void count_in_ancestors(const struct cg *g, int sign)
{
        struct key own[2];
        int n = own_keys(g, own);

        for (struct cg *a = g->parent; a; a = a->parent) {
                for (int i = 0; i < n; i++)
                        keys_add(&a->below, own[i].id, own[i].group, sign);
                for (uint32_t i = 0; i < g->below.n; i++)
                        keys_add(&a->below, g->below.v[i].id, g->below.v[i].group, sign * (int64_t)g->below.v[i].n);
        }
}

/* ---- the tree ---- */

static void set_exact(struct cg *g, bool exact)
{
        if (g->exact == exact)
                return;
        g->exact = exact;
        if (exact)
                n_inexact--;
        else
                n_inexact++;
}

static struct cg *cg_new(struct cg *parent, const char *name, size_t len)
{
        struct cg *g = calloc(1, sizeof(*g) + len + 1);

        if (!g) {
                warn_memory();
                return NULL;
        }
        memcpy(g->name, name, len);
        g->parent = parent;
        g->wd = -1;
        g->fresh = true;
        n_inexact++;
        if (parent)
                HASH_ADD_KEYPTR(hh, parent->children, g->name, len, g);
        return g;
}

static void unwatch(struct cg *g)
{
        if (g->wd < 0)
                return;
        HASH_DELETE(hw, watches, g);
        if (ifd >= 0)
                inotify_rm_watch(ifd, g->wd); /* EINVAL when the kernel dropped it already */
        g->wd = -1;
        n_watches--;
        set_exact(g, false);
}

static void release(struct cg *g)
{
        unwatch(g);
        if (!g->exact)
                n_inexact--;
        if (cursor.node == g)
                cursor_close();
        free(g->below.v);
        free(g);
}

/* Take g and everything below it out of the tree, without a stack: post-order by parent links. */
static void cg_free(struct cg *top)
{
        struct cg *g = top;

        if (top->parent)
                HASH_DEL(top->parent->children, top);
        while (g) {
                struct cg *up = g == top ? NULL : g->parent;

                if (g->children) {
                        g = g->children;
                        continue;
                }
                if (up)
                        HASH_DEL(up->children, g);
                release(g);
                g = up;
        }
}

/* A cgroup is gone: its delegations leave its ancestors' counts. */
static void cg_remove(struct cg *g)
{
        if (!g->fresh)
                count_in_ancestors(g, -1);
        if (g == root)
                root = NULL;
        cg_free(g);
}

static void set_attrs(struct cg *g, const struct stat *st)
{
        if (!g->fresh)
                count_in_ancestors(g, -1);
        g->stated = st != NULL;
        g->uid = st ? st->st_uid : 0;
        g->gid = st ? st->st_gid : 0;
        g->mode = st ? st->st_mode : 0;
        if (!g->fresh)
                count_in_ancestors(g, +1);
}

/* The path of g relative to the served root; NULL on ENOMEM. */
static char *cg_path(const struct cg *g)
{
        size_t len = 0;
        char *p, *end;

        for (const struct cg *a = g; a->parent; a = a->parent)
                len += strlen(a->name) + (a->parent->parent ? 1 : 0);
        p = malloc(len + 1);
        if (!p)
                return NULL;
        end = p + len;
        *end = 0;
        for (const struct cg *a = g; a->parent; a = a->parent) {
                size_t l = strlen(a->name);

                end -= l;
                memcpy(end, a->name, l);
                if (a->parent->parent)
                        *--end = '/';
        }
        return p;
}

static struct cg *cg_find(const char *path)
{
        struct cg *g = root;

        while (g && *path) {
                size_t len = strcspn(path, "/");
                struct cg *c;

                HASH_FIND(hh, g->children, path, len, c);
                g = c;
                path += len;
                if (*path == '/')
                        path++;
        }
        return g;
}

/* ---- reading cgroupfs (the thread, with the daemon's rights) ---- */

static void watch(struct cg *g, int fd)
{
        char p[64];
        struct cg *other;
        int wd;

        if (g->wd >= 0 || ifd < 0)
                return;
        if (n_watches >= max_watches) {
                wd = -1;
                errno = ENOSPC;
        } else {
                snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
                wd = inotify_add_watch(ifd, p, WATCH_MASK);
        }
        if (wd < 0) {
                if (!__atomic_exchange_n(&warned_watches, true, __ATOMIC_RELAXED))
                        log_warn("cannot watch every cgroup (%s%s): the way to delegated cgroups is found by "
                                 "reading cgroupfs again on lookups, which is slower",
                                 strerror(errno), errno == ENOSPC ? ", see fs.inotify.max_user_watches" : "");
                return;
        }
        /* The same directory under another name (renamed): the older node no longer knows. */
        HASH_FIND(hw, watches, &wd, sizeof(wd), other);
        if (other) {
                HASH_DELETE(hw, watches, other);
                other->wd = -1;
                n_watches--;
                set_exact(other, false);
        }
        g->wd = wd;
        HASH_ADD(hw, watches, wd, sizeof(g->wd), g);
        n_watches++;
}

/* Open g for reading, from the cursor when it holds g's parent. */
static int open_cg(struct cg *g)
{
        _cleanup_free_ char *path = NULL;

        if (!g->parent)
                return cgroupfs_open("", O_RDONLY | O_DIRECTORY);
        if (cursor.node != g->parent) {
                int fd;

                cursor_close();
                path = cg_path(g->parent);
                if (!path)
                        return -ENOMEM;
                fd = cgroupfs_open(path, O_PATH | O_DIRECTORY);
                if (fd < 0)
                        return fd;
                cursor.node = g->parent;
                cursor.fd = fd;
        }
        return cgroupfs_openat(cursor.d ? dirfd(cursor.d) : cursor.fd, g->name, O_RDONLY | O_DIRECTORY);
}

/* Forget what g holds: nothing read counts as nothing delegated. */
static void forget_children(struct cg *g)
{
        while (g->children)
                cg_remove(g->children);
}

/*
 * Read g: a watch, then its attributes and children (after the watch, so
 * that a change made meanwhile is either read or reported). Returns false
 * when g is gone (freed).
 */
static bool visit(struct cg *g)
{
        int fd = open_cg(g);
        struct dirent *de;
        struct stat st;
        DIR *d;
        bool ok = true;

        if (fd == -ENOENT || fd == -ENOTDIR) {
                if (g == root)
                        log_warn("the served cgroup is gone");
                cg_remove(g);
                return false;
        }
        /* The watch first: a change from here on is reported, whatever the reads below saw. */
        if (fd >= 0)
                watch(g, fd);
        if (fd < 0 || fstat(fd, &st) < 0) {
                if (!__atomic_exchange_n(&warned_read, true, __ATOMIC_RELAXED))
                        log_warn("cannot read a cgroup to index it (%s); retried on lookups",
                                 strerror(fd < 0 ? -fd : errno));
                if (fd >= 0)
                        close(fd);
                set_attrs(g, NULL);
                forget_children(g);
                set_exact(g, false);
                return true;
        }
        set_attrs(g, &st);
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                forget_children(g);
                set_exact(g, false);
                return true;
        }
        stamp++;
        for (;;) {
                struct cg *c;
                size_t len;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        ok = errno == 0;
                        break;
                }
                if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                len = strlen(de->d_name);
                HASH_FIND(hh, g->children, de->d_name, len, c);
                if (!c)
                        c = cg_new(g, de->d_name, len);
                if (c)
                        c->seen = stamp;
                else
                        ok = false;
        }
        if (ok) {
                struct cg *c, *tmp;

                HASH_ITER(hh, g->children, c, tmp)
                        if (c->seen != stamp)
                                cg_remove(c);
        } else {
                forget_children(g);
        }
        set_exact(g, ok && g->wd >= 0);
        /* Its children come next: keep it open to reach them. */
        if (g->children) {
                cursor_close();
                cursor.node = g;
                cursor.d = d;
        } else {
                closedir(d);
        }
        return true;
}

/* The next cgroup after g in a pre-order walk of top's subtree (into g's children or not), or NULL. */
static struct cg *next_in(struct cg *g, const struct cg *top, bool into)
{
        if (into && g->children)
                return g->children;
        while (g != top) {
                if (g->hh.next)
                        return g->hh.next;
                g = g->parent;
        }
        return NULL;
}

/* Count the cgroups this scan made, children first, into their ancestors. */
static void count_fresh(struct cg *top)
{
        struct cg *g = top;

        if (!g)
                return;
        while (g->children)
                g = g->children;
        for (;;) {
                if (g->fresh) {
                        g->fresh = false;
                        if (g->parent && g->parent->fresh) {
                                struct key own[2];
                                int n = own_keys(g, own);

                                for (int i = 0; i < n; i++)
                                        keys_add(&g->parent->below, own[i].id, own[i].group, 1);
                                for (uint32_t i = 0; i < g->below.n; i++)
                                        keys_add(&g->parent->below, g->below.v[i].id, g->below.v[i].group,
                                                 g->below.v[i].n);
                        } else {
                                count_in_ancestors(g, +1);
                        }
                }
                if (g == top)
                        break;
                if (g->hh.next) {
                        g = g->hh.next;
                        while (g->children)
                                g = g->children;
                } else {
                        g = g->parent;
                }
        }
}

/* Read every inexact cgroup of top's subtree (all of a new one), without recursion. */
static void scan(struct cg *top)
{
        struct cg *g = top;

        while (g) {
                struct cg *skip = next_in(g, top, false);

                if (!g->exact && !visit(g)) {
                        if (g == top)
                                top = NULL;
                        g = skip;
                        continue;
                }
                g = next_in(g, top, true);
        }
        cursor_close();
        count_fresh(top);
}

static void rebuild(void)
{
        if (ifd >= 0)
                close(ifd); /* drops every watch at once */
        ifd = -1;
        if (root)
                cg_free(root);
        root = NULL;
        rebuild_wanted = false;
        ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (ifd < 0)
                log_warn("no inotify (%s): the way to delegated cgroups is found by reading cgroupfs again on "
                         "lookups, which is slower",
                         strerror(errno));
        root = cg_new(NULL, "", 0);
        if (root)
                scan(root);
}

/* Read g's attributes again (the thread: it has no fd of g). */
static void restat(struct cg *g)
{
        _cleanup_free_ char *path = cg_path(g);
        struct stat st;
        int r = path ? cgroupfs_stat(path, &st) : -ENOMEM;

        if (r >= 0) {
                set_attrs(g, &st);
                return;
        }
        /* Gone (its removal is on the way) or unreadable: hide until read again. */
        set_attrs(g, NULL);
        set_exact(g, false);
}

static void handle(const struct inotify_event *ev)
{
        struct cg *g, *c;
        size_t len;

        if (ev->mask & IN_Q_OVERFLOW) {
                log_info("more cgroup changes than inotify queues: indexing delegated cgroups again");
                rebuild_wanted = true;
                return;
        }
        HASH_FIND(hw, watches, &ev->wd, sizeof(ev->wd), g);
        if (!g)
                return; /* a watch already dropped with its cgroup */
        if (ev->mask & IN_IGNORED) {
                unwatch(g);
                return;
        }
        if (!ev->len) {
                if (ev->mask & IN_ATTRIB)
                        restat(g);
                return;
        }
        if (!(ev->mask & IN_ISDIR))
                return; /* files: chown of cgroup.procs and the like */
        len = strlen(ev->name);
        HASH_FIND(hh, g->children, ev->name, len, c);
        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
                if (!c && (c = cg_new(g, ev->name, len)))
                        scan(c);
        } else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
                if (c)
                        cg_remove(c);
        } else if ((ev->mask & IN_ATTRIB) && c && c->wd < 0) {
                restat(c); /* its own watch would have said so */
        }
}

/* Process every event queued now. */
static void drain(void)
{
        char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));

        while (ifd >= 0 && !rebuild_wanted) {
                ssize_t n = read(ifd, buf, sizeof(buf));

                if (n <= 0) {
                        if (n < 0 && errno == EINTR)
                                continue;
                        break;
                }
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *ev = (const struct inotify_event *)p;

                        handle(ev);
                        p += sizeof(*ev) + ev->len;
                }
        }
}

static void *watcher(void *arg)
{
        pthread_mutex_lock(&lock);
        drains_started++;
        rebuild();
        drains_done = drains_started;
        pthread_cond_broadcast(&drained);
        pthread_mutex_unlock(&lock);
        for (;;) {
                struct pollfd p[2] = { { .fd = wake_fd, .events = POLLIN }, { .fd = ifd, .events = POLLIN } };
                uint64_t v;

                /* Only this thread changes ifd: reading it unlocked is safe here. */
                if (poll(p, ifd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) {
                        log_err("cannot wait for cgroup changes: %s", strerror(errno));
                        abort();
                }
                /* The test knob: late on its own, at once for a request. */
                if (drain_delay_ms > 0 && !(p[0].revents & POLLIN))
                        poll(p, 1, (int)drain_delay_ms);
                pthread_mutex_lock(&lock);
                drains_started++;
                if (read(wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
                        log_warn("eventfd: %s", strerror(errno));
                drain();
                if (rebuild_wanted)
                        rebuild();
                else if (rescan_wanted && n_inexact > 0 && root)
                        scan(root);
                rescan_wanted = false;
                drains_done = drains_started;
                pthread_cond_broadcast(&drained);
                pthread_mutex_unlock(&lock);
        }
        return NULL;
}

/* Are events queued that the tree does not hold yet? lock held. */
static bool pending(void)
{
        int n = 0;

        return ifd >= 0 && ioctl(ifd, FIONREAD, &n) == 0 && n > 0;
}

/* Make the tree hold every change made before now. lock held. */
static void catch_up(void)
{
        uint64_t target;

        if (drains_done > 0 && !pending() && n_inexact == 0 && !rebuild_wanted)
                return;
        /* No drain is running (we hold the lock): the next one starts after now. */
        target = drains_started + 1;
        if (n_inexact > 0)
                rescan_wanted = true;
        if (write(wake_fd, &(uint64_t){ 1 }, sizeof(uint64_t)) < 0 && errno != EAGAIN)
                log_warn("eventfd: %s", strerror(errno));
        while (drains_done < target)
                pthread_cond_wait(&drained, &lock);
}

/* Is a cgroup strictly below path delegated to c? */
static bool on_the_way(const struct caller *c, const char *path)
{
        const struct cg *g;
        bool found = false;

        pthread_mutex_lock(&lock);
        if (!running) {
                pthread_mutex_unlock(&lock);
                return false;
        }
        catch_up();
        g = cg_find(path);
        for (uint32_t i = 0; g && !found && i < g->below.n; i++) {
                const struct key *k = &g->below.v[i];

                found = k->group ? in_groups(c, k->id) : k->id == c->uid;
        }
        pthread_mutex_unlock(&lock);
        return found;
}

int visibility_start(void)
{
        const char *max = getenv("CGVIEW_TEST_MAX_WATCHES"), *delay = getenv("CGVIEW_TEST_DRAIN_DELAY_MS");
        sigset_t all, old;
        pthread_attr_t attr;
        pthread_t t;
        int r;

        if (show_all)
                return 0; /* no index: everyone sees everything */
        /* Test knobs: fewer watches than the kernel allows (the degraded mode), a slow thread (exactness). */
        if (max)
                max_watches = strtoul(max, NULL, 10);
        if (delay)
                drain_delay_ms = strtol(delay, NULL, 10);
        wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wake_fd < 0)
                return NEG_ERRNO();
        /* Signals go to the FUSE threads, which must wake to end the session. */
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        r = -pthread_create(&t, &attr, watcher, NULL);
        pthread_attr_destroy(&attr);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (r < 0) {
                close(wake_fd);
                wake_fd = -1;
                return r;
        }
        pthread_mutex_lock(&lock);
        running = true;
        pthread_mutex_unlock(&lock);
        return 0;
}

void visibility_changed(void)
{
        /* Nothing to do: a change made through the view reaches the index as any other does, by inotify. */
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
