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

#include "cache.h"
#include "cgroupfs.h"
#include "delegtree.h"
#include "grants.h"
#include "log.h"
#include "util.h"
#include "visibility.h"

static bool show_all;

void visibility_set_all(bool all)
{
        show_all = all;
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

                if (cgroupfs_stat(p, &st) >= 0 && delegtree_owned_by(c, st.st_uid, st.st_gid, st.st_mode))
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
 * c", the way down to a delegation, without a walk per lookup. Its tree and
 * counts are fs/delegtree.c; here is how it is kept exact.
 *
 * One thread, started at mount, owns the tree and reads cgroupfs with the
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

/* IN_MODIFY: cgroup.subtree_control, cgroup.type and cgroup.pressure, for the cache (files come and go). */
#define WATCH_MASK (IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_ONLYDIR)

struct cg {
        struct delegtree_node t; /* first: a tree node is its cg */
        UT_hash_handle hw;       /* in watches, by wd */
        int wd;                  /* -1: not watched */
        bool exact;              /* watched, its attributes and children read */
        uint64_t seen;           /* listing stamp: still there */
        char name[];
};

#define CG(n) ((struct cg *)(n))

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
static bool first_scan_done;

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

/* Counts may be short now (never long): hide until the next drain has built the index again. */
static void check_memory(int r)
{
        if (r != -ENOMEM)
                return;
        if (!__atomic_exchange_n(&warned_memory, true, __ATOMIC_RELAXED))
                log_warn("out of memory indexing delegated cgroups; indexing again");
        rebuild_wanted = true;
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
                check_memory(-ENOMEM);
                return NULL;
        }
        memcpy(g->name, name, len);
        g->wd = -1;
        n_inexact++;
        delegtree_link(parent ? &parent->t : NULL, &g->t, g->name, len);
        return g;
}

static struct cg *cg_child(struct cg *g, const char *name, size_t len)
{
        return CG(delegtree_child(&g->t, name, len));
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

static void release(struct delegtree_node *n, void *userdata)
{
        struct cg *g = CG(n);

        unwatch(g);
        if (!g->exact)
                n_inexact--;
        if (cursor.node == g)
                cursor_close();
        if (g == root)
                root = NULL;
        free(g);
}

/* A cgroup is gone, and all below it. */
static void cg_remove(struct cg *g)
{
        delegtree_remove(&g->t, release, NULL);
}

static void set_attrs(struct cg *g, const struct stat *st)
{
        check_memory(delegtree_set_attrs(&g->t, st));
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
        struct cg *parent = CG(g->t.parent);

        if (!parent)
                return cgroupfs_open("", O_RDONLY | O_DIRECTORY);
        if (cursor.node != parent) {
                int fd;

                cursor_close();
                path = delegtree_path(&parent->t);
                if (!path)
                        return -ENOMEM;
                fd = cgroupfs_open(path, O_PATH | O_DIRECTORY);
                if (fd < 0)
                        return fd;
                cursor.node = parent;
                cursor.fd = fd;
        }
        return cgroupfs_openat(cursor.d ? dirfd(cursor.d) : cursor.fd, g->name, O_RDONLY | O_DIRECTORY);
}

/* Forget what g holds: nothing read counts as nothing delegated. */
static void forget_children(struct cg *g)
{
        while (g->t.children)
                cg_remove(CG(g->t.children));
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
                c = cg_child(g, de->d_name, len);
                if (!c)
                        c = cg_new(g, de->d_name, len);
                if (c)
                        c->seen = stamp;
                else
                        ok = false;
        }
        if (ok) {
                struct delegtree_node *c, *tmp;

                HASH_ITER(hh, g->t.children, c, tmp)
                        if (CG(c)->seen != stamp)
                                cg_remove(CG(c));
        } else {
                forget_children(g);
        }
        set_exact(g, ok && g->wd >= 0);
        /* Its children come next: keep it open to reach them. */
        if (g->t.children) {
                cursor_close();
                cursor.node = g;
                cursor.d = d;
        } else {
                closedir(d);
        }
        return true;
}

/* Read every inexact cgroup of top's subtree (all of a new one), without recursion. */
static void scan(struct cg *top)
{
        struct cg *g = top;

        while (g) {
                struct cg *skip = CG(delegtree_next(&g->t, &top->t, false));

                if (!g->exact && !visit(g)) {
                        if (g == top)
                                top = NULL;
                        g = skip;
                        continue;
                }
                g = CG(delegtree_next(&g->t, &top->t, true));
        }
        cursor_close();
        if (top)
                check_memory(delegtree_count_fresh(&top->t));
}

static void rebuild(void)
{
        cache_changed();
        if (ifd >= 0)
                close(ifd); /* drops every watch at once */
        ifd = -1;
        if (root)
                cg_remove(root);
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
        _cleanup_free_ char *path = delegtree_path(&g->t);
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
        /* Writes are news only where they change which files exist: the rest are values (never cached). */
        if (!(ev->mask & IN_MODIFY) ||
            (ev->len && (!strcmp(ev->name, "cgroup.subtree_control") || !strcmp(ev->name, "cgroup.type") ||
                         !strcmp(ev->name, "cgroup.pressure"))))
                cache_changed();
        if (!ev->len) {
                if (ev->mask & IN_ATTRIB)
                        restat(g);
                return;
        }
        if (!(ev->mask & IN_ISDIR))
                return; /* files: chown of cgroup.procs and the like */
        len = strlen(ev->name);
        c = cg_child(g, ev->name, len);
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
        cache_set_watched(n_inexact == 0);
        __atomic_store_n(&first_scan_done, true, __ATOMIC_RELEASE);
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
                cache_set_watched(n_inexact == 0);
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
        bool found = false;

        pthread_mutex_lock(&lock);
        if (running) {
                catch_up();
                found = root && delegtree_below(delegtree_find(&root->t, path), c);
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

void visibility_sync(void)
{
        /*
         * Nothing is cached while a cgroup is not watched, nor before the first
         * scan has watched them all: no need to wait for a scan then (the first
         * holds the lock while it reads the whole tree).
         */
        if (!__atomic_load_n(&first_scan_done, __ATOMIC_ACQUIRE))
                return;
        pthread_mutex_lock(&lock);
        if (running && n_inexact == 0)
                catch_up();
        pthread_mutex_unlock(&lock);
}

bool visibility_all(const struct caller *c)
{
        return show_all || c->uid == 0;
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
