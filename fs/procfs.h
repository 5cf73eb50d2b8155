/* SPDX-License-Identifier: MIT */
/* procfs: the few facts cgview reads about a process from /proc/<pid>, one file read each. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * /proc/<pid>/task/<pid>/<file>, whole, NUL-terminated, in *ret (free it).
 * -ESRCH when there is no such process; otherwise the read's own errno
 * (the kernel gives ENAMETOOLONG for the cgroup file of a process whose
 * cgroup path does not fit in PATH_MAX), -EFBIG over 4 MiB, -ENOMEM.
 */
int procfs_read(pid_t pid, const char *file, char **ret);

/*
 * /proc/<pid>/status, as procfs_read, through a descriptor kept per pid: a
 * read from offset 0 makes the text anew, and a descriptor of a process
 * that ended reads ESRCH (it never shows another process that got the same
 * number: it is then opened again). Saves the open and close, a third of
 * the cost of the read every request makes.
 */
int procfs_read_status(pid_t pid, char **ret);

/* The plain decimal numbers after "\nKey:" in status text ("\nGroups:",
 * "\nNSpid:"), at most max of them: their count, -ENOENT without the key,
 * -EINVAL for anything but numbers separated by blanks. */
int procfs_numbers(const char *status, const char *key, unsigned long *ret, int max);

/* The hexadecimal number after "\nKey:" in status text ("\nCapEff:"): 0, -ENOENT, -EINVAL. */
int procfs_hex(const char *status, const char *key, uint64_t *ret);
