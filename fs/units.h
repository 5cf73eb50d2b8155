/* SPDX-License-Identifier: MIT */
/*
 * units: parse and print the human units of cgview's friendly files.
 *
 * PURE: no I/O, no FUSE, no globals. Every function returns >= 0 on success
 * and -errno on failure (-EINVAL for malformed input, -ERANGE for a number
 * that does not fit), and leaves its ret_ outputs untouched on failure.
 *
 * Input strings are NUL-terminated. Leading and trailing whitespace (a
 * trailing newline included) is ignored everywhere. Empty input, embedded
 * NUL bytes (caller's job: it passes the length check), signs, hex/octal
 * prefixes and exponents are -EINVAL.
 *
 * Formatters write a NUL-terminated string without a trailing newline and
 * return its length, or -ENOBUFS when it does not fit. UNITS_BUF is always
 * enough for one value.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNITS_MAX UINT64_MAX /* the value of "max" */
#define UNITS_BUF 64

/* Parsers that accept "max" return this (and store UNITS_MAX). */
#define UNITS_IS_MAX 1

/* The kernel's largest CFS quota, in microseconds (MAX_BW = 2^44 - 1). */
#define UNITS_CPU_QUOTA_MAX_US ((UINT64_C(1) << 44) - 1)
#define UNITS_CPU_QUOTA_MIN_US UINT64_C(1000)
#define UNITS_CPU_PERIOD_MIN_US UINT64_C(1000)
#define UNITS_CPU_PERIOD_MAX_US UINT64_C(1000000)

#define UNITS_WEIGHT_MIN 1
#define UNITS_WEIGHT_MAX 10000
#define UNITS_WEIGHT_DEFAULT 100

/*
 * Sizes: "512", "1.5G", "256M", "1g", "1Gi", "1GiB", "1GB", "50%".
 * Units K M G T P E are powers of 1024, case-insensitive, optionally followed
 * by "i", "iB" or "B". A fraction is exact: the result is ceil(number x
 * unit) computed in integers, so a fraction of a byte is a whole byte and a
 * non-zero request is never 0 ("0.5" -> 1, "1.5" -> 2, "0.0001K" -> 1; an
 * exact value such as "1.5K" is unchanged). "N%" is N percent of total,
 * rounded up the same way (systemd's convention; total == 0 makes %
 * -EINVAL). "max", "infinity", "unlimited" (case-insensitive) return
 * UNITS_IS_MAX, and so does a number that comes to UNITS_MAX.
 * Returns 0 for a number, UNITS_IS_MAX for max.
 */
int units_parse_size(const char *s, uint64_t total, uint64_t *ret);

/*
 * A size as the kernel should get it: units_parse_size(), then rounded up
 * to a multiple of gran (the page size for memory, the huge page size for
 * hugetlb), because the kernel floors to its granularity and a non-zero
 * request must not become 0 (SPEC 3). "max" stays UNITS_MAX; -ERANGE when
 * rounding up overflows; gran == 0 is -EINVAL.
 */
int units_parse_size_up(const char *s, uint64_t total, uint64_t gran, uint64_t *ret);

/* Round v up to a multiple of gran (a power of two or any non-zero value);
 * -ERANGE if that overflows. UNITS_MAX stays UNITS_MAX. */
int units_round_up(uint64_t v, uint64_t gran, uint64_t *ret);

/* Exact: the largest unit in which v has at most 3 decimals ("1.5G",
 * "256M", "262148K"), trailing zeros dropped, bytes ("4095") if none.
 * UNITS_MAX prints "max". units_parse_size(out) == v for every v. */
int units_format_size(uint64_t v, char *buf, size_t n);

/* Approximate, for stats/: 3 significant digits in 1024 units ("117M",
 * "2.31G", "1.00K", "512"). UNITS_MAX prints "max". */
int units_format_size_approx(uint64_t v, char *buf, size_t n);

/*
 * CPUs: "1.5" CPUs, "150%" of one CPU, "1500m" millicores (lowercase m
 * only), "max". quota = round(cpus x period_us) to the nearest
 * microsecond, raised to UNITS_CPU_QUOTA_MIN_US when smaller. 0 is -EINVAL;
 * a quota above UNITS_CPU_QUOTA_MAX_US is -ERANGE. period_us must be in
 * [UNITS_CPU_PERIOD_MIN_US, UNITS_CPU_PERIOD_MAX_US] (else -EINVAL).
 * Returns 0 with *ret_quota_us, or UNITS_IS_MAX with UNITS_MAX.
 */
int units_parse_cpus(const char *s, uint64_t period_us, uint64_t *ret_quota_us);

/* The fewest decimals (0 to 6) that units_parse_cpus() maps back to exactly
 * quota_us at period_us: 100000/100000 -> "1", 150000/100000 -> "1.5",
 * 1000/100000 -> "0.01". UNITS_MAX prints "max". */
int units_format_cpus(uint64_t quota_us, uint64_t period_us, char *buf, size_t n);

/*
 * Durations: "100ms", "0.1s", "100000us", bare number = microseconds.
 * Fractions are exact to the microsecond and rounded to the nearest one.
 * Results above UINT64_MAX microseconds are -ERANGE. No "max".
 */
int units_parse_duration(const char *s, uint64_t *ret_us);

/* Exact: the largest of s, ms, us in which us is an integer ("100ms",
 * "1500us", "2s", "0us" prints "0"). units_parse_duration(out) == us. */
int units_format_duration(uint64_t us, char *buf, size_t n);

/* Approximate, for stats/: 3 significant digits: "850us", "12.5ms",
 * "1.20s", "83.5s"; from 1000 s on, whole seconds ("12345s"). */
int units_format_duration_approx(uint64_t us, char *buf, size_t n);

/*
 * Plain counts (pids.max): a decimal integer, or "max" (UNITS_IS_MAX).
 */
int units_parse_count(const char *s, uint64_t *ret);

/*
 * Weights: an integer in [UNITS_WEIGHT_MIN, UNITS_WEIGHT_MAX] (outside is
 * -ERANGE), "default" (returns UNITS_WEIGHT_IS_DEFAULT, *ret = 100) or
 * "idle" (returns UNITS_WEIGHT_IS_IDLE, *ret untouched).
 */
#define UNITS_WEIGHT_IS_DEFAULT 1
#define UNITS_WEIGHT_IS_IDLE 2
int units_parse_weight(const char *s, uint64_t *ret);

/*
 * CPU / memory-node lists: "0-3,8", "0", "" (empty = inherit). Validated
 * (each range a <= b, numbers < 65536) and written back normalized with
 * whitespace removed. Returns the length of the normalized list.
 */
int units_parse_cpulist(const char *s, char *buf, size_t n);

/*
 * I/O device limits (io.max), one line: "DEV key=value ..." or "DEV max".
 * DEV is a token of [A-Za-z0-9:/._-] (resolved to MAJ:MIN by the caller).
 * Keys rbps wbps (sizes, no %), riops wiops (counts; suffix k/K = 1000,
 * M = 10^6, G = 10^9), each value may be "max". "DEV max" sets all four to
 * UNITS_MAX. Unknown keys, duplicates and no key at all are -EINVAL.
 */
enum { UNITS_IO_RBPS, UNITS_IO_WBPS, UNITS_IO_RIOPS, UNITS_IO_WIOPS, UNITS_IO_NKEYS };
extern const char *const units_io_keys[UNITS_IO_NKEYS]; /* "rbps", ... */

struct units_io_limit {
        char dev[64];
        unsigned set;                 /* bit k: key k was given */
        uint64_t v[UNITS_IO_NKEYS];   /* UNITS_MAX = max */
};
int units_parse_io_max_line(const char *s, struct units_io_limit *ret);

/* One line of the kernel's io.max: "8:0 rbps=max wbps=1048576 riops=max
 * wiops=1000" (no newline needed; extra keys are ignored). */
int units_parse_kernel_io_max(const char *line, unsigned *ret_major, unsigned *ret_minor,
                              uint64_t ret_v[UNITS_IO_NKEYS]);

/* "sda rbps=10M wbps=max riops=max wiops=1000": bps as exact sizes, iops
 * as plain integers, every key printed. */
int units_format_io_max_line(const char *dev, const uint64_t v[UNITS_IO_NKEYS], char *buf, size_t n);

/*
 * io.weight, one line: "N" (default weight; ret_dev[0] = 0), "DEV N" or
 * "DEV default" (returns UNITS_WEIGHT_IS_DEFAULT). N in 1..10000.
 */
int units_parse_io_weight_line(const char *s, char ret_dev[64], uint64_t *ret_weight);

/*
 * The line to write to the kernel's io.weight for one parsed line: kind and
 * weight are what units_parse_io_weight_line() returned; has_dev says the
 * line named a device, which the caller resolved to major:minor.
 *   no device:                  "default W"   (the cgroup's default weight)
 *   device, a weight:           "8:0 W"
 *   device, UNITS_WEIGHT_IS_DEFAULT: "8:0 default" (drops the device's own
 *                               weight; "8:0 100" would pin it instead)
 * -EINVAL for another kind, -ERANGE for a weight outside 1..10000.
 */
int units_format_kernel_io_weight(int kind, bool has_dev, unsigned major, unsigned minor, uint64_t weight,
                                  char *buf, size_t n);

/*
 * Readers of kernel text, for stats/ (pure, fuzzed like the rest).
 */
/* Flat keyed file ("usage_usec 123\nuser_usec 5\n"): the value of key. -ENOENT if absent. */
int units_kv_get(const char *text, const char *key, uint64_t *ret);
/* io.stat: the sum of "key=N" over all device lines (0 when no line). */
int units_io_stat_sum(const char *text, const char *key, uint64_t *ret);
/* PSI file: the "some" line's avg10, printed as "2.35%". -ENOENT if absent. */
int units_psi_some_avg10(const char *text, char *buf, size_t n);
