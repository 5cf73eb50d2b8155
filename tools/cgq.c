/* SPDX-License-Identifier: MIT */
/*
 * cgq: what may I use, and what binds it. For a cgroup (default: the
 * caller's own) prints, for cpu, memory, swap, pids, hugetlb and io, the
 * cgroup's own limit, the effective limit and the level that sets it, usage,
 * headroom, pressure and a usage bar. Links the pure modules (units, quota),
 * never libfuse.
 *
 *   cgq [-r] [--json] [--watch] [-n SECONDS] [-m MOUNT] [--no-color] [PATH]
 *
 * Data: through a cgview mount (-m, default /cg or $CGQ_MOUNT) when one
 * answers there: the kernel files it passes through, exact, and effective/
 * (which also sees levels above the caller's view) when the view has it.
 * Otherwise straight from the cgroup2 mount of /proc/self/mountinfo, the
 * caller's cgroup from /proc/self/cgroup. The logic is tools/quota.c.
 *
 * Exit status 0, 1 on an error, 2 on a usage error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cgpath.h"
#include "quota.h"
#include "units.h"
#include "util.h"

#define FUSE_SUPER_MAGIC 0x65735546
#define OUT_SIZE (1u << 20)

static void closedirp(DIR **d)
{
        if (*d)
                closedir(*d);
}
#define _cleanup_closedir_ __attribute__((cleanup(closedirp)))

/* Where the files come from: a directory and whether it is a cgview mount. */
struct source {
        int dirfd;
        char base[PATH_MAX]; /* the mount point or the cgroup2 mount */
        bool view;
        bool has_effective;  /* the view has effective/ */
};

/* One cgroup being shown: its path ("/a/b") and its visible levels up to "/". */
struct target {
        char *path;
        unsigned depth;
        char **levels;
        size_t nlevels;
        struct quota_cgroup cg;
};

/* "a/b" + "memory.max" under dirfd, relative ("." for the root). */
static int rel_join(const char *cgpath, const char *name, char *buf, size_t n)
{
        const char *rel = cgpath[0] == '/' ? cgpath + 1 : cgpath;
        int r;

        if (!*rel)
                r = snprintf(buf, n, "%s", name ? name : ".");
        else
                r = snprintf(buf, n, "%s%s%s", rel, name ? "/" : "", name ? name : "");
        return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

/* A whole small file, NUL-terminated, trailing newline kept. */
static int read_text(const struct source *src, const char *cgpath, const char *name, char *buf, size_t n)
{
        char rel[PATH_MAX];
        _cleanup_close_ int fd = -1;
        size_t len = 0;
        int r;

        if ((r = rel_join(cgpath, name, rel, sizeof(rel))) < 0)
                return r;
        fd = openat(src->dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return NEG_ERRNO();
        for (;;) {
                ssize_t k = read(fd, buf + len, n - 1 - len);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return NEG_ERRNO();
                if (k == 0)
                        break;
                len += (size_t)k;
                if (len == n - 1)
                        return -EFBIG;
        }
        buf[len] = '\0';
        return (int)len;
}

static bool exists(const struct source *src, const char *cgpath, const char *name)
{
        char rel[PATH_MAX];

        return rel_join(cgpath, name, rel, sizeof(rel)) == 0 && faccessat(src->dirfd, rel, F_OK, 0) == 0;
}

static void chomp(char *s)
{
        size_t l = strlen(s);

        while (l && (s[l - 1] == '\n' || s[l - 1] == ' '))
                s[--l] = '\0';
}

/* Lines of a file (cgroup.procs), read in pieces: -errno if unreadable. */
static long count_lines(const struct source *src, const char *cgpath, const char *name)
{
        char rel[PATH_MAX], buf[8192];
        _cleanup_close_ int fd = -1;
        long lines = 0;

        if (rel_join(cgpath, name, rel, sizeof(rel)) < 0)
                return -ENAMETOOLONG;
        fd = openat(src->dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return NEG_ERRNO();
        for (;;) {
                ssize_t k = read(fd, buf, sizeof(buf));

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return NEG_ERRNO();
                if (k == 0)
                        return lines;
                for (ssize_t i = 0; i < k; i++)
                        lines += buf[i] == '\n';
        }
}

/* A kernel value file ("max", "123", or "max 100000"/"50000 100000" for cpu.max). */
static struct quota_value read_limit(const struct source *src, const char *cgpath, const char *file,
                                     enum quota_kind kind)
{
        bool cpu = kind == QUOTA_CPU;
        struct quota_value v = { 0 };
        char text[256], *sp;

        if (read_text(src, cgpath, file, text, sizeof(text)) < 0)
                return v;
        chomp(text);
        if (cpu) {
                sp = strchr(text, ' ');
                if (!sp)
                        return v;
                *sp = '\0';
                if (units_parse_count(sp + 1, &v.period) != 0 || v.period == 0)
                        return v;
        }
        if (units_parse_count(text, &v.v) < 0)
                return v;
        if (kind == QUOTA_MEMORY || kind == QUOTA_SWAP || kind == QUOTA_HUGETLB)
                v.v = quota_kernel_bytes(v.v, (uint64_t)sysconf(_SC_PAGESIZE));
        v.present = true;
        return v;
}

/* What effective/NAME of the view says, in the kernel's numbers. */
static struct quota_value read_effective(const struct source *src, const char *cgpath, const char *name,
                                         enum quota_kind kind, char *text, size_t n)
{
        struct quota_value v = { 0 };
        char file[128];
        int r;

        text[0] = '\0';
        if (!src->has_effective)
                return v;
        snprintf(file, sizeof(file), "effective/%s", name);
        if (read_text(src, cgpath, file, text, n) < 0) {
                text[0] = '\0';
                return v;
        }
        chomp(text);
        if (kind == QUOTA_CPU) {
                /* CPUs, exact to 6 decimals: as a quota per second */
                r = units_parse_cpus(text, 1000000, &v.v);
                v.period = 1000000;
        } else if (kind == QUOTA_PIDS)
                r = units_parse_count(text, &v.v);
        else
                r = units_parse_size(text, 0, &v.v);
        v.present = r >= 0;
        return v;
}

static bool read_u64(const struct source *src, const char *cgpath, const char *file, const char *key,
                     uint64_t *ret)
{
        char text[4096];

        if (read_text(src, cgpath, file, text, sizeof(text)) < 0)
                return false;
        if (key)
                return units_kv_get(text, key, ret) == 0;
        return units_parse_count(text, ret) == 0;
}

static void read_psi(const struct source *src, const char *cgpath, const char *file, char *buf, size_t n)
{
        char text[1024], v[UNITS_BUF];

        buf[0] = '\0';
        if (read_text(src, cgpath, file, text, sizeof(text)) < 0 || units_psi_some_avg10(text, v, sizeof(v)) < 0)
                return;
        chomp(v);
        v[strcspn(v, "%")] = '\0';
        snprintf(buf, n, "%s", v);
}

static struct quota_row *add_row(struct quota_cgroup *cg, enum quota_kind kind, const char *name)
{
        struct quota_row *row;

        if (cg->nrows >= QUOTA_ROWS_MAX)
                return NULL;
        row = &cg->rows[cg->nrows++];
        memset(row, 0, sizeof(*row));
        row->kind = kind;
        row->setter = QUOTA_SET_NONE;
        snprintf(row->name, sizeof(row->name), "%s", name);
        return row;
}

/* The limit file at every level, then effective and setter. */
static void resolve(const struct source *src, const struct target *t, struct quota_row *row, const char *file,
                    const char *friendly)
{
        struct quota_value levels[t->nlevels], known;
        char text[256];

        for (size_t i = 0; i < t->nlevels; i++)
                levels[i] = read_limit(src, t->levels[i], file, row->kind);
        row->limit = levels[0];
        known = read_effective(src, t->path, friendly, row->kind, text, sizeof(text));
        /* effective/cpu prints CPUs with the fewest decimals for its level's
         * period: a level that prints the same is the one it names, exactly */
        for (size_t i = 0; known.present && row->kind == QUOTA_CPU && i < t->nlevels; i++) {
                char a[UNITS_BUF];

                if (levels[i].present && units_format_cpus(levels[i].v, levels[i].period, a, sizeof(a)) >= 0 &&
                    !strcmp(a, text)) {
                        known = levels[i];
                        break;
                }
        }
        row->has_eff = quota_effective(levels, t->nlevels, &known, &row->eff, &row->setter) == 0;
}

/* A simple resource: its limit, usage and pressure files. The row exists when one of them does. */
static void simple(const struct source *src, struct target *t, enum quota_kind kind, const char *name,
                   const char *limit_file, const char *usage_file, const char *usage_key, const char *psi_file)
{
        struct quota_row r = { 0 }, *row;
        bool any;

        r.has_usage = read_u64(src, t->path, usage_file, usage_key, &r.usage);
        if (psi_file)
                read_psi(src, t->path, psi_file, r.psi, sizeof(r.psi));
        any = r.has_usage || r.psi[0] || exists(src, t->path, limit_file) || (psi_file && exists(src, t->path, psi_file));
        if (!any || !(row = add_row(&t->cg, kind, name)))
                return;
        row->has_usage = r.has_usage;
        row->usage = r.usage;
        memcpy(row->psi, r.psi, sizeof(row->psi));
        resolve(src, t, row, limit_file, name);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* hugetlb.<size>: one row per hugetlb.*.max file of the cgroup. */
static void hugetlb_rows(const struct source *src, struct target *t)
{
        char rel[PATH_MAX], *names[16];
        size_t n = 0;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd;

        if (rel_join(t->path, NULL, rel, sizeof(rel)) < 0)
                return;
        fd = openat(src->dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || !(d = fdopendir(fd))) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        for (errno = 0; (de = readdir(d)) && n < ELEMENTSOF(names); errno = 0) {
                size_t l = strlen(de->d_name);

                /* hugetlb.2MB.max, not hugetlb.2MB.rsvd.max */
                if (strncmp(de->d_name, "hugetlb.", 8) || l < 14 || strcmp(de->d_name + l - 5, "B.max") ||
                    strchr(de->d_name + 8, '.') != de->d_name + l - 4)
                        continue;
                if (!(names[n] = strdup(de->d_name)))
                        break;
                n++;
        }
        qsort(names, n, sizeof(names[0]), cmp_str);
        for (size_t i = 0; i < n; i++) {
                char friendly[64], cur[80];
                size_t l = strlen(names[i]);

                snprintf(friendly, sizeof(friendly), "%.*s", (int)(l - 5), names[i]);      /* hugetlb.2M */
                snprintf(cur, sizeof(cur), "%.*s.current", (int)(l - 4), names[i]); /* hugetlb.2MB.current */
                simple(src, t, QUOTA_HUGETLB, friendly, names[i], cur, NULL, NULL);
                free(names[i]);
        }
}

/* A block device's kernel name from /sys/dev/block, else "MAJ:MIN". */
static void dev_name(unsigned major, unsigned minor, char *buf, size_t n)
{
        char link[64], target[PATH_MAX];
        ssize_t k;

        snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major, minor);
        k = readlink(link, target, sizeof(target) - 1);
        if (k > 0) {
                const char *base;

                target[k] = '\0';
                base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
                if (strlen(base) < n) {
                        memcpy(buf, base, strlen(base) + 1);
                        return;
                }
        }
        snprintf(buf, n, "%u:%u", major, minor);
}

/* A block device's MAJ:MIN from /sys/class/block/NAME/dev; 0:0 (no such device) if none. */
static void dev_number(const char *name, unsigned *ret_major, unsigned *ret_minor)
{
        char path[128], text[32];
        unsigned ma, mi;
        _cleanup_close_ int fd = -1;
        ssize_t k;

        *ret_major = *ret_minor = 0;
        if (strchr(name, '/') || name[0] == '.' ||
            snprintf(path, sizeof(path), "/sys/class/block/%s/dev", name) >= (int)sizeof(path))
                return;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || (k = read(fd, text, sizeof(text) - 1)) <= 0)
                return;
        text[k] = '\0';
        if (sscanf(text, "%u:%u", &ma, &mi) == 2) {
                *ret_major = ma;
                *ret_minor = mi;
        }
}

struct io_dev {
        unsigned major, minor;
        char name[32];
};

static void io_rows(const struct source *src, struct target *t)
{
        static const char *const stat_keys[UNITS_IO_NKEYS] = { "rbytes", "wbytes", "rios", "wios" };
        char text[8192], stat[8192], psi[16];
        struct io_dev devs[16];
        size_t ndev = 0;
        uint64_t rb = 0, wb = 0;
        bool has_stat = read_text(src, t->path, "io.stat", stat, sizeof(stat)) >= 0;
        struct quota_row *row;

        read_psi(src, t->path, "io.pressure", psi, sizeof(psi));
        if (has_stat || psi[0]) {
                if (!(row = add_row(&t->cg, QUOTA_IO, "io")))
                        return;
                if (has_stat && units_io_stat_sum(stat, "rbytes", &rb) == 0 && units_io_stat_sum(stat, "wbytes", &wb) == 0) {
                        row->has_usage = true;
                        row->usage = rb + wb;
                }
                memcpy(row->psi, psi, sizeof(row->psi));
        }
        /* every device with a limit at some level */
        for (size_t i = 0; i < t->nlevels; i++) {
                if (read_text(src, t->levels[i], "io.max", text, sizeof(text)) < 0)
                        continue;
                for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                        unsigned ma, mi;
                        uint64_t v[UNITS_IO_NKEYS];
                        size_t j;

                        if (units_parse_kernel_io_max(line, &ma, &mi, v) < 0)
                                continue;
                        for (j = 0; j < ndev && (devs[j].major != ma || devs[j].minor != mi); j++)
                                ;
                        if (j == ndev && ndev < ELEMENTSOF(devs)) {
                                devs[ndev].major = ma;
                                devs[ndev].minor = mi;
                                dev_name(ma, mi, devs[ndev].name, sizeof(devs[ndev].name));
                                ndev++;
                        }
                }
        }
        /* and every device effective/ names: a cap set above the caller's view */
        if (src->has_effective && read_text(src, t->path, "effective/io", text, sizeof(text)) >= 0)
                for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                        struct units_io_limit l;
                        size_t j;

                        if (units_parse_io_max_line(line, &l) < 0)
                                continue;
                        for (j = 0; j < ndev && strcmp(devs[j].name, l.dev); j++)
                                ;
                        if (j == ndev && ndev < ELEMENTSOF(devs) && strlen(l.dev) < sizeof(devs[0].name)) {
                                snprintf(devs[ndev].name, sizeof(devs[ndev].name), "%s", l.dev);
                                dev_number(l.dev, &devs[ndev].major, &devs[ndev].minor);
                                ndev++;
                        }
                }
        for (size_t d = 0; d < ndev; d++) {
                struct quota_value levels[UNITS_IO_NKEYS][t->nlevels], known[UNITS_IO_NKEYS];
                char eff[8192];

                memset(levels, 0, sizeof(levels));
                memset(known, 0, sizeof(known));
                for (size_t i = 0; i < t->nlevels; i++) {
                        if (read_text(src, t->levels[i], "io.max", text, sizeof(text)) < 0)
                                continue;
                        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                                unsigned ma, mi;
                                uint64_t v[UNITS_IO_NKEYS];

                                if (units_parse_kernel_io_max(line, &ma, &mi, v) < 0 || ma != devs[d].major ||
                                    mi != devs[d].minor)
                                        continue;
                                for (int k = 0; k < UNITS_IO_NKEYS; k++)
                                        levels[k][i] = (struct quota_value){ true, v[k], 0 };
                        }
                }
                /* effective/io: "sda rbps=10M wbps=max riops=max wiops=1000" lines */
                if (src->has_effective && read_text(src, t->path, "effective/io", eff, sizeof(eff)) >= 0)
                        for (char *line = strtok(eff, "\n"); line; line = strtok(NULL, "\n")) {
                                struct units_io_limit l;

                                if (units_parse_io_max_line(line, &l) < 0 || strcmp(l.dev, devs[d].name))
                                        continue;
                                for (int k = 0; k < UNITS_IO_NKEYS; k++)
                                        if (l.set & (1u << k))
                                                known[k] = (struct quota_value){ true, l.v[k], 0 };
                        }
                for (int k = 0; k < UNITS_IO_NKEYS; k++) {
                        struct quota_value e;
                        int setter;

                        /* a device absent from a level's io.max has no limit there: max */
                        for (size_t i = 0; i < t->nlevels; i++)
                                if (!levels[k][i].present)
                                        levels[k][i] = (struct quota_value){ true, UNITS_MAX, 0 };
                        if (quota_effective(levels[k], t->nlevels, &known[k], &e, &setter) < 0 || e.v == UNITS_MAX)
                                continue;
                        if (!(row = add_row(&t->cg, QUOTA_IO, "io")))
                                return;
                        snprintf(row->dev, sizeof(row->dev), "%s", devs[d].name);
                        row->field = k;
                        row->limit = levels[k][0];
                        row->has_eff = true;
                        row->eff = e;
                        row->setter = setter;
                        row->has_usage = has_stat &&
                                         quota_io_stat_get(stat, devs[d].major, devs[d].minor, stat_keys[k],
                                                           &row->usage) == 0;
                }
        }
}

static void collect(const struct source *src, struct target *t)
{
        struct quota_cgroup *cg = &t->cg;
        long procs = count_lines(src, t->path, "cgroup.procs");

        memset(cg, 0, sizeof(*cg));
        cg->path = t->path;
        cg->levels = (const char *const *)t->levels;
        cg->nlevels = t->nlevels;
        cg->procs = procs < 0 ? -1 : procs;
        simple(src, t, QUOTA_CPU, "cpu", "cpu.max", "cpu.stat", "usage_usec", "cpu.pressure");
        simple(src, t, QUOTA_MEMORY, "memory", "memory.max", "memory.current", NULL, "memory.pressure");
        simple(src, t, QUOTA_SWAP, "swap", "memory.swap.max", "memory.swap.current", NULL, NULL);
        simple(src, t, QUOTA_PIDS, "pids", "pids.max", "pids.current", NULL, NULL);
        hugetlb_rows(src, t);
        io_rows(src, t);
}

/* "/a/b" -> levels "/a/b", "/a", "/". */
static int make_target(const char *path, unsigned depth, struct target *ret)
{
        struct target t = { .depth = depth };
        size_t n = 1;

        for (const char *p = path + 1; *p; p++)
                n += *p == '/';
        if (strcmp(path, "/"))
                n++;
        t.path = strdup(path);
        t.levels = calloc(n, sizeof(char *));
        if (!t.path || !t.levels)
                goto nomem;
        for (size_t i = 0; i < n; i++) {
                char *s = strdup(i == 0 ? path : t.levels[i - 1]), *slash;

                if (!s)
                        goto nomem;
                t.levels[i] = s;
                t.nlevels = i + 1;
                if (i > 0) {
                        slash = strrchr(s, '/');
                        if (slash == s)
                                s[1] = '\0';
                        else if (slash)
                                *slash = '\0';
                }
        }
        *ret = t;
        return 0;
nomem:
        for (size_t i = 0; i < t.nlevels; i++)
                free(t.levels[i]);
        free(t.levels);
        free(t.path);
        return -ENOMEM;
}

static void free_target(struct target *t)
{
        for (size_t i = 0; i < t->nlevels; i++)
                free(t->levels[i]);
        free(t->levels);
        free(t->path);
}

struct list {
        struct target *v;
        size_t n, cap;
};

static bool reserved(const struct source *src, const char *name)
{
        return src->view && (!strcmp(name, "limits") || !strcmp(name, "stats") || !strcmp(name, "effective") ||
                             !strcmp(name, "self"));
}

/* path and, with recurse, its subtree in pre-order, children sorted by name. */
static int walk(const struct source *src, const char *path, unsigned depth, bool recurse, struct list *l)
{
        char rel[PATH_MAX], **names = NULL;
        size_t n = 0, cap = 0;
        int r, fd;
        struct dirent *de;

        if (l->n == l->cap) {
                struct target *v = realloc(l->v, (l->cap * 2 + 8) * sizeof(*v));

                if (!v)
                        return -ENOMEM;
                l->v = v;
                l->cap = l->cap * 2 + 8;
        }
        if ((r = make_target(path, depth, &l->v[l->n])) < 0)
                return r;
        l->n++;
        if (!recurse || rel_join(path, NULL, rel, sizeof(rel)) < 0)
                return 0;
        fd = openat(src->dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        {
                _cleanup_closedir_ DIR *d = fdopendir(fd);

                if (!d) {
                        close(fd);
                        return 0;
                }
                for (errno = 0; (de = readdir(d)); errno = 0) {
                        char **v;

                        struct stat st;

                        if (de->d_name[0] == '.' || reserved(src, de->d_name))
                                continue;
                        /* DT_UNKNOWN: ask (a file system need not fill d_type) */
                        if (de->d_type != DT_DIR &&
                            (de->d_type != DT_UNKNOWN || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                             !S_ISDIR(st.st_mode)))
                                continue;
                        if (n == cap) {
                                if (!(v = realloc(names, (cap * 2 + 8) * sizeof(*v))))
                                        break;
                                names = v;
                                cap = cap * 2 + 8;
                        }
                        if (!(names[n] = strdup(de->d_name)))
                                break;
                        n++;
                }
        }
        if (n)
                qsort(names, n, sizeof(names[0]), cmp_str);
        r = 0;
        for (size_t i = 0; i < n; i++) {
                char child[PATH_MAX];

                if (r >= 0 && snprintf(child, sizeof(child), "%s%s%s", path, strcmp(path, "/") ? "/" : "", names[i]) <
                                      (int)sizeof(child))
                        r = walk(src, child, depth + 1, true, l);
                free(names[i]);
        }
        free(names);
        return r;
}

/* The rate of a cumulative counter between two samples, per second. */
static void rates(struct list *now, const struct list *before, uint64_t dt_us)
{
        if (!before || !dt_us)
                return;
        for (size_t i = 0; i < now->n; i++) {
                struct quota_cgroup *cg = &now->v[i].cg;
                const struct quota_cgroup *old = NULL;

                for (size_t j = 0; j < before->n && !old; j++)
                        if (!strcmp(before->v[j].path, now->v[i].path))
                                old = &before->v[j].cg;
                if (!old)
                        continue;
                for (size_t r = 0; r < cg->nrows; r++) {
                        struct quota_row *row = &cg->rows[r];

                        if ((row->kind != QUOTA_CPU && row->kind != QUOTA_IO) || !row->has_usage)
                                continue;
                        for (size_t k = 0; k < old->nrows; k++) {
                                const struct quota_row *o = &old->rows[k];

                                if (o->kind != row->kind || strcmp(o->dev, row->dev) || o->field != row->field ||
                                    !o->has_usage || o->usage > row->usage)
                                        continue;
                                row->has_rate = true;
                                row->rate = (uint64_t)((unsigned __int128)(row->usage - o->usage) * 1000000 / dt_us);
                                break;
                        }
                }
        }
}

static void free_list(struct list *l)
{
        for (size_t i = 0; i < l->n; i++)
                free_target(&l->v[i]);
        free(l->v);
        l->v = NULL;
        l->n = l->cap = 0;
}

static uint64_t now_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

struct options {
        bool recurse, json, watch, color;
        unsigned interval_s;
        const char *mount;
        const char *path;
};

static int render(const struct list *l, const struct options *o, char *buf)
{
        unsigned depths[l->n ? l->n : 1];

        for (size_t i = 0; i < l->n; i++)
                depths[i] = l->v[i].depth;
        if (o->json && o->recurse)
                fputs("[\n", stdout);
        for (size_t i = 0; i < l->n; i++) {
                char title[1024] = "", prefix[1024] = "";
                int r;

                if (o->recurse && !o->json && quota_tree_prefix(depths, l->n, i, title, prefix, sizeof(title)) < 0)
                        title[0] = prefix[0] = '\0';
                r = o->json ? quota_render_json(&l->v[i].cg, buf, OUT_SIZE)
                            : quota_render_text(&l->v[i].cg, title, prefix, o->color, buf, OUT_SIZE);
                if (r < 0)
                        return r;
                fputs(buf, stdout);
                if (o->json)
                        fputs(o->recurse && i + 1 < l->n ? ",\n" : "\n", stdout);
        }
        if (o->json && o->recurse)
                fputs("]\n", stdout);
        return fflush(stdout) == 0 ? 0 : NEG_ERRNO();
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
        stop = sig;
}

/* cgroup.events and memory.events of the cgroup for poll(): POLLPRI on change. */
static size_t watch_fds(const struct source *src, const char *path, struct pollfd *fds)
{
        static const char *const files[] = { "cgroup.events", "memory.events" };
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                char rel[PATH_MAX], b[512];
                int fd;

                if (rel_join(path, files[i], rel, sizeof(rel)) < 0)
                        continue;
                fd = openat(src->dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (fd < 0)
                        continue;
                /* a first read, so that only a later change wakes poll */
                (void)!pread(fd, b, sizeof(b), 0);
                fds[n++] = (struct pollfd){ .fd = fd, .events = POLLPRI };
        }
        return n;
}

static int run(const struct source *src, const struct options *o, const char *path)
{
        _cleanup_free_ char *buf = malloc(OUT_SIZE);
        struct list now = { 0 }, before = { 0 };
        struct pollfd fds[2];
        size_t nfds = 0;
        uint64_t t_before = 0;
        bool tty = isatty(STDOUT_FILENO);
        int r;

        if (!buf)
                return -ENOMEM;
        if (o->watch) {
                struct sigaction sa = { .sa_handler = on_signal };

                sigemptyset(&sa.sa_mask);
                sigaction(SIGINT, &sa, NULL);
                sigaction(SIGTERM, &sa, NULL);
                nfds = watch_fds(src, path, fds);
        }
        for (;;) {
                uint64_t t = now_us();

                if ((r = walk(src, path, 0, o->recurse, &now)) < 0)
                        break;
                for (size_t i = 0; i < now.n; i++)
                        collect(src, &now.v[i]);
                rates(&now, before.n ? &before : NULL, t - t_before);
                if (o->watch && tty && !o->json)
                        fputs("\033[H\033[2J", stdout);
                if ((r = render(&now, o, buf)) < 0 || !o->watch)
                        break;
                if (!tty && !o->json)
                        fputs("\n", stdout);
                fflush(stdout);
                free_list(&before);
                before = now;
                now = (struct list){ 0 };
                t_before = t;
                /* a change of cgroup.events/memory.events, or the interval, whichever first */
                if (!stop && poll(fds, nfds, (int)o->interval_s * 1000) > 0) {
                        for (size_t i = 0; i < nfds; i++)
                                if (fds[i].revents) {
                                        char b[512];

                                        (void)!pread(fds[i].fd, b, sizeof(b), 0);
                                }
                        /* at most ten redraws a second however often the files change */
                        nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
                }
                if (stop) {
                        r = 0;
                        break;
                }
        }
        for (size_t i = 0; i < nfds; i++)
                close(fds[i].fd);
        free_list(&now);
        free_list(&before);
        return r;
}

/* The cgroup2 mount of /proc/self/mountinfo: its mount point and the cgroup path of its root. */
static int cgroup2_mount(char *ret_dir, size_t n, char *ret_root, size_t rn)
{
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        FILE *f = fopen("/proc/self/mountinfo", "re");
        int r = -ENOENT;

        if (!f)
                return NEG_ERRNO();
        while (getline(&line, &cap, f) > 0) {
                char root[PATH_MAX], dir[PATH_MAX], *dash = strstr(line, " - ");
                char fstype[64];

                if (!dash || sscanf(dash, " - %63s", fstype) != 1 || strcmp(fstype, "cgroup2") ||
                    sscanf(line, "%*s %*s %*s %4095s %4095s", root, dir) != 2)
                        continue;
                cgpath_unescape(root);
                cgpath_unescape(dir);
                snprintf(ret_dir, n, "%s", dir);
                snprintf(ret_root, rn, "%s", root);
                r = 0;
                break;
        }
        fclose(f);
        return r;
}

/* The caller's cgroup v2 path ("0::/a/b"). */
static int own_cgroup(char *buf, size_t n)
{
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        FILE *f = fopen("/proc/self/cgroup", "re");
        int r = -ENOENT;

        if (!f)
                return NEG_ERRNO();
        while (getline(&line, &cap, f) > 0)
                if (!strncmp(line, "0::", 3)) {
                        chomp(line);
                        snprintf(buf, n, "%s", line + 3);
                        r = 0;
                        break;
                }
        fclose(f);
        return r;
}

static int open_source(const char *mount, struct source *ret, char *self, size_t n)
{
        struct statfs sf;
        char root[PATH_MAX], own[PATH_MAX], link[PATH_MAX];
        int r;

        /* a FUSE mount with a cgroup's files at its top: a cgview mount */
        if (statfs(mount, &sf) == 0 && (unsigned long)sf.f_type == FUSE_SUPER_MAGIC &&
            (ret->dirfd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
                ssize_t k;

                if (faccessat(ret->dirfd, "cgroup.procs", F_OK, 0) < 0) {
                        close(ret->dirfd);
                        ret->dirfd = -1;
                        goto kernel;
                }
                snprintf(ret->base, sizeof(ret->base), "%s", mount);
                ret->view = true;
                snprintf(link, sizeof(link), "%s/self", mount);
                k = readlink(link, own, sizeof(own) - 1);
                if (k >= 0) {
                        own[k] = '\0';
                        quota_path_normalize(own, "", self, n);
                } else
                        self[0] = '\0';
                return 0;
        }
kernel:
        if ((r = cgroup2_mount(ret->base, sizeof(ret->base), root, sizeof(root))) < 0)
                return r;
        ret->dirfd = open(ret->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (ret->dirfd < 0)
                return NEG_ERRNO();
        ret->view = false;
        self[0] = '\0';
        if (own_cgroup(own, sizeof(own)) == 0) {
                size_t rl = strlen(root);

                /* the mount's root is a cgroup too (a namespace's): the path below it */
                if (!strcmp(root, "/"))
                        quota_path_normalize(own, "", self, n);
                else if (!strncmp(own, root, rl) && (own[rl] == '/' || !own[rl]))
                        quota_path_normalize(own + rl, "", self, n);
        }
        return 0;
}

static int usage(FILE *f, int status)
{
        fprintf(f, "usage: cgq [-r] [--json] [--watch] [-n SECONDS] [-m MOUNT] [--no-color] [PATH]\n"
                   "  PATH          a cgroup as the view names it (/web/api, or /cg/web under the mount);\n"
                   "                default: your own cgroup\n"
                   "  -m, --mount   the cgview mount (default $CGQ_MOUNT or /cg); without one answering\n"
                   "                there, the kernel's cgroup2 files are read directly\n"
                   "  -r            the subtree below PATH, as a tree\n"
                   "  --json        JSON: exact numbers, null for max\n"
                   "  --watch       redraw on change and every -n SECONDS (default 2)\n"
                   "  --no-color    no colour (also NO_COLOR=1; colour only on a terminal)\n");
        return status;
}

int main(int argc, char **argv)
{
        static const struct option longopts[] = {
                { "json", no_argument, NULL, 'j' },        { "watch", no_argument, NULL, 'w' },
                { "mount", required_argument, NULL, 'm' }, { "no-color", no_argument, NULL, 'C' },
                { "help", no_argument, NULL, 'h' },        { "interval", required_argument, NULL, 'n' },
                { NULL, 0, NULL, 0 },
        };
        struct options o = { .interval_s = 2 };
        struct source src = { .dirfd = -1 };
        char self[PATH_MAX], path[PATH_MAX];
        const char *nc = getenv("NO_COLOR");
        bool no_color = nc && *nc;
        uint64_t secs;
        int c, r;

        o.mount = getenv("CGQ_MOUNT") && *getenv("CGQ_MOUNT") ? getenv("CGQ_MOUNT") : "/cg";
        while ((c = getopt_long(argc, argv, "rn:m:h", longopts, NULL)) != -1) {
                switch (c) {
                case 'r': o.recurse = true; break;
                case 'j': o.json = true; break;
                case 'w': o.watch = true; break;
                case 'm': o.mount = optarg; break;
                case 'C': no_color = true; break;
                case 'n':
                        if (units_parse_count(optarg, &secs) != 0 || secs == 0 || secs > 86400) {
                                fprintf(stderr, "cgq: -n wants a number of seconds from 1 to 86400\n");
                                return 2;
                        }
                        o.interval_s = (unsigned)secs;
                        break;
                case 'h': return usage(stdout, 0);
                default: return usage(stderr, 2);
                }
        }
        if (argc - optind > 1)
                return usage(stderr, 2);
        o.path = optind < argc ? argv[optind] : NULL;
        o.color = !no_color && isatty(STDOUT_FILENO);
        if ((r = open_source(o.mount, &src, self, sizeof(self))) < 0) {
                fprintf(stderr, "cgq: no cgview mount at %s and no cgroup2 mount: %s\n", o.mount, strerror(-r));
                return 1;
        }
        if (o.path) {
                if ((r = quota_path_normalize(o.path, src.base, path, sizeof(path))) < 0) {
                        fprintf(stderr, "cgq: %s: %s\n", o.path, strerror(-r));
                        return 1;
                }
        } else if (self[0])
                snprintf(path, sizeof(path), "%s", self);
        else {
                fprintf(stderr, "cgq: cannot find your own cgroup %s\n",
                        src.view ? "in the view (give a PATH)" : "in /proc/self/cgroup");
                return 1;
        }
        {
                char rel[PATH_MAX];
                struct stat st;

                if (rel_join(path, NULL, rel, sizeof(rel)) < 0 || fstatat(src.dirfd, rel, &st, 0) < 0 ||
                    !S_ISDIR(st.st_mode)) {
                        fprintf(stderr, "cgq: %s: no such cgroup under %s\n", path, src.base);
                        close(src.dirfd);
                        return 1;
                }
                if (src.view && rel_join(path, "effective", rel, sizeof(rel)) == 0 &&
                    fstatat(src.dirfd, rel, &st, 0) == 0)
                        src.has_effective = true;
        }
        r = run(&src, &o, path);
        close(src.dirfd);
        if (r < 0) {
                fprintf(stderr, "cgq: %s: %s\n", path, strerror(-r));
                return 1;
        }
        return 0;
}
