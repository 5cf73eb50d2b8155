/* SPDX-License-Identifier: MIT */
/*
 * view: the friendly files of limits/, effective/ and stats/ (SPEC
 * sections 3, 3.1 and 4).
 *
 * Each friendly file names its backing kernel file(s), a reader that turns
 * kernel text into one human value and, for limits/, a writer that parses a
 * human value (units.h) and writes the kernel's form. A friendly file exists
 * exactly while its backing kernel file does.
 *
 * Backing files are opened once, at open(), with the caller's credentials,
 * so the kernel judges the caller there; reads and writes then use those fds
 * as cgroupfs does with its own open files.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

enum view_dir { VIEW_LIMITS, VIEW_STATS, VIEW_EFFECTIVE };

struct view_file;

struct view_handle {
        const struct view_file *vf;
        char *cgroup;   /* the cgroup's path */
        char *name;     /* the friendly name ("hugetlb.2M") */
        int fd[2];      /* backing files, -1 when absent */
        char *text;     /* the value served to read(), made at offset 0 */
        size_t len;
};

/* The friendly file name in dir of cgroup, if it exists now. */
int view_lookup(enum view_dir dir, const char *cgroup, const char *name, const struct view_file **ret);

/* Call cb for each friendly file of dir that exists now. */
int view_list(enum view_dir dir, const char *cgroup, int (*cb)(void *userdata, const char *name),
              void *userdata);

/* Attributes: owner and times of the backing file; the backing file's
 * permission bits for limits/, 0444 for the read-only stats/ and effective/. */
int view_stat(const struct view_file *vf, const char *cgroup, const char *name, struct stat *ret);

int view_open(const struct view_file *vf, const char *cgroup, const char *name, int accmode,
              struct view_handle **ret);
/* Regenerate h->text from the kernel. */
int view_read(struct view_handle *h);
/* Apply one written value; returns size, or -EINVAL/-ERANGE/... (and logs why). */
int view_write(struct view_handle *h, const char *buf, size_t size);
void view_close(struct view_handle *h);

/* The friendly directory called name ("limits"), or -ENOENT. */
int view_dir_of(const char *name);
/* limits, stats, effective and self: names no cgroup may take through the view. */
bool view_is_reserved(const char *name);

/* A small number naming vf among the friendly files (< 0x80), for node ids. */
unsigned view_file_index(const struct view_file *vf);
/* The friendly file of index whose value is the kernel file kname ("memory.max"), and its name (to free); -ESTALE if none. */
int view_file_at(unsigned index, const char *kname, const struct view_file **ret_vf, char **ret_name);
