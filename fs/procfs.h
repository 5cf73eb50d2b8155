/* SPDX-License-Identifier: MIT */
/* procfs: the few facts cgview reads about a process from /proc/<pid>, one read each. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* /proc/<pid>/task/<pid>/<file>, whole (up to n - 1 bytes), NUL-terminated. -ESRCH: no such process. */
int procfs_read(pid_t pid, const char *file, char *buf, size_t n);

/* The numbers after "\nKey:" in status text ("\nGroups:", "\nNSpid:"), at most max of them. */
int procfs_numbers(const char *status, const char *key, unsigned long *ret, int max);
