/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "blockdev.h"
#include "cgroupfs.h"
#include "effective.h"
#include "log.h"
#include "units.h"
#include "util.h"
#include "view.h"

#define TEXT_MAX 16384

/* How a one-number file is read: pick the number from the kernel text, print it. */
typedef int (*pick_fn)(const char *text, const char *key, uint64_t *ret);
typedef int (*format_fn)(uint64_t v, char *buf, size_t n);

struct view_file {
        const char *name;
        enum view_dir dir;
        const char *file[2]; /* file[1] is optional (cpu.idle) */
        const char *probe;   /* must exist too, when the value needs a controller file[0] lacks */
        const char *key;     /* the field pick() takes from file[0] */
        pick_fn pick;
        format_fn format;
        int (*read)(struct view_handle *h, char *out, size_t n); /* NULL: pick + format */
        int (*write)(struct view_handle *h, const char *value);
};

/* hugetlb.<size> is one entry for every huge page size the kernel offers. */
#define HUGETLB_PREFIX "hugetlb."

static const char *const dir_names[] = { [VIEW_LIMITS] = "limits", [VIEW_STATS] = "stats", [VIEW_EFFECTIVE] = "effective" };

int view_dir_of(const char *name)
{
        for (size_t d = 0; d < ELEMENTSOF(dir_names); d++)
                if (!strcmp(name, dir_names[d]))
                        return (int)d;
        return -ENOENT;
}

bool view_is_reserved(const char *name)
{
        return view_dir_of(name) >= 0 || !strcmp(name, "self");
}

static int out_printf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int out_printf(char *out, size_t n, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vsnprintf(out, n, fmt, ap);
        va_end(ap);
        return r < 0 || (size_t)r >= n ? -ENOBUFS : r;
}

static int read_backing(struct view_handle *h, int i, char **ret)
{
        if (h->fd[i] < 0)
                return -ENOENT;
        return cgroupfs_read_fd(h->fd[i], ret, NULL);
}

static int write_backing(struct view_handle *h, int i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int write_backing(struct view_handle *h, int i, const char *fmt, ...)
{
        char buf[256];
        va_list ap;
        int r;

        if (h->fd[i] < 0)
                return -EINVAL;
        va_start(ap, fmt);
        r = vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (r < 0 || (size_t)r >= sizeof(buf))
                return -ENOBUFS;
        r = cgroupfs_write_fd(h->fd[i], buf, (size_t)r);
        return r < 0 ? r : 0;
}

/* A kernel value that is a number or "max". */
static int pick_value(const char *text, const char *key, uint64_t *ret)
{
        return units_parse_count(text, ret) < 0 ? -EIO : 0;
}

/*
 * A byte limit. hugetlb prints its "no limit" as the page counter's largest
 * value in bytes (PAGE_COUNTER_MAX x PAGE_SIZE) rather than "max": show max.
 */
static int pick_bytes(const char *text, const char *key, uint64_t *ret)
{
        uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), x;

        if (units_parse_count(text, &x) < 0)
                return -EIO;
        *ret = x >= (uint64_t)INT64_MAX / page * page ? UNITS_MAX : x;
        return 0;
}

static int format_count(uint64_t v, char *buf, size_t n)
{
        return v == UNITS_MAX ? out_printf(buf, n, "max") : out_printf(buf, n, "%" PRIu64, v);
}

static int read_picked(struct view_handle *h, int i, pick_fn pick, uint64_t *ret)
{
        _cleanup_free_ char *text = NULL;
        int r = read_backing(h, i, &text);

        return r < 0 ? r : pick(text, h->vf->key, ret);
}

/* The generic reader: one number, picked and printed as the file's table entry says. */
static int read_value(struct view_handle *h, char *out, size_t n)
{
        char v[UNITS_BUF];
        uint64_t x;
        int r = read_picked(h, 0, h->vf->pick, &x);

        if (r < 0 || (r = h->vf->format(x, v, sizeof(v))) < 0)
                return r;
        return out_printf(out, n, "%s\n", v);
}

/* cpu.max: "max 100000" or "50000 100000". */
static int read_cpu_max(struct view_handle *h, uint64_t *ret_quota, uint64_t *ret_period)
{
        _cleanup_free_ char *text = NULL;
        char quota[32];
        uint64_t period;
        int r = read_backing(h, 0, &text);

        if (r < 0)
                return r;
        if (sscanf(text, "%31s %" SCNu64, quota, &period) != 2)
                return -EIO;
        if (units_parse_count(quota, ret_quota) < 0)
                return -EIO;
        *ret_period = period;
        return 0;
}

/* ---- limits/ readers ---- */

static int read_cpu(struct view_handle *h, char *out, size_t n)
{
        char v[UNITS_BUF];
        uint64_t quota, period;
        int r = read_cpu_max(h, &quota, &period);

        if (r < 0 || (r = units_format_cpus(quota, period, v, sizeof(v))) < 0)
                return r;
        return out_printf(out, n, "%s\n", v);
}

static int read_period(struct view_handle *h, char *out, size_t n)
{
        char v[UNITS_BUF];
        uint64_t quota, period;
        int r = read_cpu_max(h, &quota, &period);

        if (r < 0 || (r = units_format_duration(period, v, sizeof(v))) < 0)
                return r;
        return out_printf(out, n, "%s\n", v);
}

static int read_weight(struct view_handle *h, char *out, size_t n)
{
        uint64_t idle = 0;

        if (h->fd[1] >= 0 && read_picked(h, 1, pick_value, &idle) >= 0 && idle == 1)
                return out_printf(out, n, "idle\n");
        return read_value(h, out, n);
}

static int read_line(struct view_handle *h, char *out, size_t n)
{
        _cleanup_free_ char *text = NULL;
        int r = read_backing(h, 0, &text);

        if (r < 0)
                return r;
        text[strcspn(text, "\n")] = 0;
        return out_printf(out, n, "%s\n", text);
}

/* io.max lines "8:0 rbps=... wiops=..." -> "sda rbps=10M ...". */
static int read_io(struct view_handle *h, char *out, size_t n)
{
        _cleanup_free_ char *text = NULL;
        char *line, *save = NULL;
        size_t len = 0;
        int r = read_backing(h, 0, &text);

        if (r < 0)
                return r;
        out[0] = 0;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                uint64_t v[UNITS_IO_NKEYS];
                unsigned major, minor;
                char dev[64];

                if (units_parse_kernel_io_max(line, &major, &minor, v) < 0)
                        return -EIO;
                if ((r = blockdev_name(major, minor, dev, sizeof(dev))) < 0 ||
                    (r = units_format_io_max_line(dev, v, out + len, n - len)) < 0 ||
                    (size_t)r + 1 >= n - len)
                        return r < 0 ? r : -ENOBUFS;
                len += (size_t)r;
                out[len++] = '\n';
                out[len] = 0;
        }
        return (int)len;
}

/* io.weight "default 100\n8:0 200\n" -> "100\nsda 200\n". */
static int read_io_weight(struct view_handle *h, char *out, size_t n)
{
        _cleanup_free_ char *text = NULL;
        char *line, *save = NULL;
        size_t len = 0;
        int r = read_backing(h, 0, &text);

        if (r < 0)
                return r;
        out[0] = 0;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                unsigned major, minor, w;
                char dev[64];

                if (sscanf(line, "default %u", &w) == 1)
                        r = out_printf(out + len, n - len, "%u\n", w);
                else if (sscanf(line, "%u:%u %u", &major, &minor, &w) == 3 &&
                         blockdev_name(major, minor, dev, sizeof(dev)) >= 0)
                        r = out_printf(out + len, n - len, "%s %u\n", dev, w);
                else
                        r = -EIO;
                if (r < 0)
                        return r;
                len += (size_t)r;
        }
        return (int)len;
}

/* ---- limits/ writers ---- */

static uint64_t total_ram(void)
{
        long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

        return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
}

/* Sizes are rounded up to the kernel's granularity, so what reads back is what is in force. */
static int write_size_gran(struct view_handle *h, const char *value, uint64_t gran)
{
        uint64_t x;
        int r = units_parse_size_up(value, total_ram(), gran, &x);

        if (r < 0)
                return r;
        if (r == UNITS_IS_MAX)
                return write_backing(h, 0, "max");
        return write_backing(h, 0, "%" PRIu64, x);
}

static int write_size(struct view_handle *h, const char *value)
{
        return write_size_gran(h, value, (uint64_t)sysconf(_SC_PAGESIZE));
}

static int write_hugetlb(struct view_handle *h, const char *value)
{
        uint64_t gran;

        if (units_parse_size(h->name + strlen(HUGETLB_PREFIX), 0, &gran) != 0 || gran == 0)
                return -EIO;
        return write_size_gran(h, value, gran);
}

static int write_count(struct view_handle *h, const char *value)
{
        uint64_t x;
        int r = units_parse_count(value, &x);

        if (r < 0)
                return r;
        if (r == UNITS_IS_MAX)
                return write_backing(h, 0, "max");
        /* pids.max is an int in the kernel: larger counts are out of its range. */
        if (x > INT32_MAX)
                return -ERANGE;
        return write_backing(h, 0, "%" PRIu64, x);
}

static int write_cpu(struct view_handle *h, const char *value)
{
        uint64_t quota, period;
        int r = read_cpu_max(h, &quota, &period);

        if (r < 0)
                return r;
        r = units_parse_cpus(value, period, &quota);
        if (r < 0)
                return r;
        /* The quota alone: the kernel keeps the period as it is. */
        if (r == UNITS_IS_MAX)
                return write_backing(h, 0, "max");
        return write_backing(h, 0, "%" PRIu64, quota);
}

static int write_period(struct view_handle *h, const char *value)
{
        uint64_t quota, period, next;
        int r = units_parse_duration(value, &next);

        if (r < 0)
                return r;
        if (next < UNITS_CPU_PERIOD_MIN_US || next > UNITS_CPU_PERIOD_MAX_US)
                return -ERANGE;
        if ((r = read_cpu_max(h, &quota, &period)) < 0)
                return r;
        if (quota == UNITS_MAX)
                return write_backing(h, 0, "max %" PRIu64, next);
        /* Keep the CPU share: limits/cpu reads the same before and after. */
        quota = (uint64_t)(((unsigned __int128)quota * next + period / 2) / period);
        if (quota < UNITS_CPU_QUOTA_MIN_US)
                quota = UNITS_CPU_QUOTA_MIN_US;
        if (quota > UNITS_CPU_QUOTA_MAX_US)
                return -ERANGE;
        return write_backing(h, 0, "%" PRIu64 " %" PRIu64, quota, next);
}

static int write_duration(struct view_handle *h, const char *value)
{
        uint64_t us;
        int r = units_parse_duration(value, &us);

        if (r < 0)
                return r;
        return write_backing(h, 0, "%" PRIu64, us);
}

static int write_weight(struct view_handle *h, const char *value)
{
        uint64_t w;
        int r = units_parse_weight(value, &w);

        if (r < 0)
                return r;
        if (r == UNITS_WEIGHT_IS_IDLE)
                return h->fd[1] < 0 ? -EINVAL : write_backing(h, 1, "1");
        /* The kernel refuses a weight while the group is idle: leave idle first. */
        if (h->fd[1] >= 0 && (r = write_backing(h, 1, "0")) < 0)
                return r;
        return write_backing(h, 0, "%" PRIu64, w);
}

static int write_list(struct view_handle *h, const char *value)
{
        char list[TEXT_MAX / 4];
        int r = units_parse_cpulist(value, list, sizeof(list));

        if (r < 0)
                return r;
        /* An empty write is no write at all: a lone newline clears the list. */
        return write_backing(h, 0, "%s\n", list);
}

static int write_io(struct view_handle *h, const char *value)
{
        struct units_io_limit lim;
        unsigned major, minor;
        char buf[256];
        size_t len;
        int r = units_parse_io_max_line(value, &lim);

        if (r < 0)
                return r;
        if ((r = blockdev_resolve(lim.dev, &major, &minor)) < 0)
                return r;
        len = (size_t)snprintf(buf, sizeof(buf), "%u:%u", major, minor);
        for (int k = 0; k < UNITS_IO_NKEYS; k++) {
                if (!(lim.set & (1u << k)))
                        continue;
                if (lim.v[k] == UNITS_MAX)
                        len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s=max", units_io_keys[k]);
                else
                        len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s=%" PRIu64,
                                                units_io_keys[k], lim.v[k]);
        }
        return write_backing(h, 0, "%s", buf);
}

static int write_io_weight(struct view_handle *h, const char *value)
{
        char dev[64], line[UNITS_BUF];
        unsigned major = 0, minor = 0;
        uint64_t w;
        int kind = units_parse_io_weight_line(value, dev, &w), r;

        if (kind < 0)
                return kind;
        if (dev[0] && (r = blockdev_resolve(dev, &major, &minor)) < 0)
                return r;
        if ((r = units_format_kernel_io_weight(kind, dev[0] != 0, major, minor, w, line, sizeof(line))) < 0)
                return r;
        return write_backing(h, 0, "%s", line);
}

/* ---- effective/ readers: the tightest over the cgroup and every ancestor ---- */

static int kernel_name(const struct view_file *vf, const char *name, char *buf, size_t n);

/*
 * Call cb with the text of the kernel file behind h in h's cgroup (its own
 * open file), then in each ancestor up to the hierarchy's root, above the
 * served root too: what binds a container is often set above it (SPEC
 * 3.1). The ancestors' files are read anew each time, so the value is
 * exact when any of them changes; a level without the file (the root) is
 * skipped.
 */
static int each_level(struct view_handle *h, int (*cb)(void *userdata, const char *text), void *userdata)
{
        _cleanup_free_ char *text = NULL;
        char kname[128];
        int r = read_backing(h, 0, &text);

        if (r < 0 || (r = cb(userdata, text)) < 0 || (r = kernel_name(h->vf, h->name, kname, sizeof(kname))) < 0)
                return r;
        /* "a/b/c": a/b/K, a/K, K (the served root's) */
        for (size_t len = strlen(h->cgroup); len > 0;) {
                _cleanup_free_ char *path = NULL, *t = NULL;

                while (len > 0 && h->cgroup[len - 1] != '/')
                        len--;
                if (asprintf(&path, "%.*s%s", (int)len, h->cgroup, kname) < 0)
                        return -ENOMEM;
                len -= len > 0;
                r = cgroupfs_read(path, &t, NULL);
                if (r != -ENOENT && (r < 0 || (r = cb(userdata, t)) < 0))
                        return r;
        }
        for (unsigned level = 0; level < cgroupfs_levels_above(); level++) {
                _cleanup_close_ int fd = cgroupfs_open_above(level, kname, O_RDONLY);
                _cleanup_free_ char *t = NULL;

                if (fd == -ENOENT)
                        continue;
                if ((r = fd) < 0 || (r = cgroupfs_read_fd(fd, &t, NULL)) < 0 || (r = cb(userdata, t)) < 0)
                        return r;
        }
        return 0;
}

struct tightest {
        pick_fn pick;
        uint64_t v, period; /* period: cpu.max's, for cpu */
};

static int take_smaller(void *userdata, const char *text)
{
        struct tightest *t = userdata;
        uint64_t x;
        int r = t->pick(text, NULL, &x);

        if (r < 0)
                return r;
        if (x < t->v)
                t->v = x;
        return 0;
}

/* memory, memory.high, swap, pids, hugetlb.<size>: the smallest number, printed as limits/ prints it. */
static int read_tightest(struct view_handle *h, char *out, size_t n)
{
        struct tightest t = { .pick = h->vf->pick, .v = UNITS_MAX };
        char v[UNITS_BUF];
        int r = each_level(h, take_smaller, &t);

        if (r < 0 || (r = h->vf->format(t.v, v, sizeof(v))) < 0)
                return r;
        return out_printf(out, n, "%s\n", v);
}

static int take_fewer_cpus(void *userdata, const char *text)
{
        struct tightest *t = userdata;
        char quota[32];
        uint64_t q, period;

        if (sscanf(text, "%31s %" SCNu64, quota, &period) != 2 || units_parse_count(quota, &q) < 0)
                return -EIO;
        if (effective_cpu_tighter(q, period, t->v, t->period)) {
                t->v = q;
                t->period = period;
        }
        return 0;
}

/* cpu: the fewest CPUs any level's quota/period allows. */
static int read_tightest_cpu(struct view_handle *h, char *out, size_t n)
{
        struct tightest t = { .v = UNITS_MAX, .period = 100000 };
        char v[UNITS_BUF];
        int r = each_level(h, take_fewer_cpus, &t);

        if (r < 0 || (r = units_format_cpus(t.v, t.period, v, sizeof(v))) < 0)
                return r;
        return out_printf(out, n, "%s\n", v);
}

static int take_io(void *userdata, const char *text)
{
        return effective_io_merge(userdata, text);
}

/* io: per device and key, the smallest; lines as limits/io prints them. */
static int read_tightest_io(struct view_handle *h, char *out, size_t n)
{
        struct effective_io *e = calloc(1, sizeof(*e));
        size_t len = 0;
        int r = e ? each_level(h, take_io, e) : -ENOMEM;

        out[0] = 0;
        for (unsigned i = 0; r >= 0 && i < e->n; i++) {
                char dev[64];

                if ((r = blockdev_name(e->dev[i].major, e->dev[i].minor, dev, sizeof(dev))) < 0 ||
                    (r = units_format_io_max_line(dev, e->dev[i].v, out + len, n - len)) < 0)
                        break;
                if ((size_t)r + 1 >= n - len) {
                        r = -ENOBUFS;
                        break;
                }
                len += (size_t)r;
                out[len++] = '\n';
                out[len] = 0;
        }
        free(e);
        return r < 0 ? r : (int)len;
}

/* ---- stats/ readers ---- */

static int read_stat_lines(struct view_handle *h, char *out, size_t n)
{
        _cleanup_free_ char *text = NULL;
        unsigned lines = 0;
        int r = read_backing(h, 0, &text);

        if (r < 0)
                return r;
        for (const char *p = text; *p; p++)
                lines += *p == '\n';
        return out_printf(out, n, "%u\n", lines);
}

static int read_stat_psi(struct view_handle *h, char *out, size_t n)
{
        _cleanup_free_ char *text = NULL;
        char v[UNITS_BUF];
        int r = read_backing(h, 0, &text);

        if (r < 0 || (r = units_psi_some_avg10(text, v, sizeof(v))) < 0)
                return r;
        return out_printf(out, n, "%s\n", v);
}

#define LIMIT(n, f0, f1, rd, wr) { .name = n, .dir = VIEW_LIMITS, .file = { f0, f1 }, .read = rd, .write = wr }
#define LIMIT_VALUE(n, f0, f1, pick_, format_, wr)                                                \
        { .name = n, .dir = VIEW_LIMITS, .file = { f0, f1 }, .pick = pick_, .format = format_, \
          .read = read_value, .write = wr }
#define EFFECTIVE(n, f0, pick_, format_, rd) \
        { .name = n, .dir = VIEW_EFFECTIVE, .file = { f0, NULL }, .pick = pick_, .format = format_, .read = rd }
#define STAT(n, f0, rd) { .name = n, .dir = VIEW_STATS, .file = { f0, NULL }, .read = rd }
#define STAT_VALUE(n, f0, probe_, key_, pick_, format_)                                                    \
        { .name = n, .dir = VIEW_STATS, .file = { f0, NULL }, .probe = probe_, .key = key_, .pick = pick_, \
          .format = format_, .read = read_value }

static const struct view_file files[] = {
        LIMIT("cpu", "cpu.max", NULL, read_cpu, write_cpu),
        LIMIT("cpu.period", "cpu.max", NULL, read_period, write_period),
        LIMIT_VALUE("cpu.burst", "cpu.max.burst", NULL, pick_value, units_format_duration, write_duration),
        { .name = "cpu.weight", .dir = VIEW_LIMITS, .file = { "cpu.weight", "cpu.idle" }, .pick = pick_value,
          .format = format_count, .read = read_weight, .write = write_weight },
        LIMIT("cpus", "cpuset.cpus", NULL, read_line, write_list),
        LIMIT("mems", "cpuset.mems", NULL, read_line, write_list),
        LIMIT_VALUE("memory", "memory.max", NULL, pick_bytes, units_format_size, write_size),
        LIMIT_VALUE("memory.high", "memory.high", NULL, pick_bytes, units_format_size, write_size),
        LIMIT_VALUE("memory.low", "memory.low", NULL, pick_bytes, units_format_size, write_size),
        LIMIT_VALUE("memory.min", "memory.min", NULL, pick_bytes, units_format_size, write_size),
        LIMIT_VALUE("swap", "memory.swap.max", NULL, pick_bytes, units_format_size, write_size),
        LIMIT_VALUE("pids", "pids.max", NULL, pick_value, format_count, write_count),
        LIMIT("io", "io.max", NULL, read_io, write_io),
        LIMIT("io.weight", "io.weight", NULL, read_io_weight, write_io_weight),
        STAT_VALUE("cpu", "cpu.stat", NULL, "usage_usec", units_kv_get, units_format_duration_approx),
        STAT_VALUE("cpu.user", "cpu.stat", NULL, "user_usec", units_kv_get, units_format_duration_approx),
        STAT_VALUE("cpu.system", "cpu.stat", NULL, "system_usec", units_kv_get, units_format_duration_approx),
        STAT_VALUE("cpu.throttled", "cpu.stat", "cpu.max", "throttled_usec", units_kv_get,
                   units_format_duration_approx),
        STAT_VALUE("memory", "memory.current", NULL, NULL, pick_value, units_format_size_approx),
        STAT_VALUE("memory.peak", "memory.peak", NULL, NULL, pick_value, units_format_size_approx),
        STAT_VALUE("swap", "memory.swap.current", NULL, NULL, pick_value, units_format_size_approx),
        STAT_VALUE("pids", "pids.current", NULL, NULL, pick_value, format_count),
        STAT_VALUE("pids.peak", "pids.peak", NULL, NULL, pick_value, format_count),
        STAT("procs", "cgroup.procs", read_stat_lines),
        STAT_VALUE("io.read", "io.stat", NULL, "rbytes", units_io_stat_sum, units_format_size_approx),
        STAT_VALUE("io.write", "io.stat", NULL, "wbytes", units_io_stat_sum, units_format_size_approx),
        STAT_VALUE("oom.kills", "memory.events", NULL, "oom_kill", units_kv_get, format_count),
        STAT("pressure.cpu", "cpu.pressure", read_stat_psi),
        STAT("pressure.memory", "memory.pressure", read_stat_psi),
        STAT("pressure.io", "io.pressure", read_stat_psi),
        STAT_VALUE("populated", "cgroup.events", NULL, "populated", units_kv_get, format_count),
        STAT_VALUE("frozen", "cgroup.events", NULL, "frozen", units_kv_get, format_count),
        EFFECTIVE("memory", "memory.max", pick_bytes, units_format_size, read_tightest),
        EFFECTIVE("memory.high", "memory.high", pick_bytes, units_format_size, read_tightest),
        EFFECTIVE("swap", "memory.swap.max", pick_bytes, units_format_size, read_tightest),
        EFFECTIVE("pids", "pids.max", pick_value, format_count, read_tightest),
        EFFECTIVE("cpu", "cpu.max", NULL, NULL, read_tightest_cpu),
        EFFECTIVE("cpus", "cpuset.cpus.effective", NULL, NULL, read_line),
        EFFECTIVE("mems", "cpuset.mems.effective", NULL, NULL, read_line),
        EFFECTIVE("io", "io.max", NULL, NULL, read_tightest_io),
};

/* hugetlb.<size>: one entry for every huge page size, in limits/ and in effective/. */
static const struct view_file hugetlb[] = {
        LIMIT_VALUE(HUGETLB_PREFIX, NULL, NULL, pick_bytes, units_format_size, write_hugetlb),
        EFFECTIVE(HUGETLB_PREFIX, NULL, pick_bytes, units_format_size, read_tightest),
};

static bool is_hugetlb(const struct view_file *vf)
{
        return vf >= hugetlb && vf < hugetlb + ELEMENTSOF(hugetlb);
}

unsigned view_file_index(const struct view_file *vf)
{
        _Static_assert(ELEMENTSOF(files) + ELEMENTSOF(hugetlb) <= 0x80, "friendly file indexes fit 7 bits");
        return is_hugetlb(vf) ? (unsigned)(ELEMENTSOF(files) + (size_t)(vf - hugetlb)) : (unsigned)(vf - files);
}

int view_file_at(unsigned index, const char *kname, const struct view_file **ret_vf, char **ret_name)
{
        const struct view_file *vf = index < ELEMENTSOF(files)                       ? &files[index]
                                     : index < ELEMENTSOF(files) + ELEMENTSOF(hugetlb) ? &hugetlb[index - ELEMENTSOF(files)]
                                                                                       : NULL;
        size_t n = strlen(kname);

        if (!vf)
                return -ESTALE;
        if (is_hugetlb(vf)) {
                /* hugetlb.2MB.max -> hugetlb.2M */
                if (n < strlen(HUGETLB_PREFIX "0MB.max") || strcmp(kname + n - strlen("B.max"), "B.max"))
                        return -ESTALE;
                *ret_name = strndup(kname, n - strlen("B.max"));
        } else {
                if (!vf->file[0] || strcmp(kname, vf->file[0]))
                        return -ESTALE;
                *ret_name = strdup(vf->name);
        }
        *ret_vf = vf;
        return *ret_name ? 0 : -ENOMEM;
}

/* The name of the kernel file behind file[0] of vf called name ("memory.max"). */
static int kernel_name(const struct view_file *vf, const char *name, char *buf, size_t n)
{
        /* hugetlb.2M <- hugetlb.2MB.max */
        if (is_hugetlb(vf))
                return out_printf(buf, n, "%sB.max", name);
        return out_printf(buf, n, "%s", vf->file[0]);
}

/* The kernel file behind file[i] of vf for cgroup ("a/b/memory.max"); NULL if none. */
static char *backing_path(const struct view_file *vf, const char *cgroup, const char *name, int i)
{
        char kname[128];

        if (i == 0)
                return kernel_name(vf, name, kname, sizeof(kname)) < 0 ? NULL : path_join(cgroup, kname);
        return vf->file[i] ? path_join(cgroup, vf->file[i]) : NULL;
}

static bool file_present(const struct view_file *vf, const char *cgroup, const char *name)
{
        _cleanup_free_ char *p = backing_path(vf, cgroup, name, 0);
        _cleanup_free_ char *probe = vf->probe ? path_join(cgroup, vf->probe) : NULL;

        return p && cgroupfs_exists(p) && (!vf->probe || (probe && cgroupfs_exists(probe)));
}

/* "hugetlb.2M": a size with a unit, nothing else, so that names stay one per page size. */
static bool hugetlb_name(const char *name)
{
        const char *s = name + strlen(HUGETLB_PREFIX);
        size_t digits;

        /* The prefix first: a shorter name ends before s. */
        if (strncmp(name, HUGETLB_PREFIX, strlen(HUGETLB_PREFIX)))
                return false;
        digits = strspn(s, "0123456789");
        return digits > 0 && s[digits] && strchr("KMGTPE", s[digits]) && !s[digits + 1];
}

int view_lookup(enum view_dir dir, const char *cgroup, const char *name, const struct view_file **ret)
{
        const struct view_file *vf = NULL;

        for (size_t i = 0; i < ELEMENTSOF(files) && !vf; i++)
                if (files[i].dir == dir && !strcmp(files[i].name, name))
                        vf = &files[i];
        for (size_t i = 0; i < ELEMENTSOF(hugetlb) && !vf; i++)
                if (hugetlb[i].dir == dir && hugetlb_name(name))
                        vf = &hugetlb[i];
        if (!vf || !file_present(vf, cgroup, name))
                return -ENOENT;
        *ret = vf;
        return 0;
}

struct hugetlb_ctx {
        int (*cb)(void *userdata, const char *name);
        void *userdata;
};

/* hugetlb.2MB.max -> hugetlb.2M */
static int list_hugetlb_entry(void *userdata, const char *kname, unsigned char d_type, ino_t ino)
{
        struct hugetlb_ctx *c = userdata;
        size_t l = strlen(kname);
        char name[128];

        if (l < 12 || strncmp(kname, HUGETLB_PREFIX, strlen(HUGETLB_PREFIX)) || strcmp(kname + l - 5, "B.max") ||
            l - 5 >= sizeof(name))
                return 0;
        memcpy(name, kname, l - 5);
        name[l - 5] = 0;
        return hugetlb_name(name) ? c->cb(c->userdata, name) : 0;
}

int view_list(enum view_dir dir, const char *cgroup, int (*cb)(void *userdata, const char *name), void *userdata)
{
        int r;

        for (size_t i = 0; i < ELEMENTSOF(files); i++)
                if (files[i].dir == dir && file_present(&files[i], cgroup, files[i].name) &&
                    (r = cb(userdata, files[i].name)) < 0)
                        return r;
        if (dir != VIEW_STATS) {
                struct hugetlb_ctx c = { cb, userdata };

                return cgroupfs_list(cgroup, list_hugetlb_entry, &c);
        }
        return 0;
}

int view_stat(const struct view_file *vf, const char *cgroup, const char *name, struct stat *ret)
{
        _cleanup_free_ char *p = backing_path(vf, cgroup, name, 0);
        struct stat st;
        int r;

        if (!p)
                return -ENOMEM;
        if ((r = cgroupfs_stat(p, &st)) < 0)
                return r;
        st.st_mode = S_IFREG | (vf->dir == VIEW_LIMITS ? (st.st_mode & 0666) : 0444);
        st.st_nlink = 1;
        st.st_size = 0;
        *ret = st;
        return 0;
}

void view_close(struct view_handle *h)
{
        if (!h)
                return;
        for (int i = 0; i < 2; i++)
                if (h->fd[i] >= 0)
                        close(h->fd[i]);
        free(h->cgroup);
        free(h->name);
        free(h->text);
        free(h);
}

int view_open(const struct view_file *vf, const char *cgroup, const char *name, int accmode,
              struct view_handle **ret)
{
        struct view_handle *h;
        int flags;

        if (accmode != O_RDONLY && (vf->dir != VIEW_LIMITS || !vf->write))
                return -EACCES;
        /* Writers read the value they change (cpu.max's period), so they open read-write. */
        flags = accmode == O_RDONLY ? O_RDONLY : O_RDWR;
        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        h->vf = vf;
        h->fd[0] = h->fd[1] = -1;
        h->cgroup = strdup(cgroup);
        h->name = strdup(name);
        if (!h->cgroup || !h->name) {
                view_close(h);
                return -ENOMEM;
        }
        for (int i = 0; i < 2; i++) {
                _cleanup_free_ char *p = backing_path(vf, cgroup, name, i);

                if (!p)
                        continue;
                h->fd[i] = cgroupfs_open(p, flags);
                /* file[1] is optional: cpu.idle does not exist in the root cgroup. */
                if (h->fd[i] < 0 && (i == 0 || h->fd[i] != -ENOENT)) {
                        int r = h->fd[i];

                        h->fd[i] = -1;
                        view_close(h);
                        return r;
                }
        }
        *ret = h;
        return 0;
}

int view_read(struct view_handle *h)
{
        char *out = malloc(TEXT_MAX);
        int r;

        if (!out)
                return -ENOMEM;
        r = h->vf->read(h, out, TEXT_MAX);
        if (r < 0) {
                free(out);
                return r;
        }
        free(h->text);
        h->text = out;
        h->len = (size_t)r;
        return 0;
}

/* The value as one log-safe token: printable ASCII, at most 64 characters. */
static void log_value(const char *buf, size_t size, char *out, size_t n)
{
        size_t j = 0;

        for (size_t i = 0; i < size && j + 5 < n; i++) {
                unsigned char c = (unsigned char)buf[i];

                if (isprint(c) && c != '\\' && c != '"')
                        out[j++] = (char)c;
                else
                        j += (size_t)snprintf(out + j, n - j, "\\x%02x", c);
        }
        out[j] = 0;
}

int view_write(struct view_handle *h, const char *buf, size_t size)
{
        _cleanup_free_ char *value = NULL;
        char shown[80];
        size_t start = 0, end = size;
        long page = sysconf(_SC_PAGESIZE);
        int r;

        /*
         * As cgroupfs takes a write(2): at most one page (kernfs's
         * atomic_write_len; more is E2BIG, whatever it holds), then leading
         * and trailing whitespace stripped, so padding costs nothing else.
         * One value per write(2): no NUL bytes, no second line.
         */
        while (end > 0 && isspace((unsigned char)buf[end - 1]))
                end--;
        while (start < end && isspace((unsigned char)buf[start]))
                start++;
        if (page > 0 && size > (size_t)page)
                r = -E2BIG;
        else if (memchr(buf, 0, size) || memchr(buf + start, '\n', end - start))
                r = -EINVAL;
        else if (!(value = strndup(buf + start, end - start)))
                r = -ENOMEM;
        else
                r = h->vf->write(h, value);
        if (r < 0) {
                log_value(buf + start, end - start < 64 ? end - start : 64, shown, sizeof(shown));
                log_warn("%s%s%s/%s: rejected \"%s\": %s", h->cgroup, *h->cgroup ? "/" : "",
                         dir_names[h->vf->dir], h->name, shown, strerror(-r));
                return r;
        }
        return (int)size;
}
