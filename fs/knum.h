/* SPDX-License-Identifier: MIT */
/*
 * knum: numbers as the kernel reads and prints them.
 *
 * PURE: no I/O, no FUSE, no globals. A daemon that hands a caller's bytes
 * to the kernel with its own rights must decide on exactly the number the
 * kernel would read from them, so this module reproduces the kernel's
 * grammar byte for byte (lib/kstrtox.c, lib/ctype.c, kernfs writes):
 *
 *   - a write to a cgroup file is at most 4096 bytes (more: E2BIG), the
 *     handler sees it as a C string (it ends at the first NUL byte), and
 *     strstrip() removes the kernel's white space at both ends: \t \n \v
 *     \f \r, space, and 0xa0 (Latin-1's no-break space, in the kernel's
 *     _ctype table);
 *   - kstrtoull(s, 0): one optional '+', then "0x"/"0X" followed by a hex
 *     digit means hex, a leading '0' octal, else decimal; digits until the
 *     first byte that is not one of the base; then at most one '\n' and
 *     the end. No digit: EINVAL; more than 64 bits: ERANGE.
 *   - kstrtoll: a leading '-' negates what kstrtoull reads without its
 *     '+' ("-+1" is EINVAL, "-0" is 0); kstrtoint: ERANGE outside int.
 *
 * Kernel and /proc output is read with parse_decimal(): digits only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The largest write a cgroup file takes (kernfs: one page on x86). */
#define KNUM_WRITE_MAX 4096

bool knum_isspace(unsigned char c);

/*
 * What a cgroup file's write handler sees of a write of len bytes at buf:
 * the bytes before the first NUL, stripped of white space at both ends.
 * Returns 0 and the slice, or -E2BIG when len > KNUM_WRITE_MAX.
 */
int knum_write_text(const char *buf, size_t len, const char **ret, size_t *ret_len);

/* kstrtoull(s, 0, ...) and kstrtoint(s, 0, ...) on the len bytes at s
 * (no NUL needed). Return 0, -EINVAL or -ERANGE; *ret untouched on failure. */
int knum_strtoull(const char *s, size_t len, unsigned long long *ret);
int knum_strtoint(const char *s, size_t len, int *ret);

/* Strict decimal: one or more digits and nothing else, value <= max. For
 * text the kernel printed (PIDs, ids); -EINVAL or -ERANGE otherwise. */
int parse_decimal(const char *s, size_t len, unsigned long long max, unsigned long long *ret);
