/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <uthash.h>
#include <sys/syscall.h>

#include "caller.h"
#include "cgroupfs.h"
#include "pidns.h"
#include "procfs.h"
#include "util.h"
#include "visibility.h"

static __thread bool caps_dropped; /* this thread's effective set is less than the daemon's permitted one */
static __thread bool switched;     /* this thread's fsuid, fsgid or groups are a caller's */
static struct __user_cap_data_struct daemon_caps[2]; /* read once: the daemon never changes them */
static dev_t own_userns_dev;
static ino_t own_userns_ino;

/* Set this thread's effective capabilities to mask & the permitted set; no syscall when nothing changes. */
static int set_effective_caps(uint64_t mask)
{
        struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct data[2] = { daemon_caps[0], daemon_caps[1] };
        bool dropped = false;

        for (int i = 0; i < 2; i++) {
                data[i].effective = data[i].permitted & (uint32_t)(mask >> (32 * i));
                dropped |= data[i].effective != data[i].permitted;
        }
        if (!dropped && !caps_dropped)
                return 0;
        if (syscall(SYS_capset, &hdr, data) < 0)
                return NEG_ERRNO();
        caps_dropped = dropped;
        return 0;
}

/*
 * uid 0, gid 0 and every capability the daemon has: acting as the daemon is
 * acting as this caller, for file permission (CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH decide before any group is looked at) and for what
 * the kernel checks on top. Root's requests then switch nothing.
 */
static bool as_daemon(const struct caller *c)
{
        uint64_t daemon = (uint64_t)daemon_caps[1].permitted << 32 | daemon_caps[0].permitted;

        return c->uid == 0 && c->gid == 0 && (c->caps & daemon) == daemon;
}

int caller_become(const struct caller *c)
{
        int r;

        if (as_daemon(c)) {
                caller_restore();
                return 0;
        }
        switched = true;
        /* Order matters: all capabilities back, then groups and fsgid while fsuid 0 holds CAP_SETGID. */
        if (caps_dropped && (r = set_effective_caps(UINT64_MAX)) < 0)
                return r;
        if (syscall(SYS_setgroups, (size_t)c->ngroups, c->groups) < 0)
                return NEG_ERRNO();
        setfsgid(c->gid);
        setfsuid(c->uid);
        if ((uid_t)setfsuid((uid_t)-1) != c->uid || (gid_t)setfsgid((gid_t)-1) != c->gid)
                return -EPERM;
        /*
         * A non-zero fsuid drops only the file capabilities, and a uid 0 caller
         * may have dropped its own. The kernel checks capabilities on cgroupfs
         * (CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_SYS_RESOURCE for PSI triggers):
         * every caller acts with exactly the ones it has.
         */
        return set_effective_caps(c->caps);
}

int caller_become_granted(void)
{
        caller_restore();
        return set_effective_caps(CALLER_GRANT_CAPS);
}

void caller_restore(void)
{
        if (caps_dropped)
                set_effective_caps(UINT64_MAX);
        if (!switched)
                return;
        switched = false;
        setfsuid(0);
        setfsgid(0);
        syscall(SYS_setgroups, (size_t)0, NULL);
}

/* The "0::" line of /proc/<pid>/cgroup, as the reading thread's cgroup namespace sees it. */
static int read_cgroup_line(pid_t pid, char *buf, size_t n)
{
        _cleanup_free_ char *text = NULL;
        char *line;
        int r = procfs_read(pid, "cgroup", &text);

        if (r < 0)
                return r;
        /* cgroup v2's line, "0::/path", first or after the v1 lines of a hybrid host */
        line = strncmp(text, "0::", 3) ? strstr(text, "\n0::") : text;
        if (!line)
                return -ENOENT;
        line += line == text ? 3 : 4;
        line[strcspn(line, "\n")] = 0;
        /* The kernel cuts a longer path at PATH_MAX - 1 bytes without a word: it names another cgroup. */
        if (strlen(line) >= PATH_MAX - 1)
                return -ENAMETOOLONG;
        return snprintf(buf, n, "%s", line) >= (int)n ? -ENAMETOOLONG : 0;
}

int caller_read_status(struct caller *c)
{
        unsigned long v[CALLER_MAX_GROUPS];
        _cleanup_free_ char *buf = NULL;
        int n = procfs_read_status(c->pid, &buf);

        if (n < 0)
                return n;
        /*
         * More groups than CALLER_MAX_GROUPS: it acts with the first ones, which
         * gives fewer rights unless a mode denies a group what it gives others
         * (cgroupfs never makes such modes itself).
         */
        n = procfs_numbers(buf, "\nGroups:", v, CALLER_MAX_GROUPS);
        if (n < 0)
                return n;
        for (int i = 0; i < n; i++)
                c->groups[i] = (gid_t)v[i];
        c->ngroups = n;
        n = procfs_numbers(buf, "\nNSpid:", v, CALLER_MAX_GROUPS);
        if (n < 0)
                return n;
        c->pid_levels = n > 0 ? n : 1;
        n = procfs_hex(buf, "\nCapEff:", &c->caps);
        if (n < 0)
                return n;
        /* Capabilities in a user namespace of its own are nothing in the daemon's. */
        if (c->caps) {
                char p[64];
                struct stat st;

                snprintf(p, sizeof(p), "/proc/%d/ns/user", (int)c->pid);
                if (stat(p, &st) < 0 || st.st_dev != own_userns_dev || st.st_ino != own_userns_ino)
                        c->caps = 0;
        }
        return 0;
}

/* An absolute cgroup path ("/a/b") relative to the served root ("b"), or -ENOENT outside it. */
static int served_relative(const char *abs, char *buf, size_t n)
{
        const char *root = cgroupfs_root_cgroup();
        size_t rl = strcmp(root, "/") ? strlen(root) : 0;
        const char *rest;

        if (rl && (strncmp(abs, root, rl) || (abs[rl] && abs[rl] != '/')))
                return -ENOENT;
        rest = abs + rl;
        while (*rest == '/')
                rest++;
        return snprintf(buf, n, "%s", rest) >= (int)n ? -ENAMETOOLONG : 0;
}

#define CLASS_KEY_MAX (PATH_MAX + 64 + CALLER_MAX_GROUPS * 11)

/* What this thread's request has read already. */
static __thread struct {
        bool own_valid, key_valid;
        pid_t own_pid;
        int own_r, key_r;
        char own[PATH_MAX];
        char key[CLASS_KEY_MAX];
} request;

static bool single_class;

void caller_set_single_class(void)
{
        single_class = true;
}

void caller_request_begin(void)
{
        request.own_valid = false;
        request.key_valid = false;
}

int caller_cgroup(pid_t pid, char *buf, size_t n)
{
        char cg[PATH_MAX];

        if (!request.own_valid || request.own_pid != pid) {
                int r = read_cgroup_line(pid, cg, sizeof(cg));

                request.own_r = r < 0 ? r : served_relative(cg, request.own, sizeof(request.own));
                request.own_pid = pid;
                request.own_valid = true;
        }
        if (request.own_r < 0)
                return request.own_r;
        return snprintf(buf, n, "%s", request.own) >= (int)n ? -ENAMETOOLONG : 0;
}

/*
 * Cgroup namespaces seen so far, keyed by namespace inode. Each entry keeps
 * the namespace open, so its inode cannot be reused for another namespace
 * while the entry lives: a cached root is never stale.
 */
struct ns_entry {
        ino_t ino;
        int fd;
        bool in_view;
        uint32_t view;
        char *root;
        UT_hash_handle hh;
};

/* View ids, keyed by view root: callers with the same root share nodes. */
struct view_entry {
        uint32_t id;
        UT_hash_handle hh;
        char root[];
};

#define NS_CACHE_MAX 4096

static struct ns_entry *namespaces;
static struct view_entry *views;
static uint32_t next_view = 1;
static pthread_mutex_t ns_lock = PTHREAD_MUTEX_INITIALIZER;
static dev_t own_ns_dev;
static ino_t own_ns_ino;
static int own_ns_fd = -1;

int caller_init(void)
{
        struct stat st;

        own_ns_fd = open("/proc/self/ns/cgroup", O_RDONLY | O_CLOEXEC);
        if (own_ns_fd < 0 || fstat(own_ns_fd, &st) < 0)
                return NEG_ERRNO();
        own_ns_dev = st.st_dev;
        own_ns_ino = st.st_ino;
        if (syscall(SYS_capget, &(struct __user_cap_header_struct){ .version = _LINUX_CAPABILITY_VERSION_3 },
                    daemon_caps) < 0)
                return NEG_ERRNO();
        if (stat("/proc/self/ns/user", &st) < 0)
                return NEG_ERRNO();
        own_userns_dev = st.st_dev;
        own_userns_ino = st.st_ino;
        return 0;
}

/* The view id of a view root (0: the served root), made on first sight; ns_lock held. */
static int view_id(const char *root, uint32_t *ret)
{
        struct view_entry *v;
        size_t l = strlen(root);

        if (!l) {
                *ret = 0;
                return 0;
        }
        HASH_FIND(hh, views, root, l, v);
        if (!v) {
                v = malloc(sizeof(*v) + l + 1);
                if (!v)
                        return -ENOMEM;
                memcpy(v->root, root, l + 1);
                v->id = next_view++;
                HASH_ADD(hh, views, root, l, v);
        }
        *ret = v->id;
        return 0;
}

/* The root of the cgroup namespace nsfd, read from inside it, relative to the served root;
 * -EXDEV when it holds nothing of the served tree. */
static int ns_root(pid_t pid, int nsfd, char *buf, size_t n)
{
        char full[PATH_MAX], rel[PATH_MAX], abs[PATH_MAX], own[PATH_MAX], own_rel[PATH_MAX], want[PATH_MAX];
        pid_t self = gettid();
        size_t fl, rl;
        int r;

        if ((r = read_cgroup_line(pid, full, sizeof(full))) < 0 || (r = read_cgroup_line(self, own, sizeof(own))) < 0)
                return r;
        /* /proc/<pid>/cgroup shows the path relative to the reader's namespace: enter the caller's. */
        if (setns(nsfd, CLONE_NEWCGROUP) < 0)
                return NEG_ERRNO();
        r = read_cgroup_line(pid, rel, sizeof(rel));
        if (r >= 0)
                r = read_cgroup_line(self, own_rel, sizeof(own_rel));
        if (setns(own_ns_fd, CLONE_NEWCGROUP) < 0)
                abort(); /* a worker left in a foreign namespace would serve wrong paths */
        if (r < 0)
                return r;
        /* A process moved above its namespace root reads "/.."; its root cannot be placed. */
        if (strncmp(rel, "/..", 3) == 0)
                return -ENOENT;
        fl = strlen(full);
        rl = strcmp(rel, "/") ? strlen(rel) : 0;
        if (rl > fl || (rl && strcmp(full + fl - rl, rel)))
                return -EAGAIN; /* it moved between the two reads */
        snprintf(abs, sizeof(abs), "%.*s", (int)(fl - rl), full);
        if (!abs[0])
                strcpy(abs, "/");
        /*
         * The caller may have moved between the two reads so that the first
         * path still ends with the second: abs is then another cgroup than the
         * root. The daemon's own cgroup, which the caller cannot move, read from
         * inside the namespace names the root's depth: it must read as from abs.
         */
        if (cgpath_relative(abs, own, want, sizeof(want)) < 0 || strcmp(want, own_rel))
                return -EAGAIN;
        r = served_relative(abs, buf, n);
        if (r != -ENOENT)
                return r;
        /* A namespace holding the whole served tree sees all of it, as view 0; any other, nothing. */
        if (!strcmp(abs, "/") || path_within(cgroupfs_root_cgroup(), abs)) {
                buf[0] = 0;
                return 0;
        }
        return -EXDEV;
}

int caller_locate(struct caller *c)
{
        struct ns_entry *e;
        char p[64], root[PATH_MAX];
        struct stat st;
        int fd, r;

        snprintf(p, sizeof(p), "/proc/%d/ns/cgroup", (int)c->pid);
        if (stat(p, &st) < 0) {
                c->in_view = false; /* the caller is gone: nothing to show it */
                return 0;
        }
        c->namespaced = st.st_ino != own_ns_ino || st.st_dev != own_ns_dev;
        if (!c->namespaced) {
                c->in_view = true;
                c->view = 0;
                c->root[0] = 0;
                return 0;
        }
        pthread_mutex_lock(&ns_lock);
        HASH_FIND(hh, namespaces, &st.st_ino, sizeof(ino_t), e);
        if (e) {
                c->in_view = e->in_view;
                c->view = e->view;
                snprintf(c->root, sizeof(c->root), "%s", e->root);
                pthread_mutex_unlock(&ns_lock);
                return 0;
        }
        pthread_mutex_unlock(&ns_lock);

        fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return NEG_ERRNO();
        r = ns_root(c->pid, fd, root, sizeof(root));
        if (r == -EAGAIN)
                r = ns_root(c->pid, fd, root, sizeof(root));
        /* A namespace not placed (the process left, or keeps moving) shows nothing this time. */
        if (r < 0 && r != -EXDEV) {
                close(fd);
                c->in_view = false;
                return 0;
        }
        e = calloc(1, sizeof(*e));
        if (!e || !(e->root = strdup(r >= 0 ? root : ""))) {
                free(e);
                close(fd);
                return -ENOMEM;
        }
        e->ino = st.st_ino;
        e->fd = fd;
        e->in_view = r >= 0;
        pthread_mutex_lock(&ns_lock);
        if (view_id(e->root, &e->view) < 0) {
                pthread_mutex_unlock(&ns_lock);
                close(e->fd);
                free(e->root);
                free(e);
                return -ENOMEM;
        }
        c->in_view = e->in_view;
        c->view = e->view;
        snprintf(c->root, sizeof(c->root), "%s", e->root);
        if (HASH_COUNT(namespaces) >= NS_CACHE_MAX) {
                struct ns_entry *x, *tmp;

                HASH_ITER(hh, namespaces, x, tmp) {
                        HASH_DEL(namespaces, x);
                        close(x->fd);
                        free(x->root);
                        free(x);
                }
        }
        {
                struct ns_entry *dup;

                HASH_FIND(hh, namespaces, &e->ino, sizeof(ino_t), dup);
                if (dup) {
                        close(e->fd);
                        free(e->root);
                        free(e);
                } else
                        HASH_ADD(hh, namespaces, ino, sizeof(ino_t), e);
        }
        pthread_mutex_unlock(&ns_lock);
        return 0;
}

static int class_key(const struct caller *c, char *buf, size_t n)
{
        struct pidns ns = PIDNS_NONE;
        char own[PATH_MAX];
        size_t len;
        int r;

        /* /proc/<pid>/ns of a caller in a user namespace is not the caller's to stat. */
        if (c->pid_levels > 1 && (r = AS_DAEMON(c, pidns_of(c->pid, c->pid_levels, &ns))) < 0)
                return r;
        pidns_close(&ns);
        len = (size_t)snprintf(buf, n, "v%u:p%llu:", c->view, (unsigned long long)ns.ino);
        /*
         * "all": every name of the view, and the file permission to reach every
         * entry's attributes (the kernel checks none on a cached entry), unless
         * the mount declared one class for everyone (host_only, visibility=all).
         */
        if (single_class || (visibility_all(c) && CALLER_PRIVILEGED(c)))
                return snprintf(buf + len, n - len, "all") < (int)(n - len) ? 0 : -ENAMETOOLONG;
        /* Its own cgroup decides what it sees unless it sees every cgroup. */
        r = -ENOENT;
        if (!visibility_all(c) && (r = caller_cgroup(c->pid, own, sizeof(own))) < 0 && r != -ENOENT)
                return r;
        len += (size_t)snprintf(buf + len, n - len, "u%u:g%u:C%llx:c%s:G", (unsigned)c->uid, (unsigned)c->gid,
                                (unsigned long long)(c->caps & CALLER_GRANT_CAPS), r < 0 ? "/.." : own);
        for (int i = 0; i < c->ngroups && len < n; i++)
                len += (size_t)snprintf(buf + len, n - len, "%u,", (unsigned)c->groups[i]);
        return len < n ? 0 : -ENAMETOOLONG;
}

int caller_class_key(const struct caller *c, const char **ret)
{
        if (!request.key_valid) {
                request.key_r = class_key(c, request.key, sizeof(request.key));
                request.key_valid = true;
        }
        *ret = request.key;
        return request.key_r;
}
