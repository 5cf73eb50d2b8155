/* SPDX-License-Identifier: MIT */
/*
 * quota: the logic of cgq (tools/cgq.c), "what may I use and what binds it".
 *
 * PURE: no I/O, no FUSE, no globals. cgq reads the files (through a cgview
 * mount or straight from cgroupfs) into the model below; this module
 * computes the effective limit and the level that sets it, headroom and bar
 * fill, and renders one cgroup as plain text, as a block of a tree, or as
 * JSON into a caller's buffer. Every function returns >= 0 or -errno and
 * leaves its ret_ outputs untouched on failure; renderers return the length
 * written, or -ENOBUFS when the buffer is too small.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "units.h"

/* A limit at one level. v: bytes, a count, or (cpu) a quota in us per
 * period us; UNITS_MAX is "max". period is 0 for everything but cpu. */
struct quota_value {
        bool present; /* the level has the file */
        uint64_t v;
        uint64_t period;
};

/* Setters that are not a level index. */
#define QUOTA_SET_NONE (-1)  /* unlimited: nothing sets it */
#define QUOTA_SET_ABOVE (-2) /* tighter than every visible level: set above what the caller sees */

/* a < b, a == b, a > b as -1, 0, 1; cpu values compare as quota/period. max is the largest. */
int quota_cmp(const struct quota_value *a, const struct quota_value *b);

/*
 * The effective limit over levels[0..n) (levels[0] the cgroup itself,
 * levels[n-1] the topmost visible ancestor) and the level that sets it.
 * known: the effective value read from cgview's effective/ (which also sees
 * the levels above the caller's view), or NULL to compute it from the
 * visible levels alone. The result is the tightest of known and every
 * present level. Its setter is the NEAREST level whose own value equals it
 * (with equal values at several levels, raising the nearest alone may not
 * lift the cap); QUOTA_SET_ABOVE when no visible level equals it (only
 * possible through known); QUOTA_SET_NONE when it is max. -ENOENT when no
 * level has the file and known is NULL or absent.
 */
int quota_effective(const struct quota_value *levels, size_t n, const struct quota_value *known,
                    struct quota_value *ret_eff, int *ret_setter);

/* A byte limit as the kernel prints it: memory.max says "max", but
 * hugetlb.*.max (and old kernels) print the page counter's largest value,
 * INT64_MAX rounded down to a page: that and above are max, as in the view. */
uint64_t quota_kernel_bytes(uint64_t v, uint64_t page);

/* effective - usage (0 when usage is over); -ENOENT when eff is max (no headroom). */
int quota_headroom(uint64_t eff, uint64_t usage, uint64_t *ret);

/* usage / eff in thousandths, at most 1000; eff 0 is full; eff max is 0. */
unsigned quota_fill(uint64_t usage, uint64_t eff);

enum quota_color { QUOTA_GREEN, QUOTA_YELLOW, QUOTA_RED };
/* Green below 70%, yellow below 90%, red from 90% on. */
enum quota_color quota_color(unsigned fill);

#define QUOTA_BAR_CELLS 20
/* "[#####...............]": fill rounded down to cells, at least one cell
 * when fill > 0; with color, the '#' cells in the fill's ANSI colour and
 * the '.' cells dim. */
int quota_bar(unsigned fill, bool color, char *buf, size_t n);

/* s as a JSON string, quotes included: '"' '\\' and control bytes escaped,
 * valid UTF-8 kept, every byte of invalid UTF-8 as \ufffd. */
int quota_json_string(const char *s, char *buf, size_t n);

enum quota_kind { QUOTA_CPU, QUOTA_MEMORY, QUOTA_SWAP, QUOTA_PIDS, QUOTA_HUGETLB, QUOTA_IO };

struct quota_row {
        enum quota_kind kind;
        char name[32];          /* "cpu", "memory", "swap", "pids", "hugetlb.2M", "io" */
        char dev[32];           /* io: a device name ("sda") or "" for the summary row */
        int field;              /* io with dev: UNITS_IO_RBPS ... */
        struct quota_value limit; /* the cgroup's own */
        bool has_eff;
        struct quota_value eff;
        int setter;             /* an index into quota_cgroup.levels, or QUOTA_SET_* */
        bool has_usage;
        uint64_t usage;         /* bytes or a count; cpu: usage_usec; io: cumulative bytes/ios */
        bool has_rate;
        uint64_t rate;          /* cpu: us of CPU per s; io: bytes or ios per s (--watch, second sample on) */
        char psi[16];           /* "2.35" (% some avg10), "" when none */
};

#define QUOTA_ROWS_MAX 64

struct quota_cgroup {
        const char *path;           /* as the caller names it: "/web/api" */
        const char *const *levels;  /* levels[0] = path, then each visible ancestor up */
        size_t nlevels;
        long procs;                 /* -1: unknown */
        size_t nrows;
        struct quota_row rows[QUOTA_ROWS_MAX];
};

/* The setter's name: a level path, "above" or "-". */
const char *quota_setter_name(const struct quota_cgroup *cg, const struct quota_row *row);

/* The amount headroom and fill compare with eff: the rate for cpu and io
 * rows, the usage otherwise. false when there is none. */
bool quota_row_load(const struct quota_row *row, uint64_t *ret);

/*
 * Plain text: a title line "PATH  N procs", a header, one row per line.
 * Control bytes of paths print as \xNN (no name can drive the terminal).
 * prefix_title goes before the title, prefix before every other line (the
 * tree's drawing; "" for a single cgroup). color: ANSI colour in the bars.
 */
int quota_render_text(const struct quota_cgroup *cg, const char *prefix_title, const char *prefix, bool color,
                      char *buf, size_t n);

/* One JSON object, exact numbers, null for max, no trailing newline. */
int quota_render_json(const struct quota_cgroup *cg, char *buf, size_t n);

/*
 * The tree drawing of item i of a pre-order list of cgroups at depths[]
 * (depths[0] the root of the listing, 0): ret_title goes before its title
 * ("├─ ", "└─ ", below them "│  " or "   " per ancestor), ret_prefix before
 * its other lines (ending "│ " when it has children, "  " when not).
 */
int quota_tree_prefix(const unsigned *depths, size_t n, size_t i, char *ret_title, char *ret_prefix, size_t size);

/*
 * PATH as a clean cgroup path "/a/b": a path under base (the mount point,
 * "/cg/web" with base "/cg") is taken relative to it, others as they are;
 * empty and "." components dropped, "/" for none. ".." is -EINVAL (cgq
 * names cgroups, it does not resolve paths); -ENAMETOOLONG when it does
 * not fit n.
 */
int quota_path_normalize(const char *in, const char *base, char *buf, size_t n);

/* io.stat's value of key ("rbytes", "wios", ...) on the line of device
 * major:minor. -ENOENT when the device or the key is absent, -EINVAL when
 * the value is no number. */
int quota_io_stat_get(const char *text, unsigned major, unsigned minor, const char *key, uint64_t *ret);
