/* SPDX-License-Identifier: MIT */
#include <alloca.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "cache.h"
#include "caller.h"
#include "cgroupfs.h"
#include "counters.h"
#include "fdquota.h"
#include "grants.h"
#include "handles.h"
#include "log.h"
#include "node.h"
#include "ops.h"
#include "pidns.h"
#include "pollwatch.h"
#include "procs.h"
#include "rules.h"
#include "supervisor.h"
#include "takeover.h"
#include "util.h"
#include "view.h"
#include "visibility.h"

/*
 * What the kernel may keep (cache.h): entries and attributes made in the
 * caller's own class's current slot, for as long as nothing changes (an
 * inotify event makes every class stale); the children of the top of the
 * mount are looked up on every walk, so that a walk goes on in the
 * walker's own class. Values: pushed into the page cache at every open.
 */
#define CACHED 86400.0
#define TOP_ENTRY_TIMEOUT 0.0

/* A value longer than this is read through direct I/O rather than pushed into the page cache at open. */
#define STORE_MAX (64 * 1024)

static struct fuse_session *session;
static const struct pollwatch_ops poll_ops;
static bool host_only; /* every caller is in the daemon's cgroup and PID namespaces */
static bool one_class; /* host_only with visibility=all: every caller sees the same tree */
static pthread_mutex_t open_locks[64] = { [0 ... 63] = PTHREAD_MUTEX_INITIALIZER }; /* node readers, writers */

/* Tests only: a lookup of this name kills the worker (takeover.bats: a request that kills every worker). */
static const char *crash_on_lookup;

void ops_set_session(struct fuse_session *se)
{
        session = se;
        pollwatch_init(&poll_ops);
        crash_on_lookup = getenv("CGVIEW_TEST_CRASH_ON_LOOKUP");
}

/*
 * With one class, the top's entries are cached too, and nothing walks
 * through a lookup of them to make the class stale: this thread drops them
 * from the kernel's cache after every change instead (the entries below go
 * with them). Never called from a request: no handler waits for it.
 */
static pthread_t drop_thread;
static bool drop_running, drop_stop;

static void *drop_top_entries(void *arg)
{
        uint32_t seen = 0;

        for (;;) {
                _cleanup_free_ char **names = NULL;

                seen = cache_wait_change(seen);
                if (__atomic_load_n(&drop_stop, __ATOMIC_ACQUIRE))
                        return NULL;
                names = node_top_names();
                for (size_t i = 0; names && names[i]; i++)
                        fuse_lowlevel_notify_inval_entry(session, FUSE_ROOT_ID, names[i], strlen(names[i]));
        }
        return NULL;
}

int ops_set_host_only(bool everyone_sees_all)
{
        sigset_t all, old;
        int r;

        host_only = true;
        if (!everyone_sees_all)
                return 0;
        one_class = true;
        caller_set_single_class();
        /* Signals go to the FUSE threads, which must wake to end the session. */
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        r = -pthread_create(&drop_thread, NULL, drop_top_entries, NULL);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        drop_running = r == 0;
        return r;
}

void ops_stop(void)
{
        pollwatch_stop();
        if (!drop_running)
                return;
        __atomic_store_n(&drop_stop, true, __ATOMIC_RELEASE);
        cache_changed(); /* wakes it */
        pthread_join(drop_thread, NULL);
        drop_running = false;
}

#define COUNT(e) counter_add(COUNTER_##e, 1)

/*
 * The longest name FUSE carries (the kernel's FUSE_NAME_MAX): cgroupfs takes
 * longer names than NAME_MAX, and the view looks them up up to this length.
 * A longer one cannot be looked up through FUSE, and one in a listing would
 * make the kernel fail the whole readdir (EIO): listings leave it out.
 */
#define FUSE_NAME_MAX 1024

struct handle {
        pthread_mutex_t lock;    /* reads of one open file share its text */
        enum node_kind kind;
        uid_t uid;               /* the opener, for the count of files each uid holds open */
        bool counted;
        int fd;                  /* NODE_FILE */
        char *cgroup;            /* NODE_FILE: the cgroup the file is in */
        const char *pids;        /* NODE_FILE: "cgroup.procs" or "cgroup.threads", else NULL */
        struct pidns ns;         /* pids: the opener's PID namespace, for reads */
        bool granted;            /* opened by grant: moves are checked against it at write */
        bool cached;             /* its value was pushed into the page cache at open: reads serve that value */
        struct node *node;       /* the node whose readers or writers it counts (opens_add) */
        bool writing;
        struct caller *opener;   /* pids: who opened it, for the checks of a move */
        char *text;              /* the value read at open (cached), or pids translated for a foreign PID namespace */
        size_t len;
        struct view_handle *vh;  /* NODE_FRIENDLY */
        fuse_ino_t ino;
        uint64_t poll_id;        /* its watch (pollwatch.h) once polled, else 0; under lock */
        bool latch;              /* a *.pressure file: its poll clears the PSI trigger's event */
        bool adopted;            /* a worker before's (handle_of): the kernel may hold pages it pushed */
        bool stale;              /* cached, and the kernel file signalled since: the next read at 0 reads it again (atomic) */
};

/* A directory listing, taken at opendir. */
struct dir_entry {
        char *name;
        mode_t mode;
        ino_t ino;
};

struct dir_buf {
        struct dir_entry *e;
        size_t n, cap;
        uid_t uid;    /* a listing is memory held for its opener: counted as an open file */
        bool counted;
        /* A directory the kernel caches: the listing is taken at the first readdir, if the kernel asks. */
        struct caller *opener;
        struct node dir; /* its copy, path owned */
};

/* ---- acting as the caller ---- */

static void caller_restorep(struct caller **c)
{
        if (*c)
                caller_restore();
}

static int caller_from_req(fuse_req_t req, struct caller *c)
{
        const struct fuse_ctx *ctx = fuse_req_ctx(req);
        int n;

        caller_request_begin();
        c->uid = ctx->uid;
        c->gid = ctx->gid;
        c->pid = ctx->pid;
        c->ngroups = 0;
        c->pid_levels = 0;
        c->caps = 0;
        if (caller_read_status(c) < 0) {
                /* the process is gone: act with its primary group only, and no capabilities */
                c->ngroups = 0;
                c->caps = 0;
        }
        /* Before becoming the caller: these need the daemon's rights. */
        grants_refresh();
        n = caller_locate(c);
        if (n >= 0 && host_only && (c->namespaced || c->pid_levels > 1)) {
                static bool warned;

                if (!__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
                        log_warn("pid %d is in a cgroup or PID namespace of its own: host_only refuses it (EACCES; "
                                 "said once)", (int)c->pid);
                return -EACCES;
        }
        return n < 0 ? n : caller_become(c);
}

/* Act as the request's caller until the end of the enclosing block. */
#define AS_CALLER(req)                                                                \
        struct caller caller_;                                                       \
        struct caller *caller_guard_ __attribute__((cleanup(caller_restorep))) = &caller_; \
        do {                                                                         \
                int r_ = caller_from_req(req, &caller_);                            \
                if (r_ < 0) {                                                        \
                        fuse_reply_err(req, -r_);                                    \
                        return;                                                      \
                }                                                                    \
        } while (0)

/* The kernel refused the caller; a grant may allow it, done with the daemon's rights (SPEC 5.4). */
static bool refused_but_granted(int r, const struct caller *c, const char *cgroup, unsigned need)
{
        return r < 0 && rules_grant_allows(r, grants_rights(c, cgroup), need);
}

/* Evaluate expr with the rights a grant lends (file permission only), then act as caller c again. */
#define AS_GRANTED(c, expr)                             \
        ({                                              \
                if (caller_become_granted() < 0)        \
                        abort();                        \
                __typeof__(expr) r_ = (expr);           \
                if (caller_become(c) < 0)               \
                        abort();                        \
                r_;                                     \
        })

/* ---- nodes and their attributes ---- */

static bool is_view_root(const struct node *n)
{
        return n->id == FUSE_ROOT_ID;
}

/* The friendly directory node kind k is (limits/, stats/, effective/), or -1. */
static int friendly_dir(enum node_kind k)
{
        return k == NODE_LIMITS ? VIEW_LIMITS : k == NODE_STATS ? VIEW_STATS : k == NODE_EFFECTIVE ? VIEW_EFFECTIVE : -1;
}

static void warn_shadowed(const char *name)
{
        static bool warned[4];
        static const char *const names[] = { "limits", "stats", "effective", "self" };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (!strcmp(name, names[i]) && !__atomic_exchange_n(&warned[i], true, __ATOMIC_RELAXED))
                        log_warn("a cgroup named \"%s\" exists on cgroupfs; the view shows its own %s there",
                                 name, name);
}

/* Where self leads: the caller's cgroup, relative to the root of its view. */
static int self_target(const struct caller *c, char *buf, size_t n)
{
        char own[PATH_MAX];
        size_t rl = strlen(c->root);
        int r = caller_cgroup(c->pid, own, sizeof(own));

        /* ENAMETOOLONG: a cgroup path the kernel itself cannot print (PATH_MAX) makes no link either. */
        if (r < 0)
                return r == -ENAMETOOLONG ? r : -ENOENT;
        if (!path_within(own, c->root))
                return -ENOENT;
        r = snprintf(buf, n, "%s", own[rl] == '/' ? own + rl + 1 : rl ? "" : own);
        if (!*buf)
                r = snprintf(buf, n, ".");
        return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

/* The attributes of what kind, path, name and vf name, for caller c; st_ino the kernel's. */
static int entry_attr(enum node_kind kind, const char *path, const char *name, const struct view_file *vf,
                      const struct caller *c, struct stat *st)
{
        char target[PATH_MAX];
        int r;

        switch (kind) {
        case NODE_CGROUP:
        case NODE_FILE:
                return cgroupfs_stat(path, st);
        case NODE_LIMITS:
        case NODE_STATS:
        case NODE_EFFECTIVE:
                r = cgroupfs_stat(path, st);
                st->st_mode = S_IFDIR | 0555;
                st->st_nlink = 2;
                return r;
        case NODE_FRIENDLY:
                return view_stat(vf, path, name, st);
        case NODE_SELF:
                if ((r = cgroupfs_stat(path, st)) < 0 || (r = self_target(c, target, sizeof(target))) < 0)
                        return r;
                st->st_mode = S_IFLNK | 0777;
                st->st_nlink = 1;
                st->st_uid = 0;
                st->st_gid = 0;
                st->st_size = (off_t)strlen(target);
                return 0;
        }
        return -EIO;
}

/*
 * A node's attributes as the kernel gets them: its id for inode number, and
 * for a file the length of the value in the page cache (cgroupfs says 0),
 * so that the kernel reads what was pushed there and no further.
 */
static int node_attr(const struct node *n, const struct caller *c, struct stat *st)
{
        int r = entry_attr(n->kind, n->path, n->name, n->vf, c, st);

        if (r < 0)
                return r;
        st->st_ino = n->id;
        if (n->kind == NODE_FILE || n->kind == NODE_FRIENDLY)
                st->st_size = (off_t)__atomic_load_n(&n->size, __ATOMIC_RELAXED);
        return 0;
}

/* The kind byte of a node id (cache.h). */
static uint8_t id_kind(enum node_kind kind, const struct view_file *vf)
{
        switch (kind) {
        case NODE_LIMITS:
                return CACHE_KIND_LIMITS;
        case NODE_STATS:
                return CACHE_KIND_STATS;
        case NODE_SELF:
                return CACHE_KIND_SELF;
        case NODE_EFFECTIVE:
                return CACHE_KIND_EFFECTIVE;
        case NODE_FRIENDLY:
                return (uint8_t)(CACHE_KIND_FRIENDLY | view_file_index(vf));
        default:
                return CACHE_KIND_KERNFS;
        }
}


/* What name means in directory p, as a node to reference. */
/* ret_st: the kernel's attributes when the name is a real entry (st_mode 0 otherwise), so that a lookup stats it once. */
static int resolve_child(const struct node *p, const struct caller *c, const char *name, enum node_kind *ret_kind,
                         char **ret_path, const struct view_file **ret_vf, struct stat *ret_st)
{
        _cleanup_free_ char *path = NULL;
        struct stat st;
        int r;

        if (strlen(name) > FUSE_NAME_MAX)
                return -ENAMETOOLONG;
        if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
                return -ENOENT;
        switch (p->kind) {
        case NODE_CGROUP:
                /* self is the link at the top of a view; below, a cgroup of that name is an ordinary one. */
                if (!strcmp(name, "self") && is_view_root(p)) {
                        char target[PATH_MAX];

                        if ((r = self_target(c, target, sizeof(target))) < 0)
                                return r;
                        *ret_kind = NODE_SELF;
                        *ret_path = strdup(p->path);
                        return *ret_path ? 0 : -ENOMEM;
                }
                if ((r = view_dir_of(name)) >= 0) {
                        static const enum node_kind kinds[] = { [VIEW_LIMITS] = NODE_LIMITS, [VIEW_STATS] = NODE_STATS,
                                                                [VIEW_EFFECTIVE] = NODE_EFFECTIVE };

                        *ret_kind = kinds[r];
                        /* Reaching limits/ needs what reaching a child would: search permission. */
                        if ((r = cgroupfs_access(p->path, X_OK)) < 0)
                                return r;
                        *ret_path = strdup(p->path);
                        return *ret_path ? 0 : -ENOMEM;
                }
                path = path_join(p->path, name);
                if (!path)
                        return -ENOMEM;
                r = cgroupfs_stat(path, &st);
                if (r == -ENOENT && !strncmp(name, "mem.", 4)) {
                        /* Finit's alias: mem.max is memory.max (resolved, never listed). */
                        char alias[FUSE_NAME_MAX + 4];

                        snprintf(alias, sizeof(alias), "memory.%s", name + 4);
                        free(path);
                        path = path_join(p->path, alias);
                        if (!path)
                                return -ENOMEM;
                        r = cgroupfs_stat(path, &st);
                        if (r >= 0 && !S_ISREG(st.st_mode))
                                r = -ENOENT;
                }
                if (r < 0)
                        return r;
                if (S_ISDIR(st.st_mode) && !visibility_cgroup(c, path))
                        return -ENOENT;
                *ret_kind = S_ISDIR(st.st_mode) ? NODE_CGROUP : NODE_FILE;
                *ret_path = TAKE_PTR(path);
                *ret_st = st;
                return 0;
        case NODE_LIMITS:
        case NODE_STATS:
        case NODE_EFFECTIVE:
                r = view_lookup(friendly_dir(p->kind), p->path, name, ret_vf);
                if (r < 0)
                        return r;
                *ret_kind = NODE_FRIENDLY;
                *ret_path = strdup(p->path);
                return *ret_path ? 0 : -ENOMEM;
        case NODE_FILE:
        case NODE_FRIENDLY:
        case NODE_SELF:
                return -ENOTDIR;
        }
        return -ENOENT;
}

/*
 * Look name up in parent and reply with an entry; the reply owns one lookup
 * reference. The node's slot: the caller's class's at the top of the
 * mount, the parent's below (the kernel hangs the entry under the parent);
 * kept by the kernel only where that is the caller's class's current slot.
 */
static void reply_child(fuse_req_t req, const struct caller *c, const struct node *p, const char *name)
{
        struct fuse_entry_param e = { 0 };
        _cleanup_free_ char *path = NULL;
        const char *key;
        const struct view_file *vf = NULL;
        struct stat st = { 0 };
        enum node_kind kind;
        bool cacheable;
        uint32_t epoch;
        uint16_t slot;
        struct node *n;
        int r;

        r = caller_class_key(c, &key);
        if (r < 0) {
                fuse_reply_err(req, -r);
                return;
        }
        /* The slot first: every change made before this walk began is known before anything is read. */
        if (is_view_root(p) || cache_slot_foreign(cache_id_slot(p->id))) {
                /*
                 * Below a worker before's node (takeover.h), in the caller's own slot:
                 * no id of a slot a worker before gave out is ever given out again,
                 * so the kernel's forget of one is the end of it (node_adopt).
                 */
                visibility_sync();
                slot = cache_class_slot(key, &cacheable);
        } else {
                slot = cache_id_slot(p->id);
        }
        epoch = cache_epoch();
        r = resolve_child(p, c, name, &kind, &path, &vf, &st);
        if (r >= 0 && !st.st_mode)
                r = entry_attr(kind, path, name, vf, c, &st);
        if (r < 0) {
                fuse_reply_err(req, -r);
                return;
        }
        /* Kept only if nothing changed while it was read (a change makes the slot stale). */
        cacheable = cache_slot_current(slot, key);
        n = node_ref(cache_id(slot, id_kind(kind, vf), (uint64_t)st.st_ino), kind, path,
                     kind == NODE_FRIENDLY || is_view_root(p) ? name : NULL, vf, is_view_root(p));
        if (!n) {
                fuse_reply_err(req, ENOMEM);
                return;
        }
        e.ino = n->id;
        e.generation = (uint64_t)st.st_ino >> 32; /* kernfs: a reused ino has a new generation */
        e.attr = st;
        e.attr.st_ino = n->id;
        if (kind == NODE_FILE || kind == NODE_FRIENDLY)
                e.attr.st_size = (off_t)__atomic_load_n(&n->size, __ATOMIC_RELAXED);
        e.entry_timeout = cacheable && (!is_view_root(p) || one_class) ? CACHED : TOP_ENTRY_TIMEOUT;
        /* self's attributes are the caller's own (its target's length). */
        e.attr_timeout = cacheable && kind != NODE_SELF ? CACHED : 0.0;
        if (fuse_reply_entry(req, &e) != 0)
                node_forget(n->id, 1);
        /*
         * One class: a change that came while this entry was made may have been
         * dropped from the kernel's cache before the entry reached it. Drop
         * again, after the reply (never before: the kernel holds the top locked
         * until it has the reply).
         */
        if (one_class && is_view_root(p) && cache_epoch() != epoch)
                cache_changed();
}

/* Does c see the cgroup node n is of (for a file, its cgroup)? */
static bool node_visible(const struct node *n, const struct caller *c)
{
        _cleanup_free_ char *cg = NULL;
        const char *slash;

        if (n->kind != NODE_FILE)
                return visibility_cgroup(c, n->path);
        slash = strrchr(n->path, '/');
        cg = strndup(n->path, slash ? (size_t)(slash - n->path) : 0);
        return cg && visibility_cgroup(c, cg);
}

/*
 * The node of ino as the caller reaches it, in a copy whose path is the
 * caller's: the top of the mount is the root of its view (SPEC 5.3), and a
 * node outside that view is not there for it. A node not of c's class's
 * current slot (a directory another caller walked into and handed on, or
 * one c walked into before a change: a revoked delegation, a move to
 * another cgroup) answers only what c itself may see now. NULL after a reply.
 */
/* The length of file node n's value now (0 if it cannot be read). */
static size_t value_length(const struct node *n)
{
        _cleanup_free_ char *text = NULL;
        struct view_handle *vh = NULL;
        size_t len = 0;

        if (n->kind == NODE_FILE) {
                if (cgroupfs_read(n->path, &text, &len) < 0)
                        len = 0;
        } else if (view_open(n->vf, n->path, n->name, O_RDONLY, &vh) >= 0 && view_read(vh) >= 0) {
                len = vh->len;
        }
        view_close(vh);
        return len;
}

/*
 * The node of an id a worker before this one gave out (takeover.h), made
 * again from the kernfs object the id names. With the daemon's rights
 * (file handles); NULL if the object is gone or the id names nothing.
 */
static struct node *adopt_node(fuse_ino_t ino)
{
        uint8_t kind = cache_id_kind(ino);
        _cleanup_free_ char *path = NULL, *name = NULL;
        const struct view_file *vf = NULL;
        enum node_kind nk;
        struct node *n;
        struct stat st;
        char *slash;

        if (takeover_generation() < 2 || cache_id_slot(ino) == CACHE_NO_SLOT ||
            cgroupfs_resolve_id(cache_id_ino(ino), &path, &st) < 0)
                return NULL;
        switch (kind) {
        case CACHE_KIND_KERNFS:
                nk = S_ISDIR(st.st_mode) ? NODE_CGROUP : NODE_FILE;
                break;
        case CACHE_KIND_LIMITS:
        case CACHE_KIND_STATS:
        case CACHE_KIND_EFFECTIVE:
        case CACHE_KIND_SELF:
                if (!S_ISDIR(st.st_mode))
                        return NULL;
                nk = kind == CACHE_KIND_LIMITS ? NODE_LIMITS : kind == CACHE_KIND_STATS ? NODE_STATS
                     : kind == CACHE_KIND_EFFECTIVE ? NODE_EFFECTIVE : NODE_SELF;
                break;
        default:
                /* A friendly file's id is its first kernel file's: the cgroup is that file's directory. */
                if (!(kind & CACHE_KIND_FRIENDLY) || S_ISDIR(st.st_mode))
                        return NULL;
                slash = strrchr(path, '/');
                if (view_file_at(kind & ~CACHE_KIND_FRIENDLY, slash ? slash + 1 : path, &vf, &name) < 0)
                        return NULL;
                if (slash)
                        *slash = 0;
                else
                        *path = 0;
                nk = NODE_FRIENDLY;
        }
        n = node_adopt(ino, nk, path, name, vf);
        /*
         * A file's length is that of the value pushed into the page cache, which
         * the kernel may still hold: the value now is the best guess at it.
         */
        if (n && (nk == NODE_FILE || nk == NODE_FRIENDLY) && !__atomic_load_n(&n->size, __ATOMIC_RELAXED))
                node_set_size(ino, (uint32_t)value_length(n));
        return n;
}

static struct node *resolve_node(fuse_req_t req, fuse_ino_t ino, const struct caller *c, struct node *copy)
{
        struct node *n = node_get(ino);
        const char *key;

        if (!n)
                n = AS_DAEMON(c, adopt_node(ino));
        if (!n) {
                log_warn("node %llx: not known, and names nothing that is there now: ESTALE",
                         (unsigned long long)ino);
                fuse_reply_err(req, ESTALE);
                return NULL;
        }
        /* The fields a request uses; the counts and the pushed length change under other threads. */
        *copy = (struct node){ .id = n->id, .vf = n->vf, .path = n->path, .name = n->name, .kind = n->kind,
                               .top = n->top, .size = __atomic_load_n(&n->size, __ATOMIC_RELAXED) };
        if (c->in_view && ino == FUSE_ROOT_ID)
                copy->path = (char *)c->root;
        else if (!c->in_view || !path_within(n->path, c->root) ||
                 (!visibility_all(c) &&
                  (caller_class_key(c, &key) < 0 || !cache_slot_current(cache_id_slot(ino), key)) &&
                  !node_visible(n, c))) {
                fuse_reply_err(req, ENOENT);
                return NULL;
        }
        return copy;
}

/*
 * Act as the caller of req in c (restored by the guard the caller of this
 * function holds on c) and resolve ino for it; NULL after a reply. For the
 * functions that cannot use AS_CALLER and NODE_OR_REPLY (they return a value).
 */
static struct node *caller_node(fuse_req_t req, fuse_ino_t ino, struct caller *c, struct node *copy)
{
        int r = caller_from_req(req, c);

        if (r < 0) {
                fuse_reply_err(req, -r);
                return NULL;
        }
        return resolve_node(req, ino, c, copy);
}

/* The node of ino for the caller of this request (AS_CALLER first), or return after a reply. */
#define NODE_OR_REPLY(req, ino)                                                            \
        ({                                                                                 \
                struct node *n_ = resolve_node(req, ino, &caller_, alloca(sizeof(struct node))); \
                if (!n_)                                                                   \
                        return;                                                            \
                n_;                                                                        \
        })

/* The cgroupfs path of a real child of a cgroup directory, or -errno; -ENOENT for one hidden from c. */
static int real_child(const struct node *p, const struct caller *c, const char *name, char **ret)
{
        _cleanup_free_ char *path = NULL;
        struct stat st;

        if (p->kind != NODE_CGROUP)
                return friendly_dir(p->kind) >= 0 ? -EPERM : -ENOTDIR;
        if (strlen(name) > FUSE_NAME_MAX)
                return -ENAMETOOLONG;
        if ((view_is_reserved(name) && (strcmp(name, "self") || is_view_root(p))) || !strcmp(name, ".") ||
            !strcmp(name, ".."))
                return -EPERM;
        path = path_join(p->path, name);
        if (!path)
                return -ENOMEM;
        if (cgroupfs_stat(path, &st) >= 0 && S_ISDIR(st.st_mode) && !visibility_cgroup(c, path))
                return -ENOENT;
        *ret = TAKE_PTR(path);
        return 0;
}

/* ---- operations ---- */

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
        /* O_TRUNC arrives with open(): "echo x > limits/memory" is one open and one write. */
        if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
                conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
        /* A request must fit a journal slot (takeover.h); no cgroup file takes a value near this long. */
        if (conn->max_write > TAKEOVER_MAX_WRITE)
                conn->max_write = TAKEOVER_MAX_WRITE;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
        COUNT(LOOKUP);
        if (crash_on_lookup && !strcmp(name, crash_on_lookup))
                abort();
        AS_CALLER(req);
        struct node *p = NODE_OR_REPLY(req, parent);

        reply_child(req, &caller_, p, name);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
        COUNT(FORGET);
        node_forget(ino, nlookup);
        fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
        COUNT(FORGET);
        for (size_t i = 0; i < count; i++)
                node_forget(forgets[i].ino, forgets[i].nlookup);
        fuse_reply_none(req);
}

/* How long the kernel may keep n's attributes for c: while nothing changes, in c's class's current slot. */
static double attr_timeout(const struct node *n, const struct caller *c)
{
        const char *key;

        if (is_view_root(n) || n->kind == NODE_SELF || caller_class_key(c, &key) < 0)
                return 0.0;
        return cache_slot_current(cache_id_slot(n->id), key) ? CACHED : 0.0;
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        COUNT(GETATTR);
        AS_CALLER(req);
        struct stat st;
        int r;

        /* A caller whose namespace holds nothing of the tree still finds the mount point a directory. */
        if (!caller_.in_view && ino == FUSE_ROOT_ID) {
                r = cgroupfs_stat("", &st);
                st.st_ino = FUSE_ROOT_ID;
                if (r < 0)
                        fuse_reply_err(req, -r);
                else
                        fuse_reply_attr(req, &st, 0.0);
                return;
        }
        struct node *n = NODE_OR_REPLY(req, ino);

        r = node_attr(n, &caller_, &st);
        if (r < 0)
                fuse_reply_err(req, -r);
        else
                fuse_reply_attr(req, &st, attr_timeout(n, &caller_));
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi)
{
        COUNT(SETATTR);
        AS_CALLER(req);
        struct node *n = NODE_OR_REPLY(req, ino);
        struct stat st;
        int r = 0;

        if (n->kind == NODE_FRIENDLY) {
                /* Truncation to 0 is how shells open for writing: a no-op, as on cgroupfs. */
                if (to_set & ~(FUSE_SET_ATTR_SIZE | FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW |
                               FUSE_SET_ATTR_CTIME))
                        r = -EPERM;
                else if ((to_set & FUSE_SET_ATTR_SIZE) && attr->st_size != 0)
                        r = -EINVAL;
        } else if (n->kind != NODE_CGROUP && n->kind != NODE_FILE) {
                r = -EPERM;
        } else {
                if (to_set & FUSE_SET_ATTR_MODE)
                        r = cgroupfs_chmod(n->path, attr->st_mode & 07777);
                if (r >= 0 && (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
                        r = cgroupfs_chown(n->path, (to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : (uid_t)-1,
                                           (to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : (gid_t)-1);
                if (r >= 0 && (to_set & FUSE_SET_ATTR_SIZE))
                        r = cgroupfs_truncate(n->path, attr->st_size);
                if (r >= 0 && (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME))) {
                        struct timespec ts[2] = {
                                { .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT },
                        };

                        if (to_set & FUSE_SET_ATTR_ATIME)
                                ts[0] = (to_set & FUSE_SET_ATTR_ATIME_NOW) ? (struct timespec){ .tv_nsec = UTIME_NOW }
                                                                           : attr->st_atim;
                        if (to_set & FUSE_SET_ATTR_MTIME)
                                ts[1] = (to_set & FUSE_SET_ATTR_MTIME_NOW) ? (struct timespec){ .tv_nsec = UTIME_NOW }
                                                                           : attr->st_mtim;
                        r = cgroupfs_utimens(n->path, ts);
                }
        }
        if (r >= 0)
                r = node_attr(n, &caller_, &st);
        if (r < 0)
                fuse_reply_err(req, -r);
        else
                fuse_reply_attr(req, &st, 0.0); /* changed: the watcher makes the class stale */
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
        COUNT(READLINK);
        AS_CALLER(req);
        struct node *n = NODE_OR_REPLY(req, ino);
        char target[PATH_MAX];
        int r;

        if (n->kind != NODE_SELF) {
                fuse_reply_err(req, EINVAL);
                return;
        }
        r = self_target(&caller_, target, sizeof(target));
        if (r < 0)
                fuse_reply_err(req, -r);
        else
                fuse_reply_readlink(req, target);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
        COUNT(MKDIR);
        AS_CALLER(req);
        struct node *p = NODE_OR_REPLY(req, parent);
        _cleanup_free_ char *path = NULL;
        int r;

        /*
         * The reserved names are taken: there is something by that name already.
         * self everywhere: a cgroup a/self would be shadowed for a caller whose view root is a.
         */
        r = real_child(p, &caller_, name, &path);
        if ((r == -EPERM || (r >= 0 && !strcmp(name, "self"))) && p->kind == NODE_CGROUP)
                r = -EEXIST;
        /* A hidden name answers as a free one would: EACCES where the caller may not create. */
        if (r == -ENOENT)
                r = cgroupfs_access(p->path, W_OK | X_OK) < 0 ? -EACCES : -EEXIST;
        if (r >= 0) {
                r = cgroupfs_mkdir(path, mode);
                if (refused_but_granted(r, &caller_, p->path, POLICY_MANAGE))
                        r = AS_GRANTED(&caller_, cgroupfs_mkdir(path, mode));
                /* Replayed after a worker died: the first try may have made it (README, "Takeover"). */
                if (r == -EEXIST && takeover_replaying())
                        r = 0;
        }
        if (r < 0) {
                fuse_reply_err(req, -r);
                return;
        }
        reply_child(req, &caller_, p, name);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
        COUNT(RMDIR);
        AS_CALLER(req);
        struct node *p = NODE_OR_REPLY(req, parent);
        _cleanup_free_ char *path = NULL;
        int r;

        r = real_child(p, &caller_, name, &path);
        if (r == -EPERM && p->kind == NODE_CGROUP && !strcmp(name, "self"))
                r = -ENOTDIR;
        if (r >= 0) {
                r = cgroupfs_rmdir(path);
                if (refused_but_granted(r, &caller_, path, POLICY_MANAGE_BELOW))
                        r = AS_GRANTED(&caller_, cgroupfs_rmdir(path));
        }
        /* Replayed after a worker died: the first try may have removed it. */
        if (r == -ENOENT && takeover_replaying())
                r = 0;
        fuse_reply_err(req, -r);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
        COUNT(UNLINK);
        AS_CALLER(req);
        struct node *p = NODE_OR_REPLY(req, parent);
        _cleanup_free_ char *path = NULL;
        int r;

        r = real_child(p, &caller_, name, &path);
        if (r >= 0)
                r = cgroupfs_unlink(path);
        fuse_reply_err(req, -r);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
                      const char *newname, unsigned int flags)
{
        COUNT(RENAME);
        AS_CALLER(req);
        struct node *p = NODE_OR_REPLY(req, parent), *np = NODE_OR_REPLY(req, newparent);
        _cleanup_free_ char *from = NULL, *to = NULL;
        int r;

        r = real_child(p, &caller_, name, &from);
        if (r >= 0)
                r = real_child(np, &caller_, newname, &to);
        if (r >= 0)
                r = cgroupfs_rename(from, to, flags);
        fuse_reply_err(req, -r);
}

/* link, symlink and mknod: the kernel's answer for cgroupfs, then the new entry if it allowed it. */
static void reply_created(fuse_req_t req, const struct caller *c, const struct node *parent, const char *name, int r)
{
        if (r < 0)
                fuse_reply_err(req, -r);
        else
                reply_child(req, c, parent, name);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
        COUNT(LINK);
        AS_CALLER(req);
        struct node *n = NODE_OR_REPLY(req, ino), *np = NODE_OR_REPLY(req, newparent);
        _cleanup_free_ char *to = NULL;
        int r;

        r = n->kind == NODE_CGROUP || n->kind == NODE_FILE ? real_child(np, &caller_, newname, &to) : -EPERM;
        if (r >= 0)
                r = cgroupfs_link(n->path, to);
        reply_created(req, &caller_, np, newname, r);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
        COUNT(SYMLINK);
        AS_CALLER(req);
        struct node *p = NODE_OR_REPLY(req, parent);
        _cleanup_free_ char *path = NULL;
        int r;

        r = real_child(p, &caller_, name, &path);
        if (r >= 0)
                r = cgroupfs_symlink(link, path);
        reply_created(req, &caller_, p, name, r);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
        COUNT(MKNOD);
        AS_CALLER(req);
        struct node *p = NODE_OR_REPLY(req, parent);
        _cleanup_free_ char *path = NULL;
        int r;

        r = real_child(p, &caller_, name, &path);
        if (r >= 0)
                r = cgroupfs_mknod(path, mode, rdev);
        reply_created(req, &caller_, p, name, r);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi)
{
        COUNT(CREATE);
        AS_CALLER(req);
        struct node *p = NODE_OR_REPLY(req, parent);
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;
        int r;

        /* Only reached for names that do not exist: cgroupfs refuses to create files. */
        r = real_child(p, &caller_, name, &path);
        if (r >= 0) {
                fd = cgroupfs_open(path, (fi->flags & ~O_NOCTTY) | O_CREAT);
                r = fd < 0 ? fd : -EIO; /* cgroupfs never creates a file: this is not reached */
        }
        fuse_reply_err(req, -r);
}

/* nsdelegate for a namespaced caller writing a file of cgroup (file NULL: a limits/ file). */
static bool ns_root_guarded(const struct caller *c, const char *cgroup, const char *file)
{
        return c->namespaced && cgroupfs_nsdelegate() &&
               rules_ns_root_guarded(cgroup, c->root, file, file && cgroupfs_delegatable(file));
}

/*
 * One more file or directory open for c: 1 counted, 0 not counted (root), or
 * -EMFILE when c holds max_files_per_uid already, so that one user holding
 * many makes its own opens fail, never anyone else's.
 */
static int count_open(const struct caller *c)
{
        int r;

        if (c->uid == 0)
                return 0;
        r = fdquota_take(c->uid);
        if (r == -EMFILE)
                log_warn("uid %u holds %u files open through the view: EMFILE", (unsigned)c->uid,
                         fdquota_held(c->uid));
        return r < 0 ? r : 1;
}

/*
 * One open more (delta 1) or less (-1) of n, reading or writing. Returns
 * whether an added reader is n's only open: the page cache is the inode's,
 * shared by every open, so only such an open pushes a value (one pushed
 * under another reader would tear what it reads; a reader of another class
 * may map it; cat f > f: the size stays what the writer's O_TRUNC made it,
 * as on cgroupfs). The others read through direct I/O and leave the pages alone.
 */
static bool opens_add(struct node *n, bool writing, int delta)
{
        pthread_mutex_t *l = &open_locks[n->id % ELEMENTSOF(open_locks)];
        bool alone;

        pthread_mutex_lock(l);
        alone = delta > 0 && !writing && !n->readers && !n->writers;
        if (writing)
                n->writers += (uint32_t)delta;
        else
                n->readers += (uint32_t)delta;
        pthread_mutex_unlock(l);
        return alone;
}

static void handle_free(struct handle *h)
{
        pollwatch_remove(h->poll_id); /* before its fd closes */
        if (h->node)
                opens_add(h->node, h->writing, -1);
        if (h->fd >= 0)
                close(h->fd);
        if (h->counted)
                fdquota_put(h->uid);
        pidns_close(&h->ns);
        free(h->text);
        free(h->opener);
        free(h->cgroup);
        view_close(h->vh);
        pthread_mutex_destroy(&h->lock);
        free(h);
}

/* The kernel file base of cgroup h->cgroup, opened as caller c, or by grant with the daemon's rights. */
static int open_kernel_file(struct handle *h, const struct caller *c, const char *path, const char *base, int flags)
{
        int r = cgroupfs_open(path, flags);

        if ((flags & O_ACCMODE) != O_RDONLY && refused_but_granted(r, c, h->cgroup, rules_grant_need(base))) {
                r = AS_GRANTED(c, cgroupfs_open(path, flags));
                h->granted = r >= 0;
        }
        if (r < 0)
                return r;
        h->fd = r;
        h->pids = !strcmp(base, "cgroup.procs") ? "cgroup.procs" : !strcmp(base, "cgroup.threads") ? "cgroup.threads" : NULL;
        if (!h->pids)
                return 0;
        /* A move is judged at write by who opened the file, as the kernel judges with the opener's credentials. */
        h->opener = malloc(sizeof(*c));
        if (!h->opener)
                return -ENOMEM;
        *h->opener = *c;
        /* /proc/<pid>/ns of a caller in a user namespace is not the caller's to stat. */
        return AS_DAEMON(c, pidns_of(c->pid, c->pid_levels, &h->ns));
}

static pid_t to_local(void *userdata, pid_t global)
{
        return pidns_to_local(userdata, global);
}

/* cgroup.procs as a caller in a PID namespace sees it: its numbers, the invisible left out. */
static int translate_pids(struct handle *h)
{
        _cleanup_free_ char *raw = NULL;
        size_t len;
        char *out;
        int r = cgroupfs_read_fd(h->fd, &raw, &len);

        if (r < 0)
                return r;
        r = procs_translate(raw, len, to_local, &h->ns, &out, &len);
        if (r < 0)
                return r;
        free(h->text);
        h->text = out;
        h->len = len;
        return 0;
}

/*
 * Read h's value now and push it into the page cache of ino, so that the
 * reads of this open cost no request and show the value as of the open, as
 * cgroupfs shows each open file its own. The kernel reads no further than
 * the length its attributes say: node_attr gives the length pushed last,
 * and a value shorter than the one before makes the kernel ask again.
 * Only into an inode of the caller's own class: callers of another (a PID
 * namespace) may read the same inode; and only by the file's one open
 * (opens_add). Negative: read through direct I/O.
 */
static int push_value(fuse_ino_t ino, struct handle *h, const struct caller *c)
{
        const char *key;
        struct fuse_bufvec bv = FUSE_BUFVEC_INIT(0);
        const char *text;
        size_t len;
        int r;

        if (!session || caller_class_key(c, &key) < 0 || !cache_slot_of(cache_id_slot(ino), key))
                return -EXDEV;
        if (h->kind == NODE_FILE) {
                /* As the daemon: a caller in a user namespace may not open the /proc/PID/ns/pid
                 * of its own processes, which kernels before NS_GET_PID_IN_PIDNS (6.x) need. */
                r = h->pids && h->ns.level > 0 ? AS_DAEMON(c, translate_pids(h))
                                               : cgroupfs_read_fd(h->fd, &h->text, &h->len);
                text = h->text;
                len = h->len;
        } else {
                r = view_read(h->vh);
                text = h->vh->text;
                len = h->vh->len;
        }
        if (r < 0)
                return r;
        if (len > STORE_MAX)
                return -EFBIG;
        bv.buf[0].size = len;
        bv.buf[0].mem = (void *)text;
        /* The caller is the file's only open (opens_add): nothing else pushes or reads the pages meanwhile. */
        if (len < node_set_size(ino, (uint32_t)len))
                fuse_lowlevel_notify_inval_inode(session, ino, -1, 0); /* attributes only: no page lock taken */
        COUNT(STORE);
        return fuse_lowlevel_notify_store(session, ino, 0, &bv, 0);
}

/* Open the file n (ino) for caller c with the open flags given: *ret, or -errno. */
static int handle_open(fuse_ino_t ino, const struct node *n, struct caller *c, int flags, struct handle **ret)
{
        bool writing = (flags & O_ACCMODE) != O_RDONLY;
        const char *base = NULL; /* a kernel file's name; NULL for a limits/ file */
        struct handle *h;
        int r;

        if (n->kind != NODE_FILE && n->kind != NODE_FRIENDLY)
                return n->kind == NODE_SELF ? -ELOOP : -EISDIR;
        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        pthread_mutex_init(&h->lock, NULL);
        h->kind = n->kind;
        h->fd = -1;
        h->ns = PIDNS_NONE;
        h->uid = c->uid;
        r = count_open(c);
        h->counted = r > 0;
        if (r >= 0 && n->kind == NODE_FILE) {
                const char *slash = strrchr(n->path, '/');

                base = slash ? slash + 1 : n->path;
                h->cgroup = strndup(n->path, slash ? (size_t)(slash - n->path) : 0);
                r = h->cgroup ? open_kernel_file(h, c, n->path, base, flags & (O_ACCMODE | O_APPEND | O_TRUNC | O_NONBLOCK))
                              : -ENOMEM;
        } else if (r >= 0) {
                r = view_open(n->vf, n->path, n->name, flags & O_ACCMODE, &h->vh);
                if (writing && refused_but_granted(r, c, n->path, rules_grant_need(NULL)))
                        r = AS_GRANTED(c, view_open(n->vf, n->path, n->name, flags & O_ACCMODE, &h->vh));
        }
        /* After the kernel's permission check, as the kernel orders them: EACCES before EPERM. */
        if (r >= 0 && writing && ns_root_guarded(c, h->cgroup ? h->cgroup : n->path, base))
                r = -EPERM;
        if (r < 0) {
                handle_free(h);
                return r;
        }
        h->writing = writing;
        h->node = node_get(ino);
        h->ino = ino;
        h->latch = base && strlen(base) > 9 && !strcmp(base + strlen(base) - 9, ".pressure");
        *ret = h;
        return 0;
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        COUNT(OPEN);
        AS_CALLER(req);
        struct node *n = NODE_OR_REPLY(req, ino);
        struct handle *h;
        bool alone;
        int r;

        r = handle_open(ino, n, &caller_, fi->flags, &h);
        if (r < 0) {
                fuse_reply_err(req, -r);
                return;
        }
        /* Written files go straight through; a value read by the file's only open is pushed into the page cache. */
        fi->noflush = 1;
        alone = h->node && opens_add(h->node, h->writing, 1);
        /* The kernel made the file empty (atomic O_TRUNC): so say its attributes from now on. */
        if (h->writing && (fi->flags & O_TRUNC))
                node_set_size(ino, 0);
        if (alone && push_value(ino, h, &caller_) >= 0) {
                h->cached = true;
                fi->keep_cache = 1;
        } else {
                fi->direct_io = 1;
                fi->keep_cache = !h->writing;
        }
        fi->fh = handles_put(h, caller_.uid);
        if (!fi->fh) {
                handle_free(h);
                fuse_reply_err(req, ENOMEM);
                return;
        }
        counter_add(COUNTER_HANDLES, 1);
        if (fuse_reply_open(req, fi) != 0) {
                handle_free(handles_take(fi->fh));
                counter_add(COUNTER_HANDLES, -1);
        }
}

/*
 * The handle of an open file: one this worker opened, or one a worker
 * before opened, opened again now (takeover.h) as the caller of this
 * request with the flags the kernel keeps. A move through cgroup.procs is
 * checked against its opener: only the uid that opened it may go on.
 * NULL after a reply.
 */
static struct handle *handle_of(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct handle *h = handles_get(fi->fh), *mine;
        int r;

        if (h)
                return h;
        {
                struct caller c;
                struct caller *guard __attribute__((cleanup(caller_restorep))) = &c;
                struct node *n = caller_node(req, ino, &c, alloca(sizeof(struct node)));

                if (!n)
                        return NULL;
                r = handle_open(ino, n, &c, fi->flags & ~O_TRUNC, &mine);
                if (r >= 0 && mine->pids && mine->writing && c.uid != handles_uid(fi->fh)) {
                        handle_free(mine);
                        r = -EACCES;
                }
        }
        if (r < 0) {
                log_warn("takeover: cannot open again a file opened before: %s", strerror(-r));
                fuse_reply_err(req, -r);
                return NULL;
        }
        if (mine->node)
                opens_add(mine->node, mine->writing, 1);
        mine->adopted = true;
        h = handles_adopt(fi->fh, mine);
        if (h == mine)
                counter_add(COUNTER_HANDLES, 1);
        else
                handle_free(mine);
        if (!h)
                fuse_reply_err(req, ENOMEM);
        return h;
}

/* The value of a cached handle again (h->lock held). */
static int reread(struct handle *h)
{
        char *text;
        size_t len;
        int r;

        if (h->kind == NODE_FRIENDLY) {
                r = view_read(h->vh);
                len = h->vh->len;
        } else if (h->pids && h->ns.level > 0) {
                r = translate_pids(h);
                len = h->len;
        } else {
                r = cgroupfs_read_fd(h->fd, &text, &len);
                if (r >= 0) {
                        free(h->text);
                        h->text = text;
                        h->len = len;
                }
        }
        if (r >= 0)
                node_set_size(h->ino, (uint32_t)len);
        return r;
}

/* A slice of a value made at offset 0. */
static void reply_slice(fuse_req_t req, const char *text, size_t len, size_t size, off_t off)
{
        if ((size_t)off >= len)
                fuse_reply_buf(req, NULL, 0);
        else
                fuse_reply_buf(req, text + off, len - (size_t)off < size ? len - (size_t)off : size);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
        COUNT(READ);
        struct handle *h = handle_of(req, ino, fi);
        _cleanup_free_ char *buf = NULL;
        ssize_t r;

        if (!h)
                return;
        /*
         * The page cache lost what push_value put there (pressure, a shorter
         * value): the same value again. Under the handle's lock: the kernel
         * may send the release as soon as it has this reply, before the reply
         * call has returned here.
         */
        if (h->cached) {
                pthread_mutex_lock(&h->lock);
                /* Polled, and the kernel file signalled: a read from the start shows the new value (pollwatch.h). */
                if (off == 0 && __atomic_exchange_n(&h->stale, false, __ATOMIC_ACQ_REL)) {
                        r = reread(h);
                        if (r < 0) {
                                pthread_mutex_unlock(&h->lock);
                                fuse_reply_err(req, (int)-r);
                                return;
                        }
                }
                if (h->kind == NODE_FILE)
                        reply_slice(req, h->text, h->len, size, off);
                else
                        reply_slice(req, h->vh->text, h->vh->len, size, off);
                pthread_mutex_unlock(&h->lock);
                return;
        }
        /* Reads use the descriptors opened as the caller; no credentials to switch. */
        if (h->kind == NODE_FILE && !(h->pids && h->ns.level > 0)) {
                buf = malloc(size ? size : 1);
                if (!buf) {
                        fuse_reply_err(req, ENOMEM);
                        return;
                }
                r = pread(h->fd, buf, size, off);
                if (r < 0)
                        fuse_reply_err(req, errno);
                else
                        fuse_reply_buf(req, buf, (size_t)r);
                return;
        }
        /* A read from the start makes the value anew, as seq_file does. */
        pthread_mutex_lock(&h->lock);
        if (h->kind == NODE_FILE) {
                r = off == 0 || !h->text ? translate_pids(h) : 0;
                if (r < 0)
                        fuse_reply_err(req, (int)-r);
                else
                        reply_slice(req, h->text, h->len, size, off);
        } else {
                r = off == 0 || !h->vh->text ? view_read(h->vh) : 0;
                if (r < 0)
                        fuse_reply_err(req, (int)-r);
                else
                        reply_slice(req, h->vh->text, h->vh->len, size, off);
        }
        pthread_mutex_unlock(&h->lock);
}

/* Whether c may write cgroup.procs of the common ancestor of cgroups src and dst, by its mode (src NULL: above the served tree, root's). */
static bool may_write_common_procs(const struct caller *c, const char *src, const char *dst)
{
        const struct rules_who who = { c->uid, c->gid, c->groups, c->ngroups, CALLER_PRIVILEGED(c) };
        _cleanup_free_ char *path = NULL;
        struct stat st;
        size_t common;

        if (!src)
                return CALLER_PRIVILEGED(c);
        common = procs_common_ancestor(src, dst);
        if (asprintf(&path, "%.*s%scgroup.procs", (int)common, src, common ? "/" : "") < 0)
                return false;
        return cgroupfs_stat(path, &st) >= 0 && rules_mode_allows(&who, st.st_uid, st.st_gid, st.st_mode, W_OK);
}

static bool is_daemon_thread(pid_t pid)
{
        char p[64];

        snprintf(p, sizeof(p), "/proc/self/task/%d", (int)pid);
        return access(p, F_OK) == 0;
}

/*
 * The global PID a write to cgroup.procs/threads moves, once the daemon's
 * rules allow it (procs.h): read as the kernel reads it, in the writer's
 * PID namespace as the kernel does, 0 being the writer itself. Runs with
 * the daemon's rights (other users' /proc/<pid>/ns).
 */
static int pid_to_move(pid_t writer, const struct handle *h, const char *buf, size_t size)
{
        struct procs_move m = { .opener_root = CALLER_PRIVILEGED(h->opener), .granted = h->granted };
        char cg[PATH_MAX];
        struct pidns ns = PIDNS_NONE;
        pid_t global;
        int pid, r;

        r = procs_parse_write(buf, size, &pid);
        if (r < 0)
                return r;
        if (writer <= 0)
                return -ESRCH; /* a writer the daemon's PID namespace cannot see */
        if (pid == 0)
                global = writer;
        else {
                r = pidns_of(writer, 0, &ns);
                global = r < 0 ? r : pidns_to_global(&ns, pid);
                pidns_close(&ns);
        }
        if (global < 0)
                return global;
        m.daemon = is_daemon_thread(global);
        if (h->opener->namespaced && cgroupfs_nsdelegate())
                m.ns_root = h->opener->root;
        /* Where the process is matters where the kernel cannot judge; a place that cannot be read counts as outside. */
        if (m.granted || m.ns_root) {
                r = caller_cgroup(global, cg, sizeof(cg));
                if (r == -ESRCH)
                        return r;
                m.src = r >= 0 ? cg : NULL;
        }
        if (m.granted && m.src)
                m.src_rights = grants_rights(h->opener, m.src);
        if (m.ns_root && !m.granted && !m.opener_root)
                m.may_write_common = may_write_common_procs(h->opener, m.src, h->cgroup);
        r = procs_move_check(&m);
        if (r < 0) {
                log_warn("%s/%s: uid %u may not move pid %d from %s: %s", h->cgroup, h->pids,
                         (unsigned)h->opener->uid, (int)global,
                         m.src ? m.src : "outside the served tree", strerror(-r));
                return r;
        }
        return global;
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
        COUNT(WRITE);
        struct handle *h = handle_of(req, ino, fi);
        char value[16];
        int r;

        if (!h)
                return;
        AS_CALLER(req);
        if (h->kind == NODE_FILE && h->pids) {
                /* The kernel gets the canonical decimal of the PID decided on, never the caller's bytes. */
                r = AS_DAEMON(&caller_, pid_to_move(fuse_req_ctx(req)->pid, h, buf, size));
                if (r >= 0)
                        r = cgroupfs_write_fd(h->fd, value, (size_t)snprintf(value, sizeof(value), "%d", r));
                if (r >= 0)
                        r = (int)size;
        } else if (h->kind == NODE_FILE) {
                r = cgroupfs_write_fd(h->fd, buf, size);
                /*
                 * A PSI trigger: watched from now on, so that no event is lost
                 * to the first poll (the trigger's poll clears it, and epoll
                 * drops one found when the file is added: pollwatch.h).
                 */
                if (r >= 0 && h->latch) {
                        pthread_mutex_lock(&h->lock);
                        if (pollwatch_arm(&h->poll_id, h->fd, h, true, NULL) < 0)
                                log_warn("poll: cannot watch a PSI trigger");
                        pthread_mutex_unlock(&h->lock);
                }
        } else {
                pthread_mutex_lock(&h->lock);
                r = view_write(h->vh, buf, size, fuse_req_ctx(req)->uid);
                pthread_mutex_unlock(&h->lock);
        }
        if (r < 0)
                fuse_reply_err(req, -r);
        else
                fuse_reply_write(req, (size_t)r);
}

/*
 * An event on the kernel file of a polled handle (pollwatch's lock held, h
 * open; or h->lock held). A handle whose value is in the page cache reads
 * the kernel file again at its next read from 0: its pages go, and its
 * attributes say the new length, so that the kernel reads that far.
 */
static uint64_t poll_event(void *key)
{
        struct handle *h = key;

        if ((!h->cached && !h->adopted) || !h->node)
                return 0;
        node_set_size(h->ino, (uint32_t)value_length(h->node));
        __atomic_store_n(&h->stale, true, __ATOMIC_RELEASE);
        return h->ino;
}

static void poll_wake(uint64_t inval, void *ph)
{
        if (inval)
                fuse_lowlevel_notify_inval_inode(session, inval, 0, 0);
        if (ph) {
                fuse_lowlevel_notify_poll(ph);
                fuse_pollhandle_destroy(ph);
        }
}

static void poll_drop(void *ph)
{
        fuse_pollhandle_destroy(ph);
}

static const struct pollwatch_ops poll_ops = { poll_event, poll_wake, poll_drop };

/*
 * poll() as on cgroupfs: the backing kernel file's events now, and with a
 * poll handle, a watch that wakes the poller when the kernel file signals.
 * Watched before the events are taken: an event in between wakes it again.
 */
static void op_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, struct fuse_pollhandle *ph)
{
        COUNT(POLL);
        struct handle *h = handle_of(req, ino, fi);
        unsigned revents;
        uint64_t inval = 0;
        int fd, r = 0;

        if (!h) {
                if (ph)
                        fuse_pollhandle_destroy(ph);
                return;
        }
        fd = h->kind == NODE_FILE ? h->fd : h->vh->fd[0];
        if (fd < 0) {
                if (ph)
                        fuse_pollhandle_destroy(ph);
                fuse_reply_poll(req, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
                return;
        }
        pthread_mutex_lock(&h->lock);
        if (ph)
                r = pollwatch_arm(&h->poll_id, fd, h, h->latch, ph);
        revents = pollwatch_revents(h->poll_id, fd);
        /*
         * The kernel file signalled before the watch saw it (before this
         * poll, or a worker before pushed the value): the pages go now, as
         * at an event, else the poller would read the old value from them
         * and the backing file would signal on, unread.
         */
        if ((revents & POLLPRI) && !h->latch)
                inval = poll_event(h);
        pthread_mutex_unlock(&h->lock);
        if (inval)
                fuse_lowlevel_notify_inval_inode(session, inval, 0, 0);
        if (r < 0) {
                /* Never woken: the poller gets an error now rather than waiting forever. */
                log_warn("poll: cannot watch a file: %s", strerror(-r));
                revents |= POLLERR;
        }
        fuse_reply_poll(req, revents);
}

static void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        COUNT(FLUSH);
        fuse_reply_err(req, 0);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        COUNT(RELEASE);
        struct handle *h = handles_take(fi->fh);

        /* A worker before's, never used since: nothing of this worker's to free. */
        if (h) {
                /* The kernel sends release after the last request on the file; wait for a straggler anyway. */
                pthread_mutex_lock(&h->lock);
                pthread_mutex_unlock(&h->lock);
                handle_free(h);
                counter_add(COUNTER_HANDLES, -1);
        }
        fuse_reply_err(req, 0);
}

static int dir_add(struct dir_buf *b, const char *name, mode_t mode, ino_t ino)
{
        struct dir_entry *e;

        if (b->n == b->cap) {
                size_t cap = b->cap ? b->cap * 2 : 32;
                struct dir_entry *p = realloc(b->e, cap * sizeof(*p));

                if (!p)
                        return -ENOMEM;
                b->e = p;
                b->cap = cap;
        }
        e = &b->e[b->n];
        e->name = strdup(name);
        if (!e->name)
                return -ENOMEM;
        e->mode = mode;
        e->ino = ino ? ino : 1;
        b->n++;
        return 0;
}

static void dir_free(struct dir_buf *b)
{
        if (b->counted)
                fdquota_put(b->uid);
        free(b->opener);
        free(b->dir.path);
        for (size_t i = 0; i < b->n; i++)
                free(b->e[i].name);
        free(b->e);
        free(b);
}

static int list_friendly(void *userdata, const char *name)
{
        return dir_add(userdata, name, S_IFREG, 0);
}

struct list_ctx {
        struct dir_buf *b;
        const struct node *n;
        const struct caller *c;
        bool all_visible;
};

static int list_kernel_entry(void *userdata, const char *name, unsigned char d_type, ino_t ino)
{
        struct list_ctx *l = userdata;

        if (view_is_reserved(name) && (strcmp(name, "self") || is_view_root(l->n))) {
                warn_shadowed(name);
                return 0;
        }
        if (strlen(name) > FUSE_NAME_MAX) {
                static bool warned;

                if (!__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
                        log_warn("%s/%.64s...: names longer than FUSE carries (%d bytes) are not listed (said once)",
                                 l->n->path, name, FUSE_NAME_MAX);
                return 0;
        }
        if (d_type == DT_DIR && !l->all_visible && strcmp(name, ".") && strcmp(name, "..")) {
                _cleanup_free_ char *path = path_join(l->n->path, name);

                if (!path)
                        return -ENOMEM;
                if (!visibility_cgroup(l->c, path))
                        return 0;
        }
        return dir_add(l->b, name, d_type == DT_DIR ? S_IFDIR : S_IFREG, ino);
}

/* The kernel's listing of a cgroup (less what c may not see), then limits/, stats/, effective/ and, at the top, self. */
static int list_cgroup(struct dir_buf *b, const struct node *n, const struct caller *c)
{
        struct list_ctx l = { b, n, c, visibility_subtree(c, n->path) };
        char target[PATH_MAX];
        int r = cgroupfs_list(n->path, list_kernel_entry, &l);

        if (r >= 0)
                r = dir_add(b, "limits", S_IFDIR, 0);
        if (r >= 0)
                r = dir_add(b, "stats", S_IFDIR, 0);
        if (r >= 0)
                r = dir_add(b, "effective", S_IFDIR, 0);
        /* self is listed only for a caller it leads somewhere for. */
        if (r >= 0 && is_view_root(n) && self_target(c, target, sizeof(target)) >= 0)
                r = dir_add(b, "self", S_IFLNK, 0);
        return r;
}

/* The listing of directory n as c sees it. */
static int list_dir(struct dir_buf *b, const struct node *n, const struct caller *c)
{
        int r;

        switch (n->kind) {
        case NODE_CGROUP:
                return list_cgroup(b, n, c);
        case NODE_LIMITS:
        case NODE_STATS:
        case NODE_EFFECTIVE:
                r = cgroupfs_access(n->path, R_OK | X_OK);
                if (r >= 0)
                        r = dir_add(b, ".", S_IFDIR, 0);
                if (r >= 0)
                        r = dir_add(b, "..", S_IFDIR, 0);
                if (r >= 0)
                        r = view_list(friendly_dir(n->kind), n->path, list_friendly, b);
                return r;
        default:
                return -ENOTDIR;
        }
}

/*
 * May the kernel keep n's listing (fi: cache_readdir) and serve it from
 * what it holds (keep_cache)? A directory below the top, made in c's
 * class: its listing is the class's. It holds while n's slot is current:
 * any change that could alter a listing makes the class stale.
 */
static bool opendir_cached(const struct node *n, const struct caller *c, struct fuse_file_info *fi)
{
        const char *key;

        if (is_view_root(n) || n->kind == NODE_SELF || n->kind == NODE_FILE || n->kind == NODE_FRIENDLY ||
            caller_class_key(c, &key) < 0 || !cache_slot_of(cache_id_slot(n->id), key))
                return false;
        fi->cache_readdir = 1;
        fi->keep_cache = cache_slot_current(cache_id_slot(n->id), key);
        return true;
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        COUNT(OPENDIR);
        AS_CALLER(req);
        struct node *n = NODE_OR_REPLY(req, ino);
        struct dir_buf *b;
        int r;

        b = calloc(1, sizeof(*b));
        if (!b) {
                fuse_reply_err(req, ENOMEM);
                return;
        }
        b->uid = caller_.uid;
        r = count_open(&caller_);
        if (r < 0) {
                dir_free(b);
                fuse_reply_err(req, -r);
                return;
        }
        b->counted = r > 0;
        if (opendir_cached(n, &caller_, fi)) {
                /* The kernel may hold the listing already: check the right to read it, list when asked. */
                r = cgroupfs_access(n->path, n->kind == NODE_CGROUP ? R_OK : R_OK | X_OK);
                b->opener = r >= 0 ? malloc(sizeof(*b->opener)) : NULL;
                b->dir = *n;
                b->dir.path = b->opener ? strdup(n->path) : NULL;
                if (r >= 0 && !b->dir.path)
                        r = -ENOMEM;
                else if (r >= 0)
                        *b->opener = caller_;
        } else {
                /* The listing is taken once, at opendir, as the caller: seekdir and telldir stay consistent. */
                r = list_dir(b, n, &caller_);
        }
        if (r < 0) {
                dir_free(b);
                fuse_reply_err(req, -r);
                return;
        }
        fi->fh = handles_put(b, caller_.uid);
        if (!fi->fh) {
                dir_free(b);
                fuse_reply_err(req, ENOMEM);
                return;
        }
        counter_add(COUNTER_HANDLES, 1);
        if (fuse_reply_open(req, fi) != 0) {
                dir_free(handles_take(fi->fh));
                counter_add(COUNTER_HANDLES, -1);
        }
}

/* A directory a worker before opened (takeover.h): listed anew, as the caller of this readdir. NULL after a reply. */
static struct dir_buf *adopt_dir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct caller c;
        struct caller *guard __attribute__((cleanup(caller_restorep))) = &c;
        struct node *n = caller_node(req, ino, &c, alloca(sizeof(struct node)));
        struct dir_buf *b, *found;
        int r;

        if (!n)
                return NULL;
        b = calloc(1, sizeof(*b));
        r = b ? list_dir(b, n, &c) : -ENOMEM;
        if (r < 0) {
                if (b)
                        dir_free(b);
                fuse_reply_err(req, -r);
                return NULL;
        }
        found = handles_adopt(fi->fh, b);
        if (found == b)
                counter_add(COUNTER_HANDLES, 1);
        else
                dir_free(b);
        if (!found)
                fuse_reply_err(req, ENOMEM);
        return found;
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
        COUNT(READDIR);
        struct dir_buf *b = handles_get(fi->fh);
        _cleanup_free_ char *buf = malloc(size);
        size_t len = 0;
        int r;

        if (!b && !(b = adopt_dir(req, ino, fi)))
                return;
        if (!buf) {
                fuse_reply_err(req, ENOMEM);
                return;
        }
        /* A cached directory's listing, taken now that the kernel asks (the kernel serializes readdir of one file). */
        if (b->opener) {
                caller_request_begin();
                r = caller_become(b->opener);
                if (r >= 0)
                        r = list_dir(b, &b->dir, b->opener);
                caller_restore();
                free(b->opener);
                b->opener = NULL;
                if (r < 0) {
                        fuse_reply_err(req, -r);
                        return;
                }
        }
        /* The offset of an entry is its index + 1; whole entries only. */
        for (size_t i = (size_t)off; off >= 0 && i < b->n; i++) {
                struct stat st = { .st_mode = b->e[i].mode, .st_ino = b->e[i].ino };
                size_t need = fuse_add_direntry(req, buf + len, size - len, b->e[i].name, &st, (off_t)i + 1);

                if (need > size - len)
                        break;
                len += need;
        }
        fuse_reply_buf(req, buf, len);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        COUNT(RELEASEDIR);
        struct dir_buf *b = handles_take(fi->fh);

        if (b) {
                dir_free(b);
                counter_add(COUNTER_HANDLES, -1);
        }
        fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
        COUNT(STATFS);
        struct statvfs st;
        int r = cgroupfs_statfs(&st);

        if (r < 0)
                fuse_reply_err(req, -r);
        else
                fuse_reply_statfs(req, &st);
}

static void op_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
        COUNT(ACCESS);
        AS_CALLER(req);
        struct node *n = NODE_OR_REPLY(req, ino);
        struct stat st;
        int r;

        switch (n->kind) {
        case NODE_CGROUP:
        case NODE_FILE:
                r = cgroupfs_access(n->path, mask);
                break;
        case NODE_SELF:
                r = 0;
                break;
        default:
                /* Virtual entries: their mode says it all, the cgroup's search permission the rest. */
                r = node_attr(n, &caller_, &st);
                if (r >= 0)
                        r = cgroupfs_access(n->path, X_OK);
                if (r >= 0 && (mask & W_OK) && !(st.st_mode & 0222))
                        r = -EACCES;
                if (r >= 0 && (mask & W_OK) && caller_.uid != 0 && caller_.uid != st.st_uid &&
                    !(st.st_mode & 0022))
                        r = -EACCES;
        }
        fuse_reply_err(req, -r);
}

/* Extended attributes: the kernel's, on real entries only. */
static void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags)
{
        COUNT(SETXATTR);
        AS_CALLER(req);
        struct node *n = NODE_OR_REPLY(req, ino);
        int r;

        r = n->kind == NODE_CGROUP || n->kind == NODE_FILE ? cgroupfs_setxattr(n->path, name, value, size, flags)
                                                            : -ENOTSUP;
        fuse_reply_err(req, -r);
}

static void reply_xattr(fuse_req_t req, size_t size, const char *buf, int r)
{
        if (r < 0)
                fuse_reply_err(req, -r);
        else if (size == 0)
                fuse_reply_xattr(req, (size_t)r);
        else
                fuse_reply_buf(req, buf, (size_t)r);
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
        COUNT(GETXATTR);
        /*
         * The kernel asks before every truncating open whether a write must
         * strip file capabilities: a cgroupfs file never has any to strip, so
         * no need to learn who asks.
         */
        if (!strcmp(name, "security.capability")) {
                fuse_reply_err(req, ENODATA);
                return;
        }
        /* The kernel sends trusted.* names only for callers with CAP_SYS_ADMIN. */
        if (ino == FUSE_ROOT_ID && !strcmp(name, COUNTERS_XATTR)) {
                char text[4096];
                struct cache_stats cs;

                cache_stats(&cs);
                const struct counter_gauge g[] = {
                        { "nodes", node_count() }, { "classes", cs.classes }, { "slots", cs.slots_used },
                        { "epoch", cs.epoch }, { "handles_open", handles_count() },
                        { "workers", takeover_generation() }, { "replayed", takeover_replayed() },
                        { "polls", pollwatch_count() },
                };
                int r = counters_text(text, size < sizeof(text) ? size : sizeof(text), g, ELEMENTSOF(g));

                reply_xattr(req, size, text, r);
                return;
        }
        if (ino == FUSE_ROOT_ID && (!strcmp(name, SUPERVISOR_XATTR) || !strcmp(name, WORKER_XATTR))) {
                char text[16];

                reply_xattr(req, size, text, snprintf(text, sizeof(text), "%d",
                                                      (int)(strcmp(name, WORKER_XATTR) ? supervisor_pid() : getpid())));
                return;
        }
        AS_CALLER(req);
        struct node *n = NODE_OR_REPLY(req, ino);
        _cleanup_free_ char *buf = size ? malloc(size) : NULL;
        int r;

        if (size && !buf)
                r = -ENOMEM;
        else if (n->kind == NODE_CGROUP || n->kind == NODE_FILE)
                r = cgroupfs_getxattr(n->path, name, buf, size);
        else
                r = -ENODATA;
        reply_xattr(req, size, buf, r);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
        COUNT(LISTXATTR);
        AS_CALLER(req);
        struct node *n = NODE_OR_REPLY(req, ino);
        _cleanup_free_ char *buf = size ? malloc(size) : NULL;
        int r;

        if (size && !buf)
                r = -ENOMEM;
        else if (n->kind == NODE_CGROUP || n->kind == NODE_FILE)
                r = cgroupfs_listxattr(n->path, buf, size);
        else
                r = 0;
        reply_xattr(req, size, buf, r);
}

static void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
        COUNT(REMOVEXATTR);
        AS_CALLER(req);
        struct node *n = NODE_OR_REPLY(req, ino);
        int r;

        r = n->kind == NODE_CGROUP || n->kind == NODE_FILE ? cgroupfs_removexattr(n->path, name) : -ENOTSUP;
        fuse_reply_err(req, -r);
}

const struct fuse_lowlevel_ops cgview_ops = {
        .init = op_init,
        .lookup = op_lookup,
        .forget = op_forget,
        .forget_multi = op_forget_multi,
        .getattr = op_getattr,
        .setattr = op_setattr,
        .readlink = op_readlink,
        .mknod = op_mknod,
        .mkdir = op_mkdir,
        .unlink = op_unlink,
        .rmdir = op_rmdir,
        .symlink = op_symlink,
        .rename = op_rename,
        .link = op_link,
        .create = op_create,
        .open = op_open,
        .read = op_read,
        .write = op_write,
        .flush = op_flush,
        .release = op_release,
        .opendir = op_opendir,
        .readdir = op_readdir,
        .releasedir = op_releasedir,
        .statfs = op_statfs,
        .access = op_access,
        .setxattr = op_setxattr,
        .getxattr = op_getxattr,
        .listxattr = op_listxattr,
        .removexattr = op_removexattr,
        .poll = op_poll,
};
