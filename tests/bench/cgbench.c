/* SPDX-License-Identifier: MIT */
/*
 * cgbench: the measuring half of tests/bench/run (issue 8, SPEC 6.1).
 *
 *   cgbench measure OPTIONS   every per-caller measurement, as one caller
 *   cgbench conc OPTIONS      1 vs 4 concurrent readers, cgview and lxcfs
 *   cgbench start OPTIONS -- CMD...   exec of a server to its first answer
 *   cgbench daemon OPTIONS    a server's RSS, threads and gauges
 *   cgbench mktree DIR N [CONTROLLER...]   a two-level tree of N cgroups below DIR
 *   cgbench report [--quick] [--strict] [--markdown FILE] RESULTS
 *
 * The measuring subcommands print result lines on stdout, which `report`
 * turns into the table:
 *   R KEY CALLER MEDIAN_US REQUESTS_PER_OP BREAKDOWN EXTRA   (tab-separated)
 *   G NAME VALUE                                             (a gauge)
 *   I NAME TEXT                                              (what was measured)
 *
 * Times: every operation is timed in batches of N, the jobs of one group
 * run in interleaved rounds (the first job rotates each round) so that the
 * machine's noise hits them alike; a job's figure is the median over the
 * rounds. Requests: the server's own per-operation counters (getxattr of
 * trusted.cgview.requests on its mount point, root only) read before and
 * after each batch; the getxattr that reads them is subtracted. A caller
 * that is not root (--as-user) has them read by a root process it forked
 * before dropping its privileges. Where a server has no counters the
 * requests are "-".
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define COUNTERS_XATTR "trusted.cgview.requests"
#define XATTR_MAX 65536
#define MAX_ROUNDS 64

static const char *caller = "root";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
        va_list ap;

        fprintf(stderr, "cgbench: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        exit(1);
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
        va_list ap;
        char *s;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0)
                die("out of memory");
        return s;
}

static void *xcalloc(size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size);

        if (!p)
                die("out of memory");
        return p;
}

static double now_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void sleep_us(long us)
{
        struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
        double s[MAX_ROUNDS];

        if (n <= 0)
                return NAN;
        memcpy(s, v, (size_t)n * sizeof(*s));
        qsort(s, (size_t)n, sizeof(*s), cmp_double);
        return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* ---- request counters ------------------------------------------------ */

/* FUSE operations as the servers name them; any other name is a gauge. */
static const char *const fuse_ops[] = {
        "lookup", "forget", "getattr", "setattr", "readlink", "symlink", "mknod", "mkdir",
        "unlink", "rmdir", "rename", "rename2", "link", "open", "read", "write", "write_buf",
        "statfs", "release", "fsync", "setxattr", "getxattr", "listxattr", "removexattr",
        "flush", "init", "opendir", "readdir", "readdirplus", "readdir_plus", "releasedir",
        "fsyncdir", "getlk", "setlk", "setlkw", "access", "create", "interrupt", "bmap",
        "destroy", "ioctl", "poll", "notify_reply", "retrieve_reply", "batch_forget",
        "forget_multi", "fallocate", "lseek", "copy_file_range", "setupmapping",
        "removemapping", "syncfs", "tmpfile", "statx",
};

/* Sent without the caller waiting for them. */
static bool is_async(const char *op)
{
        return !strcmp(op, "forget") || !strcmp(op, "batch_forget") || !strcmp(op, "forget_multi") ||
               !strcmp(op, "release") || !strcmp(op, "releasedir") || !strcmp(op, "interrupt");
}

static bool is_fuse_op(const char *name)
{
        for (size_t i = 0; i < sizeof(fuse_ops) / sizeof(fuse_ops[0]); i++)
                if (!strcmp(name, fuse_ops[i]))
                        return true;
        return false;
}

#define MAX_NAMES 96

struct counters {
        int n;
        char name[MAX_NAMES][32];
        double v[MAX_NAMES];
};

static double *counter_slot(struct counters *c, const char *name, bool add)
{
        for (int i = 0; i < c->n; i++)
                if (!strcmp(c->name[i], name))
                        return &c->v[i];
        if (!add || c->n == MAX_NAMES)
                return NULL;
        snprintf(c->name[c->n], sizeof(c->name[0]), "%s", name);
        c->v[c->n] = 0;
        return &c->v[c->n++];
}

static double counter_get(const struct counters *c, const char *name)
{
        double *v = counter_slot((struct counters *)c, name, false);

        return v ? *v : 0;
}

static void counters_parse(const char *text, struct counters *c)
{
        const char *p = text;

        c->n = 0;
        while (*p) {
                char name[32];
                double v;
                int len = 0;

                if (sscanf(p, "%31s %lf%n", name, &v, &len) == 2) {
                        double *slot = counter_slot(c, name, true);

                        if (slot)
                                *slot = v;
                }
                p = strchr(p, '\n');
                if (!p)
                        break;
                p++;
        }
}

/* A mount whose counters a batch reads: its path, whether it has them. */
struct mnt {
        const char *path;
        bool absent;
        int idx;
};

#define MAX_MNTS 16
static struct mnt mnts[MAX_MNTS];
static int nmnts;
static int helper_fd = -1; /* to the root process that reads counters for a user */

static struct mnt *mnt_add(const char *path)
{
        if (!path)
                return NULL;
        for (int i = 0; i < nmnts; i++)
                if (!strcmp(mnts[i].path, path))
                        return &mnts[i];
        if (nmnts == MAX_MNTS)
                die("too many mounts");
        mnts[nmnts] = (struct mnt){ .path = path, .idx = nmnts };
        return &mnts[nmnts++];
}

/* The counters text of a mount, or -errno. */
static ssize_t read_counters_text(const char *path, char *buf, size_t size)
{
        ssize_t r = getxattr(path, COUNTERS_XATTR, buf, size - 1);

        if (r < 0)
                return -errno;
        buf[r] = '\0';
        return r;
}

/* The root side of --as-user: answers "counters of mount i" until the caller exits. */
static void helper_serve(int fd)
{
        static char buf[XATTR_MAX + sizeof(int)];

        for (;;) {
                unsigned char idx;
                ssize_t r = recv(fd, &idx, 1, 0);
                int err;

                if (r <= 0)
                        return;
                if (idx >= nmnts) {
                        err = EINVAL;
                        r = 0;
                } else {
                        r = read_counters_text(mnts[idx].path, buf + sizeof(int), XATTR_MAX);
                        err = r < 0 ? (int)-r : 0;
                        if (r < 0)
                                r = 0;
                }
                memcpy(buf, &err, sizeof(int));
                if (send(fd, buf, sizeof(int) + (size_t)r, 0) < 0)
                        return;
        }
}

/* Read a mount's counters; false (and the mount marked absent) when it has none. */
static bool snap(struct mnt *m, struct counters *c)
{
        static char buf[XATTR_MAX + sizeof(int)];
        const char *text;
        ssize_t r;
        int err = 0;

        if (!m || m->absent)
                return false;
        if (helper_fd >= 0) {
                unsigned char idx = (unsigned char)m->idx;

                if (send(helper_fd, &idx, 1, 0) != 1 || (r = recv(helper_fd, buf, sizeof(buf) - 1, 0)) < (ssize_t)sizeof(int))
                        die("the counter helper is gone");
                memcpy(&err, buf, sizeof(int));
                buf[r] = '\0';
                text = buf + sizeof(int);
        } else {
                r = read_counters_text(m->path, buf, XATTR_MAX);
                err = r < 0 ? (int)-r : 0;
                text = buf;
        }
        if (err) {
                if (err != ENODATA && err != ENOTSUP && err != EPERM && err != ENOSYS)
                        fprintf(stderr, "cgbench: counters of %s: %s\n", m->path, strerror(err));
                m->absent = true;
                return false;
        }
        counters_parse(text, c);
        return true;
}

/* Requests summed over a job's batches. */
struct acc {
        double ops;
        int batches;
        bool absent;
        struct counters sum;
};

static void acc_add(struct acc *a, const struct counters *before, const struct counters *after)
{
        for (int i = 0; i < after->n; i++) {
                double d;
                double *slot;

                if (!is_fuse_op(after->name[i]))
                        continue;
                d = after->v[i] - counter_get(before, after->name[i]);
                if (!strcmp(after->name[i], "getxattr"))
                        d -= 1; /* the read of the counters */
                slot = counter_slot(&a->sum, after->name[i], true);
                if (slot)
                        *slot += d;
        }
        a->batches++;
}

static double acc_sync_per_op(const struct acc *a)
{
        double s = 0;

        for (int i = 0; i < a->sum.n; i++)
                if (!is_async(a->sum.name[i]))
                        s += a->sum.v[i];
        return s / a->ops;
}

/* "lookup=1.00 open=1.00 | release=1.00": synchronous, then asynchronous. */
static void acc_breakdown(const struct acc *a, char *out, size_t size)
{
        size_t len = 0;
        bool any_async = false;

        out[0] = '\0';
        for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < a->sum.n; i++) {
                        double v = a->sum.v[i] / a->ops;

                        if (is_async(a->sum.name[i]) != (pass == 1) || fabs(v) < 0.005)
                                continue;
                        if (pass == 1 && !any_async) {
                                len += (size_t)snprintf(out + len, size - len, "%s|", len ? " " : "");
                                any_async = true;
                        }
                        if (len < size)
                                len += (size_t)snprintf(out + len, size - len, "%s%s=%.2f", len ? " " : "",
                                                        a->sum.name[i], v);
                        if (len >= size)
                                return;
                }
        }
        if (!out[0])
                snprintf(out, size, "none");
}

/* ---- operations ---------------------------------------------------------- */

static void cat_once(const char *path)
{
        static char buf[131072];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t r;

        if (fd < 0)
                die("open %s: %s", path, strerror(errno));
        while ((r = read(fd, buf, sizeof(buf))) > 0)
                ;
        if (r < 0)
                die("read %s: %s", path, strerror(errno));
        close(fd);
}

/* As the shell's `echo VALUE > PATH`. */
static void write_once(const char *path, const char *value)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        size_t len = strlen(value);
        char line[256];

        if (fd < 0)
                die("open %s for writing: %s", path, strerror(errno));
        snprintf(line, sizeof(line), "%s\n", value);
        if (write(fd, line, len + 1) != (ssize_t)(len + 1))
                die("write %s to %s: %s", value, path, strerror(errno));
        if (close(fd) < 0)
                die("close %s: %s", path, strerror(errno));
}

static long ls_once(const char *path)
{
        DIR *d = opendir(path);
        long n = 0;

        if (!d)
                die("opendir %s: %s", path, strerror(errno));
        errno = 0;
        while (readdir(d))
                n++;
        if (errno)
                die("readdir %s: %s", path, strerror(errno));
        closedir(d);
        return n;
}

/* As find(1): open each directory beneath its parent, fstat it, read it, descend by d_type. */
static long walk(int dfd, const char *name)
{
        int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        struct dirent *de;
        struct stat st;
        long n = 0;
        DIR *d;

        if (fd < 0)
                die("open directory %s: %s", name, strerror(errno));
        if (fstat(fd, &st) < 0)
                die("fstat %s: %s", name, strerror(errno));
        d = fdopendir(fd);
        if (!d)
                die("fdopendir %s: %s", name, strerror(errno));
        while ((errno = 0, de = readdir(d))) {
                unsigned char type = de->d_type;

                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                n++;
                if (type == DT_UNKNOWN) {
                        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                die("stat %s/%s: %s", name, de->d_name, strerror(errno));
                        type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
                }
                if (type == DT_DIR)
                        n += walk(dirfd(d), de->d_name);
        }
        if (errno)
                die("readdir %s: %s", name, strerror(errno));
        closedir(d);
        return n;
}

/* ---- jobs: batches of one operation, timed in interleaved rounds ------------ */

enum kind { K_CAT, K_WRITE, K_MKDIR, K_LS, K_FIND, K_SWEEP };

struct job {
        const char *key[2]; /* a result per phase (mkdir then rmdir) */
        int nphase;
        enum kind kind;
        char *path;
        const char *vals[2]; /* K_WRITE: written alternately */
        char **list;         /* K_SWEEP: the files */
        int nlist;
        int n;               /* operations per batch */
        struct mnt *mnt;     /* whose requests to count, NULL: none */
        long extra;          /* K_FIND: entries seen; K_SWEEP: files */
        int rounds;
        double us[2][MAX_ROUNDS];
        struct acc acc[2];
        unsigned long seq;   /* K_WRITE: next value; K_MKDIR: names */
};

/* Run one phase of a batch, return its time in µs. */
static double run_phase(struct job *j, int phase, int n)
{
        char name[4096];
        double t0 = now_us();

        switch (j->kind) {
        case K_CAT:
                for (int i = 0; i < n; i++)
                        cat_once(j->path);
                break;
        case K_WRITE:
                for (int i = 0; i < n; i++)
                        write_once(j->path, j->vals[j->seq++ % 2]);
                break;
        case K_MKDIR:
                for (int i = 0; i < n; i++) {
                        snprintf(name, sizeof(name), "%s%d", j->path, i);
                        if ((phase == 0 ? mkdir(name, 0755) : rmdir(name)) < 0)
                                die("%s %s: %s", phase == 0 ? "mkdir" : "rmdir", name, strerror(errno));
                }
                break;
        case K_LS:
                for (int i = 0; i < n; i++)
                        ls_once(j->path);
                break;
        case K_FIND:
                for (int i = 0; i < n; i++)
                        j->extra = walk(AT_FDCWD, j->path);
                break;
        case K_SWEEP:
                for (int i = 0; i < n; i++)
                        for (int f = 0; f < j->nlist; f++)
                                cat_once(j->list[f]);
                j->extra = j->nlist;
                break;
        }
        return now_us() - t0;
}

/* Operations one batch of a phase counts (a sweep: one per file). */
static double ops_of(const struct job *j)
{
        return j->kind == K_SWEEP ? (double)j->n * j->nlist : j->n;
}

static void run_round(struct job *j, int r, bool record)
{
        struct counters before, after;

        for (int p = 0; p < j->nphase; p++) {
                bool counted = record && snap(j->mnt, &before);
                double t = run_phase(j, p, j->n);

                if (!record)
                        continue;
                j->us[p][r] = t / ops_of(j);
                if (counted && snap(j->mnt, &after)) {
                        acc_add(&j->acc[p], &before, &after);
                        j->acc[p].ops += ops_of(j);
                } else {
                        j->acc[p].absent = true;
                }
        }
        /* mkdir's rmdir phase is its cleanup when not recording */
}

static void print_job(const struct job *j)
{
        for (int p = 0; p < j->nphase; p++) {
                char bd[1024];
                double med = median(j->us[p], j->rounds);

                printf("R\t%s\t%s\t%.3f\t", j->key[p], caller, med);
                if (j->mnt && !j->acc[p].absent && j->acc[p].ops > 0) {
                        acc_breakdown(&j->acc[p], bd, sizeof(bd));
                        printf("%.3f\t%s", acc_sync_per_op(&j->acc[p]), bd);
                } else {
                        printf("-\t-");
                }
                if (j->kind == K_FIND || j->kind == K_SWEEP)
                        printf("\t%ld\n", j->extra);
                else
                        printf("\t-\n");
        }
        fflush(stdout);
}

/* Run a group of jobs in interleaved rounds after one unrecorded warm-up pass. */
static void measure_group(const char *what, struct job *jobs, int njobs, int rounds)
{
        double t0 = now_us();

        if (rounds > MAX_ROUNDS)
                rounds = MAX_ROUNDS;
        for (int k = 0; k < njobs; k++) {
                int n = jobs[k].n;

                if (jobs[k].kind == K_CAT || jobs[k].kind == K_WRITE || jobs[k].kind == K_LS)
                        jobs[k].n = n / 10 > 0 ? n / 10 : 1;
                run_round(&jobs[k], 0, false);
                jobs[k].n = n;
                jobs[k].rounds = rounds;
        }
        for (int r = 0; r < rounds; r++)
                for (int k = 0; k < njobs; k++)
                        run_round(&jobs[(k + r) % njobs], r, true);
        for (int k = 0; k < njobs; k++)
                print_job(&jobs[k]);
        fprintf(stderr, "  %-6s %-28s %6.1f s\n", caller, what, (now_us() - t0) / 1e6);
}

static struct job job_new(enum kind kind, const char *key, char *path, int n, struct mnt *m)
{
        struct job j = { .key = { key, NULL }, .nphase = 1, .kind = kind, .path = path, .n = n, .mnt = m };

        return j;
}

/* ---- dropping privileges: the caller class "user" -------------------------- */

/* Fork: the child goes on as uid:gid, this process reads counters for it until it exits. */
static void become_user(const char *spec)
{
        unsigned uid, gid;
        int sv[2], status;
        pid_t pid;

        if (sscanf(spec, "%u:%u", &uid, &gid) != 2)
                die("--as-user %s: UID:GID", spec);
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                die("socketpair: %s", strerror(errno));
        fflush(stdout);
        pid = fork();
        if (pid < 0)
                die("fork: %s", strerror(errno));
        if (pid == 0) {
                gid_t g = gid;

                close(sv[0]);
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (setgroups(1, &g) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
                        die("dropping privileges to %u:%u: %s", uid, gid, strerror(errno));
                helper_fd = sv[1];
                return;
        }
        close(sv[1]);
        helper_serve(sv[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/* ---- measure: one caller's whole set ------------------------------------- */

#define MAX_FLOORS 4
#define MAX_SIZES 4

struct measure_opts {
        int n, rounds;
        const char *as_user;
        const char *mount, *mount_all;
        const char *view, *view_all, *kern;
        const char *limit;      /* "NAME:KERNFILE" or NULL */
        const char *stats;      /* "NAME:KERNFILE" */
        const char *echo_view;  /* "REL=V1,V2" */
        const char *echo_kern;
        const char *floors[MAX_FLOORS]; /* "MODE=MOUNT" */
        int nfloors;
        const char *lxcfs;
        const char *trees_view, *trees_kern;
        int sizes[MAX_SIZES], find_rounds[MAX_SIZES], nsizes;
        int sweep_size;
        const char *sweep;      /* "NAME:KERNFILE" */
};

static void split2(const char *spec, char sep, char **a, char **b)
{
        const char *s = strchr(spec, sep);

        if (!s)
                die("%s: expected A%cB", spec, sep);
        *a = strndup(spec, (size_t)(s - spec));
        *b = strdup(s + 1);
        if (!*a || !*b)
                die("out of memory");
}

static struct job write_job(const char *key, const char *base, const char *spec, int n, struct mnt *m)
{
        char *rel, *vals, *v1, *v2;
        struct job j;

        split2(spec, '=', &rel, &vals);
        split2(vals, ',', &v1, &v2);
        j = job_new(K_WRITE, key, xasprintf("%s/w/%s", base, rel), n, m);
        j.vals[0] = v1;
        j.vals[1] = v2;
        return j;
}

/* The cgroups of a tree (every directory below DIR on cgroupfs), as paths relative to it. */
static void tree_cgroups(const char *dir, const char *rel, char ***list, int *n, int *cap)
{
        char *path = rel[0] ? xasprintf("%s/%s", dir, rel) : xasprintf("%s", dir);
        DIR *d = opendir(path);
        struct dirent *de;

        if (!d)
                die("opendir %s: %s", path, strerror(errno));
        while ((de = readdir(d))) {
                char *child;

                if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                child = rel[0] ? xasprintf("%s/%s", rel, de->d_name) : xasprintf("%s", de->d_name);
                if (*n == *cap) {
                        *cap = *cap ? *cap * 2 : 256;
                        *list = realloc(*list, (size_t)*cap * sizeof(**list));
                        if (!*list)
                                die("out of memory");
                }
                (*list)[(*n)++] = child;
                tree_cgroups(dir, child, list, n, cap);
        }
        closedir(d);
        free(path);
}

static int cmd_measure(struct measure_opts *o)
{
        struct mnt *mv, *ma;
        struct job jobs[24];
        int nj = 0, n = o->n, r = o->rounds;
        char *limit_name = NULL, *limit_kern = NULL, *stats_name, *stats_kern;

        if (!o->view || !o->kern || !o->mount || !o->stats)
                die("measure: --view, --kern, --mount and --stats are needed");
        mv = mnt_add(o->mount);
        ma = mnt_add(o->mount_all);
        for (int i = 0; i < o->nfloors; i++) {
                char *mode, *mp;

                split2(o->floors[i], '=', &mode, &mp);
                mnt_add(mp);
        }
        if (o->as_user)
                become_user(o->as_user);

        if (o->limit)
                split2(o->limit, ':', &limit_name, &limit_kern);
        split2(o->stats, ':', &stats_name, &stats_kern);

        /* cat: open, read to EOF, close; the view's files beside their baselines */
        jobs[nj++] = job_new(K_CAT, "cat:kern:raw", xasprintf("%s/w/cgroup.max.depth", o->kern), n, NULL);
        if (limit_kern)
                jobs[nj++] = job_new(K_CAT, "cat:kern:limit", xasprintf("%s/w/%s", o->kern, limit_kern), n, NULL);
        jobs[nj++] = job_new(K_CAT, "cat:kern:stats", xasprintf("%s/w/%s", o->kern, stats_kern), n, NULL);
        jobs[nj++] = job_new(K_CAT, "cat:kern:procs", xasprintf("%s/w/cgroup.procs", o->kern), n, NULL);
        jobs[nj++] = job_new(K_CAT, "cat:view:limit",
                             limit_name ? xasprintf("%s/w/limits/%s", o->view, limit_name)
                                        : xasprintf("%s/w/cgroup.max.depth", o->view), n, mv);
        jobs[nj++] = job_new(K_CAT, "cat:view:raw", xasprintf("%s/w/cgroup.max.depth", o->view), n, mv);
        if (limit_name)
                jobs[nj++] = job_new(K_CAT, "cat:view:effective", xasprintf("%s/w/effective/%s", o->view, limit_name), n, mv);
        jobs[nj++] = job_new(K_CAT, "cat:view:stats", xasprintf("%s/w/stats/%s", o->view, stats_name), n, mv);
        jobs[nj++] = job_new(K_CAT, "cat:view:procs", xasprintf("%s/w/cgroup.procs", o->view), n, mv);
        if (o->view_all && ma)
                jobs[nj++] = job_new(K_CAT, "cat:viewall:limit",
                                     limit_name ? xasprintf("%s/w/limits/%s", o->view_all, limit_name)
                                                : xasprintf("%s/w/cgroup.max.depth", o->view_all), n, ma);
        for (int i = 0; i < o->nfloors; i++) {
                char *mode, *mp;

                split2(o->floors[i], '=', &mode, &mp);
                jobs[nj++] = job_new(K_CAT, xasprintf("cat:floor:%s", mode),
                                     xasprintf(strcmp(mode, "open2") ? "%s/file" : "%s/d/file", mp), n,
                                     mnt_add(mp));
        }
        if (o->lxcfs)
                jobs[nj++] = job_new(K_CAT, "cat:lxcfs", xasprintf("%s/proc/uptime", o->lxcfs), n, NULL);
        printf("I\tlimit\t%s\n", limit_name ? xasprintf("limits/%s", limit_name)
                                             : "cgroup.max.depth in place of limits/");
        printf("I\tstats\tstats/%s\n", stats_name);
        measure_group("cat", jobs, nj, r);

        /* echo VALUE > FILE, through the view and straight */
        nj = 0;
        if (!o->echo_view || !o->echo_kern)
                die("measure: --echo-view and --echo-kern are needed");
        jobs[nj++] = write_job("echo:kern", o->kern, o->echo_kern, n / 4, NULL);
        jobs[nj++] = write_job("echo:view", o->view, o->echo_view, n / 4, mv);
        {
                char *rel, *vals;

                split2(o->echo_view, '=', &rel, &vals);
                printf("I\techo\techo %s > %s (alternately)\n", vals, rel);
        }
        measure_group("echo", jobs, nj, r);

        /* mkdir, then rmdir, of a batch of cgroups */
        nj = 0;
        jobs[nj] = job_new(K_MKDIR, "mkdir:kern", xasprintf("%s/bk%d-", o->kern, getpid()), n / 8, NULL);
        jobs[nj].key[1] = "rmdir:kern";
        jobs[nj++].nphase = 2;
        jobs[nj] = job_new(K_MKDIR, "mkdir:view", xasprintf("%s/bv%d-", o->view, getpid()), n / 8, mv);
        jobs[nj].key[1] = "rmdir:view";
        jobs[nj++].nphase = 2;
        measure_group("mkdir+rmdir", jobs, nj, r);

        /* ls of a cgroup */
        nj = 0;
        jobs[nj++] = job_new(K_LS, "ls:kern", xasprintf("%s/w", o->kern), n / 4, NULL);
        jobs[nj++] = job_new(K_LS, "ls:view", xasprintf("%s/w", o->view), n / 4, mv);
        measure_group("ls", jobs, nj, r);

        /* find over each tree */
        for (int s = 0; s < o->nsizes && o->trees_view && o->trees_kern; s++) {
                /* small trees walked several times a batch, so that each batch lasts */
                int batch = o->sizes[s] < 1000 ? 1000 / o->sizes[s] : 1;
                char what[64];

                nj = 0;
                jobs[nj++] = job_new(K_FIND, xasprintf("find:kern:%d", o->sizes[s]),
                                     xasprintf("%s/t%d", o->trees_kern, o->sizes[s]), batch, NULL);
                jobs[nj++] = job_new(K_FIND, xasprintf("find:view:%d", o->sizes[s]),
                                     xasprintf("%s/t%d", o->trees_view, o->sizes[s]), batch, mv);
                snprintf(what, sizeof(what), "find %d", o->sizes[s]);
                measure_group(what, jobs, nj, o->find_rounds[s]);
        }

        /* a sweep of one stats file in every cgroup of a tree */
        if (o->sweep && o->sweep_size && o->trees_view) {
                char *sname, *skern, *tk = xasprintf("%s/t%d", o->trees_kern, o->sweep_size);
                char **cgs = NULL, **kl, **vl;
                int ncg = 0, cap = 0;

                split2(o->sweep, ':', &sname, &skern);
                tree_cgroups(tk, "", &cgs, &ncg, &cap);
                kl = xcalloc((size_t)ncg, sizeof(*kl));
                vl = xcalloc((size_t)ncg, sizeof(*vl));
                for (int i = 0; i < ncg; i++) {
                        kl[i] = xasprintf("%s/%s/%s", tk, cgs[i], skern);
                        vl[i] = xasprintf("%s/t%d/%s/stats/%s", o->trees_view, o->sweep_size, cgs[i], sname);
                }
                nj = 0;
                jobs[nj] = job_new(K_SWEEP, "sweep:kern", tk, 1, NULL);
                jobs[nj].list = kl;
                jobs[nj++].nlist = ncg;
                jobs[nj] = job_new(K_SWEEP, "sweep:view", tk, 1, mv);
                jobs[nj].list = vl;
                jobs[nj++].nlist = ncg;
                printf("I\tsweep\tstats/%s of %d cgroups\n", sname, ncg);
                measure_group("sweep", jobs, nj, o->find_rounds[0] < 3 ? o->find_rounds[0] : 3);
        }
        return 0;
}

/* ---- conc: aggregate throughput of 1 and 4 readers ------------------------- */

static long status_field(pid_t pid, const char *field)
{
        char path[64], line[256];
        size_t len = strlen(field);
        long v = -1;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        f = fopen(path, "r");
        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f))
                if (!strncmp(line, field, len) && line[len] == ':') {
                        v = strtol(line + len + 1, NULL, 10);
                        break;
                }
        fclose(f);
        return v;
}

/*
 * k readers, each `cat`ing its own file for `seconds`; returns the operations
 * done by all. Samples the daemon's threads half way.
 */
static double readers(char **files, int k, double seconds, pid_t daemon, long *threads_max)
{
        int go[2], res[2];
        pid_t pids[16];
        double total = 0;

        if (pipe(go) < 0 || pipe(res) < 0)
                die("pipe: %s", strerror(errno));
        for (int i = 0; i < k; i++) {
                pids[i] = fork();
                if (pids[i] < 0)
                        die("fork: %s", strerror(errno));
                if (pids[i] == 0) {
                        char c;
                        long ops = 0;
                        double end;

                        close(go[1]);
                        close(res[0]);
                        if (read(go[0], &c, 1) < 0)
                                _exit(1);
                        end = now_us() + seconds * 1e6;
                        while (now_us() < end) {
                                for (int b = 0; b < 16; b++)
                                        cat_once(files[i]);
                                ops += 16;
                        }
                        if (write(res[1], &ops, sizeof(ops)) != sizeof(ops))
                                _exit(1);
                        _exit(0);
                }
        }
        close(go[0]);
        close(res[1]);
        close(go[1]); /* go */
        if (daemon > 0) {
                long t;

                sleep_us((long)(seconds * 1e6 / 2));
                t = status_field(daemon, "Threads");
                if (t > *threads_max)
                        *threads_max = t;
        }
        for (int i = 0; i < k; i++) {
                long ops;
                int status;

                if (read(res[0], &ops, sizeof(ops)) != sizeof(ops))
                        die("a reader failed");
                total += (double)ops;
                waitpid(pids[i], &status, 0);
                if (!WIFEXITED(status) || WEXITSTATUS(status))
                        die("a reader failed");
        }
        close(res[0]);
        return total;
}

static int cmd_conc(char **files, int nfiles, const char *mount, const char *lxcfs, double seconds, int rounds,
                    pid_t daemon)
{
        struct { const char *key; char **files; int k; struct mnt *m; double tput[MAX_ROUNDS]; struct acc acc; } set[4];
        char *lx[4];
        long threads_max = 0;
        int nset = 0;

        if (nfiles < 4)
                die("conc: 4 --file");
        if (rounds > MAX_ROUNDS)
                rounds = MAX_ROUNDS;
        memset(set, 0, sizeof(set));
        set[nset].key = "conc:view:1";
        set[nset].files = files;
        set[nset].k = 1;
        set[nset++].m = mnt_add(mount);
        set[nset].key = "conc:view:4";
        set[nset].files = files;
        set[nset].k = 4;
        set[nset++].m = mnt_add(mount);
        if (lxcfs) {
                for (int i = 0; i < 4; i++)
                        lx[i] = xasprintf("%s/proc/uptime", lxcfs);
                set[nset].key = "conc:lxcfs:1";
                set[nset].files = lx;
                set[nset++].k = 1;
                set[nset].key = "conc:lxcfs:4";
                set[nset].files = lx;
                set[nset++].k = 4;
        }
        for (int i = 0; i < nset; i++) /* warm */
                for (int f = 0; f < set[i].k; f++)
                        cat_once(set[i].files[f]);
        for (int r = 0; r < rounds; r++) {
                for (int s = 0; s < nset; s++) {
                        int i = (s + r) % nset;
                        struct counters before, after;
                        bool counted = snap(set[i].m, &before);
                        double ops = readers(set[i].files, set[i].k, seconds, set[i].k == 4 && set[i].m ? daemon : 0,
                                             &threads_max);

                        set[i].tput[r] = ops / seconds;
                        if (counted && snap(set[i].m, &after)) {
                                acc_add(&set[i].acc, &before, &after);
                                set[i].acc.ops += ops;
                        } else {
                                set[i].acc.absent = true;
                        }
                }
        }
        for (int i = 0; i < nset; i++) {
                double t = median(set[i].tput, rounds);
                char bd[1024];

                printf("R\t%s\t%s\t%.3f\t", set[i].key, caller, 1e6 / t);
                if (set[i].m && !set[i].acc.absent && set[i].acc.ops > 0) {
                        acc_breakdown(&set[i].acc, bd, sizeof(bd));
                        printf("%.3f\t%s", acc_sync_per_op(&set[i].acc), bd);
                } else {
                        printf("-\t-");
                }
                printf("\t%.0f\n", t);
        }
        if (daemon > 0)
                printf("G\tthreads_max.readers\t%ld\n", threads_max);
        return 0;
}

/* ---- start: from exec to the first answered stat() ------------------------ */

static int cmd_start(const char *label, int rounds, const char *probe, const char *mountpoint, const char *log,
                     char **argv)
{
        double ms[MAX_ROUNDS];

        if (rounds > MAX_ROUNDS)
                rounds = MAX_ROUNDS;
        for (int r = 0; r < rounds; r++) {
                struct stat st;
                double t0, t1;
                pid_t pid;
                int status;

                if (stat(probe, &st) == 0)
                        die("start: %s answers before the server starts", probe);
                t0 = now_us();
                pid = fork();
                if (pid < 0)
                        die("fork: %s", strerror(errno));
                if (pid == 0) {
                        int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

                        if (fd >= 0) {
                                dup2(fd, 1);
                                dup2(fd, 2);
                        }
                        execv(argv[0], argv);
                        _exit(127);
                }
                for (;;) {
                        if (stat(probe, &st) == 0)
                                break;
                        if (waitpid(pid, &status, WNOHANG) == pid)
                                die("start: %s exited before serving (see %s)", argv[0], log ? log : "its log");
                        if (now_us() - t0 > 10e6) {
                                kill(pid, SIGKILL);
                                die("start: %s did not answer within 10 s", argv[0]);
                        }
                        sleep_us(100);
                }
                t1 = now_us();
                ms[r] = (t1 - t0) / 1e3;
                kill(pid, SIGTERM);
                for (int i = 0; i < 500; i++) {
                        if (waitpid(pid, &status, WNOHANG) == pid)
                                break;
                        sleep_us(10000);
                        if (i == 499) {
                                kill(pid, SIGKILL);
                                waitpid(pid, &status, 0);
                        }
                }
                umount2(mountpoint, MNT_DETACH); /* where the server left it (EINVAL: it did not) */
                sleep_us(20000);
        }
        printf("R\tstart:%s\t%s\t%.3f\t-\t-\t-\n", label, caller, median(ms, rounds) * 1e3);
        return 0;
}

/* ---- daemon: RSS, threads and the counters' gauges ------------------------- */

static int cmd_daemon(pid_t pid, const char *mount, const char *label)
{
        struct counters c;
        struct mnt *m = mnt_add(mount);

        printf("G\trss_kib.%s\t%ld\n", label, status_field(pid, "VmRSS"));
        printf("G\thwm_kib.%s\t%ld\n", label, status_field(pid, "VmHWM"));
        printf("G\tthreads.%s\t%ld\n", label, status_field(pid, "Threads"));
        if (m && snap(m, &c))
                for (int i = 0; i < c.n; i++)
                        if (!is_fuse_op(c.name[i]))
                                printf("G\tgauge.%s.%s\t%.0f\n", c.name[i], label, c.v[i]);
        return 0;
}

/* ---- mktree: N cgroups in two levels, about sqrt(N) wide ----------------- */

/* Give the children of cgroup dir the controllers named (those it has). */
static void enable_controllers(const char *dir, char **ctls, int nctls)
{
        for (int i = 0; i < nctls; i++) {
                char *path = xasprintf("%s/cgroup.subtree_control", dir), *line = xasprintf("+%s\n", ctls[i]);
                int fd = open(path, O_WRONLY | O_CLOEXEC);

                if (fd < 0 || write(fd, line, strlen(line)) < 0)
                        die("%s: +%s: %s", path, ctls[i], strerror(errno));
                close(fd);
                free(path);
                free(line);
        }
}

static int cmd_mktree(const char *dir, int n, char **ctls, int nctls)
{
        int fan = (int)ceil(sqrt((double)n)), made = 0;

        if (mkdir(dir, 0755) < 0)
                die("mkdir %s: %s", dir, strerror(errno));
        enable_controllers(dir, ctls, nctls);
        for (int g = 0; made < n; g++) {
                char *gp = xasprintf("%s/g%03d", dir, g);

                if (mkdir(gp, 0755) < 0)
                        die("mkdir %s: %s", gp, strerror(errno));
                made++;
                if (made < n)
                        enable_controllers(gp, ctls, nctls);
                for (int c = 0; c < fan - 1 && made < n; c++, made++) {
                        char *cp = xasprintf("%s/c%03d", gp, c);

                        if (mkdir(cp, 0755) < 0)
                                die("mkdir %s: %s", cp, strerror(errno));
                        free(cp);
                }
                free(gp);
        }
        return 0;
}

/* ---- report ------------------------------------------------------------------ */

struct rec {
        char key[64], caller[16];
        double us, req, extra;
        char bd[1024];
};

static struct rec *recs;
static int nrecs;
static struct { char name[64]; double v; } gauges[256];
static int ngauges;
static struct { char name[32]; char text[256]; } infos[32];
static int ninfos;
static int missing;

static void load_results(const char *path)
{
        FILE *f = fopen(path, "r");
        char line[4096];
        int cap = 0;

        if (!f)
                die("%s: %s", path, strerror(errno));
        while (fgets(line, sizeof(line), f)) {
                char *fields[8];
                int nf = 0;
                char *save, *tok;

                line[strcspn(line, "\n")] = '\0';
                for (tok = strtok_r(line, "\t", &save); tok && nf < 8; tok = strtok_r(NULL, "\t", &save))
                        fields[nf++] = tok;
                if (nf == 7 && !strcmp(fields[0], "R")) {
                        struct rec *r;

                        if (nrecs == cap) {
                                cap = cap ? cap * 2 : 128;
                                recs = realloc(recs, (size_t)cap * sizeof(*recs));
                                if (!recs)
                                        die("out of memory");
                        }
                        r = &recs[nrecs++];
                        snprintf(r->key, sizeof(r->key), "%s", fields[1]);
                        snprintf(r->caller, sizeof(r->caller), "%s", fields[2]);
                        r->us = strtod(fields[3], NULL);
                        r->req = strcmp(fields[4], "-") ? strtod(fields[4], NULL) : NAN;
                        snprintf(r->bd, sizeof(r->bd), "%s", fields[5]);
                        r->extra = strcmp(fields[6], "-") ? strtod(fields[6], NULL) : NAN;
                } else if (nf == 3 && !strcmp(fields[0], "G") && ngauges < 256) {
                        snprintf(gauges[ngauges].name, sizeof(gauges[0].name), "%s", fields[1]);
                        gauges[ngauges++].v = strtod(fields[2], NULL);
                } else if (nf == 3 && !strcmp(fields[0], "I") && ninfos < 32) {
                        bool seen = false;

                        for (int i = 0; i < ninfos; i++)
                                seen |= !strcmp(infos[i].name, fields[1]);
                        if (seen)
                                continue;
                        snprintf(infos[ninfos].name, sizeof(infos[0].name), "%s", fields[1]);
                        snprintf(infos[ninfos++].text, sizeof(infos[0].text), "%s", fields[2]);
                }
        }
        fclose(f);
}

static const struct rec *rec_find(const char *key, const char *who)
{
        for (int i = 0; i < nrecs; i++)
                if (!strcmp(recs[i].key, key) && !strcmp(recs[i].caller, who))
                        return &recs[i];
        return NULL;
}

static double us_of(const char *key, const char *who)
{
        const struct rec *r = rec_find(key, who);

        return r ? r->us : NAN;
}

static double req_of(const char *key, const char *who)
{
        const struct rec *r = rec_find(key, who);

        return r ? r->req : NAN;
}

static double gauge(const char *name)
{
        for (int i = 0; i < ngauges; i++)
                if (!strcmp(gauges[i].name, name))
                        return gauges[i].v;
        return NAN;
}

static const char *info(const char *name, const char *dflt)
{
        for (int i = 0; i < ninfos; i++)
                if (!strcmp(infos[i].name, name))
                        return infos[i].text;
        return dflt;
}

/* The table. */
struct row {
        char op[96], who[8], us[32], req[16], ratio[160], target[64];
};

static struct row *rows;
static int nrows, caprows;

static struct row *row_add(const char *op, const char *who)
{
        struct row *r;

        if (nrows == caprows) {
                caprows = caprows ? caprows * 2 : 128;
                rows = realloc(rows, (size_t)caprows * sizeof(*rows));
                if (!rows)
                        die("out of memory");
        }
        r = &rows[nrows++];
        memset(r, 0, sizeof(*r));
        snprintf(r->op, sizeof(r->op), "%s", op);
        snprintf(r->who, sizeof(r->who), "%s", who);
        return r;
}

static void fmt_us(char *out, size_t size, double us)
{
        if (isnan(us))
                snprintf(out, size, "-");
        else if (us < 100)
                snprintf(out, size, "%.2f", us);
        else if (us < 100000)
                snprintf(out, size, "%.1f", us);
        else
                snprintf(out, size, "%.0f", us);
}

static void fmt_req(char *out, size_t size, double req)
{
        if (isnan(req))
                snprintf(out, size, "-");
        else
                snprintf(out, size, "%.2f", req);
}

/* "1.23× what" appended to out, "-× what" when either side is missing. */
static void ratio_add(char *out, size_t size, double a, double b, const char *what)
{
        size_t len = strlen(out);

        if (isnan(a) || isnan(b) || b == 0)
                snprintf(out + len, size - len, "%s-× %s", len ? ", " : "", what);
        else
                snprintf(out + len, size - len, "%s%.2f× %s", len ? ", " : "", a / b, what);
}

static const char *const callers[] = { "root", "user", "cgns", "pidns" };
#define NCALLERS 4
static bool have_lxcfs;

static bool caller_present(const char *who)
{
        for (int i = 0; i < nrecs; i++)
                if (!strcmp(recs[i].caller, who))
                        return true;
        return false;
}

/* A measured row: key for caller who, missing counted when it should be there. */
static struct row *row_measured(const char *op, const char *key, const char *who)
{
        const struct rec *r = rec_find(key, who);
        struct row *row = row_add(op, who);

        if (!r) {
                missing++;
                snprintf(row->us, sizeof(row->us), "MISSING");
                fprintf(stderr, "cgbench report: no figure for %s as %s\n", key, who);
                snprintf(row->req, sizeof(row->req), "-");
                return row;
        }
        fmt_us(row->us, sizeof(row->us), r->us);
        fmt_req(row->req, sizeof(row->req), r->req);
        return row;
}

/* Targets: a measured value per caller, compared with a bound. */
struct target {
        const char *what;
        double bound;
        bool at_least; /* met when value >= bound */
        double worst;
        char worst_at[64];
        char all[512];
        bool unknown, absent;
};

static void target_add(struct target *t, const char *who, double v)
{
        size_t len = strlen(t->all);

        if (isnan(v)) {
                t->unknown = true;
                snprintf(t->all + len, sizeof(t->all) - len, "%s%s -", len ? ", " : "", who);
                return;
        }
        snprintf(t->all + len, sizeof(t->all) - len, "%s%s %.2f", len ? ", " : "", who, v);
        if (isnan(t->worst) || (t->at_least ? v < t->worst : v > t->worst)) {
                t->worst = v;
                snprintf(t->worst_at, sizeof(t->worst_at), "%s", who);
        }
}

static void print_cell(FILE *f, const char *s, int width, bool md, bool right)
{
        if (md)
                fprintf(f, "| %s ", s);
        else if (right)
                fprintf(f, "%*s  ", width, s);
        else
                fprintf(f, "%-*s  ", width, s);
}

/* Display width: µ and × are two bytes, one column. */
static int width_of(const char *s)
{
        int w = 0;

        for (; *s; s++)
                w += ((unsigned char)*s & 0xc0) != 0x80;
        return w;
}

static void print_table(FILE *f, bool md)
{
        static const char *const head[6] = { "operation", "caller", "µs", "requests", "ratio", "target" };
        int w[6];

        for (int c = 0; c < 6; c++)
                w[c] = width_of(head[c]);
        for (int i = 0; i < nrows; i++) {
                const char *cells[6] = { rows[i].op, rows[i].who, rows[i].us, rows[i].req, rows[i].ratio, rows[i].target };

                for (int c = 0; c < 6; c++)
                        if (width_of(cells[c]) > w[c])
                                w[c] = width_of(cells[c]);
        }
        for (int c = 0; c < 6; c++) {
                /* printf pads by bytes: widen for multibyte heads and cells */
                print_cell(f, head[c], w[c] + (int)strlen(head[c]) - width_of(head[c]), md, c == 2 || c == 3);
        }
        fprintf(f, md ? "|\n" : "\n");
        if (md)
                fprintf(f, "|---|---|---:|---:|---|---|\n");
        else {
                int total = 0;

                for (int c = 0; c < 6; c++)
                        total += w[c] + 2;
                for (int i = 0; i < total - 2; i++)
                        fputc('-', f);
                fputc('\n', f);
        }
        for (int i = 0; i < nrows; i++) {
                const char *cells[6] = { rows[i].op, rows[i].who, rows[i].us, rows[i].req, rows[i].ratio, rows[i].target };

                for (int c = 0; c < 6; c++)
                        print_cell(f, cells[c], w[c] + (int)strlen(cells[c]) - width_of(cells[c]), md, c == 2 || c == 3);
                fprintf(f, md ? "|\n" : "\n");
        }
}

static void print_targets(FILE *f, struct target *t, int nt, bool md, bool quick)
{
        if (md)
                fprintf(f, "| target | measured (worst) | status | per caller |\n|---|---:|---|---|\n");
        for (int i = 0; i < nt; i++) {
                const char *status;
                char worst[96];

                if (t[i].absent)
                        status = quick ? "not measured (quick)" : "not measured";
                else if (isnan(t[i].worst))
                        status = "unknown (no counters)";
                else if (t[i].at_least ? t[i].worst >= t[i].bound : t[i].worst <= t[i].bound)
                        status = t[i].unknown ? "met where measured" : "met";
                else
                        status = "NOT MET";
                if (isnan(t[i].worst))
                        snprintf(worst, sizeof(worst), "-");
                else
                        snprintf(worst, sizeof(worst), "%.2f (%s)", t[i].worst, t[i].worst_at);
                if (md)
                        fprintf(f, "| %s | %s | %s | %s |\n", t[i].what, worst, status, t[i].all);
                else
                        fprintf(f, "  %-52s %-22s %-20s %s\n", t[i].what, worst, status, t[i].all);
        }
}

static void print_details(FILE *f, bool md)
{
        if (md)
                fprintf(f, "| operation | caller | requests per operation (synchronous \\| asynchronous) |\n|---|---|---|\n");
        for (int i = 0; i < nrecs; i++) {
                if (!strcmp(recs[i].bd, "-"))
                        continue;
                if (md) {
                        fprintf(f, "| %s | %s | ", recs[i].key, recs[i].caller);
                        for (const char *p = recs[i].bd; *p; p++)
                                fprintf(f, *p == '|' ? "\\|" : "%c", *p);
                        fprintf(f, " |\n");
                }
                else
                        fprintf(f, "  %-20s %-6s %s\n", recs[i].key, recs[i].caller, recs[i].bd);
        }
        for (int i = 0; i < ngauges; i++) {
                if (md)
                        fprintf(f, "| %s | | %.0f |\n", gauges[i].name, gauges[i].v);
                else
                        fprintf(f, "  %-27s %.0f\n", gauges[i].name, gauges[i].v);
        }
}

#define NTARGETS 17

static int cmd_report(const char *path, bool quick, bool strict, const char *markdown, int thread_bound)
{
        const char *limit, *stats;
        int sizes[3] = { 100, 1000, 10000 };
        struct target t[NTARGETS] = {
                { "hot read, default options: requests <= 2", 2, false },
                { "hot read <= 1.2x the 2-request floor", 1.2, false },
                { "hot read <= 0.3x lxcfs /proc/uptime", 0.3, false },
                { "hot read, visibility=all, host callers: requests <= 1", 1, false },
                { "hot read, visibility=all <= 1.2x the 1-request floor", 1.2, false },
                { "stats/ and cgroup.procs: requests <= hot + 1 = 3", 3, false },
                { "stats/ and cgroup.procs <= 1.25x the direct-I/O floor", 1.25, false },
                { "stats/ and cgroup.procs <= 0.33x lxcfs", 0.33, false },
                { "echo of a limit <= 4x a direct write", 4, false },
                { "mkdir <= 2x a direct mkdir", 2, false },
                { "find over 10,000 cgroups <= 3x find on cgroupfs", 3, false },
                { "find: per-file cost at 10,000 <= 1.2x at 100", 1.2, false },
                { "4 readers >= 3x lxcfs's 4 readers (aggregate)", 3, true },
                { "4 readers >= 1.5x one reader", 1.5, true },
                { "daemon RSS after the full find <= 16 MiB", 16, false },
                { "daemon threads bounded", 0, false },
                { "first request served <= 50 ms after exec", 50, false },
        };
        bool all_met = true;
        char buf[160], lbl[32];
        FILE *md = NULL;
        struct row *row;

        for (int i = 0; i < NTARGETS; i++)
                t[i].worst = NAN;
        t[15].bound = thread_bound;
        load_results(path);
        limit = info("limit", "limits/?");
        stats = info("stats", "stats/?");
        have_lxcfs = strcmp(info("lxcfs", "present"), "absent") != 0;

        /* reads */
        for (int k = 0; k < 4; k++) {
                static const char *const keys[4] = { "cat:view:limit", "cat:view:raw", "cat:viewall:limit",
                                                     "cat:view:effective" };
                char op[96];

                if (k == 0)
                        snprintf(op, sizeof(op), "cat %s (hot)", limit);
                else if (k == 1)
                        snprintf(op, sizeof(op), "cat cgroup.max.depth (raw, hot)");
                else if (k == 2)
                        snprintf(op, sizeof(op), "cat %s, visibility=all (hot)", limit);
                else
                        snprintf(op, sizeof(op), "cat effective/%s (hot)", limit + strlen("limits/"));
                for (int c = 0; c < NCALLERS; c++) {
                        const char *who = callers[c];
                        double us = us_of(keys[k], who), req = req_of(keys[k], who);

                        if (!caller_present(who) || (k == 2 && !strcmp(who, "cgns")))
                                continue;
                        if (k >= 2 && !rec_find(keys[k], who))
                                continue; /* no visibility=all mount; no limits/ file for effective/ */
                        row = row_measured(op, keys[k], who);
                        if (k != 2) {
                                ratio_add(row->ratio, sizeof(row->ratio), us, us_of("cat:floor:open2", who), "open2");
                                ratio_add(row->ratio, sizeof(row->ratio), us, us_of("cat:lxcfs", who), "lxcfs");
                                ratio_add(row->ratio, sizeof(row->ratio), us,
                                          us_of(k != 1 && rec_find("cat:kern:limit", who) ? "cat:kern:limit" : "cat:kern:raw", who),
                                          "cgroupfs");
                                snprintf(row->target, sizeof(row->target), "≤2 req, ≤1.2× open2, ≤0.3× lxcfs");
                                snprintf(lbl, sizeof(lbl), "%s %s", who, k == 3 ? "effective" : k ? "raw" : "limit");
                                target_add(&t[0], lbl, req);
                                target_add(&t[1], lbl, us / us_of("cat:floor:open2", who));
                                if (have_lxcfs)
                                        target_add(&t[2], lbl, us / us_of("cat:lxcfs", who));
                        } else {
                                ratio_add(row->ratio, sizeof(row->ratio), us, us_of("cat:floor:open1", who), "open1");
                                ratio_add(row->ratio, sizeof(row->ratio), us, us_of("cat:kern:raw", who), "cgroupfs");
                                snprintf(row->target, sizeof(row->target), "1 req, ≤1.2× open1");
                                target_add(&t[3], who, req);
                                target_add(&t[4], who, us / us_of("cat:floor:open1", who));
                        }
                }
        }
        for (int k = 0; k < 2; k++) {
                const char *key = k ? "cat:view:procs" : "cat:view:stats";
                char op[96];

                snprintf(op, sizeof(op), "cat %s", k ? "cgroup.procs" : stats);
                for (int c = 0; c < NCALLERS; c++) {
                        const char *who = callers[c];
                        double us = us_of(key, who);

                        if (!caller_present(who))
                                continue;
                        row = row_measured(op, key, who);
                        ratio_add(row->ratio, sizeof(row->ratio), us, us_of("cat:floor:direct", who), "direct");
                        ratio_add(row->ratio, sizeof(row->ratio), us, us_of("cat:lxcfs", who), "lxcfs");
                        ratio_add(row->ratio, sizeof(row->ratio), us, us_of(k ? "cat:kern:procs" : "cat:kern:stats", who),
                                  "cgroupfs");
                        snprintf(row->target, sizeof(row->target), "≤3 req, ≤1.25× direct, ≤0.33× lxcfs");
                        snprintf(lbl, sizeof(lbl), "%s %s", who, k ? "procs" : "stats");
                        target_add(&t[5], lbl, req_of(key, who));
                        target_add(&t[6], lbl, us / us_of("cat:floor:direct", who));
                        if (have_lxcfs)
                                target_add(&t[7], lbl, us / us_of("cat:lxcfs", who));
                }
        }
        /* writes */
        {
                char op[96];

                snprintf(op, sizeof(op), "%s", info("echo", "echo ?"));
                for (int c = 0; c < NCALLERS; c++) {
                        const char *who = callers[c];

                        if (!caller_present(who))
                                continue;
                        row = row_measured(op, "echo:view", who);
                        ratio_add(row->ratio, sizeof(row->ratio), us_of("echo:view", who), us_of("echo:kern", who),
                                  "direct write");
                        snprintf(row->target, sizeof(row->target), "≤4× direct write");
                        target_add(&t[8], who, us_of("echo:view", who) / us_of("echo:kern", who));
                }
        }
        for (int k = 0; k < 2; k++) {
                const char *key = k ? "rmdir:view" : "mkdir:view", *base = k ? "rmdir:kern" : "mkdir:kern";

                for (int c = 0; c < NCALLERS; c++) {
                        const char *who = callers[c];

                        if (!caller_present(who))
                                continue;
                        row = row_measured(k ? "rmdir of a cgroup" : "mkdir of a cgroup", key, who);
                        ratio_add(row->ratio, sizeof(row->ratio), us_of(key, who), us_of(base, who),
                                  k ? "direct rmdir" : "direct mkdir");
                        if (!k) {
                                snprintf(row->target, sizeof(row->target), "≤2× direct mkdir");
                                target_add(&t[9], who, us_of(key, who) / us_of(base, who));
                        }
                }
        }
        for (int c = 0; c < NCALLERS; c++) {
                const char *who = callers[c];

                if (!caller_present(who))
                        continue;
                row = row_measured("ls of a cgroup (opendir, readdir to end)", "ls:view", who);
                ratio_add(row->ratio, sizeof(row->ratio), us_of("ls:view", who), us_of("ls:kern", who), "cgroupfs");
        }
        /* find */
        for (int s = 0; s < 3; s++) {
                char key[32], kkey[32], op[96];

                snprintf(key, sizeof(key), "find:view:%d", sizes[s]);
                snprintf(kkey, sizeof(kkey), "find:kern:%d", sizes[s]);
                snprintf(op, sizeof(op), "find over %d cgroups (whole walk)", sizes[s]);
                for (int c = 0; c < NCALLERS; c++) {
                        const char *who = callers[c];
                        const struct rec *v = rec_find(key, who), *kr = rec_find(kkey, who);

                        if (!caller_present(who) || (quick && sizes[s] != 100))
                                continue;
                        row = row_measured(op, key, who);
                        ratio_add(row->ratio, sizeof(row->ratio), us_of(key, who), us_of(kkey, who), "cgroupfs");
                        if (v && kr) {
                                size_t len = strlen(row->ratio);

                                snprintf(row->ratio + len, sizeof(row->ratio) - len, " (%.0f entries, cgroupfs %.0f)",
                                         v->extra, kr->extra);
                        }
                        if (sizes[s] == 10000) {
                                snprintf(row->target, sizeof(row->target), "≤3× cgroupfs");
                                target_add(&t[10], who, us_of(key, who) / us_of(kkey, who));
                        }
                }
        }
        for (int s = 0; s < 3; s++) {
                char key[32], kkey[32], op[96];

                snprintf(key, sizeof(key), "find:view:%d", sizes[s]);
                snprintf(kkey, sizeof(kkey), "find:kern:%d", sizes[s]);
                snprintf(op, sizeof(op), "find over %d cgroups, per entry", sizes[s]);
                for (int c = 0; c < NCALLERS; c++) {
                        const char *who = callers[c];
                        const struct rec *v = rec_find(key, who), *kr = rec_find(kkey, who),
                                         *v100 = rec_find("find:view:100", who);
                        double per, per100, kper;

                        if (!caller_present(who) || (quick && sizes[s] != 100))
                                continue;
                        row = row_add(op, who);
                        if (!v || !kr || !v100) {
                                missing++;
                                snprintf(row->us, sizeof(row->us), "MISSING");
                                continue;
                        }
                        per = v->us / v->extra;
                        per100 = v100->us / v100->extra;
                        kper = kr->us / kr->extra;
                        fmt_us(row->us, sizeof(row->us), per);
                        fmt_req(row->req, sizeof(row->req), v->req / v->extra);
                        ratio_add(row->ratio, sizeof(row->ratio), per, per100, "per entry at 100");
                        ratio_add(row->ratio, sizeof(row->ratio), per, kper, "cgroupfs per entry");
                        if (sizes[s] == 10000) {
                                snprintf(row->target, sizeof(row->target), "≤1.2× per entry at 100");
                                target_add(&t[11], who, per / per100);
                        }
                }
        }
        /* the sweep */
        {
                char op[128];

                snprintf(op, sizeof(op), "sweep: cat %s, per cgroup", info("sweep", "?"));
                for (int c = 0; c < NCALLERS; c++) {
                        const char *who = callers[c];

                        if (!caller_present(who))
                                continue;
                        row = row_measured(op, "sweep:view", who);
                        ratio_add(row->ratio, sizeof(row->ratio), us_of("sweep:view", who), us_of("sweep:kern", who),
                                  "cgroupfs");
                }
        }
        /* the baselines */
        {
                static const struct { const char *key, *op; } base[] = {
                        { "cat:kern:raw", "baseline: cat cgroupfs cgroup.max.depth" },
                        { "cat:kern:limit", "baseline: cat cgroupfs limit file" },
                        { "cat:kern:stats", "baseline: cat cgroupfs file behind stats/" },
                        { "cat:kern:procs", "baseline: cat cgroupfs cgroup.procs" },
                        { "echo:kern", "baseline: echo to the cgroupfs file" },
                        { "mkdir:kern", "baseline: mkdir on cgroupfs" },
                        { "rmdir:kern", "baseline: rmdir on cgroupfs" },
                        { "ls:kern", "baseline: ls of a cgroup on cgroupfs" },
                        { "sweep:kern", "baseline: sweep on cgroupfs, per cgroup" },
                        { "cat:floor:direct", "floor direct: direct I/O, 8 bytes" },
                        { "cat:floor:open1", "floor open1: the OPEN alone" },
                        { "cat:floor:open2", "floor open2: LOOKUP + OPEN" },
                        { "cat:floor:none", "floor none: no request (page cache)" },
                        { "cat:lxcfs", "lxcfs: cat /proc/uptime" },
                };

                for (size_t b = 0; b < sizeof(base) / sizeof(base[0]); b++)
                        for (int c = 0; c < NCALLERS; c++) {
                                const char *who = callers[c];

                                if (!caller_present(who))
                                        continue;
                                if (!strcmp(base[b].key, "cat:kern:limit") && !rec_find(base[b].key, who))
                                        continue; /* no limit file here */
                                if (!strcmp(base[b].key, "cat:lxcfs") && !have_lxcfs) {
                                        row = row_add("lxcfs: cat /proc/uptime (lxcfs absent)", who);
                                        snprintf(row->us, sizeof(row->us), "-");
                                        snprintf(row->req, sizeof(row->req), "-");
                                        continue;
                                }
                                row_measured(base[b].op, base[b].key, who);
                        }
        }
        /* concurrency and the daemon */
        {
                double v1 = us_of("conc:view:1", "root"), v4 = us_of("conc:view:4", "root");
                double l1 = us_of("conc:lxcfs:1", "root"), l4 = us_of("conc:lxcfs:4", "root");

                row = row_measured("1 reader, hot file (µs = 1/throughput)", "conc:view:1", "root");
                row = row_measured("4 readers, distinct cgroups (aggregate)", "conc:view:4", "root");
                ratio_add(row->ratio, sizeof(row->ratio), 1 / v4, 1 / v1, "one reader's throughput");
                ratio_add(row->ratio, sizeof(row->ratio), 1 / v4, 1 / l4, "lxcfs 4 readers'");
                snprintf(row->target, sizeof(row->target), "≥1.5× one reader, ≥3× lxcfs");
                if (have_lxcfs)
                        target_add(&t[12], "root", (1 / v4) / (1 / l4));
                target_add(&t[13], "root", (1 / v4) / (1 / v1));
                if (have_lxcfs) {
                        row_measured("lxcfs 1 reader, /proc/uptime", "conc:lxcfs:1", "root");
                        row = row_measured("lxcfs 4 readers, /proc/uptime", "conc:lxcfs:4", "root");
                        ratio_add(row->ratio, sizeof(row->ratio), 1 / l4, 1 / l1, "one reader's throughput");
                }
        }
        {
                double rss = gauge("rss_kib.after_find"), hwm = gauge("hwm_kib.after_find");
                double th = gauge("threads.after_find"), thmax = gauge("threads_max.readers");
                double st = us_of("start:cgview", "root"), stf = us_of("start:floor", "root");

                row = row_add("daemon RSS after the full find", "root");
                if (isnan(rss)) {
                        missing++;
                        snprintf(row->us, sizeof(row->us), "MISSING");
                } else {
                        snprintf(row->us, sizeof(row->us), "%.1f MiB", rss / 1024);
                        snprintf(row->ratio, sizeof(row->ratio), "peak %.1f MiB; at mount %.1f MiB", hwm / 1024,
                                 gauge("rss_kib.mounted") / 1024);
                }
                snprintf(row->target, sizeof(row->target), "≤16 MiB");
                target_add(&t[14], "root", rss / 1024);
                row = row_add("daemon threads", "root");
                if (isnan(th) || isnan(thmax)) {
                        missing++;
                        snprintf(row->us, sizeof(row->us), "MISSING");
                } else {
                        snprintf(row->us, sizeof(row->us), "%.0f", th);
                        snprintf(row->ratio, sizeof(row->ratio), "at most %.0f under 4 readers", thmax);
                }
                snprintf(row->target, sizeof(row->target), "bounded (≤ %d)", thread_bound);
                target_add(&t[15], "root", isnan(th) || isnan(thmax) ? NAN : (th > thmax ? th : thmax));
                row = row_add("exec to first answered request", "root");
                if (isnan(st)) {
                        missing++;
                        snprintf(row->us, sizeof(row->us), "MISSING");
                } else {
                        snprintf(row->us, sizeof(row->us), "%.1f ms", st / 1000);
                        snprintf(row->ratio, sizeof(row->ratio), "over %s: %.1f ms; floor server: %.1f ms",
                                 info("start-small", "a small subtree"), us_of("start:cgview-small", "root") / 1000,
                                 stf / 1000);
                }
                snprintf(row->target, sizeof(row->target), "≤50 ms");
                target_add(&t[16], "root", st / 1000);
        }

        for (int i = 0; i < NTARGETS; i++) {
                if (!t[i].all[0])
                        t[i].absent = true;
                if (!t[i].absent && !isnan(t[i].worst) &&
                    !(t[i].at_least ? t[i].worst >= t[i].bound : t[i].worst <= t[i].bound))
                        all_met = false;
        }

        printf("\ncgview benchmark%s: µs per operation (median of interleaved rounds), synchronous FUSE\n"
               "requests per operation counted by each server (\"-\": the server has no counters), ratios in this run.\n"
               "Callers: root; user = a delegated non-root user; cgns = root in a cgroup namespace;\n"
               "pidns = root in a PID namespace. Floors: tests/bench/floor.c, one 8-byte file.\n\n",
               quick ? " (quick: small batches, trees of 100, no timing enforced)" : "");
        print_table(stdout, false);
        printf("\ntargets (issue 8):\n");
        print_targets(stdout, t, NTARGETS, false, quick);
        printf("\nrequests per operation by FUSE operation (synchronous | asynchronous), and gauges:\n");
        print_details(stdout, false);
        for (int i = 0; i < ninfos; i++)
                if (!strncmp(infos[i].name, "note", 4))
                        printf("note: %s\n", infos[i].text);
        if (markdown) {
                md = fopen(markdown, "w");
                if (!md)
                        die("%s: %s", markdown, strerror(errno));
                fprintf(md, "µs per operation (median of interleaved rounds), synchronous FUSE requests per operation "
                            "counted by each server, ratios in one run%s.\n\n",
                        quick ? " (quick mode)" : "");
                print_table(md, true);
                fprintf(md, "\nTargets (issue 8):\n\n");
                print_targets(md, t, NTARGETS, true, quick);
                fprintf(md, "\nRequests per operation by FUSE operation, and gauges:\n\n");
                print_details(md, true);
                for (int i = 0; i < ninfos; i++)
                        if (!strncmp(infos[i].name, "note", 4))
                                fprintf(md, "\nNote: %s\n", infos[i].text);
                fclose(md);
        }
        snprintf(buf, sizeof(buf), "%d figure(s) missing", missing);
        if (missing) {
                fprintf(stderr, "cgbench report: %s\n", buf);
                return 1;
        }
        if (strict && !all_met) {
                fprintf(stderr, "cgbench report: targets not met (--strict)\n");
                return 1;
        }
        return 0;
}

/* ---- main ------------------------------------------------------------------ */

static void usage(void)
{
        fprintf(stderr,
                "usage: cgbench measure --caller NAME --mount M --view DIR --kern DIR --stats NAME:FILE\n"
                "                       --echo-view REL=V1,V2 --echo-kern REL=V1,V2 [--limit NAME:FILE]\n"
                "                       [--mount-all M --view-all DIR] [--floor MODE=MOUNT]... [--lxcfs MOUNT]\n"
                "                       [--trees-view DIR --trees-kern DIR --size N[:ROUNDS]]...\n"
                "                       [--sweep NAME:FILE --sweep-size N] [--n N] [--rounds R] [--as-user UID:GID]\n"
                "       cgbench conc --mount M --file F (4 times) [--lxcfs MOUNT] [--seconds S] [--rounds R] [--pid PID]\n"
                "       cgbench start --label L --probe PATH --mountpoint MP [--rounds R] [--log FILE] -- CMD ARGS...\n"
                "       cgbench daemon --pid PID [--mount M] --label L\n"
                "       cgbench mktree DIR N [CONTROLLER...]\n"
                "       cgbench report [--quick] [--strict] [--markdown FILE] [--thread-bound N] RESULTS\n");
        exit(2);
}

enum {
        O_CALLER = 256, O_MOUNT, O_MOUNT_ALL, O_VIEW, O_VIEW_ALL, O_KERN, O_LIMIT, O_STATS, O_ECHO_VIEW,
        O_ECHO_KERN, O_FLOOR, O_LXCFS, O_TREES_VIEW, O_TREES_KERN, O_SIZE, O_SWEEP, O_SWEEP_SIZE, O_N,
        O_ROUNDS, O_AS_USER, O_FILE, O_SECONDS, O_PID, O_LABEL, O_PROBE, O_MOUNTPOINT, O_LOG, O_QUICK,
        O_STRICT, O_MARKDOWN, O_THREAD_BOUND,
};

static const struct option long_opts[] = {
        { "caller", required_argument, NULL, O_CALLER },
        { "mount", required_argument, NULL, O_MOUNT },
        { "mount-all", required_argument, NULL, O_MOUNT_ALL },
        { "view", required_argument, NULL, O_VIEW },
        { "view-all", required_argument, NULL, O_VIEW_ALL },
        { "kern", required_argument, NULL, O_KERN },
        { "limit", required_argument, NULL, O_LIMIT },
        { "stats", required_argument, NULL, O_STATS },
        { "echo-view", required_argument, NULL, O_ECHO_VIEW },
        { "echo-kern", required_argument, NULL, O_ECHO_KERN },
        { "floor", required_argument, NULL, O_FLOOR },
        { "lxcfs", required_argument, NULL, O_LXCFS },
        { "trees-view", required_argument, NULL, O_TREES_VIEW },
        { "trees-kern", required_argument, NULL, O_TREES_KERN },
        { "size", required_argument, NULL, O_SIZE },
        { "sweep", required_argument, NULL, O_SWEEP },
        { "sweep-size", required_argument, NULL, O_SWEEP_SIZE },
        { "n", required_argument, NULL, O_N },
        { "rounds", required_argument, NULL, O_ROUNDS },
        { "as-user", required_argument, NULL, O_AS_USER },
        { "file", required_argument, NULL, O_FILE },
        { "seconds", required_argument, NULL, O_SECONDS },
        { "pid", required_argument, NULL, O_PID },
        { "label", required_argument, NULL, O_LABEL },
        { "probe", required_argument, NULL, O_PROBE },
        { "mountpoint", required_argument, NULL, O_MOUNTPOINT },
        { "log", required_argument, NULL, O_LOG },
        { "quick", no_argument, NULL, O_QUICK },
        { "strict", no_argument, NULL, O_STRICT },
        { "markdown", required_argument, NULL, O_MARKDOWN },
        { "thread-bound", required_argument, NULL, O_THREAD_BOUND },
        { NULL, 0, NULL, 0 },
};

static int positive(const char *s)
{
        char *end;
        long v = strtol(s, &end, 10);

        if (*end || v <= 0 || v > 100000000)
                die("%s: expected a positive number", s);
        return (int)v;
}

int main(int argc, char **argv)
{
        struct measure_opts mo = { .n = 1000, .rounds = 7 };
        char *files[4];
        int nfiles = 0, rounds = 5, thread_bound = 20, c;
        double seconds = 1;
        const char *label = NULL, *probe = NULL, *mountpoint = NULL, *log = NULL, *markdown = NULL;
        bool quick = false, strict = false;
        pid_t pid = 0;
        const char *cmd;

        if (argc < 2)
                usage();
        cmd = argv[1];
        argv++;
        argc--;
        if (!strcmp(cmd, "mktree")) {
                if (argc < 3)
                        usage();
                return cmd_mktree(argv[1], positive(argv[2]), argv + 3, argc - 3);
        }
        while ((c = getopt_long(argc, argv, "+", long_opts, NULL)) != -1) {
                switch (c) {
                case O_CALLER: caller = optarg; break;
                case O_MOUNT: mo.mount = optarg; break;
                case O_MOUNT_ALL: mo.mount_all = optarg; break;
                case O_VIEW: mo.view = optarg; break;
                case O_VIEW_ALL: mo.view_all = optarg; break;
                case O_KERN: mo.kern = optarg; break;
                case O_LIMIT: mo.limit = optarg; break;
                case O_STATS: mo.stats = optarg; break;
                case O_ECHO_VIEW: mo.echo_view = optarg; break;
                case O_ECHO_KERN: mo.echo_kern = optarg; break;
                case O_FLOOR:
                        if (mo.nfloors == MAX_FLOORS)
                                die("too many --floor");
                        mo.floors[mo.nfloors++] = optarg;
                        break;
                case O_LXCFS: mo.lxcfs = optarg; break;
                case O_TREES_VIEW: mo.trees_view = optarg; break;
                case O_TREES_KERN: mo.trees_kern = optarg; break;
                case O_SIZE: {
                        const char *colon = strchr(optarg, ':');

                        if (mo.nsizes == MAX_SIZES)
                                die("too many --size");
                        mo.sizes[mo.nsizes] = positive(colon ? strndup(optarg, (size_t)(colon - optarg)) : optarg);
                        mo.find_rounds[mo.nsizes++] = colon ? positive(colon + 1) : 3;
                        break;
                }
                case O_SWEEP: mo.sweep = optarg; break;
                case O_SWEEP_SIZE: mo.sweep_size = positive(optarg); break;
                case O_N: mo.n = positive(optarg); break;
                case O_ROUNDS: rounds = mo.rounds = positive(optarg); break;
                case O_AS_USER: mo.as_user = optarg; break;
                case O_FILE:
                        if (nfiles == 4)
                                die("at most 4 --file");
                        files[nfiles++] = optarg;
                        break;
                case O_SECONDS: seconds = strtod(optarg, NULL); break;
                case O_PID: pid = positive(optarg); break;
                case O_LABEL: label = optarg; break;
                case O_PROBE: probe = optarg; break;
                case O_MOUNTPOINT: mountpoint = optarg; break;
                case O_LOG: log = optarg; break;
                case O_QUICK: quick = true; break;
                case O_STRICT: strict = true; break;
                case O_MARKDOWN: markdown = optarg; break;
                case O_THREAD_BOUND: thread_bound = positive(optarg); break;
                default: usage();
                }
        }
        if (mo.n < 8)
                mo.n = 8;
        if (!strcmp(cmd, "measure"))
                return cmd_measure(&mo);
        if (!strcmp(cmd, "conc")) {
                if (!mo.mount || seconds <= 0)
                        usage();
                return cmd_conc(files, nfiles, mo.mount, mo.lxcfs, seconds, rounds, pid);
        }
        if (!strcmp(cmd, "start")) {
                if (!label || !probe || !mountpoint || optind >= argc)
                        usage();
                return cmd_start(label, rounds, probe, mountpoint, log, argv + optind);
        }
        if (!strcmp(cmd, "daemon")) {
                if (!pid || !label)
                        usage();
                return cmd_daemon(pid, mo.mount, label);
        }
        if (!strcmp(cmd, "report")) {
                if (optind != argc - 1)
                        usage();
                return cmd_report(argv[optind], quick, strict, markdown, thread_bound);
        }
        usage();
}
